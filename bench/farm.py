"""Farm throughput: runs per minute on 1, 2 and 4 sim devices split over 2 `consentry farm worker`
processes (one real `dask scheduler` on loopback), against `consentry suite`'s runner on one host
with the same devices and the same job list, measured in the same process.

The baseline is the strongest simple one: the suite runner already runs one job per device in
parallel, with no scheduler, no serialisation and no publishing step. The farm must not cost much
over it: goal farm >= 0.8 x suite runs/min at every device count. Correctness is checked too: every
farm job published exactly once and complete, every suite run complete.

    python bench/farm.py [--jobs 8] [--no-agent] [--no-proxy]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.farm.drive import run_farm  # noqa: E402
from harness.farm.jobs import build_jobs  # noqa: E402
from harness.farm.layout import FarmOut  # noqa: E402
from harness.farm.task import RunSettings  # noqa: E402
from harness.run.apps import resolve_app, sample_apks  # noqa: E402
from harness.run.runner import RunOptions  # noqa: E402
from harness.run.suite import Job, run_suite  # noqa: E402
from harness.scenario.loader import resolve_scenario  # noqa: E402
from harness.sim.server import SimDevice  # noqa: E402

GOAL_RATIO = 0.8
SCENARIO = "name: bench\nsteps:\n  - launch\n  - consent: accept\n  - wait: 2\n"


def _spawn(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "ab") as f:
        return subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                cwd=ROOT, start_new_session=True)


def _wait(condition, what: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: timed out waiting for {what}")
        time.sleep(0.05)


def farm_rpm(client, scheduler: str, serials: list[str], suite: Path, root: Path,  # type: ignore[no-untyped-def]
             settings: RunSettings) -> tuple[float, str]:
    """Runs/min of the suite on 2 workers sharing `serials`; (figure, correctness problem or '')."""
    halves = [serials[: (len(serials) + 1) // 2], serials[(len(serials) + 1) // 2:]]
    names = [f"w{i}-{len(serials)}" for i, part in enumerate(halves) if part]
    workers = [_spawn([sys.executable, "-m", "harness.cli.main", "farm", "worker", "--scheduler", scheduler,
                       "--name", name, "--host", "127.0.0.1", "--devices", ",".join(part)], root / f"{name}.log")
               for name, part in zip(names, halves, strict=False)]
    try:
        _wait(lambda: set(names) <= {str(w.get("name")) for w in client.scheduler_info(n_workers=-1)["workers"]
                                     .values()}, f"workers {names}")
        jobs, _, _ = build_jobs(str(suite))
        out = root / f"farm-{len(serials)}"
        started = time.monotonic()
        result = run_farm(client, jobs, out, settings)
        wall = time.monotonic() - started
    finally:
        for w in workers:
            w.terminate()
            w.wait(timeout=60)
    published = {p.job_key: p for p in FarmOut(out).published()}
    problem = ""
    if set(published) != {j.job_key for j in jobs}:
        problem = f"published {len(published)} of {len(jobs)} jobs"
    elif any(p.manifest.get("status") != "complete" for p in published.values()):
        problem = "a published run is not complete"
    elif result.state.duplicates:
        problem = f"{result.state.duplicates} duplicate runs on a farm where no worker died"
    if result.state.retried:
        print(f"  ({result.state.retried} attempt(s) retried on {len(serials)} device(s))", flush=True)
    return len(jobs) / wall * 60, problem


def suite_rpm(serials: list[str], suite_jobs: list[Job], root: Path, settings: RunSettings) -> tuple[float, str]:
    options = RunOptions(out=root / f"suite-{len(serials)}", time_scale=settings.time_scale,
                         instrument=settings.instrument, capture=settings.capture, analyse=settings.analyse)
    started = time.monotonic()
    results = run_suite(suite_jobs, serials, options)
    wall = time.monotonic() - started
    bad = sum(r.status != "complete" for r in results)
    problem = f"{bad} suite runs not complete" if bad else ("" if len(results) == len(suite_jobs) else "runs lost")
    return len(results) / wall * 60, problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=8, help="apps in the suite (sample apps, one scenario)")
    parser.add_argument("--no-agent", action="store_true")
    parser.add_argument("--no-proxy", action="store_true")
    args = parser.parse_args()
    from distributed import Client

    subprocess.run(["adb", "start-server"], capture_output=True, check=False)
    root = Path(tempfile.mkdtemp(prefix="consentry-bench-farm-"))
    apks = sample_apks()
    chosen = [apks[i % len(apks)] for i in range(min(args.jobs, len(apks)))]
    (root / "bench.yaml").write_text(SCENARIO, encoding="utf-8")
    suite = root / "suite.yaml"
    suite.write_text(json.dumps({"name": "bench-farm", "apps": [str(p) for p in chosen],
                                 "scenarios": ["bench.yaml"]}), encoding="utf-8")
    settings = RunSettings(time_scale=1.0, instrument=not args.no_agent, capture=not args.no_proxy, analyse=False)
    scenario = resolve_scenario(str(root / "bench.yaml"))
    suite_jobs = [Job(resolve_app(str(p)), scenario) for p in chosen]
    sims: list[SimDevice] = []
    sched_file = root / "scheduler.json"
    scheduler = _spawn([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                        "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(sched_file)],
                       root / "scheduler.log")
    figures: dict[int, tuple[float, float]] = {}
    problems: list[str] = []
    try:
        for i in range(4):
            sim = SimDevice(root / f"sim{i}", apps=apks)
            sims.append(sim)
            serial = sim.start()
            _wait(lambda s=serial: "connected" in subprocess.run(["adb", "connect", s], capture_output=True,
                                                                 text=True).stdout, f"adb connect {serial}")
        serials = [s.serial for s in sims]
        _wait(lambda: sched_file.exists() and sched_file.stat().st_size > 0, "the dask scheduler")
        address = json.loads(sched_file.read_text())["address"]
        with Client(address, timeout=60) as client:
            for n in (1, 2, 4):
                farm, p1 = farm_rpm(client, address, serials[:n], suite, root, settings)
                base, p2 = suite_rpm(serials[:n], suite_jobs, root, settings)
                figures[n] = (farm, base)
                problems += [f"{n} device(s): {p}" for p in (p1, p2) if p]
                print(f"{n} device(s): farm {farm:6.1f} runs/min   suite {base:6.1f} runs/min   "
                      f"farm/suite {farm / base:.2f}", flush=True)
    finally:
        scheduler.terminate()
        for sim in sims:
            subprocess.run(["adb", "disconnect", sim.serial], capture_output=True, check=False)
            sim.stop()
    print(f"{len(chosen)} jobs per measurement; agent {'off' if args.no_agent else 'on'}, proxy "
          f"{'off' if args.no_proxy else 'on'}; farm = 2 workers (1 device: one worker); {os.cpu_count()} CPU cores")
    missed = [n for n, (farm, base) in figures.items() if farm < GOAL_RATIO * base]
    for p in problems:
        print(f"FAILED correctness: {p}")
    if missed:
        print(f"FAILED goal: farm >= {GOAL_RATIO} x suite runs/min at {missed} device(s)")
    else:
        print(f"goal met: farm >= {GOAL_RATIO} x suite runs/min at 1, 2 and 4 devices")
    return 1 if missed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
