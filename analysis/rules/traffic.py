"""Rules over who gets personal information: SDK inventory, cleartext, trackers."""

from __future__ import annotations

import pandas as pd

from analysis.rules.base import aggregate, combine, empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context

_KEYS = ["run", "category", "sdk"]


def _sdk_detail(ctx: Context):
    def detail(out: pd.DataFrame) -> list[dict]:
        per_sdk: dict = {}  # one dict per SDK, shared by its findings (evidence encodes it once)
        result = []
        for sdk_id in out["sdk"]:
            if sdk_id not in per_sdk:
                entry = ctx.db.entries.get(sdk_id) if isinstance(sdk_id, str) else None
                per_sdk[sdk_id] = {"sdk_name": entry.name, "company": entry.company, "sdk_category": entry.category,
                                   "country": entry.country} if entry else {}
            result.append(per_sdk[sdk_id])
        return result
    return detail


def third_party_sdk(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """Which SDK read PI (attributed by its stack frames) or received it (by destination host)."""
    api = ctx.api
    flows = ctx.pi_flows[ctx.pi_flows["sdk"].notna()]
    return combine(aggregate(api, _KEYS, "api", _sdk_detail(ctx), mask=api["pi"].to_numpy() & api["sdk"].notna().to_numpy()),
                   aggregate(flows, _KEYS, "flow", _sdk_detail(ctx)))


def pi_cleartext(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI sent over plain HTTP (readable and alterable by anyone on the path)."""
    flows = ctx.pi_flows[ctx.pi_flows["scheme"] == "http"]
    return aggregate(flows, _KEYS, "flow", lambda out: [{"scheme": "http"}] * len(out))


def pi_to_third_party(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI sent to a host of a known SDK or tracker (destination attributed by domain suffix)."""
    flows = ctx.pi_flows[ctx.pi_flows["sdk"].notna()]
    if flows.empty:
        return empty_hits()
    transparent = {k for k, e in ctx.db.entries.items() if e.transparent}
    flows = flows[~flows["sdk"].isin(transparent)]
    return aggregate(flows, _KEYS, "flow", _sdk_detail(ctx))
