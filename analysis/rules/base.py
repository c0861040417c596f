"""What a rule is, and the one aggregation every collection rule shares.

A rule is a pure function `(Context, RuleConfig) -> hits`: a DataFrame with the `HIT_COLUMNS`, one
row per finding (grouped by run, category and SDK), pointing at the first and last event rows so the
evidence stage can quote them. Rules never loop over events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEVERITIES = ("info", "low", "medium", "high")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}

# run (int code), category, sdk, first/last time, count, positions of the first/last api row and
# first/last PI flow row in the context tables (-1: none), and a rule-specific detail dict.
HIT_COLUMNS = ("run", "category", "sdk", "first_t_ns", "last_t_ns", "count",
               "first_api", "last_api", "first_flow", "last_flow", "detail")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    explanation: str  # one line, shown in reports
    refs: tuple[str, ...]  # Regulations (2016) Art. 7 items, MIIT/TC260 method items, other texts
    fn: Callable  # (Context, RuleConfig) -> DataFrame[HIT_COLUMNS]

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: severity {self.severity!r} not in {SEVERITIES}")


def empty_hits() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in HIT_COLUMNS})
    for c in ("run", "first_t_ns", "last_t_ns", "count", "first_api", "last_api", "first_flow", "last_flow"):
        frame[c] = frame[c].astype(np.int64)
    return frame


def _key_codes(col: pd.Series, rows: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Integer codes of a key column at `rows` (all if None; 0: missing) and their count, without
    converting values."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        codes = codes if rows is None else codes[rows]
        return codes.astype(np.int64) + 1, len(col.cat.categories) + 1
    values = col.to_numpy()
    values = values if rows is None else values[rows]
    if values.dtype.kind in "iu" and len(values) and values.min() >= 0 and values.max() < 2**31:
        return values.astype(np.int64) + 1, int(values.max()) + 2
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64) + 1, len(uniques) + 1


def group_rows(frame: pd.DataFrame, keys: list[str], weights: np.ndarray, rows: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Groups of `frame` (of its `rows`, if given) by `keys`, missing values a group of their own, in
    order of first appearance like `groupby(sort=False, dropna=False)`: (first row, last row, sum of
    `weights`) per group, rows counted within the selection.

    Each key becomes integer codes and the codes one mixed-radix key; small key spaces are scattered
    into directly (`ufunc.at`), large ones hashed first. None if the combined key would overflow
    (callers fall back to pandas)."""
    n = len(frame) if rows is None else len(rows)
    combined, radix = np.zeros(n, dtype=np.int64), 1
    for k in keys:
        codes, size = _key_codes(frame[k], rows)
        if radix * size >= 2**62:
            return None
        combined = combined * size + codes
        radix *= size
    if radix > 2 * n + (1 << 20):  # sparse: hash to dense group ids first
        combined, uniques = pd.factorize(combined)
        radix = len(uniques)
    index = np.arange(n, dtype=np.int64)
    first = np.full(radix, n, dtype=np.int64)
    np.minimum.at(first, combined, index)
    last = np.full(radix, -1, dtype=np.int64)
    np.maximum.at(last, combined, index)
    total = np.zeros(radix, dtype=np.int64)
    np.add.at(total, combined, weights)
    present = np.flatnonzero(first < n)
    present = present[np.argsort(first[present], kind="stable")]
    return first[present], last[present], total[present]


def aggregate(events: pd.DataFrame, keys: list[str], kind: str, detail=None, mask=None) -> pd.DataFrame:
    """Group event rows (`run`, `t_ns`, `count`, `pos`, key columns) into hits, in order of first
    appearance. `mask` (bool array) selects rows without copying the frame.

    `kind` says which table `pos` points into: "api" or "flow". Events must be in time order within
    each run (the context sorts them once)."""
    rows = None
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        rows = None if mask.all() else np.flatnonzero(mask)
    if events.empty or (rows is not None and not len(rows)):
        return empty_hits()

    def column(name: str) -> np.ndarray:
        values = events[name].to_numpy()
        return (values if rows is None else values[rows]).astype(np.int64, copy=False)

    grouped = group_rows(events, keys, column("count"), rows)
    if grouped is None:
        return _aggregate_pandas(events if rows is None else events.iloc[rows], keys, kind, detail)
    first, last, total = grouped
    t, pos = column("t_ns"), column("pos")
    at = first if rows is None else rows[first]  # the first row of each group in `events`
    out = pd.DataFrame({k: events[k].iloc[at].reset_index(drop=True) for k in keys})
    out["first_t_ns"], out["last_t_ns"], out["count"] = t[first], t[last], total
    out["first_pos"], out["last_pos"] = pos[first], pos[last]
    return _finish(out, kind, detail)


def _aggregate_pandas(events: pd.DataFrame, keys: list[str], kind: str, detail) -> pd.DataFrame:
    g = events.groupby(keys, observed=True, sort=False, dropna=False)
    out = g.agg(first_t_ns=("t_ns", "first"), last_t_ns=("t_ns", "last"), count=("count", "sum"),
                first_pos=("pos", "first"), last_pos=("pos", "last")).reset_index()
    return _finish(out, kind, detail)


def _finish(out: pd.DataFrame, kind: str, detail) -> pd.DataFrame:
    none = np.full(len(out), -1, dtype=np.int64)
    out["first_api"] = out["first_pos"] if kind == "api" else none
    out["last_api"] = out["last_pos"] if kind == "api" else none
    out["first_flow"] = out["first_pos"] if kind == "flow" else none
    out["last_flow"] = out["last_pos"] if kind == "flow" else none
    for col in ("category", "sdk"):
        if col not in out:
            out[col] = None
    out["detail"] = [detail] * len(out) if not callable(detail) else detail(out)
    return out[list(HIT_COLUMNS)]


def combine(*parts: pd.DataFrame) -> pd.DataFrame:
    """Merge api and flow hits of the same (run, category, sdk) into one finding."""
    nonempty = [p for p in parts if not p.empty]
    if not nonempty:
        return empty_hits()
    both = pd.concat(nonempty, ignore_index=True)
    # Missing keys (no SDK) become one sentinel while grouping: a key column of nulls only would
    # come out of groupby as float64 and no longer merge with the object column it came from.
    for col in ("category", "sdk"):
        values = both[col].astype(object)
        both[col] = values.where(values.notna(), _NO_KEY)
    keys = ["run", "category", "sdk"]
    # The detail of the earliest part, taken within the groupby (no merge back on the keys).
    both = both.sort_values("first_t_ns", kind="stable")
    g = both.groupby(keys, sort=False)
    agg = g.agg(first_t_ns=("first_t_ns", "min"), last_t_ns=("last_t_ns", "max"), count=("count", "sum"),
                first_api=("first_api", "max"), last_api=("last_api", "max"),
                first_flow=("first_flow", "max"), last_flow=("last_flow", "max"),
                detail=("detail", "first")).reset_index()
    for col in ("category", "sdk"):
        agg[col] = agg[col].astype(object).where(agg[col] != _NO_KEY, None)
    return agg[list(HIT_COLUMNS)]


_NO_KEY = "\x00none"
