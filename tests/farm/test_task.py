"""One attempt on a worker, run in-process on real sim devices: a published job is not run again,
and a second run of the same job that finishes anyway is kept aside, not published."""

from __future__ import annotations

import json
import threading

from harness.farm.jobs import build_jobs
from harness.farm.layout import FarmOut
from harness.farm.pool import set_device_pool
from harness.farm.task import RunSettings, run_job

FAST = RunSettings(time_scale=1.0, instrument=False, capture=False, analyse=False)


def _one_job(tmp_path):
    from harness.run.apps import sample_apks

    (tmp_path / "quick.yaml").write_text("name: quick\nsteps:\n  - launch\n  - wait: 1\n")
    suite = tmp_path / "suite.yaml"
    suite.write_text(json.dumps({"name": "t", "apps": [str(sample_apks()[0])], "scenarios": ["quick.yaml"]}))
    jobs, _, _ = build_jobs(str(suite))
    return jobs[0]


def test_two_attempts_at_once_publish_one_run_and_keep_the_other_aside(tmp_path, make_sim_device):
    a, b = make_sim_device(), make_sim_device()
    set_device_pool([a.serial, b.serial])
    job = _one_job(tmp_path)
    out = tmp_path / "out"
    barrier = threading.Barrier(2)
    outcomes: list[dict] = []

    def attempt() -> None:
        barrier.wait()
        outcomes.append(run_job(job, str(out), FAST))

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert sorted(o["outcome"] for o in outcomes) == ["duplicate", "published"], outcomes
    farm = FarmOut(out)
    published = farm.published_run(job.job_key)
    assert published is not None and published.manifest["status"] == "complete"
    [dup] = farm.duplicates()
    assert json.loads((dup / "manifest.json").read_text())["farm"]["attempts"][-1]["outcome"] == "duplicate"
    assert {o["device"] for o in outcomes} == {a.serial, b.serial}

    # The job is published: whoever picks it up again does not run it.
    before = len(farm.attempts(job.job_key))
    again = run_job(job, str(out), FAST)
    assert again["outcome"] == "already" and again["run_id"] == published.manifest["run_id"]
    assert len(farm.attempts(job.job_key)) == before
