"""`consentry sdk ...`: the SDK / tracker attribution database.

- `lookup HOST|CLASS|LIBRARY... [--json]`: what each query is attributed to. With --json, one object
  per line: query, kind (host|class|library), sdk, company, category, country, transparent, source
  (null when unknown), plus sdk_id and sources.
- `list [--category C] [--country CC] [--json]`: the entries.
- `build [--from DIR] [--out FILE]`: regenerate the database from the vendored snapshots, newer ones
  given with --from, and the hand-written entries (docs/sdk.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.errors import InputError

sdk_app = typer.Typer(help="The SDK / tracker attribution database.", no_args_is_help=True)
DbOption = Annotated[list[Path] | None, typer.Option(
    "--db", help="Extra SDK database file(s) (YAML/CSV/JSON); also CONSENTRY_SDK_DB.")]


def _database(db: list[Path] | None):
    from analysis.errors import AnalysisInputError
    from analysis.sdk import load_db

    try:
        return load_db(db)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc


@sdk_app.command("lookup")
def lookup(
    queries: Annotated[list[str], typer.Argument(help="Host names, URLs, Java class/package names, native libraries.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    kind: Annotated[str | None, typer.Option("--kind", help="Force host, class or library.")] = None,
    app: Annotated[str | None, typer.Option("--app", help="The app's own package (never an SDK).")] = None,
    db: DbOption = None,
) -> None:
    """Attribute each query to an SDK (longest package prefix, domain suffix, library name)."""
    from analysis.sdk import lookup as do_lookup

    if kind not in (None, "host", "class", "library"):
        raise InputError(f"--kind must be host, class or library, not {kind!r}")
    database = _database(db)
    for q in queries:
        row = do_lookup(q, database, kind, app)
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            what = (f"{row['sdk']} ({row['company']}; {row['category']}; {row['country'] or '?'}"
                    f"{'; transparent' if row['transparent'] else ''})") if row["sdk"] else "unknown"
            typer.echo(f"{q}\t{row['kind']}\t{what}")


@sdk_app.command("list")
def list_sdks(
    category: Annotated[str | None, typer.Option("--category", help="Only this category (e.g. push, library).")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Only this country (ISO code, e.g. CN).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: DbOption = None,
) -> None:
    """Every SDK in the database (built-in plus lab files), optionally filtered."""
    from analysis.sdk.entry import CATEGORIES

    if category and category not in CATEGORIES:
        raise InputError(f"--category: unknown {category!r}; one of {', '.join(sorted(CATEGORIES))}")
    database = _database(db)
    for e in database.entries.values():
        if category and e.category != category or country and (e.country or "") != country.upper():
            continue
        if as_json:
            rec = e.as_record()
            rec["sdk"] = rec["name"]
            typer.echo(json.dumps(rec, ensure_ascii=False))
        else:
            typer.echo(f"{e.id}\t{e.name}\t{e.company}\t{e.category}\t{e.country or '?'}")


@sdk_app.command("build")
def build_db(
    from_dirs: Annotated[list[Path] | None, typer.Option(
        "--from", help="Snapshot directory (with source.yaml, or holding such directories); repeatable.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default: the package's database).")] = None,
) -> None:
    """Rebuild the database from the vendored public snapshots (plus --from ones) and the hand-written entries."""
    from analysis.errors import AnalysisInputError
    from analysis.sdk.build import build, write
    from analysis.sdk.db import COMPILED

    try:
        result = build(list(from_dirs or []))
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    path = write(result, out or COMPILED)
    typer.echo(f"{len(result.entries)} SDKs from {', '.join(s.name for s in result.sources)} + hand-written -> {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(sdk_app, name="sdk")
