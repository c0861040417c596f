"""A suite as users run it: resolve apps and scenarios, run across devices with a live progress
display, print a summary table, write the reports, and return the exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.device import connect_device, list_devices
from harness.errors import InputError
from harness.run.apps import expand_app_refs, resolve_app
from harness.run.gate import EXIT_FINDINGS, EXIT_INFRA, EXIT_OK, matched_findings
from harness.run.runner import RunOptions, RunResult
from harness.run.suite import Job, run_suite
from harness.scenario import load_suite, resolve_scenario

# Logs and CI have no terminal width: keep the summary readable there too.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


def parse_devices(devices: str) -> list[str]:
    serials = list_devices() if devices == "all" else [s.strip() for s in devices.split(",") if s.strip()]
    if not serials:
        raise InputError("no device: attach one, start a sim device (`consentry sim start`), or name --devices")
    return serials


def build_jobs(suite_path: str, first_serial: str) -> tuple[list[Job], float]:
    suite = load_suite(suite_path)
    base = Path(suite.source).parent if suite.source else None
    device = None
    apps = []
    for ref in expand_app_refs(list(suite.apps), base):
        if not Path(ref).exists() and device is None:
            device = connect_device(first_serial)
        apps.append(resolve_app(ref, device))
    if not apps:
        raise InputError("the suite names no apps", source=suite.source)
    scenarios = [resolve_scenario(name, base) for name in suite.scenarios]
    return [Job(app, sc) for sc in scenarios for app in apps], suite.time_scale


def _findings_count(r: RunResult) -> str:
    if r.findings is not None:
        return str(r.findings)
    path = r.run_dir / "findings.parquet"
    if not path.exists():
        return "?"
    import pyarrow.parquet as pq

    return str(pq.read_metadata(path).num_rows)


def summary_table(results: list[RunResult]) -> Table:
    table = Table(title="consentry suite", show_lines=False)
    for col in ("app", "scenario", "device", "status", "findings", "seconds"):
        table.add_column(col, overflow="fold")
    for r in sorted(results, key=lambda r: (r.package, r.scenario)):
        style = {"complete": "green", "incomplete": "yellow"}.get(r.status, "red")
        table.add_row(r.package, r.scenario, r.serial, f"[{style}]{r.status}[/]",
                      _findings_count(r), f"{r.duration_s:.1f}")
    return table


def run_jobs_with_progress(jobs: list[Job], serials: list[str], options: RunOptions) -> list[RunResult]:
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[current]}"), console=console) as progress:
        task = progress.add_task("runs", total=len(jobs), current="")
        active: dict[str, str] = {}

        def on_event(kind: str, serial: str, job: Job, result: RunResult | None) -> None:
            if kind == "start":
                active[serial] = f"{job.app.package}/{job.scenario.name}"
            elif kind in ("done", "skip", "lost"):
                active.pop(serial, None)
                if kind != "lost":
                    progress.advance(task)
            progress.update(task, current=" | ".join(f"{s}: {a}" for s, a in active.items()))

        return run_suite(jobs, serials, options, on_event=on_event)


def write_report(run_dirs: list[Path], out: Path, fail_on: str | None) -> Path:
    """All four reports into OUT/report; returns the HTML file's path."""
    from analysis.report import write_reports

    result = write_reports(run_dirs, out / "report", ("html", "xlsx", "json", "junit"), fail_on=fail_on)
    return result.files["html"]


def run_suite_file(suite: str, devices: str, out: Path, *, time_scale: float | None = None, report: bool = True,
                   fail_on: str | None = None) -> int:
    serials = parse_devices(devices)
    jobs, suite_scale = build_jobs(suite, serials[0])
    # With a report, findings are computed once for all runs by the report (which writes each
    # run's findings.parquet), not once per run.
    options = RunOptions(out=out / "runs" if report else out, time_scale=time_scale or suite_scale,
                         analyse=not report)
    started = time.monotonic()
    results = run_jobs_with_progress(jobs, serials, options)
    run_dirs = sorted(p.parent for p in Path(options.out).glob("*/manifest.json"))
    html = write_report(run_dirs, out, fail_on) if report and run_dirs else None
    console.print(summary_table(results))
    if html:
        console.print(f"report: {html}")
    console.print(f"{len(results)} runs in {time.monotonic() - started:.0f}s; runs in {options.out}")
    if any(r.status != "complete" for r in results):
        return EXIT_INFRA
    return EXIT_FINDINGS if matched_findings(run_dirs, fail_on) else EXIT_OK
