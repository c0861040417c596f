"""Rules over collection events (API reads and PI in traffic) placed on the consent timeline."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from analysis.rules.base import HIT_COLUMNS, aggregate, combine, empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context
from analysis.timeline import category_subject

_KEYS = ["run", "category", "sdk"]
_NOT_ACCEPTED = ("none", "shown")
_REFUSED = ("refused",)
_PERM_REFUSED = ("denied", "revoked")


def _pi_api(ctx: Context) -> pd.DataFrame:
    return ctx.pi_api if ctx.pi_api is not None else ctx.api[ctx.api["pi"]]


def collect_before_consent(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI read (API) or sent (traffic) while the notice was never accepted (none or only shown)."""
    api = _pi_api(ctx)
    f = ctx.pi_flows[ctx.pi_flows["notice"].isin(_NOT_ACCEPTED)]
    detail = lambda out: [{"notice_state": "not accepted"}] * len(out)  # noqa: E731
    return combine(aggregate(api, _KEYS, "api", detail, mask=api["notice"].isin(_NOT_ACCEPTED)),
                   aggregate(f, _KEYS, "flow", detail))


def collect_after_refusal(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI read or sent after the notice was refused, or after its governing permission was denied."""
    parts = []
    for frame, kind in ((_pi_api(ctx), "api"), (ctx.pi_flows, "flow")):
        refused = frame["notice"].isin(_REFUSED).to_numpy()
        mask = refused | frame["perm"].isin(_PERM_REFUSED).to_numpy()
        if not mask.any():
            continue
        # the cause as a categorical (codes only): the notice refusal wins over the permission state
        perm = pd.Series(frame["perm"], copy=False).astype("category")
        why_codes = np.where(refused, 0, perm.cat.codes.to_numpy().astype(np.int64) + 1)
        why_names = ["privacy_notice refused"] + [f"permission {c}" for c in perm.cat.categories]
        sel = frame[_KEYS + ["t_ns", "count", "pos"]][mask]
        sel["why"] = pd.Categorical.from_codes(why_codes[mask], categories=why_names)
        hits = aggregate(sel, _KEYS + ["why"], kind, lambda out: [{"refused": str(w)} for w in out["why"]])
        parts.append(hits)
    return combine(*parts)


def sensitive_without_permission_flow(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """Location/contacts/camera/microphone read while the user was never asked for that permission."""
    api = _pi_api(ctx)
    mask = (api["category"].isin(cfg.sensitive_categories) & (api["perm"] == "none")).to_numpy().copy()
    if not mask.any():
        return empty_hits()
    if not ctx.asks.empty:
        # (run, subject) pairs as integer keys: the subject of each category, looked up once per category
        subjects = pd.Index(pd.unique(ctx.asks["subject"].astype(str)))
        asked = ctx.asks["run"].to_numpy().astype(np.int64) * len(subjects) + subjects.get_indexer(ctx.asks["subject"].astype(str))
        cat = pd.Series(api["category"], copy=False).astype("category")
        per_cat = category_subject(pd.Series(cat.cat.categories, dtype=object))
        code_per_cat = np.append(subjects.get_indexer(per_cat.fillna("\0").astype(str)), -1)
        code = code_per_cat[cat.cat.codes.to_numpy()[mask]]
        run = api["run"].to_numpy()[mask].astype(np.int64)
        was_asked = (code >= 0) & np.isin(run * len(subjects) + code, asked)
        mask[np.flatnonzero(mask)[was_asked]] = False
    return aggregate(api, _KEYS, "api", lambda out: [{"asked": False}] * len(out), mask=mask)


def excessive_frequency(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """One kind of PI read more than `max_reads_per_run` times in a run, or faster than
    `max_reads_per_second` over any `rate_window_s` window (rate-capped rows count `count` reads).

    A kind is a catalogue category and hook (reading the Android ID and the MAC in the same
    millisecond is two kinds of device identifier, not a frequent read)."""
    api = _pi_api(ctx)
    api = api[~api["category"].isin(("app_launch", "install"))]
    if api.empty:
        return empty_hits()
    kind = _kinds(ctx.api_raw, api["pos"].to_numpy())
    cat_codes = api["category"].cat.codes.to_numpy().astype(np.int64)
    n_cat = len(api["category"].cat.categories) + 1
    n_kind = len(kind.categories) + 1
    group = (api["run"].to_numpy() * n_cat + cat_codes) * n_kind + kind.codes.astype(np.int64)
    t = api["t_ns"].to_numpy()
    counts = api["count"].to_numpy()
    # rows are time-ordered within each run, so a stable sort by group keeps time order inside groups
    order = np.argsort(group, kind="stable")
    g, ts, cs = group[order], t[order], counts[order]
    span = int(ts.max() - ts.min()) + 2 * cfg.rate_window_ns + 2
    key = g * span + (ts - ts.min())
    cum = np.cumsum(cs)
    # reads in (t - window, t] = cum[i] - cum[j - 1], j = first row of the same group with t > t_i - window
    j = np.searchsorted(key, key - cfg.rate_window_ns, side="right")
    in_window = cum - np.where(j > 0, cum[np.maximum(j - 1, 0)], 0)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(g)) + 1))
    peak = pd.Series(np.maximum.reduceat(in_window, starts), index=g[starts])
    total = pd.Series(np.add.reduceat(cs, starts), index=g[starts])
    limit_window = cfg.max_reads_per_second * cfg.rate_window_s
    bad = total.index[(total > cfg.max_reads_per_run).to_numpy() | (peak > limit_window).to_numpy()]
    if len(bad) == 0:
        return empty_hits()
    sel = api.assign(_g=group, _kind=np.asarray(kind.astype(object)))
    sel = sel[np.isin(group, bad)]
    hits = aggregate(sel, ["run", "category", "_g"], "api")
    hits_g = sel.groupby(["run", "category", "_g"], observed=True, sort=False, dropna=False).size() \
        .reset_index()["_g"].to_numpy()
    firsts = sel.drop_duplicates("_g")
    kind_of = dict(zip(firsts["_g"], firsts["_kind"], strict=True))
    per_sdk = sel.groupby(["_g", sel["sdk"].astype(object).fillna("(app)")], observed=True)["count"].sum()
    per_sdk = per_sdk.reset_index().sort_values(["_g", "count"], ascending=[True, False], kind="stable")
    sdk_reads: dict = defaultdict(dict)
    for gi, sdk, n in zip(per_sdk.iloc[:, 0].to_numpy(), per_sdk.iloc[:, 1].to_numpy(), per_sdk.iloc[:, 2].to_numpy(),
                          strict=True):
        sdk_reads[gi][str(sdk)] = int(n)
    top = [next(iter(sdk_reads[gi]), "(app)") for gi in hits_g]
    hits["sdk"] = [None if s == "(app)" else s for s in top]
    totals = total.reindex(hits_g).to_numpy()
    peaks = peak.reindex(hits_g).to_numpy()
    hits["detail"] = [
        {"total_reads": int(tot), "peak_reads_in_window": int(pk), "window_s": cfg.rate_window_s,
         "max_reads_per_run": cfg.max_reads_per_run, "max_reads_per_second": cfg.max_reads_per_second,
         "kind": str(kind_of.get(gi, "")), "reads_by_sdk": sdk_reads[gi]}
        for gi, tot, pk in zip(hits_g, totals, peaks, strict=True)
    ]
    return hits[list(HIT_COLUMNS)]


def _kinds(raw: pd.DataFrame, pos: np.ndarray) -> pd.Categorical:
    """The hook (else the API) of each selected row, as a categorical; codes only when possible."""
    for name in ("hook_id", "api"):
        if name not in raw:
            continue
        col = raw[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()[pos]
            if (codes >= 0).all():
                return pd.Categorical.from_codes(codes, categories=col.cat.categories)
        values = col.astype(object).to_numpy()[pos]
        if pd.notna(values).all():
            return pd.Categorical(values)
    return pd.Categorical(np.zeros(len(pos), dtype=np.int8))


def background_collection(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI read while another app (launcher) was in the foreground, per steps and UI dumps."""
    api = _pi_api(ctx)
    return aggregate(api, _KEYS, "api", lambda out: [{"foreground": False, "grace_s": cfg.background_grace_s}] * len(out),
                     mask=api["fg"].to_numpy() == 0)


def unrelated_app_launch(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """The app started or installed other apps (catalogue categories app_launch, install)."""
    api = ctx.api
    sel = api[api["category"].isin(("app_launch", "install"))]
    if sel.empty:
        return empty_hits()
    raw = ctx.api_raw.iloc[sel["pos"].to_numpy()]
    own = ctx.manifests["app"].astype(str).to_numpy()[sel["run"].to_numpy()]
    args = raw["args"].astype(object).fillna("").astype(str).to_numpy() if "args" in raw else np.array([""] * len(raw))
    # a launch of the app's own package (its own activities) is not an unrelated app
    self_launch = np.array([bool(o) and o in a and not _other_package(a, o) for a, o in zip(args, own, strict=True)])
    sel = sel[~self_launch]
    return aggregate(sel, _KEYS, "api", lambda out: [{}] * len(out))


def _other_package(args: str, own: str) -> bool:
    """True when the call's arguments name a package other than the app's own."""
    import re

    names = set(re.findall(r"\b[a-zA-Z][\w]*(?:\.[a-zA-Z_][\w]*){2,}\b", args))
    names = {n for n in names if not n.startswith(own) and not n.startswith(("android.", "java.", "com.android.internal"))}
    return bool(names)
