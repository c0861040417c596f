"""Rules over how consent is asked: refusing ends the app (forced consent), and many permission
groups asked for at once at first launch (bundled permissions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.rules.base import empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context
from analysis.rules.screens import _fresh_runs, _screen_hits
from analysis.timeline import asof_index, run_codes

# Harness steps that move the app out of the way themselves: an exit after them is not the app's.
HARNESS_EXITS = ("home", "back", "stop", "restart", "explore", "tap", "launch", "resume", "swipe", "text", "policy")
# Steps that use a function of the app: prompts after them are asked in context, not at launch.
USE_STEPS = ("explore", "tap", "text", "swipe", "back", "home", "resume", "restart")


def forced_consent(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """After the harness refused the notice or denied a permission (a `step` decision), the app left
    the screen by itself within `forced_exit_window_s`: it exited (or finished its task) rather than
    carry on. A harness step (home, back, explore, ...) running at the refusal or started between
    the refusal and the exit explains the exit instead."""
    c = ctx.runset.consent
    # the harness's own refusals only: a prompt that HOME or the system dismissed is not the user saying no
    c = c[c["state"].astype(str).isin(["refused", "denied"]) & (c["via"].astype(str) == "step")]
    ui = ctx.runset.ui
    if c.empty or ui.empty:
        return empty_hits()
    overlays = set(cfg.overlay_packages)
    app_of = ctx.manifests["app"].astype(str).to_numpy()
    pkg = ui["package"].astype(object)
    urun = run_codes(ui, ctx.run_ids)
    gone = pkg.notna().to_numpy() & ~pkg.isin(overlays).to_numpy() & (pkg.astype(str).to_numpy() != app_of[urun])
    away = ui[gone & ui["t_ns"].notna().to_numpy()]
    arun, at = run_codes(away, ctx.run_ids), away["t_ns"].to_numpy().astype(np.int64)
    order = np.lexsort((at, arun))
    arun, at, apkg = arun[order], at[order], away["package"].astype(str).to_numpy()[order]
    rrun, rt = run_codes(c, ctx.run_ids), c["t_ns"].to_numpy().astype(np.int64)
    idx = asof_index(rrun, rt, arun, at, direction="forward", tolerance=int(cfg.forced_exit_window_s * 1e9))
    hit = idx >= 0
    if not hit.any():
        return empty_hits()
    t_exit = np.where(hit, at[np.maximum(idx, 0)], 0)
    steps = ctx.runset.steps
    s = steps[steps["action"].astype(str).isin(HARNESS_EXITS)] if not steps.empty else steps
    if not s.empty:  # a harness action between the refusal and the exit explains it
        srun, st = run_codes(s, ctx.run_ids), s["t_start_ns"].to_numpy().astype(np.int64)
        so = np.lexsort((st, srun))
        nxt = asof_index(rrun, rt, srun[so], st[so], direction="forward")
        explained = (nxt >= 0) & (st[so][np.maximum(nxt, 0)] <= t_exit)
        # a refusal made while such a step runs (a standing answer given during `explore`) is
        # followed by that step's own actions (BACK out of the app): those explain the exit too
        se = s["t_end_ns"].fillna(s["t_start_ns"]).to_numpy().astype(np.int64)[so]
        prev = asof_index(rrun, rt, srun[so], st[so], direction="backward")
        explained |= (prev >= 0) & (se[np.maximum(prev, 0)] >= rt)
        hit &= ~explained
    sel = pd.DataFrame({"run": rrun[hit], "t_ns": rt[hit], "category": c["subject"].astype(str).to_numpy()[hit],
                        "t_exit": t_exit[hit], "to": apkg[np.maximum(idx, 0)][hit]})
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"refused": cat, "left_app_after_s": round((int(te) - int(t0)) / 1e9, 3), "foreground_after": to,
         "window_s": cfg.forced_exit_window_s, "outcome": "the app left the screen after the refusal"}
        for cat, t0, te, to in zip(out["category"], g["t_ns"].min().to_numpy(), g["t_exit"].min().to_numpy(),
                                   g["to"].first().to_numpy(), strict=True)])


def _answered_at(ctx: Context, asks: pd.DataFrame) -> pd.Series:
    """For each ask (sorted by run, t_ns), when it was answered: the first decision (granted or
    denied) of its run and subject at or after it, else the ask's own time."""
    c = ctx.runset.consent
    c = c[c["subject"].astype(str).str.startswith("permission:") & c["state"].astype(str).isin(["granted", "denied"])]
    decided = pd.DataFrame({"run": run_codes(c, ctx.run_ids), "subject": c["subject"].astype(str).to_numpy(),
                            "t_dec": c["t_ns"].to_numpy().astype(np.int64)})
    left = pd.DataFrame({"t_ns": asks["t_ns"].to_numpy().astype(np.int64), "run": asks["run"].to_numpy().astype(np.int64),
                         "subject": asks["subject"].astype(str).to_numpy(), "i": np.arange(len(asks))})
    if decided.empty:
        return pd.Series(left["t_ns"].to_numpy(), index=asks.index)
    m = pd.merge_asof(left.sort_values("t_ns", kind="stable"), decided.sort_values("t_dec", kind="stable"),
                      left_on="t_ns", right_on="t_dec", by=["run", "subject"], direction="forward")
    m = m.sort_values("i")
    return pd.Series(m["t_dec"].fillna(m["t_ns"]).to_numpy().astype(np.int64), index=asks.index)


