"""A real farm on loopback: `dask scheduler`, `consentry farm worker` processes owning sim devices,
and `consentry farm` as users start it.

    def test_x(farm):
        a, b = farm.sims(2)
        farm.worker("w1", [a]); farm.worker("w2", [b]); farm.wait_workers("w1", "w2")
        suite = farm.suite(apps=3)
        proc = farm.client(suite, "--no-agent")
        assert proc.wait() == 0
        farm.assert_exactly_once(suite)

Tests synchronise on what the farm writes (attempt records, staged and published runs), never on
sleeps: `farm.wait_for(lambda: ..., "what")` polls a condition with a generous deadline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 150.0
QUICK_SCENARIO = "name: quick\nsteps:\n  - launch\n  - wait: 1\n"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def consentry(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli.main", *args]


class Farm:
    def __init__(self, tmp: Path, make_sim: Callable[..., Any]):
        self.tmp = tmp
        self.out = tmp / "out"
        self._make_sim = make_sim
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        sched_file = tmp / "scheduler.json"
        self.scheduler = self._spawn("scheduler", [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                                   "127.0.0.1", "--port", "0", "--no-dashboard",
                                                   "--dashboard-address", "127.0.0.1:0",
                                                   "--scheduler-file", str(sched_file)])
        self.wait_for(lambda: sched_file.exists() and json.loads(sched_file.read_text() or "{}").get("address"),
                      "the dask scheduler's address")
        self.address = json.loads(sched_file.read_text())["address"]
        from distributed import Client

        self.watch = Client(self.address, timeout=60)

    # processes -----------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**_env(), **env},
                                cwd=ROOT, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        attempts = "\n".join(json.dumps(r) for r in self.attempts())
        return "\n".join(f"--- {n}\n{self.log(n)[-3000:]}" for n in self.procs) + f"\n--- attempts\n{attempts}"

    def sims(self, n: int) -> list[Any]:
        return [self._make_sim() for _ in range(n)]

    def worker(self, name: str, sims: list[Any], *extra: str) -> subprocess.Popen[bytes]:
        return self._spawn(name, consentry("farm", "worker", "--scheduler", self.address, "--name", name,
                                           "--host", "127.0.0.1", "--devices", ",".join(s.serial for s in sims),
                                           *extra))

    def plain_dask_worker(self, name: str, sims: list[Any]) -> subprocess.Popen[bytes]:
        """A `dask worker` launched by hand, as docs/farm.md shows: devices from CONSENTRY_DEVICES."""
        return self._spawn(name, [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--name", name,
                                  "--nthreads", str(len(sims)), "--resources", f"emulator={len(sims)}",
                                  "--host", "127.0.0.1", "--no-nanny", "--no-dashboard"],
                           CONSENTRY_DEVICES=",".join(s.serial for s in sims))

    def workers_now(self) -> dict[str, dict[str, Any]]:
        """name -> scheduler's view of the worker."""
        info = self.watch.scheduler_info(n_workers=-1)["workers"]
        return {str(w.get("name")): w for w in info.values()}

    def wait_workers(self, *names: str) -> None:
        def ready() -> bool:
            for name in names:
                proc = self.procs[name]
                if proc.poll() is not None:
                    raise AssertionError(f"worker {name} exited {proc.returncode}:\n{self.log(name)[-3000:]}")
            return set(names) <= set(self.workers_now())
        self.wait_for(ready, f"workers {names} registered")

    def client(self, suite: Path, *extra: str, name: str = "client") -> subprocess.Popen[bytes]:
        return self._spawn(name, consentry("farm", str(suite), "--scheduler", self.address, "--out", str(self.out),
                                           *extra))

    def finish(self, proc: subprocess.Popen[bytes], name: str = "client") -> int:
        try:
            return proc.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(f"{name} did not finish\n{self.logs()}") from None

    def kill(self, name: str, sig: signal.Signals) -> None:
        proc = self.procs[name]
        proc.send_signal(sig)
        proc.wait(timeout=60)

    def close(self) -> None:
        try:
            self.watch.close()
        finally:
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)

    # inputs and observations ------------------------------------------------------------------
    def suite(self, apps: int, scenario: str = QUICK_SCENARIO, name: str = "farm-test") -> Path:
        from harness.run.apps import sample_apks

        (self.tmp / "quick.yaml").write_text(scenario, encoding="utf-8")
        paths = [str(p) for p in sample_apks()[:apps]]
        suite = self.tmp / "suite.yaml"
        suite.write_text(json.dumps({"name": name, "apps": paths, "scenarios": ["quick.yaml"]}), encoding="utf-8")
        return suite

    def wait_for(self, condition: Callable[[], Any], what: str, timeout: float = DEADLINE_S) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(0.05)

    def attempts(self) -> list[dict[str, Any]]:
        records = []
        for path in sorted((self.out / "_attempts").glob("*/*.json")):
            try:
                records.append(json.loads(path.read_text()))
            except ValueError:  # being rewritten: read again at the next poll
                continue
        return records

    def staged_run_on(self, worker: str) -> dict[str, Any] | None:
        """An attempt of `worker` whose run directory exists (the run is under way)."""
        for rec in self.attempts():
            if rec.get("worker") == worker and rec.get("outcome") == "running":
                staged = self.out / "_staging" / rec["attempt_id"] / rec["job_key"]
                if any(staged.glob("*/manifest.json")):
                    return rec
        return None

    def published_by(self, worker: str) -> list[dict[str, Any]]:
        return [r for r in self.attempts() if r.get("worker") == worker and r.get("outcome") == "published"]

    def assert_exactly_once(self, suite: Path) -> dict[str, dict[str, Any]]:
        """The published set is exactly the suite's jobs, each once and complete; analysis sees
        exactly those runs. Returns job key -> published manifest."""
        from analysis.load import find_run_dirs
        from harness.farm.jobs import build_jobs

        jobs, _, _ = build_jobs(str(suite))
        expected = {j.job_key for j in jobs}
        runs = self.out / "runs"
        published = {p.name for p in runs.iterdir() if p.is_dir()}
        assert published == expected, f"published {sorted(published)} != suite jobs {sorted(expected)}"
        manifests = {}
        for key in expected:
            run_dirs = [p.parent for p in (runs / key).glob("*/manifest.json")]
            assert len(run_dirs) == 1, f"{key}: {run_dirs}"
            manifest = json.loads((run_dirs[0] / "manifest.json").read_text())
            assert manifest["farm"]["job_key"] == key
            assert manifest["status"] == "complete", manifest
            manifests[key] = manifest
        seen = find_run_dirs([self.out])
        assert sorted(seen) == sorted(p.resolve() for k in expected for p in (runs / k).iterdir()), seen
        # No attempt claims a result other than the published one (an attempt killed between its
        # rename and its record's update may stay `publishing`: it then is the published one).
        for rec in self.attempts():
            if rec.get("outcome") == "published":
                assert manifests[rec["job_key"]]["farm"]["attempt_id"] == rec["attempt_id"], rec
            elif rec.get("outcome") == "publishing" and rec["job_key"] in manifests:
                staged = self.out / "_staging" / rec["attempt_id"]
                assert (manifests[rec["job_key"]]["farm"]["attempt_id"] == rec["attempt_id"]
                        or any(staged.glob("*/*/manifest.json"))), rec
        return manifests


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`farm_long` tests (more kill variants of the same invariants) run only when asked for:
    `-m farm_long` or CONSENTRY_FARM_LONG=1; the default set keeps CI within its time budget."""
    wanted = "farm_long" in (config.getoption("-m") or "") or os.environ.get("CONSENTRY_FARM_LONG") == "1"
    skip = pytest.mark.skip(reason="a longer farm variant: run with -m farm_long or CONSENTRY_FARM_LONG=1")
    for item in items:
        if "farm_long" in item.keywords and not wanted:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "farm_long: longer farm kill variants, run on request")


@pytest.fixture
def farm(tmp_path: Path, make_sim_device: Callable[..., Any]) -> Iterator[Farm]:
    f = Farm(tmp_path, make_sim_device)
    try:
        yield f
    finally:
        f.close()
