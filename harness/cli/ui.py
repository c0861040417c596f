"""`consentry ui ...`: look at screens the way the observer does.

`consentry ui classify DUMP.xml... [--json]` prints, for each hierarchy dump, its kind, language,
accept/refuse controls, permission group and confidence. With --json: one object per line with
exactly the keys of DESIGN.md (`file`, `kind`, `lang`, `accept`, `refuse`, `permission`, `precheck`,
`confidence`, `reason`). A file that cannot be read or parsed gives `kind: unknown` and the reason,
never a traceback; the exit code is 0 unless no file was given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

MAX_FILE = 48 * 1024 * 1024


def _read(path: Path) -> tuple[str | None, str | None]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            return None, f"file too large ({size} bytes)"
        return path.read_bytes().decode("utf-8", errors="replace"), None
    except FileNotFoundError:
        return None, "file not found"
    except IsADirectoryError:
        return None, "is a directory"
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"


def _classify_file(path: Path) -> dict[str, object]:
    from harness.ui.classify import classify
    from harness.ui.model import Classification

    data, err = _read(path)
    c = Classification(kind="unknown", reason=err or "cannot read file") if err or data is None else classify(data)
    return c.contract(str(path))


def _fmt_control(c: object) -> str:
    if not isinstance(c, dict):
        return "-"
    b = c["bounds"]
    return f"{c['text']} @{b[0]},{b[1]},{b[2]},{b[3]}"


def register(app: typer.Typer) -> None:
    ui_app = typer.Typer(help="Classify consent screens from uiautomator hierarchy dumps.", no_args_is_help=True)

    @ui_app.command("classify")
    def classify_cmd(
        dumps: Annotated[list[Path], typer.Argument(help="uiautomator window_dump.xml files")],
        as_json: Annotated[bool, typer.Option("--json", help="one JSON object per file and line")] = False,
    ) -> None:
        """Say what each dump shows: consent_notice, permission_dialog, permission_rationale, other, unknown."""
        results = [_classify_file(p) for p in dumps]
        if as_json:
            for r in results:
                typer.echo(json.dumps(r, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("file", "kind", "lang", "accept", "refuse", "permission", "precheck", "conf", "reason")
        for r in results:
            table.add_row(str(r["file"]), str(r["kind"]), str(r["lang"] or "-"), _fmt_control(r["accept"]),
                          _fmt_control(r["refuse"]), str(r["permission"] or "-"),
                          "-" if r["precheck"] is None else str(r["precheck"]).lower(), f"{r['confidence']:.2f}",
                          str(r["reason"]))
        Console(width=200).print(table)

    app.add_typer(ui_app, name="ui")
