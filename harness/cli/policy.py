"""`consentry policy read FILE... [--json]`: what a privacy policy declares.

With --json, one object per file and line: `file`, then DESIGN.md's fields `lang`, `categories`
(the hook catalogue's names), `sdks` (each {name, sdk (database id or null), company, purpose,
categories}), `purposes`, and the extras `chars`, `sha256`, `encoding`, `html`, `truncated`.
`consentry policy eval DIR` scores the reader against hand labels (docs/policy.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.errors import InputError

policy_app = typer.Typer(help="Privacy policies: read what one declares; score the reader.", no_args_is_help=True)


@policy_app.command("read")
def read_cmd(
    files: Annotated[list[Path], typer.Argument(help="Policy files: HTML or plain text, Chinese or English, any encoding.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file and line.")] = False,
    db: Annotated[list[Path] | None, typer.Option("--db", help="Extra SDK database file(s) (YAML/CSV).")] = None,
) -> None:
    """Extract the declared personal-information categories, the third-party SDK list and the purposes."""
    from analysis.errors import AnalysisInputError
    from analysis.policy import read_policy_file
    from analysis.sdk import load_db

    try:
        database = load_db(db)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    for f in files:
        try:
            reading = read_policy_file(f, db=database)
        except AnalysisInputError as exc:
            raise InputError(str(exc)) from exc
        if as_json:
            typer.echo(json.dumps({"file": str(f), **reading.to_json()}, ensure_ascii=False))
            continue
        typer.echo(f"{f}: {reading.lang}, {reading.chars} characters")
        typer.echo(f"  categories: {', '.join(reading.categories) or '(none)'}")
        typer.echo(f"  purposes:   {', '.join(reading.purposes) or '(none)'}")
        typer.echo(f"  sdks ({len(reading.sdks)}):")
        for s in reading.sdks:
            typer.echo(f"    {s.name:<28} {s.sdk or '-':<24} {(s.company or '')[:30]:<30} {','.join(s.categories)}")


@policy_app.command("eval")
def eval_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder with labels.yaml and the labelled policies.")] = Path("tests/data/policies"),
) -> None:
    """Precision and recall of category and SDK-list extraction, per split (dev, heldout)."""
    from analysis.errors import AnalysisInputError
    from analysis.policy.evaluate import evaluate

    if not (folder / "labels.yaml").is_file():
        raise InputError("no labels.yaml here", source=str(folder))
    try:
        scores = evaluate(folder)
    except AnalysisInputError as exc:
        raise InputError(str(exc)) from exc
    for split, parts in sorted(scores.items()):
        for what, s in parts.items():
            typer.echo(f"{split:8s} {what:10s} {s}")


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
