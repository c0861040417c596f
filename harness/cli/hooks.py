"""`consentry hooks list|validate`: the hook catalogue as a table, and its Java entries checked
against the real Android API signatures (npm @nativescript/types-android, API 21-37)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

hooks_app = typer.Typer(help="The hook catalogue: list it, validate it against the Android API.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(hooks_app, name="hooks")


def _default_decl() -> Path:
    from harness.android_api import DECL
    from harness.catalogue import REPO_CATALOGUE

    return REPO_CATALOGUE.parent / DECL


@hooks_app.command("list")
def list_cmd(
    category: Annotated[str | None, typer.Option("--category", "-c", help="only this category")] = None,
    layer: Annotated[str | None, typer.Option("--layer", help="java or native")] = None,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", help="catalogue file (default: built-in)")] = None,
) -> None:
    """Print the catalogue as a table."""
    from rich.console import Console
    from rich.table import Table

    from harness.catalogue import CATEGORIES, load_catalogue
    from harness.errors import InputError

    cat = load_catalogue(catalogue)
    if category is not None and category not in CATEGORIES:
        raise InputError(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}", source="--category")
    hooks = cat.select({category} if category else None, {layer} if layer else None)
    table = Table(title=f"{len(hooks)} of {len(cat.hooks)} hooks", show_lines=False)
    for col in ("id", "layer", "target", "category", "permission", "pi", "origin"):
        table.add_column(col, overflow="fold")
    for h in hooks:
        target = f"{h.class_}.{h.method}" if h.layer == "java" else f"{'|'.join(h.module or ())}!{h.export}"
        table.add_row(h.id, h.layer, target, h.category, h.permission or "", "yes" if h.pi else "",
                      h.origin)
    Console(width=200).print(table)


@hooks_app.command("validate")
def validate_cmd(
    catalogue: Annotated[Path | None, typer.Option("--catalogue", help="catalogue file (default: built-in)")] = None,
    declarations: Annotated[Path | None, typer.Option(
        "--declarations", help="android-platform-21-37-merged.d.ts (default: hooks/node_modules)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only failures and the summary")] = False,
) -> None:
    """Check every Java entry (class, method, overload arity and types) against API 21-37.

    Prints the API levels where each entry exists; entries outside the SDK are skipped with the
    reason; exits 1 when any entry matches nothing."""
    from rich.console import Console
    from rich.markup import escape

    from harness.android_api import AndroidApi, Check, check_hook
    from harness.catalogue import load_catalogue

    cat = load_catalogue(catalogue)
    api = AndroidApi.load(declarations or _default_decl())
    console = Console(width=200, highlight=False)
    results: list[Check] = []
    for h in cat.hooks:
        if h.layer != "java":
            continue
        if h.origin != "sdk":
            results.append(Check(h.id, "skip", "", f"origin {h.origin}: not part of the Android SDK declarations"))
            continue
        results.append(check_hook(api, h.id, h.class_ or "", h.method or "", h.overloads))
    style = {"ok": "green", "fail": "bold red", "skip": "yellow"}
    for r in results:
        if quiet and r.status != "fail":
            continue
        detail = f"API {r.levels}" if r.levels else ""
        if r.reason:
            detail = f"{detail}  {r.reason}".strip()
        console.print(f"[{style[r.status]}]{r.status:4}[/] {escape(r.hook_id)}  {escape(detail)}")
    n = {s: sum(r.status == s for r in results) for s in ("ok", "fail", "skip")}
    console.print(f"java entries: {len(results)}  ok: {n['ok']}  failed: {n['fail']}  skipped: {n['skip']}"
                  f"  (native entries: {sum(h.layer == 'native' for h in cat.hooks)}, not checked here)")
    if n["fail"]:
        raise typer.Exit(1)


@hooks_app.command("exercise")
def exercise_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per entry and overload")] = False,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", help="catalogue file (default: built-in)")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="seconds for the JVM program to finish")] = 180.0,
) -> None:
    """Call every Java entry (every overload) once on a JVM with the agent in, as an app would.

    The JVM runs the generated Android framework (harness/sim/java, built by `make setup`); an
    entry is ok only when it installs and gives exactly one event per app-level call. Entries
    outside the framework run against stubs of their libraries or are skipped with the reason.
    Exits 1 when any entry fails."""
    import json

    from rich.console import Console
    from rich.markup import escape

    from harness.catalogue import load_catalogue
    from harness.instrument.exercise import run_exercise

    results = run_exercise(load_catalogue(catalogue), timeout=timeout)
    console = Console(width=200, highlight=False)
    style = {"ok": "green", "failed": "bold red", "skipped": "yellow"}
    for r in results:
        if as_json:
            print(json.dumps(r.to_json(), default=str, ensure_ascii=False))
        else:
            detail = r.reason or (f"top frame {r.top_frame}" if r.top_frame else "")
            console.print(f"[{style[r.status]}]{r.status:7}[/] {escape(r.id)}{escape(r.overload)}  {escape(detail)}")
    n = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
    entries = {r.id for r in results}
    skipped_entries = {r.id for r in results if r.status == "skipped"}
    summary = (f"java calls: {len(results)}  ok: {n['ok']}  failed: {n['failed']}  skipped: {n['skipped']}"
               f"  (entries: {len(entries)}, skipped entries: {len(skipped_entries)},"
               f" {100 * len(skipped_entries) / max(1, len(entries)):.1f}%)")
    if as_json:
        typer.echo(summary, err=True)
    else:
        console.print(summary)
    if n["failed"]:
        raise typer.Exit(1)
