"""The farm through a real Dask scheduler and workers on loopback, each worker owning one sim device."""

import pytest

from harness.farm import set_device_pool, submit_jobs
from harness.run.apps import resolve_app, sample_apks
from harness.run.suite import Job
from harness.scenario.loader import parse_scenario

distributed = pytest.importorskip("distributed")


def test_two_workers_each_run_on_their_own_device(tmp_path, make_sim_device):
    sims = [make_sim_device(), make_sim_device()]
    scenario_file = tmp_path / "quick.yaml"
    scenario_file.write_text("name: quick\nsteps:\n  - launch\n  - wait: 1\n", encoding="utf-8")
    scenario = parse_scenario(scenario_file.read_text(), str(scenario_file))
    apps = [resolve_app(str(p)) for p in sample_apks()[:2]]
    jobs = [Job(app, scenario) for app in apps]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, resources={"emulator": 1}) as cluster, \
            distributed.Client(cluster) as client:
        workers = sorted(client.scheduler_info()["workers"])
        for addr, sim in zip(workers, sims, strict=True):
            assert client.run(set_device_pool, [sim.serial], workers=[addr])[addr] == 1
        results = submit_jobs(client, jobs, str(tmp_path / "runs"), time_scale=1.0)
    assert sorted(r["package"] for r in results) == sorted(a.package for a in apps)
    assert all(r["status"] == "complete" for r in results), results
    # The two runs ran concurrently on the two devices, one each.
    assert {r["serial"] for r in results} == {s.serial for s in sims}
    for r in results:
        assert (tmp_path / "runs" / r["run_id"] / "manifest.json").exists()
