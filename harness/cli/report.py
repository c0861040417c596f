"""`consentry report RUN_DIR... --format html,xlsx,json,junit --out DIR [--fail-on ...]`.

Exit codes: 0 no finding at or above --fail-on, 1 findings matched, 2 bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.errors import InputError


def report(
    run_dirs: Annotated[list[Path], typer.Argument(help="Run directories, or folders holding them.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: html,xlsx,json,junit.")] = "html,json",
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the reports.")] = Path("report"),
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 if any finding matches: rule ids (comma-separated) or a severity "
                          "(info|low|medium|high: that severity and above).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Rule thresholds (YAML/JSON), see docs/rules.md.")] = None,
    db: Annotated[list[Path] | None, typer.Option("--db", help="Extra SDK database file(s) (YAML/CSV).")] = None,
    redact: Annotated[bool, typer.Option(
        "--redact", help="For reports to share: mask identity values (device ids, phone number, canaries, "
                         "location, contacts) in excerpts, tables and screen texts, and withhold screenshots "
                         "that showed one.")] = False,
) -> None:
    """Evaluate the rules over runs and write reports (also refreshes each run's findings.parquet)."""
    from analysis.errors import AnalysisInputError
    from analysis.report import write_reports
    from analysis.rules.config import RuleConfig

    try:
        cfg = RuleConfig.from_file(config) if config else None
        result = write_reports(run_dirs, out, fmt, fail_on, config=cfg, sdk_db=db, redact=redact)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    for kind, path in result.files.items():
        typer.echo(f"{kind}: {path}")
    verdicts = ", ".join(f"{app}={v}" for app, v in result.verdicts.items())
    typer.echo(f"{result.runs} run(s), {result.findings} finding(s); {verdicts}")
    if fail_on:
        typer.echo(f"{result.matched} finding(s) match --fail-on {fail_on}")
    raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
