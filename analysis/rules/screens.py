"""Rules over what the user was shown: prompts, notices, rationales, ticked boxes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.rules.base import HIT_COLUMNS, empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context
from analysis.timeline import NOTICE, asof_index, run_codes


def _screen_hits(frame: pd.DataFrame, keys: list[str], detail) -> pd.DataFrame:
    """Group screen events (run, t_ns, category...) into hits without api/flow pointers."""
    if frame.empty:
        return empty_hits()
    g = frame.groupby(keys, sort=False, dropna=False)
    out = g.agg(first_t_ns=("t_ns", "min"), last_t_ns=("t_ns", "max"), count=("t_ns", "size")).reset_index()
    for col in ("first_api", "last_api", "first_flow", "last_flow"):
        out[col] = np.int64(-1)
    out["sdk"] = None
    if "category" not in out:
        out["category"] = None
    out["detail"] = detail(out, g)
    return out[list(HIT_COLUMNS)]


def _notice_decisions(ctx: Context) -> pd.DataFrame:
    """The notice's decisions (accepted, refused) by run and time, with the harness's step and tap."""
    c = ctx.runset.consent
    c = c[(c["subject"].astype(str) == NOTICE) & c["state"].astype(str).isin(["accepted", "refused"])]
    c = c.sort_values("t_ns", kind="stable")
    evidence = c["evidence"].astype(object) if "evidence" in c else pd.Series([None] * len(c), index=c.index)
    steps = [_step_of(e) for e in evidence]  # a few rows per run
    return pd.DataFrame({"run": run_codes(c, ctx.run_ids), "t_ns": c["t_ns"].to_numpy().astype(np.int64),
                         "state": c["state"].astype(str).to_numpy(), "via": c["via"].astype(object).to_numpy(),
                         "step_id": steps})


def _step_of(evidence) -> object:
    if not isinstance(evidence, str):
        return None
    try:
        value = json.loads(evidence)
    except ValueError:
        return None
    return value.get("step_id") if isinstance(value, dict) else None


def permission_before_consent(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """A runtime permission prompt while the privacy notice was not (yet) accepted: never shown,
    shown and unanswered (a prompt drawn over the notice leaves it unanswered), refused or dismissed.
    The detail names the notice's state at the first prompt and the decision that came after it,
    at the host time of the harness's tap, so the order is exact."""
    asks = ctx.asks
    if asks.empty:
        return empty_hits()
    sel = asks[asks["notice"] != "accepted"].assign(category=lambda f: f["subject"])
    if sel.empty:
        return empty_hits()
    firsts = sel.groupby(["run", "category"], sort=False)["t_ns"].min()
    decisions = _notice_decisions(ctx)
    idx = asof_index(firsts.index.get_level_values("run").to_numpy(), firsts.to_numpy(),
                     decisions["run"].to_numpy(), decisions["t_ns"].to_numpy(), direction="forward")
    after: dict[tuple, dict | None] = {}
    for key, i in zip(firsts.index, idx, strict=True):  # one per finding
        if i >= 0:
            d = decisions.iloc[i]
            step = d["step_id"].item() if isinstance(d["step_id"], np.generic) else d["step_id"]
            after[key] = {"state": d["state"], "t_ns": int(d["t_ns"]), "via": d["via"], "step_id": step,
                          "after_prompt_ms": round((int(d["t_ns"]) - int(firsts[key])) / 1e6, 3)}
        else:
            after[key] = None
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"notice_state": str(s), "prompt_t_ns": int(t), "notice_decision": after[(r, c)]}
        for s, t, r, c in zip(g["notice"].first().to_numpy(), out["first_t_ns"], out["run"], out["category"],
                              strict=True)])


def _refusals(ctx: Context) -> pd.DataFrame:
    """First refusal per (run, subject): notice refused, permission denied."""
    c = ctx.runset.consent
    c = c[c["state"].astype(str).isin(["refused", "denied"])]
    frame = pd.DataFrame({"run": run_codes(c, ctx.run_ids), "subject": c["subject"].astype(str).to_numpy(),
                          "t_ref": c["t_ns"].to_numpy().astype(np.int64)})
    return frame.groupby(["run", "subject"], as_index=False)["t_ref"].min()


def renag_after_refusal(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """The notice or a permission asked again more than `renag_max_repeats` times after a refusal."""
    refusals = _refusals(ctx)
    if refusals.empty:
        return empty_hits()
    prompts = pd.concat([ctx.asks[["run", "t_ns", "subject"]], ctx.shows[["run", "t_ns", "subject"]]],
                        ignore_index=True) if not ctx.shows.empty else ctx.asks[["run", "t_ns", "subject"]]
    later = prompts.merge(refusals, on=["run", "subject"])
    later = later[later["t_ns"] > later["t_ref"]]
    counts = later.groupby(["run", "subject"]).size()
    bad = counts[counts > cfg.renag_max_repeats]
    sel = later.set_index(["run", "subject"]).loc[bad.index].reset_index() if len(bad) else later.iloc[0:0]
    sel = sel.rename(columns={"subject": "category"})
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"asks_after_refusal": int(n), "first_refusal_t_ns": int(t), "max_repeats": cfg.renag_max_repeats}
        for n, t in zip(g.size().to_numpy(), g["t_ref"].first().to_numpy(), strict=True)])


