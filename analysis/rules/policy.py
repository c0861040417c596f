"""Rules over the privacy policy the run captured, set against what the app was seen doing.

A policy that could not be read is never the absence of a policy: `no-privacy-policy` fires only on
a run whose search ended with status `absent`, and the disclosure rules only on runs whose policy
text was read (or supplied). The per-run policy records come from `analysis.policy.run`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.policy.run import RunPolicy
from analysis.policy.vocab import CATEGORY_TERMS
from analysis.rules.base import HIT_COLUMNS, aggregate, combine, empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context

PI_CATEGORIES = tuple(CATEGORY_TERMS)
POLICY_SUBJECT = "privacy_policy"
MAX_LISTED = 60


def run_policies(ctx: Context) -> dict[int, RunPolicy]:
    """Run code -> its policy record (runs without one are left out)."""
    policies = getattr(ctx.runset, "policies", None) or {}
    codes = {rid: i for i, rid in enumerate(ctx.run_ids)}
    return {codes[rid]: rp for rid, rp in policies.items() if rid in codes}


def policy_brief(rp: RunPolicy) -> dict:
    """What evidence says about the policy: where it came from, its hash and stored text."""
    return {"status": rp.status, "via": rp.via, "source": rp.source, "sha256": rp.sha256, "text_file": rp.text_file,
            "reason": rp.reason}


def _run_hits(rows: list[dict]) -> pd.DataFrame:
    """Hits of run-level rules: one row per run, no event pointers."""
    if not rows:
        return empty_hits()
    out = pd.DataFrame(rows)
    for col in ("first_api", "last_api", "first_flow", "last_flow"):
        out[col] = np.int64(-1)
    out["last_t_ns"] = out["first_t_ns"]
    out["count"] = np.int64(1)
    out["sdk"] = None
    return out.astype({"run": np.int64, "first_t_ns": np.int64})[list(HIT_COLUMNS)]


def no_privacy_policy(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """The notice offered no policy link and the bounded search of the app's screens found none."""
    return _run_hits([
        {"run": run, "category": POLICY_SUBJECT, "first_t_ns": rp.t_ns or 0,
         "detail": {"policy": policy_brief(rp), "search": rp.search, "excerpt": None,
                    "absence": rp.reason or "no policy link on the notice and none found in the app"}}
        for run, rp in run_policies(ctx).items() if rp.status == "absent"])


def policy_hard_to_reach(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """The policy was found more than `policy_max_taps` taps away from the app's main screen."""
    return _run_hits([
        {"run": run, "category": POLICY_SUBJECT, "first_t_ns": rp.t_ns or 0,
         "detail": {"taps_from_main": rp.taps_from_main, "max_taps": cfg.policy_max_taps,
                    "path": rp.search.get("path"), "policy": policy_brief(rp)}}
        for run, rp in run_policies(ctx).items()
        if rp.taps_from_main is not None and rp.taps_from_main > cfg.policy_max_taps])


def _merge(api_hits: pd.DataFrame, flow_hits: pd.DataFrame, key: str) -> pd.DataFrame:
    """`combine` over (run, key) when the other key column is all None (pandas would turn it into
    float NaN while grouping, and refuse to merge it back)."""
    other = "sdk" if key == "category" else "category"
    parts = [p.assign(**{other: ""}) for p in (api_hits, flow_hits)]
    merged = combine(*parts)
    merged[other] = None
    return merged


def _readable(ctx: Context) -> dict[int, RunPolicy]:
    return {run: rp for run, rp in run_policies(ctx).items() if rp.has_text}


def pi_not_disclosed(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """A category of personal information read (API) or sent (traffic) that the policy does not declare."""
    policies = _readable(ctx)
    if not policies:
        return empty_hits()
    n_runs = len(ctx.run_ids)
    index = {c: i for i, c in enumerate(PI_CATEGORIES)}
    declared = np.zeros((n_runs, len(PI_CATEGORIES)), dtype=bool)
    readable = np.zeros(n_runs, dtype=bool)
    for run, rp in policies.items():
        readable[run] = True
        assert rp.reading is not None
        for c in rp.reading.categories:
            if c in index:
                declared[run, index[c]] = True

    def undisclosed(frame: pd.DataFrame, pi: np.ndarray | None = None) -> np.ndarray:
        if frame.empty:
            return np.zeros(0, dtype=bool)
        cat = frame["category"].astype(object).map(index).to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(cat)
        run = frame["run"].to_numpy().astype(np.int64)
        col = np.where(known, cat, 0).astype(np.int64)
        ok = known & readable[run] & ~declared[run, col]
        return ok & pi if pi is not None else ok

    def detail(out: pd.DataFrame) -> list[dict]:
        result = []
        for run, category in zip(out["run"], out["category"], strict=True):
            rp = policies[int(run)]
            assert rp.reading is not None
            result.append({"not_declared": category, "declared_categories": rp.reading.categories,
                           "policy_excerpt": None, "policy": policy_brief(rp)})
        return result

    api = ctx.api
    api_hits = aggregate(api, ["run", "category"], "api", detail,
                         mask=undisclosed(api, api["pi"].to_numpy(dtype=bool)) if not api.empty else None)
    flows = ctx.pi_flows
    flow_hits = aggregate(flows, ["run", "category"], "flow", detail,
                          mask=undisclosed(flows) if not flows.empty else None)
    return _merge(api_hits, flow_hits, "category")


def sdk_not_disclosed(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """An SDK seen reading (by stack) or receiving (by host) personal information that the policy's
    SDK list does not name (matched to the SDK database by name, Chinese name and company)."""
    policies = _readable(ctx)
    if not policies:
        return empty_hits()
    transparent = {k for k, e in ctx.db.entries.items() if e.transparent}
    listed = {run: rp.reading.sdk_ids for run, rp in policies.items() if rp.reading is not None}

    def undisclosed(frame: pd.DataFrame) -> np.ndarray:
        if frame.empty:
            return np.zeros(0, dtype=bool)
        sdk = frame["sdk"].astype(object).to_numpy()
        run = frame["run"].to_numpy().astype(np.int64)
        pairs = pd.Series(list(zip(run.tolist(), sdk.tolist(), strict=True)))
        uniq = pd.unique(pairs)  # decide per distinct (run, sdk), not per event
        verdict = {p: (isinstance(p[1], str) and p[0] in listed and p[1] not in transparent and p[1] not in listed[p[0]])
                   for p in uniq}
        return pairs.map(verdict).to_numpy(dtype=bool)

    def detail(out: pd.DataFrame) -> list[dict]:
        result = []
        for run, sdk_id in zip(out["run"], out["sdk"], strict=True):
            rp = policies[int(run)]
            entry = ctx.db.entries.get(sdk_id)
            assert rp.reading is not None
            result.append({"sdk_name": entry.name if entry else sdk_id, "company": entry.company if entry else None,
                           "declared_sdks": [s.name for s in rp.reading.sdks][:MAX_LISTED],
                           "policy_excerpt": None, "policy": policy_brief(rp)})
        return result

    api = ctx.api
    api_mask = (undisclosed(api) & api["pi"].to_numpy(dtype=bool)) if not api.empty else None
    flows = ctx.pi_flows
    return _merge(aggregate(api, ["run", "sdk"], "api", detail, mask=api_mask),
                  aggregate(flows, ["run", "sdk"], "flow", detail, mask=undisclosed(flows) if not flows.empty else None),
                  "sdk")
