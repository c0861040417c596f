"""Declared vs observed, per app: each category of personal information and each third-party SDK,
whether the app's privacy policy declares it, whether the runs saw it, and the evidence for both.

Observed: a personal-information API read (`pi`) of the category, or a request carrying it; an SDK
attributed by its stack or its destination host (transparent libraries left out). Declared: the
policy text of any run of the app that read one (all runs of one app share one policy), by the
policy reader. `declared` is None when no run read the policy: nothing can be said."""

from __future__ import annotations

import pandas as pd

from analysis.rules.context import Context
from analysis.rules.policy import PI_CATEGORIES, run_policies

COLUMNS = ("app", "kind", "item", "name", "declared", "observed", "policy_status", "declared_evidence",
           "observed_run", "observed_scenario", "observed_t_s", "observed_how", "finding")
MAX_EXCERPT = 200


def _observed(ctx: Context) -> pd.DataFrame:
    """(run, kind, item, t_ns, how): the first sighting of each category and SDK per run."""
    parts = []
    api = ctx.api
    if not api.empty:
        pi = api[api["pi"].to_numpy(dtype=bool)]
        cats = pi[pi["category"].astype(object).isin(PI_CATEGORIES)]
        g = cats.groupby(["run", cats["category"].astype(object)], observed=True)["t_ns"].min().reset_index()
        parts.append(g.rename(columns={"category": "item"}).assign(kind="category", how="api"))
        sdk = pi[pi["sdk"].notna()]
        g = sdk.groupby(["run", sdk["sdk"].astype(object)], observed=True)["t_ns"].min().reset_index()
        parts.append(g.rename(columns={"sdk": "item"}).assign(kind="sdk", how="api (stack)"))
    flows = ctx.pi_flows
    if not flows.empty:
        cats = flows[flows["category"].astype(object).isin(PI_CATEGORIES)]
        g = cats.groupby(["run", cats["category"].astype(object)])["t_ns"].min().reset_index()
        parts.append(g.rename(columns={"category": "item"}).assign(kind="category", how="traffic"))
        sdk = flows[flows["sdk"].notna()]
        g = sdk.groupby(["run", sdk["sdk"].astype(object)])["t_ns"].min().reset_index()
        parts.append(g.rename(columns={"sdk": "item"}).assign(kind="sdk", how="traffic (host)"))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in ("run", "kind", "item", "t_ns", "how")})
    out = pd.concat(parts, ignore_index=True)
    transparent = {k for k, e in ctx.db.entries.items() if e.transparent}
    out = out[~((out["kind"] == "sdk") & out["item"].isin(transparent))]
    return out.sort_values("t_ns", kind="stable").drop_duplicates(["run", "kind", "item"])


def declared_vs_observed(ctx: Context, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (app, kind, item) with COLUMNS."""
    m = ctx.manifests
    app_of = m["app"].astype(str).to_numpy()
    scen_of = m["scenario"].astype(str).to_numpy()
    run_ids = ctx.run_ids.to_numpy(dtype=object)
    obs = _observed(ctx)
    obs = obs.assign(app=app_of[obs["run"].to_numpy(dtype=int)]) if len(obs) else obs.assign(app=[])
    policies = run_policies(ctx)
    by_app: dict[str, dict] = {}
    for run, rp in policies.items():
        info = by_app.setdefault(str(app_of[run]), {"status": set(), "cats": {}, "sdks": {}})
        info["status"].add(rp.status)
        if rp.has_text and rp.reading is not None:
            for c in rp.reading.categories:
                info["cats"].setdefault(c, rp.reading.category_evidence.get(c, ""))
            for s in rp.reading.sdks:
                if s.sdk:
                    info["sdks"].setdefault(s.sdk, s.excerpt or s.name)
    undisclosed = set()
    if findings is not None and not findings.empty:
        f = findings[findings["rule"].isin(["pi-not-disclosed", "sdk-not-disclosed"])]
        undisclosed = {(a, "category" if r == "pi-not-disclosed" else "sdk", c if r == "pi-not-disclosed" else s)
                       for a, r, c, s in zip(f["app"], f["rule"], f["category"], f["sdk"], strict=True)}
    rows = []
    for app in sorted(set(app_of)):
        info = by_app.get(app, {"status": set(), "cats": {}, "sdks": {}})
        read = bool(info["status"] & {"read", "supplied"})
        status = ",".join(sorted(info["status"])) or "none"
        o = obs[obs["app"] == app] if len(obs) else obs
        first = {(k, i): (r, t, h) for k, i, r, t, h in
                 zip(o["kind"], o["item"], o["run"], o["t_ns"], o["how"], strict=True)} if len(o) else {}
        items = {("category", c) for c in info["cats"]} | {("sdk", s) for s in info["sdks"]} | set(first)
        for kind, item in sorted(items, key=lambda ki: (ki[0], str(ki[1]))):
            declared_map = info["cats"] if kind == "category" else info["sdks"]
            seen = first.get((kind, item))
            entry = ctx.db.entries.get(item) if kind == "sdk" else None
            rows.append({
                "app": app, "kind": kind, "item": item, "name": entry.name if entry else item,
                "declared": (item in declared_map) if read else None, "observed": seen is not None,
                "policy_status": status, "declared_evidence": (declared_map.get(item) or "")[:MAX_EXCERPT] or None,
                "observed_run": run_ids[int(seen[0])] if seen else None,
                "observed_scenario": scen_of[int(seen[0])] if seen else None,
                "observed_t_s": round(int(seen[1]) / 1e9, 3) if seen else None,
                "observed_how": seen[2] if seen else None,
                "finding": ("pi-not-disclosed" if kind == "category" else "sdk-not-disclosed")
                if (app, kind, item) in undisclosed else None,
            })
    return pd.DataFrame(rows, columns=list(COLUMNS))
