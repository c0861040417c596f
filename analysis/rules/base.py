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


def aggregate(events: pd.DataFrame, keys: list[str], kind: str, detail=None) -> pd.DataFrame:
    """Group event rows (`run`, `t_ns`, `count`, `pos`, key columns) into hits.

    `kind` says which table `pos` points into: "api" or "flow". Events must be in time order within
    each run (the context sorts them once)."""
    if events.empty:
        return empty_hits()
    g = events.groupby(keys, observed=True, sort=False, dropna=False)
    out = g.agg(first_t_ns=("t_ns", "first"), last_t_ns=("t_ns", "last"), count=("count", "sum"),
                first_pos=("pos", "first"), last_pos=("pos", "last")).reset_index()
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
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_hits()
    both = pd.concat(parts, ignore_index=True)
    both["category"] = both["category"].astype(object)
    both["sdk"] = both["sdk"].astype(object)
    keys = ["run", "category", "sdk"]
    first_row = both.sort_values("first_t_ns", kind="stable").drop_duplicates(keys)
    g = both.groupby(keys, dropna=False, sort=False)
    agg = g.agg(first_t_ns=("first_t_ns", "min"), last_t_ns=("last_t_ns", "max"), count=("count", "sum"),
                first_api=("first_api", "max"), last_api=("last_api", "max"),
                first_flow=("first_flow", "max"), last_flow=("last_flow", "max")).reset_index()
    agg = agg.merge(first_row[keys + ["detail"]], on=keys, how="left")
    return agg[list(HIT_COLUMNS)]
