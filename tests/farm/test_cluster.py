"""The farm through the real thing: a `dask scheduler`, `consentry farm worker` processes owning sim
devices, and `consentry farm`, with workers, devices and the client killed at chosen moments.
Each test ends by checking that the published set is exactly the suite's jobs, each once."""

from __future__ import annotations

import signal

import pandas as pd
import pytest

FAST = ("--no-agent", "--no-proxy", "--no-report")


def test_full_runs_on_two_workers_publish_each_job_once_and_a_restart_does_nothing(farm):
    """The whole pipeline (agent, proxy, findings, reports) on a `consentry farm worker` and on a
    plain `dask worker` that takes its devices from CONSENTRY_DEVICES."""
    a, b = farm.sims(2)
    farm.worker("w1", [a])
    farm.plain_dask_worker("w2", [b])
    farm.wait_workers("w1", "w2")
    suite = farm.suite(apps=2)
    assert farm.finish(farm.client(suite)) == 0, farm.log("client")
    manifests = farm.assert_exactly_once(suite)
    assert {m["device"]["serial"] for m in manifests.values()} == {a.serial, b.serial}
    assert all(len(m["farm"]["attempts"]) == 1 for m in manifests.values())
    for key, m in manifests.items():  # the agent and the proxy ran on both workers
        kinds = set(pd.read_parquet(farm.out / "runs" / key / m["run_id"] / "events.parquet")["kind"].astype(str))
        assert {"agent:ready", "proxy:started"} <= kinds, (key, kinds)
    log = farm.log("client")
    assert "consentry farm" in log and "report:" in log  # the summary table, then the reports
    assert (farm.out / "report" / "report.json").exists()
    # Started again with the same --out: everything is published, nothing runs.
    before = len(farm.attempts())
    assert farm.finish(farm.client(suite, *FAST, name="again"), "again") == 0, farm.log("again")
    assert len(farm.attempts()) == before
    assert "2 before this start" in farm.log("again")
    farm.assert_exactly_once(suite)


def _two_workers(farm):
    a, b = farm.sims(2)
    farm.worker("w1", [a])
    farm.worker("w2", [b])
    farm.wait_workers("w1", "w2")
    return a, b


WAIT3 = "name: quick\nsteps:\n  - launch\n  - wait: 2\n"


@pytest.mark.parametrize("sig", [signal.SIGKILL, pytest.param(signal.SIGTERM, marks=pytest.mark.farm_long)],
                         ids=["SIGKILL", "SIGTERM"])
def test_worker_killed_mid_run(farm, sig):
    _two_workers(farm)
    suite = farm.suite(apps=3, scenario=WAIT3)
    client = farm.client(suite, *FAST)
    victim = farm.wait_for(lambda: farm.staged_run_on("w1"), "a run under way on w1")
    farm.kill("w1", sig)
    assert farm.finish(client) == 0, farm.log("client")
    manifests = farm.assert_exactly_once(suite)
    history = manifests[victim["job_key"]]["farm"]["attempts"]
    lost = [a for a in history if a["attempt_id"] == victim["attempt_id"]]
    assert lost and lost[0]["outcome"] == "no-result", history
    if sig == signal.SIGTERM:
        assert "stopped by SIGTERM" in lost[0]["reason"]
    assert history[-1]["outcome"] == "published" and history[-1]["worker"] == "w2"


@pytest.mark.parametrize("sig", [pytest.param(signal.SIGKILL, marks=pytest.mark.farm_long), signal.SIGTERM],
                         ids=["SIGKILL", "SIGTERM"])
def test_worker_killed_after_publishing(farm, sig):
    _two_workers(farm)
    suite = farm.suite(apps=3)
    client = farm.client(suite, *FAST)
    done = farm.wait_for(lambda: farm.published_by("w1"), "a run published by w1")
    farm.kill("w1", sig)
    assert farm.finish(client) == 0, farm.log("client")
    manifests = farm.assert_exactly_once(suite)
    # What w1 published stays as it was: not run again.
    for rec in done:
        assert manifests[rec["job_key"]]["farm"]["attempt_id"] == rec["attempt_id"]


def test_device_stopped_mid_run_is_retried_elsewhere_and_leaves_the_pool(farm):
    a, _ = _two_workers(farm)
    suite = farm.suite(apps=3, scenario=WAIT3)
    client = farm.client(suite, *FAST)
    victim = farm.wait_for(lambda: farm.staged_run_on("w1"), "a run under way on w1's device")
    a.adb_cli("disconnect", a.serial)
    a.device.stop()
    assert farm.finish(client) == 0, farm.log("client")
    manifests = farm.assert_exactly_once(suite)
    first, *_, last = manifests[victim["job_key"]]["farm"]["attempts"]
    assert first["attempt_id"] == victim["attempt_id"] and first["outcome"] == "retry", first
    assert "went away" in first["reason"] or "unusable" in first["reason"], first
    assert last["outcome"] == "published" and last["worker"] == "w2"
    kept = farm.out / "_attempts" / victim["job_key"] / victim["attempt_id"]
    assert list(kept.glob("*/manifest.json")), "the failed attempt's run is kept aside as evidence"
    # Whether w1 is handed a second job while its only device is gone is the scheduler's choice
    # (under load w2 may take them all). The attempt records say which happened, and the client's
    # report must agree: two failures in a row on the device take it out of the pool, one does not
    # (the rule itself: tests/farm/test_pool.py).
    on_a = sorted((r for r in farm.attempts() if r.get("device") == a.serial), key=lambda r: r["started"])
    failed_twice = len(on_a) >= 2 and all(r["outcome"] == "retry" for r in on_a[-2:])
    reported = "taken out of its worker's pool" in farm.log("client") and a.serial in farm.log("client")
    assert reported == failed_twice, (on_a, farm.log("client"))
    assert not any(m["device"]["serial"] == a.serial and m["farm"]["attempt_id"] == victim["attempt_id"]
                   for m in manifests.values())


@pytest.mark.parametrize("sig", [signal.SIGKILL, pytest.param(signal.SIGTERM, marks=pytest.mark.farm_long)],
                         ids=["SIGKILL", "SIGTERM"])
def test_client_restarted_mid_suite_does_only_what_is_left(farm, sig):
    _two_workers(farm)
    suite = farm.suite(apps=3)
    first = farm.client(suite, *FAST, name="first")
    farm.wait_for(lambda: [r for r in farm.attempts() if r.get("outcome") == "published"], "a first published run")
    farm.kill("first", sig)
    # SIGTERM: the client unwinds and says it was interrupted (exit 3, as for `suite`).
    assert first.returncode == (3 if sig == signal.SIGTERM else -signal.SIGKILL), farm.log("first")
    published_before = {p.name for p in (farm.out / "runs").iterdir()}
    assert farm.finish(farm.client(suite, *FAST, name="second"), "second") == 0, farm.log("second")
    manifests = farm.assert_exactly_once(suite)
    for key in published_before:  # not run again
        assert sum(r["job_key"] == key for r in farm.attempts() if r.get("outcome") == "published") == 1
        assert len([r for r in farm.attempts() if r["job_key"] == key]) == 1, key
    assert len(manifests) == 3
