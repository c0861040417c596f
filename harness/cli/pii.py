"""`consentry pii scan`: personal information in captures from consentry or from other tools.

    consentry pii scan --identity identity.json run-dir/ capture.har dump.mitm [--json]

Inputs are HAR files, mitmproxy flow files and run directories. A file that cannot be read is
named on stderr and the others are still scanned; the exit code is then 2. `--json` prints one
object per detection: capture, entry, key, encoding, where, excerpt (DESIGN.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

pii_app = typer.Typer(help="Personal information in captured traffic.", no_args_is_help=True)


@pii_app.command("scan")
def scan(
    captures: Annotated[list[Path], typer.Argument(help="HAR files, mitmproxy flow files, run directories.")],
    identity: Annotated[Path, typer.Option("--identity", "-i", help="identity.json (keys as in DESIGN.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per detection and line.")] = False,
    notes: Annotated[bool, typer.Option("--notes", help="Also list decoding notes (bombs, truncated data).")] = False,
) -> None:
    """Find the identity's values, in every common encoding, in each capture."""
    from analysis.pii import PiiInputError, Scanner, load_identity, read_capture
    from harness.errors import InputError

    try:
        scanner = Scanner(load_identity(identity))
    except PiiInputError as exc:
        raise InputError(str(exc)) from None
    failed = 0
    table_rows: list[tuple[str, str, str, str, str, str]] = []
    for path in captures:
        try:
            cap = read_capture(path)
            result = scanner.scan(cap.flows, cap.body_loader)
        except PiiInputError as exc:
            failed += 1
            typer.echo(f"consentry: {exc}", err=True)
            continue
        for fid, where, note in [*cap.notes, *result.notes.itertuples(index=False, name=None)]:
            if notes or note.startswith(("bomb:", "stopped")):
                typer.echo(f"consentry: {path}: entry {fid}: {where}: {note}", err=True)
        det = result.detections
        for rec in det[["flow_id", "key", "encoding", "where", "excerpt"]].itertuples(index=False, name=None):
            entry: int | str = int(rec[0]) if cap.kind == "har" else rec[0]
            if as_json:
                sys.stdout.write(json.dumps({"capture": str(path), "entry": entry, "key": rec[1],
                                             "encoding": rec[2], "where": rec[3], "excerpt": rec[4]},
                                            ensure_ascii=False) + "\n")
            else:
                table_rows.append((str(path), str(entry), rec[1], rec[2], rec[3], rec[4]))
    if not as_json:
        _print_table(table_rows)
    if failed:
        raise typer.Exit(2)


def _print_table(rows: Sequence[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not rows:
        typer.echo("no personal information found")
        return
    table = Table("capture", "entry", "key", "encoding", "where", "excerpt")
    for row in rows:
        table.add_row(*row)
    Console(soft_wrap=True).print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(pii_app, name="pii")
