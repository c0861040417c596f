"""What `consentry farm` shows: a live view while it runs and a summary table at the end."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.farm.drive import FarmResult, FarmState


class LiveView:
    """A progress bar (done / total) with retried, failed and duplicate counts, and one line per
    run in progress naming its worker and device; rendered by `rich.live.Live`."""

    def __init__(self, state: FarmState):
        self.state = state
        self.progress = Progress(TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.fields[counts]}"))
        self.task = self.progress.add_task("runs", total=state.total, counts="")

    def __rich__(self) -> Group:
        s = self.state
        with s.lock:
            counts = (f"published {s.published}, skipped {s.skipped}, retried {s.retried}, "
                      f"failed {len(s.failed)}, duplicates {s.duplicates}")
            self.progress.update(self.task, completed=s.done, counts=counts)
            running = sorted(s.running.values())
            dropped = dict(s.dropped)
        table = Table(show_header=True, box=None, pad_edge=False)
        for col in ("worker", "device", "running"):
            table.add_column(col, overflow="fold")
        for worker, device, label in running:
            table.add_row(worker, device, label)
        for where, why in dropped.items():
            table.add_row(*where.split(" ", 1), f"[red]left the pool[/]: {why}")
        return Group(self.progress, table)


def summary_table(result: FarmResult) -> Table:
    """One row per job of the suite, as `consentry suite` prints, plus the attempts it took."""
    table = Table(title="consentry farm", show_lines=False)
    for col in ("app", "scenario", "device", "worker", "status", "findings", "attempts", "seconds"):
        table.add_column(col, overflow="fold")
    for job in sorted(result.jobs, key=lambda j: (j.package, j.scenario_name, j.repetition)):
        run = result.published.get(job.job_key)
        label = job.scenario_name + (f" #{job.repetition + 1}" if job.repetition else "")
        if run is None:
            why = result.state.failed.get(job.job_key, "not run (interrupted)")
            table.add_row(job.package, label, "", "", f"[red]not published[/]: {why}", "", "", "")
            continue
        m = run.manifest
        farm: dict[str, Any] = m.get("farm") or {}
        status = str(m.get("status"))
        style = {"complete": "green", "incomplete": "yellow"}.get(status, "red")
        table.add_row(job.package, label, str((m.get("device") or {}).get("serial", "")), str(farm.get("worker", "")),
                      f"[{style}]{status}[/]", _findings(run.run_dir), str(len(farm.get("attempts") or []) or 1),
                      f"{float(m.get('duration_s') or 0):.1f}")
    return table


def _findings(run_dir: Any) -> str:
    path = run_dir / "findings.parquet"
    if not path.exists():
        return "?"
    import pyarrow.parquet as pq

    return str(pq.read_metadata(path).num_rows)
