"""Job keys name what is asked (suite, app, scenario, repetition), never who runs it."""

import json

import pytest

from harness.errors import InputError
from harness.farm.jobs import build_jobs, job_key


def test_key_is_stable_and_changes_with_each_part():
    base = job_key("s", "a" * 64, "b" * 64, 0, package="com.x", scenario="baseline")
    assert base == job_key("s", "a" * 64, "b" * 64, 0, package="com.x", scenario="baseline")
    assert base.startswith("com.x-baseline-r0-")
    others = {job_key("t", "a" * 64, "b" * 64, 0), job_key("s", "c" * 64, "b" * 64, 0),
              job_key("s", "a" * 64, "c" * 64, 0), job_key("s", "a" * 64, "b" * 64, 1)}
    assert len({k.rsplit("-", 1)[1] for k in others} | {base.rsplit("-", 1)[1]}) == 5
    assert not job_key("s", "a", "b", 0, package="_x", scenario=".y").startswith(("_", "."))


def test_suite_jobs_apps_times_scenarios_times_repeat(tmp_path):
    from harness.run.apps import sample_apks

    apks = [str(p) for p in sample_apks()[:2]]
    suite = tmp_path / "s.yaml"
    suite.write_text(json.dumps({"name": "s", "apps": apks, "scenarios": ["baseline", "refuse"]}))
    jobs, scale, name = build_jobs(str(suite), repeat=2)
    assert name == "s" and scale == 1.0 and len(jobs) == 2 * 2 * 2
    assert len({j.job_key for j in jobs}) == 8
    again, _, _ = build_jobs(str(suite), repeat=2)
    assert [j.job_key for j in again] == [j.job_key for j in jobs]


def test_installed_package_names_are_refused_with_the_suite_named(tmp_path):
    suite = tmp_path / "s.yaml"
    suite.write_text(json.dumps({"name": "s", "apps": ["com.installed.app"], "scenarios": ["baseline"]}))
    with pytest.raises(InputError, match="not an APK file"):
        build_jobs(str(suite))