def _fresh_runs(ctx: Context) -> np.ndarray:
    """Runs whose scenario launched the app fresh: manifest `scenario.fresh`, else a `launch` step."""
    m = ctx.manifests
    steps = ctx.runset.steps
    launched = np.zeros(len(m), dtype=bool)
    if not steps.empty:
        launch = steps[steps["action"].astype(str) == "launch"]
        launched[np.unique(run_codes(launch, ctx.run_ids))] = True
    fresh = m["fresh"].to_numpy() if "fresh" in m else np.full(len(m), None)
    return np.where(pd.isna(fresh), launched, fresh == True) & launched  # noqa: E712


def no_notice_on_first_run(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """A fresh launch in which the app came up (its screen or its permission prompt was seen) but no
    privacy notice was ever seen or recorded."""
    fresh = _fresh_runs(ctx)
    ui = ctx.ui_trans
    app_of = ctx.manifests["app"].astype(str).to_numpy()
    app_seen = np.zeros(len(fresh), dtype=bool)
    first_seen = np.full(len(fresh), -1, dtype=np.int64)
    if not ui.empty:
        # the app came up: its own screen, or a permission prompt it raised, was seen
        own = ui[(ui["package"].astype(str).to_numpy() == app_of[ui["run"].to_numpy()])
                 | (ui["kind"] == "permission_dialog").to_numpy()]
        firsts = own.groupby("run")["t_ns"].min()
        app_seen[firsts.index.to_numpy()] = True
        first_seen[firsts.index.to_numpy()] = firsts.to_numpy()
    c = ctx.runset.consent
    noticed = np.zeros(len(fresh), dtype=bool)
    noticed[np.unique(run_codes(c[c["subject"].astype(str) == NOTICE], ctx.run_ids))] = True
    if not ctx.shows.empty:
        noticed[np.unique(ctx.shows["run"].to_numpy().astype(np.int64))] = True
    bad = np.flatnonzero(fresh & app_seen & ~noticed)
    frame = pd.DataFrame({"run": bad, "t_ns": first_seen[bad], "category": NOTICE})
    return _screen_hits(frame, ["run", "category"], lambda out, g: [
        {"fresh_launch": True, "notice_seen": False}] * len(out))


def permission_without_rationale(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """A system permission prompt with no in-app rationale screen within `rationale_window_s` before it."""
    asks = ctx.asks
    if asks.empty:
        return empty_hits()
    ui = ctx.ui_trans
    rat = ui[ui["kind"] == "permission_rationale"][["run", "t_ns", "group"]].rename(columns={"t_ns": "t_rat"})
    window = int(cfg.rationale_window_s * 1e9)
    pairs = asks.reset_index(names="ask").merge(rat, on="run")  # prompts x rationales of the run: small
    ask_group = pairs["subject"].astype(str).str.removeprefix("permission:")
    explains = ((pairs["t_rat"] <= pairs["t_ns"]) & (pairs["t_ns"] - pairs["t_rat"] <= window)
                & (pairs["group"].isna() | (pairs["group"] == ask_group) | (ask_group == "UNKNOWN")))
    ok = asks.index.isin(pairs.loc[explains, "ask"])
    sel = asks[~ok].assign(category=lambda f: f["subject"])
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"rationale_window_s": cfg.rationale_window_s, "prompts_without_rationale": int(n)} for n in g.size().to_numpy()])


LOGIN_AGREEMENT = "login_agreement"


def preticked_consent(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """A privacy-notice screen, or a login/sign-up page's agreement checkbox (`login_agreement`),
    already ticked when it appeared (MIIT 3.4: consent by default is not consent)."""
    shows = ctx.shows
    notices = shows[shows["precheck"].astype(bool)].assign(category=NOTICE) if not shows.empty else shows
    ui = ctx.ui_trans
    logins = ui[(ui["kind"] == LOGIN_AGREEMENT).to_numpy() & ui["precheck"].astype(bool).to_numpy()]
    logins = logins.assign(category=LOGIN_AGREEMENT)
    parts = [f[["run", "t_ns", "category"]] for f in (notices, logins) if not f.empty]
    if not parts:
        return empty_hits()
    sel = pd.concat(parts, ignore_index=True).sort_values(["run", "t_ns"], kind="stable")
    return _screen_hits(sel, ["run", "category"], lambda out, g: [
        {"precheck": True, "screen": str(c)} for c in out["category"]])
