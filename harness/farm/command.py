"""`consentry farm SUITE`: a suite on a Dask cluster, as `consentry suite` runs one on one host:
live progress, a summary table, the reports, and the same exit codes. Resumable: started again
with the same `--out`, it runs only the jobs that have no published run."""

from __future__ import annotations

import time
from pathlib import Path

from rich.live import Live

from harness.errors import DeviceError, InputError
from harness.farm.display import LiveView, summary_table
from harness.farm.drive import FarmResult, FarmState, run_farm
from harness.farm.jobs import build_jobs
from harness.farm.layout import FarmOut
from harness.farm.task import RunSettings
from harness.run.gate import EXIT_FINDINGS, EXIT_INFRA, EXIT_OK, matched_findings
from harness.run.orchestrate import console, write_report


def local_out(out: str) -> Path:
    """The output folder. Publishing relies on an atomic directory rename, so `--out` is a local
    folder (on a filesystem every worker mounts, when workers run on other hosts)."""
    if out.startswith("file://"):
        return Path(out[len("file://"):])
    if "://" in out:
        raise InputError("the farm publishes runs with an atomic rename: give a local folder, or a shared "
                         "filesystem mounted at the same path on every worker", source="--out", where=out)
    return Path(out)


def farm_suite(suite: str, scheduler: str, out: str, *, time_scale: float | None = None, repeat: int = 1,
               max_attempts: int = 3, instrument: bool = True, capture: bool = True, report: bool = True,
               fail_on: str | None = None, connect_timeout: float = 30) -> int:
    from distributed import Client

    if max_attempts < 1:
        raise InputError("must be at least 1", source="--max-attempts")
    folder = local_out(out)
    jobs, suite_scale, _ = build_jobs(suite, repeat)
    folder.mkdir(parents=True, exist_ok=True)
    settings = RunSettings(time_scale=time_scale or suite_scale, instrument=instrument, capture=capture,
                           analyse=not report)
    started = time.monotonic()
    try:
        client = Client(scheduler, timeout=connect_timeout)
    except OSError as exc:
        raise DeviceError(f"no Dask scheduler answered at {scheduler}: {exc}") from None
    with client:
        dashboard = _dashboard(client)
        workers = client.scheduler_info(n_workers=-1)["workers"]
        console.print(f"farm: {len(jobs)} jobs, scheduler {scheduler}, {len(workers)} workers with "
                      f"{sum(w.get('resources', {}).get('emulator', 0) for w in workers.values()):g} devices"
                      + (f", dashboard {dashboard}" if dashboard else ""))
        state = FarmState(total=len(jobs))
        with Live(LiveView(state), console=console, refresh_per_second=4, transient=False):
            result = run_farm(client, jobs, folder, settings, max_attempts=max_attempts, state=state)
    return _finish(result, folder, report, fail_on, time.monotonic() - started)


def _dashboard(client: object) -> str | None:
    """The scheduler's dashboard address, when it serves one. The scheduler's HTTP service runs
    without bokeh too (health and metrics only), so the page itself is asked for."""
    import urllib.error
    import urllib.request

    try:
        if "dashboard" not in client.scheduler_info()["services"]:  # type: ignore[attr-defined]
            return None
        link = str(client.dashboard_link)  # type: ignore[attr-defined]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(link, timeout=3) as reply:
            return link if reply.status == 200 else None
    except (OSError, urllib.error.URLError, KeyError, ValueError):
        return None


def _finish(result: FarmResult, folder: Path, report: bool, fail_on: str | None, elapsed: float) -> int:
    run_dirs = result.run_dirs()
    html = write_report(run_dirs, folder, fail_on) if report and run_dirs else None
    console.print(summary_table(result))
    state = result.state
    duplicates = FarmOut(folder).duplicates()
    if duplicates:
        console.print(f"[yellow]{len(duplicates)} second run(s) of published jobs kept aside[/] (not in the results): "
                      + ", ".join(str(p.relative_to(folder)) for p in duplicates))
    for where, why in sorted(state.dropped.items()):
        console.print(f"[red]device taken out of its worker's pool[/]: {where}: {why}")
    if html:
        console.print(f"report: {html}")
    console.print(f"{len(result.published)}/{len(result.jobs)} jobs published ({state.skipped} before this start, "
                  f"{state.retried} retried) in {elapsed:.0f}s; runs in {folder / 'runs'}")
    if len(result.published) < len(result.jobs) or any(
            p.manifest.get("status") != "complete" for p in result.published.values()):
        return EXIT_INFRA
    return EXIT_FINDINGS if matched_findings(run_dirs, fail_on) else EXIT_OK
