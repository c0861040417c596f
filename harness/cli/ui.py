"""`consentry ui ...`: look at screens the way the observer does.

`consentry ui classify DUMP.xml... [--json] [--screenshot PNG]...` prints, for each hierarchy dump,
its kind, language, accept/refuse controls, permission group and confidence. With --json: one
object per line with the keys of DESIGN.md (`file`, `kind`, `lang`, `accept`, `refuse`,
`permission`, `precheck`, `confidence`, `reason`, `source`). `--screenshot` pairs a PNG with each
dump (in order): when the dump's top window has no readable text, the screenshot is read with OCR
and `source` is `ocr`. A file that cannot be read or parsed gives `kind: unknown` and the reason,
never a traceback; the exit code is 0 unless the arguments are wrong."""

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


def _classify_file(path: Path, screenshot: Path | None = None, engine: str | None = None) -> dict[str, object]:
    from harness.ui.classify import classify_screen
    from harness.ui.model import Classification

    data, err = _read(path)
    if err or data is None:
        return Classification(kind="unknown", reason=err or "cannot read file").contract(str(path))
    png: bytes | None = None
    eng: object | None = None
    if screenshot is not None:
        try:
            size = screenshot.stat().st_size
            if size > MAX_FILE:
                raise OSError(f"screenshot too large ({size} bytes)")
            png = screenshot.read_bytes()
        except OSError as exc:
            c = Classification(kind="unknown", reason=f"cannot read screenshot {screenshot}: {exc.strerror or exc}")
            return c.contract(str(path))
        if engine:
            from harness.ui.ocr import OcrError, engine_named

            try:
                eng = engine_named(engine)
            except OcrError as exc:
                return Classification(kind="unknown", reason=str(exc), source="ocr").contract(str(path))
    return classify_screen(data, png, eng).contract(str(path))


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
        screenshot: Annotated[list[Path] | None, typer.Option(
            "--screenshot", help="PNG of the same screen, one per dump in order; read with OCR only when the "
                                 "dump's top window has no text")] = None,
        ocr_engine: Annotated[str | None, typer.Option(
            "--ocr-engine", help="rapidocr (default) or tesseract")] = None,
    ) -> None:
        """Say what each dump shows: consent_notice, permission_dialog, permission_rationale, login_agreement,
        other, unknown."""
        shots = list(screenshot or [])
        if shots and len(shots) != len(dumps):
            typer.echo(f"error: {len(shots)} --screenshot for {len(dumps)} dumps (give one PNG per dump, in order)",
                       err=True)
            raise typer.Exit(2)
        results = [_classify_file(p, shots[i] if shots else None, ocr_engine) for i, p in enumerate(dumps)]
        if as_json:
            for r in results:
                typer.echo(json.dumps(r, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("file", "kind", "lang", "accept", "refuse", "permission", "precheck", "conf", "source", "reason")
        for r in results:
            table.add_row(str(r["file"]), str(r["kind"]), str(r["lang"] or "-"), _fmt_control(r["accept"]),
                          _fmt_control(r["refuse"]), str(r["permission"] or "-"),
                          "-" if r["precheck"] is None else str(r["precheck"]).lower(), f"{r['confidence']:.2f}",
                          str(r["source"]), str(r["reason"]))
        Console(width=200).print(table)

    app.add_typer(ui_app, name="ui")