def permission_bundle(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """At first launch, before any function of the app was used, prompts for `bundle_min_groups` or
    more dangerous permission groups came in one burst (each within `bundle_gap_s` of the answer to the last)."""
    asks = ctx.asks
    if asks.empty:
        return empty_hits()
    fresh = _fresh_runs(ctx)
    a = asks[fresh[asks["run"].to_numpy().astype(np.int64)] & (asks["subject"].astype(str) != "permission:UNKNOWN")]
    steps = ctx.runset.steps
    if not steps.empty and not a.empty:
        use = steps[steps["action"].astype(str).isin(USE_STEPS)]
        first_use = use.assign(run=run_codes(use, ctx.run_ids)).groupby("run")["t_start_ns"].min()
        limit = a["run"].map(first_use).fillna(np.iinfo(np.int64).max).to_numpy()
        a = a[a["t_ns"].to_numpy() < limit]
    if a.empty:
        return empty_hits()
    a = a.sort_values(["run", "t_ns"], kind="stable").reset_index(drop=True)
    # "One after the other" is measured from when the previous prompt was answered: the next one
    # comes up as the last closes, and how long the answer took (a person, or a harness on a
    # loaded machine) is not the app's doing.
    end = _answered_at(ctx, a)
    gap = pd.Series(a["t_ns"].to_numpy() - end.shift(1).to_numpy(), index=a.index)
    gap[a["run"].ne(a["run"].shift(1))] = np.nan
    a["burst"] = (gap.isna() | (gap > int(cfg.bundle_gap_s * 1e9))).cumsum()
    groups = a.groupby("burst")["subject"].nunique()
    big = groups[groups >= cfg.bundle_min_groups].index
    sel = a[a["burst"].isin(big)]
    if sel.empty:
        return empty_hits()
    names = sel.groupby("burst")["subject"].agg(lambda s: sorted({str(x).removeprefix("permission:") for x in s}))
    sel = sel.assign(category="permission:" + sel["burst"].map(lambda b: "+".join(names[b])))
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"groups": names[b], "asked_within_s": round((int(t1) - int(t0)) / 1e9, 3), "max_gap_s": cfg.bundle_gap_s}
        for b, t0, t1 in zip(g["burst"].first().to_numpy(), g["t_ns"].min().to_numpy(), g["t_ns"].max().to_numpy(),
                             strict=True)])
