"""The spreadsheet report: one sheet per table, hostile text neutralised.

A cell whose text starts with = + - @ (or tab / carriage return) would be a formula or DDE payload
in Excel and LibreOffice: it gets a leading apostrophe. Characters XML cannot hold are removed,
cells are capped at Excel's 32,767 characters and sheets at `MAX_ROWS` rows (noted in the sheet)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_ROWS = 100_000
MAX_CELL = 32_000
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value openpyxl writes as inert data."""
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, list | tuple | dict | np.ndarray):
        value = json.dumps(value.tolist() if isinstance(value, np.ndarray) else value, ensure_ascii=False, default=str)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL]
    return "'" + text if text.startswith(DANGEROUS) else text


def _write_sheet(wb: Workbook, title: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(title[:31])
    cols = [c for c in frame.columns if not str(c).startswith("_")]
    ws.append([safe_cell(str(c)) for c in cols])
    for row in frame[cols].head(MAX_ROWS).itertuples(index=False, name=None):
        ws.append([safe_cell(v) for v in row])
    if len(frame) > MAX_ROWS:
        ws.append([f"... {len(frame) - MAX_ROWS} more rows not shown; load the run directory in pandas"])


def write_xlsx(path: Path, runset, findings: pd.DataFrame, apps, sdk_inventory: pd.DataFrame | None = None,
               disclosure: pd.DataFrame | None = None) -> Path:
    wb = Workbook(write_only=True)
    summary = pd.DataFrame([{"app": a.app, "verdict": a.verdict, **a.counts} for a in apps])
    _write_sheet(wb, "summary", summary)
    _write_sheet(wb, "findings", findings)
    if sdk_inventory is not None:
        _write_sheet(wb, "sdk_inventory", sdk_inventory)
    if disclosure is not None:
        _write_sheet(wb, "declared_vs_observed", disclosure)
    runs = runset.manifests.drop(columns=["manifest"], errors="ignore")
    _write_sheet(wb, "runs", runs)
    for name in ("api_calls", "flows", "detections", "consent", "ui", "steps", "events", "stacks"):
        _write_sheet(wb, name, getattr(runset, name))
    wb.save(path)
    return path
