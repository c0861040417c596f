"""Harness overhead per run on the sim device, and suite throughput with four sim devices against one.

Overhead = a run's wall time minus the time inside the scenario's steps: preparing the device,
starting the proxy, the observer, teardown and compaction (findings are computed once for the
suite by its report, as `consentry suite` does, so per-run analysis is off here; its time is
printed separately). Throughput is
runs per minute of the same job list on 1 device and on 4 devices, measured in the same process.
Goal: overhead <= 3 s per run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.run.apps import resolve_app, sample_apks  # noqa: E402
from harness.run.runner import RunOptions  # noqa: E402
from harness.run.suite import Job, run_suite  # noqa: E402
from harness.scenario.loader import parse_scenario  # noqa: E402
from harness.sim.server import SimDevice  # noqa: E402

SCENARIO = parse_scenario("name: bench\nsteps:\n  - launch\n  - consent: accept\n  - wait: 2\n", "bench")


def main() -> None:
    subprocess.run(["adb", "start-server"], capture_output=True, check=False)
    root = Path(tempfile.mkdtemp(prefix="consentry-bench-"))
    apps = sample_apks()
    sims = []
    try:
        for i in range(4):
            sim = SimDevice(root / f"sim{i}", apps=apps)
            sims.append(sim)
            serial = sim.start()
            subprocess.run(["adb", "connect", serial], capture_output=True, check=False)
        time.sleep(0.5)
        infos = [resolve_app(str(p)) for p in apps]
        jobs = [Job(app, SCENARIO) for app in infos] * 2
        figures = {}
        for n in (1, 4):
            out = root / f"runs-{n}"
            t = time.monotonic()
            results = run_suite(jobs, [s.serial for s in sims[:n]], RunOptions(out=out, analyse=False))
            wall = time.monotonic() - t
            overheads = [r.overhead_s for r in results]
            figures[n] = (len(results) / wall * 60, statistics.median(overheads), max(overheads),
                          sum(r.status == "complete" for r in results), len(results))
        for n, (rpm, med, worst, ok, total) in figures.items():
            print(f"{n} device(s): {rpm:6.1f} runs/min; overhead per run median {med:.2f}s, worst {worst:.2f}s; "
                  f"{ok}/{total} complete")
        print(f"throughput 4 devices vs 1: {figures[4][0]:.1f} vs {figures[1][0]:.1f} runs/min = "
              f"{figures[4][0] / figures[1][0]:.2f}x  (2 CPU cores)")
        print(f"overhead per run: {figures[1][1]:.2f}s median (goal <= 3 s)")
        from analysis import evaluate, open_runs

        t = time.monotonic()
        runs = open_runs(*sorted(p.parent for p in (root / "runs-1").glob("*/manifest.json")))
        found = evaluate(runs)
        print(f"findings for the {len(runs.manifests)} runs of 1 device, computed once: "
              f"{time.monotonic() - t:.2f}s ({len(found)} findings)")
    finally:
        for sim in sims:
            subprocess.run(["adb", "disconnect", sim.serial], capture_output=True, check=False)
            sim.stop()


if __name__ == "__main__":
    main()
