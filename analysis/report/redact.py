"""Masking identity values in reports that will be shared (`consentry report --redact`).

A run's identity values (identity.json: device ids, phone number, canaries, location, contacts)
are the evidence of collection, and also the device's and tester's data. With --redact every
text that goes into a report (findings' evidence, request excerpts and URLs, the tables copied
into the spreadsheet, the screens' recorded texts) has each value replaced by `[key]`, in every
form the report could show it: as written, case-insensitive, without separators, URL-encoded,
base64, and its MD5/SHA-1/SHA-256. A screenshot whose screen showed an identity value (its
recorded texts held one) is withheld, as pixels cannot be searched for the value.

The run directories themselves are never changed: only what is written into the report."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.parse
from dataclasses import replace
from typing import Any

import pandas as pd

MIN_LEN = 4  # shorter values (e.g. a 3-digit MNC) would mask unrelated text


def _values(identity: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, value as text) for every identity value, contacts and location included."""
    out: list[tuple[str, str]] = []
    for key, value in identity.items():
        if isinstance(value, dict) and "lat" in value and "lon" in value:
            for coord in (value.get("lat"), value.get("lon")):
                if isinstance(coord, int | float):
                    out += [(key, f"{coord}"), (key, f"{coord:.4f}"), (key, f"{coord:.3f}")]
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    out += [(key, str(v)) for v in item.values() if isinstance(v, str | int)]
                elif isinstance(item, str):
                    out.append((key, item))
        elif isinstance(value, str | int) and not isinstance(value, bool):
            out.append((key, str(value)))
    return out


def forms(identity: dict[str, Any]) -> dict[str, str]:
    """Every form of every value (lowercased) -> its key."""
    found: dict[str, str] = {}
    for key, v in _values(identity):
        v = v.strip()
        if len(v) < MIN_LEN:
            continue
        b = v.encode("utf-8")
        bare = re.sub(r"[\s:\-.()+]", "", v)
        for f in (v, bare, urllib.parse.quote(v, safe=""), urllib.parse.quote_plus(v),
                  base64.b64encode(b).decode().rstrip("="), hashlib.md5(b).hexdigest(),
                  hashlib.sha1(b).hexdigest(), hashlib.sha256(b).hexdigest()):
            if len(f) >= MIN_LEN:
                found.setdefault(f.lower(), key)
    return found


class Redactor:
    """One compiled pattern per run (all of its values' forms, longest first)."""

    def __init__(self, identities: dict[str, dict]):
        self._by_run: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = {}
        for run_id, identity in identities.items():
            f = forms(identity or {})
            self._by_run[str(run_id)] = (
                re.compile("|".join(re.escape(k) for k in sorted(f, key=len, reverse=True)), re.IGNORECASE), f
            ) if f else None
        everything: dict[str, str] = {}
        for compiled in self._by_run.values():
            if compiled:
                everything.update(compiled[1])
        self._all = (re.compile("|".join(re.escape(k) for k in sorted(everything, key=len, reverse=True)),
                                re.IGNORECASE), everything) if everything else None

    def text(self, text: str, run_id: str | None = None) -> str:
        """`text` with every identity value of `run_id` (of every run when None) masked."""
        compiled = self._by_run.get(str(run_id)) if run_id is not None else self._all
        if compiled is None or not text:
            return text
        pattern, keys = compiled
        return pattern.sub(lambda m: f"[{keys.get(m.group(0).lower(), 'identity')}]", text)

    def contains(self, text: str, run_id: str | None = None) -> bool:
        compiled = self._by_run.get(str(run_id)) if run_id is not None else self._all
        return bool(compiled and text and compiled[0].search(text))

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """A copy of `df` with every text cell masked (per run when the frame has `run_id`)."""
        if df is None or df.empty:
            return df
        out = df.copy()
        runs = out["run_id"].astype(str) if "run_id" in out.columns else None
        for col in out.columns:
            if col == "run_id":
                continue
            series = out[col]
            if not (series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype | pd.StringDtype)):
                continue
            values = series.astype(object)
            if runs is None:
                masked = [self._cell(v, None) for v in values]
            else:
                masked = [self._cell(v, r) for v, r in zip(values, runs, strict=True)]
            out[col] = pd.Series(masked, index=out.index, dtype=object)
        return out

    def _cell(self, value: Any, run_id: str | None) -> Any:
        if isinstance(value, str):
            return self.text(value, run_id)
        if isinstance(value, list | tuple | dict):
            return json.loads(self.text(json.dumps(value, ensure_ascii=False, default=str), run_id))
        if hasattr(value, "tolist"):  # numpy arrays of strings (stack frames)
            return [self._cell(v, run_id) for v in value.tolist()]
        return value


def withheld_screenshots(runset: Any, redactor: Redactor) -> set[tuple[str, str]]:
    """(run_id, screenshot) of screens whose recorded texts showed an identity value."""
    ui = runset.ui
    if ui is None or ui.empty or "screenshot" not in ui.columns or "texts" not in ui.columns:
        return set()
    out = set()
    for run_id, shot, texts in zip(ui["run_id"].astype(str), ui["screenshot"].astype(object),
                                   ui["texts"].astype(object), strict=True):
        if isinstance(shot, str) and shot and isinstance(texts, str) and redactor.contains(texts, run_id):
            out.add((run_id, shot))
    return out


def redact_runset(runset: Any, redactor: Redactor) -> Any:
    """A copy of the RunSet for a shared report: tables masked, identities emptied."""
    tables = {name: redactor.frame(getattr(runset, name)) for name in
              ("manifests", "api_calls", "stacks", "flows", "detections", "ui", "consent", "steps", "events", "findings")}
    return replace(runset, identities={k: {} for k in runset.identities}, **tables)
