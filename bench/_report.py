"""Shared result reporting for bench/*.py: one row per figure, one exit code, one summary table.

A benchmark records each headline figure beside the strongest simple baseline measured in the
same run, and each correctness check, then exits with `finish()`:

    from _report import Report          # bench/ is on sys.path when a benchmark runs as a script

    report = Report("pii_scan")
    report.figure("scan rate", ours, "MB/s", baseline=naive, baseline_name="`in` loop per pattern",
                  goal_ratio=50)                     # met when ours / baseline >= 50
    report.figure("scan rate (absolute)", ours, "MB/s", goal_min=150)
    report.check("planted values found", found == planted, f"{found}/{planted}")
    sys.exit(report.finish())           # prints this benchmark's rows; 1 when a goal is missed

When the environment variable CONSENTRY_BENCH_RESULTS names a file, every row is appended to it
as one JSON line. `make bench` sets it, runs every benchmark, then prints one table for all:

    python bench/_report.py summary RESULTS.jsonl [--failed "bench/x.py ..."] [--markdown OUT.md]

which exits 1 when any row missed its goal, or a benchmark failed or recorded nothing.
Machine facts (cores, load average) are read here, once per row, never written into strings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ENV = "CONSENTRY_BENCH_RESULTS"


@dataclass
class Row:
    benchmark: str
    figure: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool = True
    kind: str = "figure"  # figure | check
    detail: str = ""
    cores: int = field(default_factory=lambda: os.cpu_count() or 0)
    load: float = field(default_factory=lambda: round(os.getloadavg()[0], 2))
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Report:
    """The rows of one benchmark. Ratios are oriented so that > 1 means consentry is better."""

    def __init__(self, benchmark: str) -> None:
        self.benchmark = benchmark
        self.rows: list[Row] = []

    def figure(self, name: str, value: float, unit: str, *, baseline: float | None = None,
               baseline_name: str = "", goal_ratio: float | None = None, goal_min: float | None = None,
               goal_max: float | None = None, lower_is_better: bool = False) -> Row:
        """A measured figure; its ratio to the baseline (when given) and whether its goals are met.
        `goal_ratio` applies to the ratio, `goal_min`/`goal_max` to the value itself."""
        ratio = None
        if baseline is not None and value:
            ratio = (baseline / value) if lower_is_better else (value / baseline if baseline else None)
        goals, met = [], True
        if goal_ratio is not None:
            goals.append(f"ratio >= {goal_ratio:g}")
            met &= ratio is not None and ratio >= goal_ratio
        if goal_min is not None:
            goals.append(f">= {goal_min:g} {unit}")
            met &= value >= goal_min
        if goal_max is not None:
            goals.append(f"<= {goal_max:g} {unit}")
            met &= value <= goal_max
        row = Row(self.benchmark, name, value, unit, baseline, baseline_name, ratio, ", ".join(goals), bool(met))
        self.rows.append(row)
        return row

    def check(self, name: str, ok: bool, detail: str = "") -> Row:
        """A correctness check: the output was right (planted values found, findings equal ...)."""
        row = Row(self.benchmark, name, None, "", goal="correct", met=bool(ok), kind="check", detail=detail)
        self.rows.append(row)
        return row

    def finish(self) -> int:
        """Print this benchmark's rows, append them to $CONSENTRY_BENCH_RESULTS, return the exit code."""
        print_table(self.rows, sys.stdout)
        target = os.environ.get(ENV)
        if target:
            with open(target, "a", encoding="utf-8") as fh:
                for row in self.rows:
                    fh.write(json.dumps(asdict(row)) + "\n")
        return 0 if self.rows and all(r.met for r in self.rows) else 1


def _num(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def _cells(row: Row) -> list[str]:
    if row.kind == "check":
        return [row.benchmark, row.figure, row.detail, "", "", "correct", "yes" if row.met else "NO"]
    value = f"{_num(row.value)} {row.unit}".strip()
    base = f"{_num(row.baseline)} ({row.baseline_name})" if row.baseline is not None else ""
    ratio = f"{_num(row.ratio)}x" if row.ratio is not None else ""
    return [row.benchmark, row.figure, value, base, ratio, row.goal, "yes" if row.met else "NO"]


HEADER = ["benchmark", "figure", "value", "baseline (same run)", "ratio", "goal", "met"]


def print_table(rows: list[Row], out, markdown: bool = False) -> None:
    cells = [HEADER] + [_cells(r) for r in rows]
    if markdown:
        out.write("| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER) + "\n")
        for c in cells[1:]:
            out.write("| " + " | ".join(x.replace("|", "\\|") for x in c) + " |\n")
        return
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    for c in cells:
        out.write("  ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)).rstrip() + "\n")


def summary(results: Path, failed: list[str], markdown: Path | None) -> int:
    rows = []
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(Row(**json.loads(line)))
    print("\n== summary of this `make bench`")
    print_table(rows, sys.stdout)
    missed = [r for r in rows if not r.met]
    loads = [r.load for r in rows]
    cores = rows[0].cores if rows else os.cpu_count()
    if loads:
        print(f"machine: {cores} cores; load average (1 min) from {min(loads):.1f} to {max(loads):.1f} during the run")
    for b in failed:
        print(f"FAILED: {b} exited non-zero")
    if missed:
        print(f"goals missed: {len(missed)} of {len(rows)} rows")
    if markdown is not None:
        with open(markdown, "w", encoding="utf-8") as fh:
            when = rows[-1].at if rows else datetime.now(UTC).isoformat(timespec="seconds")
            fh.write(f"Last benchmark run (`make bench`): {when}, {cores} cores, load average {min(loads or [0]):.1f}-"
                     f"{max(loads or [0]):.1f}.\n\n")
            print_table(rows, fh, markdown=True)
    ok = rows and not missed and not failed
    print("all goals met" if ok else "make bench: NOT every goal met")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print the summary table of a `make bench` run.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summary")
    s.add_argument("results", type=Path)
    s.add_argument("--failed", default="", help="space-separated benchmarks that exited non-zero")
    s.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    args = ap.parse_args(argv)
    return summary(args.results, args.failed.split(), args.markdown)


if __name__ == "__main__":
    sys.exit(main())
