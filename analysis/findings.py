"""From a RunSet to findings: prepare the context, run every rule, attach evidence.

`evaluate(runset, config=None) -> DataFrame` with the findings.parquet columns (DESIGN.md) plus the
run columns (app, scenario, device); `write_findings` stores them in each run directory."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import AnalysisInputError
from analysis.evidence import build_evidence
from analysis.rules import RULES, RULES_BY_ID, SEVERITY_RANK, RuleConfig
from analysis.rules.context import build_context
from analysis.schema import conform
from analysis.sdk.db import SdkDb

FINDING_COLUMNS = ("run_id", "app", "scenario", "device", "rule", "severity", "category", "first_t_ns",
                   "last_t_ns", "count", "sdk", "refs", "explanation", "evidence")


def empty_findings() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS})
    return frame.astype({"first_t_ns": np.int64, "last_t_ns": np.int64, "count": np.int64})


def evaluate(runset, config: RuleConfig | None = None, *, db: SdkDb | None = None, evidence: bool = True,
             timings: dict | None = None) -> pd.DataFrame:
    """Findings of every enabled rule over every run of `runset` (an `analysis.RunSet`).

    `evidence=False` skips the evidence JSON (bulk statistics); `timings`, if given, receives the
    seconds spent per stage."""
    return evaluate_with_context(runset, config, db=db, evidence=evidence, timings=timings)[0]


def evaluate_with_context(runset, config: RuleConfig | None = None, *, db: SdkDb | None = None,
                          evidence: bool = True, timings: dict | None = None):
    """`evaluate`, also returning the prepared Context (reports draw timelines from it)."""
    config = config or RuleConfig()
    config.validate()
    enabled = RULES if config.rules is None else tuple(_rule(r) for r in config.rules)
    clock = time.perf_counter()
    ctx = build_context(runset, config, db)
    if timings is not None:
        timings["context"] = time.perf_counter() - clock
    parts = []
    for rule in enabled:
        clock = time.perf_counter()
        hits = rule.fn(ctx, config)
        if timings is not None:
            timings[rule.id] = time.perf_counter() - clock
        if hits.empty:
            continue
        hits = hits.assign(rule=rule.id, severity=rule.severity, refs="; ".join(rule.refs),
                           explanation=rule.explanation)
        parts.append(hits)
    if not parts:
        return empty_findings(), ctx
    hits = pd.concat(parts, ignore_index=True)
    clock = time.perf_counter()
    hits["evidence"] = build_evidence(ctx, hits) if evidence else None
    if timings is not None:
        timings["evidence"] = time.perf_counter() - clock
    m = ctx.manifests
    run = hits["run"].to_numpy().astype(np.int64)
    out = pd.DataFrame({
        "run_id": m["run_id"].astype(str).to_numpy()[run], "app": m["app"].astype(str).to_numpy()[run],
        "scenario": m["scenario"].astype(str).to_numpy()[run], "device": m["device"].astype(str).to_numpy()[run],
        "rule": hits["rule"], "severity": hits["severity"],
        "category": hits["category"].astype(object).where(hits["category"].notna(), None),
        "first_t_ns": hits["first_t_ns"].astype(np.int64), "last_t_ns": hits["last_t_ns"].astype(np.int64),
        "count": hits["count"].astype(np.int64), "sdk": hits["sdk"].astype(object).where(hits["sdk"].notna(), None),
        "refs": hits["refs"], "explanation": hits["explanation"], "evidence": hits["evidence"],
    })
    # by run id, rule order, first time (stable): integer ranks, so 150k rows sort without string compares
    rule_rank = {r.id: i for i, r in enumerate(RULES)}
    run_rank = np.argsort(np.argsort(m["run_id"].astype(str).to_numpy(), kind="stable"), kind="stable")
    order = np.lexsort((out["first_t_ns"].to_numpy(), out["rule"].map(rule_rank).to_numpy(), run_rank[run]))
    return out.iloc[order].reset_index(drop=True), ctx


def _rule(rule_id: str):
    if rule_id not in RULES_BY_ID:
        raise AnalysisInputError(f"unknown rule {rule_id!r}; known: {', '.join(RULES_BY_ID)}")
    return RULES_BY_ID[rule_id]


def at_or_above(findings: pd.DataFrame, fail_on: str | list[str] | None) -> pd.DataFrame:
    """Findings matching a `--fail-on` value: rule ids (comma-separated or a list) or a severity
    (findings at that severity or above). None matches nothing."""
    if not fail_on:
        return findings.iloc[0:0]
    items = [p.strip() for p in (fail_on.split(",") if isinstance(fail_on, str) else fail_on) if p.strip()]
    severities = [i for i in items if i in SEVERITY_RANK]
    rules = [i for i in items if i not in SEVERITY_RANK]
    for r in rules:
        _rule(r)
    mask = findings["rule"].isin(rules)
    if severities:
        floor = min(SEVERITY_RANK[s] for s in severities)
        mask |= findings["severity"].map(SEVERITY_RANK) >= floor
    return findings[mask]


def write_findings(runset, findings: pd.DataFrame) -> list[Path]:
    """Write findings.parquet into every run directory of `runset` (empty for runs with none, so a
    re-evaluation replaces stale findings). Returns the files written."""
    written = []
    by_run = dict(tuple(findings.groupby("run_id", sort=False))) if not findings.empty else {}
    for run_id, path in zip(runset.manifests["run_id"].astype(str), runset.manifests["path"], strict=True):
        if not path:
            continue
        rows = by_run.get(run_id, empty_findings())
        cols = [c for c in FINDING_COLUMNS if c not in ("app", "scenario", "device")]
        table = pa.Table.from_pandas(rows[cols].astype({"count": "int64"}), preserve_index=False)
        target = Path(path) / "findings.parquet"
        tmp = target.with_suffix(".parquet.tmp")
        pq.write_table(conform("findings", table), tmp)
        tmp.replace(target)
        written.append(target)
    return written
