"""The farm through the real thing: a `dask scheduler`, `consentry farm worker` processes owning sim
devices, and `consentry farm`, with workers, devices and the client killed at chosen moments.
Each test ends by checking that the published set is exactly the suite's jobs, each once."""

from __future__ import annotations

import json
import signal

FAST = ("--no-agent", "--no-proxy", "--no-report")


def test_two_workers_publish_each_job_once_and_a_restart_does_nothing(farm):
    a, b = farm.sims(2)
    farm.worker("w1", [a])
    farm.worker("w2", [b])
    farm.wait_workers("w1", "w2")
    suite = farm.suite(apps=3)
    assert farm.finish(farm.client(suite, *FAST)) == 0, farm.log("client")
    manifests = farm.assert_exactly_once(suite)
    assert {m["device"]["serial"] for m in manifests.values()} == {a.serial, b.serial}
    assert all(len(m["farm"]["attempts"]) == 1 for m in manifests.values())
    assert "consentry farm" in farm.log("client")  # the summary table
    # Started again with the same --out: everything is published, nothing runs.
    before = len(farm.attempts())
    assert farm.finish(farm.client(suite, *FAST, name="again"), "again") == 0, farm.log("again")
    assert len(farm.attempts()) == before
    assert "3 before this start" in farm.log("again")
    farm.assert_exactly_once(suite)
