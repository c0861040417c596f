"""Harness overhead per run on the sim device, and suite throughput with four sim devices against one.

Overhead = a run's wall time minus the time inside the scenario's steps: preparing the device,
starting the proxy, the observer, attaching the agent and gating the launch (their own phase,
`attach`), teardown and compaction (findings are computed once for the suite by its report, as
`consentry suite` does, so per-run analysis is off here; its time is printed separately).
Baseline: the same job list run bare (no proxy, no agent, no observer), so the ratio says what
the instrumentation costs a run. Throughput is runs per minute of the same job list on 1 device
and on 4 devices, measured in the same process. Correctness: every run complete, and each
instrumented run recorded API calls and flows.
Goals: overhead <= 3 s per run (median)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import Report  # noqa: E402

from harness.run.apps import resolve_app, sample_apks  # noqa: E402
from harness.run.runner import RunOptions  # noqa: E402
from harness.run.suite import Job, run_suite  # noqa: E402
from harness.scenario.loader import parse_scenario  # noqa: E402
from harness.sim.server import SimDevice  # noqa: E402

SCENARIO = parse_scenario("name: bench\nsteps:\n  - launch\n  - consent: accept\n  - wait: 2\n", "bench")


PHASES = ("prepare", "attach", "teardown", "compact")


def _agent_attached(run_dir: Path) -> bool:
    """The agent measured the device clock at attach (an `events` row of kind `clock`): some sample
    apps read nothing in this scenario, so API rows alone would not say the agent was there."""
    import pandas as pd

    events = run_dir / "events.parquet"
    return events.exists() and bool((pd.read_parquet(events, columns=["kind"])["kind"] == "clock").any())


def main() -> int:
    report = Report("run_overhead")
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
        bare = run_suite(jobs[:len(infos)], [sims[0].serial],
                         RunOptions(out=root / "runs-bare", analyse=False, instrument=False, capture=False,
                                    observe=False))
        figures, results_1 = {}, []
        for n in (1, 4):
            out = root / f"runs-{n}"
            t = time.monotonic()
            results = run_suite(jobs, [s.serial for s in sims[:n]], RunOptions(out=out, analyse=False))
            wall = time.monotonic() - t
            results_1 = results_1 or results
            overheads = [r.overhead_s for r in results]
            figures[n] = (len(results) / wall * 60, statistics.median(overheads), max(overheads),
                          sum(r.status == "complete" for r in results), len(results))
        for n, (rpm, med, worst, ok, total) in figures.items():
            print(f"{n} device(s): {rpm:6.1f} runs/min; overhead per run median {med:.2f}s, worst {worst:.2f}s; "
                  f"{ok}/{total} complete")
        phases = {ph: statistics.median((r.timings or {}).get(ph, 0.0) for r in results_1) for ph in PHASES}
        print("median phase times, 1 device: " + ", ".join(f"{k} {v:.2f}s" for k, v in phases.items()))
        bare_med = statistics.median(r.overhead_s for r in bare)
        print(f"bare runs (no proxy, agent, observer): overhead median {bare_med:.2f}s")
        from analysis import evaluate, open_runs

        t = time.monotonic()
        runs = open_runs(*sorted(p.parent for p in (root / "runs-1").glob("*/manifest.json")))
        found = evaluate(runs)
        print(f"findings for the {len(runs.manifests)} runs of 1 device, computed once: "
              f"{time.monotonic() - t:.2f}s ({len(found)} findings)")
        report.figure("harness overhead per run (median, 1 device)", figures[1][1], "s", baseline=bare_med,
                      baseline_name="bare run, no instrumentation", goal_max=3, lower_is_better=True)
        for ph in PHASES:
            report.figure(f"phase: {ph} (median)", phases[ph], "s")
        report.figure("throughput, 4 devices", figures[4][0], "runs/min", baseline=figures[1][0],
                      baseline_name="same jobs on 1 device")
        complete = all(f[3] == f[4] for f in figures.values()) and all(r.status == "complete" for r in bare)
        report.check("every run complete", complete,
                     f"{sum(f[3] for f in figures.values())}/{sum(f[4] for f in figures.values())}")
        done = [r for r in results_1 if r.status == "complete"]
        attached = sum(1 for r in done if _agent_attached(r.run_dir))
        report.check("the agent was attached in every complete instrumented run", attached == len(done) > 0,
                     f"{attached}/{len(done)} runs")
    finally:
        for sim in sims:
            subprocess.run(["adb", "disconnect", sim.serial], capture_output=True, check=False)
            sim.stop()
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
