"""`consentry sdk lookup HOST|CLASS... [--json]`: what a host name, Java class or native library is
attributed to. With --json, one object per line: query, kind (host|class), sdk, company, category,
country (null when unknown), plus sdk_id and source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.errors import InputError

sdk_app = typer.Typer(help="The SDK / tracker attribution database.", no_args_is_help=True)


@sdk_app.command("lookup")
def lookup(
    queries: Annotated[list[str], typer.Argument(help="Host names, URLs, Java class/package names, native libraries.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    kind: Annotated[str | None, typer.Option("--kind", help="Force host or class.")] = None,
    db: Annotated[list[Path] | None, typer.Option("--db", help="Extra SDK database file(s) (YAML/CSV).")] = None,
) -> None:
    """Attribute each query to an SDK (longest package prefix / domain suffix)."""
    from analysis.errors import AnalysisInputError
    from analysis.sdk import load_db
    from analysis.sdk import lookup as do_lookup

    if kind not in (None, "host", "class"):
        raise InputError(f"--kind must be host or class, not {kind!r}")
    try:
        database = load_db(db)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    for q in queries:
        row = do_lookup(q, database, kind)
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            what = f"{row['sdk']} ({row['company']}; {row['category']}; {row['country'] or '?'})" if row["sdk"] else "unknown"
            typer.echo(f"{q}\t{row['kind']}\t{what}")


@sdk_app.command("list")
def list_sdks(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: Annotated[list[Path] | None, typer.Option("--db", help="Extra SDK database file(s).")] = None,
) -> None:
    """Every SDK in the database (built-in plus lab files)."""
    from analysis.errors import AnalysisInputError
    from analysis.sdk import load_db

    try:
        database = load_db(db)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    for e in database.entries.values():
        if as_json:
            typer.echo(json.dumps({"id": e.id, "sdk": e.name, "company": e.company, "category": e.category,
                                   "country": e.country, "packages": list(e.packages), "native": list(e.native),
                                   "hosts": list(e.hosts), "source": e.source}, ensure_ascii=False))
        else:
            typer.echo(f"{e.id}\t{e.name}\t{e.company}\t{e.category}\t{e.country or '?'}")


def register(app: typer.Typer) -> None:
    app.add_typer(sdk_app, name="sdk")
