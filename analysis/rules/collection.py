"""Rules over collection events (API reads and PI in traffic) placed on the consent timeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.core.sorting import get_group_index_sorter

from analysis.rules.base import HIT_COLUMNS, aggregate, combine, empty_hits
from analysis.rules.config import RuleConfig
from analysis.rules.context import Context
from analysis.timeline import category_subject

_KEYS = ["run", "category", "sdk"]
# The notice never accepted: never shown, shown and unanswered, or gone without a decision.
_NOT_ACCEPTED = ("none", "shown", "dismissed")
_REFUSED = ("refused",)
_PERM_REFUSED = ("denied", "revoked")


def _pi(ctx: Context) -> np.ndarray:
    """Which `ctx.api` rows read PI (rules select with masks: no copy of ten million rows)."""
    return ctx.api["pi"].to_numpy(dtype=bool)


def collect_before_consent(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI read (API) or sent (traffic) while the notice was never accepted: not shown, shown and
    unanswered, or dismissed (gone without a decision: collection after it is still without consent)."""
    api = ctx.api
    f = ctx.pi_flows[ctx.pi_flows["notice"].isin(_NOT_ACCEPTED)]
    detail = lambda out: [{"notice_state": "not accepted"}] * len(out)  # noqa: E731
    return combine(aggregate(api, _KEYS, "api", detail, mask=_pi(ctx) & api["notice"].isin(_NOT_ACCEPTED).to_numpy()),
                   aggregate(f, _KEYS, "flow", detail))


def collect_after_refusal(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """PI read or sent after the notice was refused, or after its governing permission was denied."""
    parts = []
    for frame, kind in ((ctx.api, "api"), (ctx.pi_flows, "flow")):
        refused = frame["notice"].isin(_REFUSED).to_numpy()
        mask = refused | frame["perm"].isin(_PERM_REFUSED).to_numpy()
        if kind == "api":
            mask &= _pi(ctx)
        if not mask.any():
            continue
        # the cause as a categorical (codes only): the notice refusal wins over the permission state
        perm = pd.Series(frame["perm"], copy=False).astype("category")
        why_codes = np.where(refused, 0, perm.cat.codes.to_numpy().astype(np.int64) + 1)
        why_names = ["privacy_notice refused"] + [f"permission {c}" for c in perm.cat.categories]
        sel = frame[_KEYS + ["t_ns", "count", "pos"]].assign(why=pd.Categorical.from_codes(why_codes, categories=why_names))
        per_why = {w: {"refused": w} for w in why_names}  # shared by the findings of one cause
        hits = aggregate(sel, _KEYS + ["why"], kind, lambda out, per_why=per_why: [per_why[str(w)] for w in out["why"]],
                         mask=mask)
        parts.append(hits)
    return combine(*parts)


def sensitive_without_permission_flow(ctx: Context, cfg: RuleConfig) -> pd.DataFrame:
    """Location/contacts/camera/microphone read while the user was never asked for that permission."""
    api = ctx.api
    mask = _pi(ctx) & (api["category"].isin(cfg.sensitive_categories) & (api["perm"] == "none")).to_numpy()
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
    millisecond is two kinds of device identifier, not a frequent read).

    One stable sort by (run, category, kind) puts each group's reads together in time order; every
    per-group figure (total, peak in window, first and last read, reads per SDK) is then a
    `reduceat` or a scatter over the sorted arrays, never a pandas groupby over millions of rows."""
    api = ctx.api
    keep = _pi(ctx) & ~api["category"].isin(("app_launch", "install")).to_numpy()
    if not keep.any():
        return empty_hits()
    pos = api["pos"].to_numpy()[keep]
    kind = _kinds(ctx.api_raw, pos)
    category = pd.Series(api["category"], copy=False).astype("category")
    cat_codes = category.cat.codes.to_numpy()[keep].astype(np.int64) + 1
    n_cat = len(category.cat.categories) + 1
    n_kind = len(kind.categories) + 1
    run = api["run"].to_numpy()[keep].astype(np.int64)
    group = (run * n_cat + cat_codes) * n_kind + kind.codes.astype(np.int64) + 1
    t = api["t_ns"].to_numpy()[keep].astype(np.int64)
    counts = api["count"].to_numpy()[keep].astype(np.int64)
    # rows are time-ordered within each run, so a stable sort by group keeps time order inside groups;
    # groups are few next to rows, so pandas' counting sort (stable, O(rows + groups)) is used when
    # it pays: 0.2 s instead of 0.7 s for 10 million reads
    order = get_group_index_sorter(group.astype(np.intp), int(group.max()) + 1)
    g, ts, cs = group[order], t[order], counts[order]
    span = int(ts.max() - ts.min()) + 2 * cfg.rate_window_ns + 2
    key = g * span + (ts - ts.min())
    cum = np.cumsum(cs)
    # reads in (t - window, t] = cum[i] - cum[j - 1], j = first row of the same group with t > t_i - window
    j = np.searchsorted(key, key - cfg.rate_window_ns, side="right")
    in_window = cum - np.where(j > 0, cum[np.maximum(j - 1, 0)], 0)
    del key, j, cum
    starts = np.concatenate(([0], np.flatnonzero(np.diff(g)) + 1))
    ends = np.append(starts[1:], len(g))
    peak = np.maximum.reduceat(in_window, starts)
    total = np.add.reduceat(cs, starts)
    limit_window = cfg.max_reads_per_second * cfg.rate_window_s
    bad = np.flatnonzero((total > cfg.max_reads_per_run) | (peak > limit_window))
    if len(bad) == 0:
        return empty_hits()
    first, last = order[starts[bad]], order[ends[bad] - 1]
    # findings in order of first appearance, as a groupby(sort=False) over the table would give
    by_first = np.argsort(first, kind="stable")
    bad, first, last = bad[by_first], first[by_first], last[by_first]
    sdk_col = pd.Series(api["sdk"], copy=False).astype("category")
    reads_by_sdk, top = _reads_by_sdk(sdk_col.cat.codes.to_numpy()[keep][order], sdk_col.cat.categories,
                                      cs, starts, ends, bad)
    hits = pd.DataFrame({"run": run[first], "category": category.iloc[np.flatnonzero(keep)[first]].reset_index(drop=True),
                         "sdk": top, "first_t_ns": t[first], "last_t_ns": t[last], "count": total[bad],
                         "first_api": pos[first], "last_api": pos[last],
                         "first_flow": np.int64(-1), "last_flow": np.int64(-1)})
    kinds = np.asarray(kind.categories.astype(str), dtype=object)[kind.codes[first]]
    hits["detail"] = [
        {"total_reads": int(tot), "peak_reads_in_window": int(pk), "window_s": cfg.rate_window_s,
         "max_reads_per_run": cfg.max_reads_per_run, "max_reads_per_second": cfg.max_reads_per_second,
         "kind": str(k), "reads_by_sdk": reads}
        for tot, pk, k, reads in zip(total[bad], peak[bad], kinds, reads_by_sdk, strict=True)
    ]
    return hits[list(HIT_COLUMNS)]


def _reads_by_sdk(sdk_codes: np.ndarray, sdk_names: pd.Index, counts: np.ndarray, starts: np.ndarray,
                  ends: np.ndarray, bad: np.ndarray) -> tuple[list[dict], list]:
    """Reads per SDK ("(app)": none) of each selected group of the group-sorted arrays, most reads
    first (ties by name), and the top SDK of each group (None for the app itself)."""
    lengths = ends[bad] - starts[bad]
    rows = np.repeat(starts[bad] - np.cumsum(np.append(0, lengths[:-1])), lengths) + np.arange(lengths.sum())
    names = np.append(np.asarray(sdk_names.astype(str), dtype=object), "(app)")
    codes = np.where(sdk_codes[rows] >= 0, sdk_codes[rows], len(names) - 1)
    used = np.unique(codes)
    used = used[np.argsort(names[used].astype(str), kind="stable")]  # columns in name order
    col = np.full(len(names), -1, dtype=np.int64)
    col[used] = np.arange(len(used))
    matrix: np.ndarray = np.zeros(len(bad) * len(used), dtype=np.int64)  # flat, then (groups, sdks)
    np.add.at(matrix, np.repeat(np.arange(len(bad)), lengths) * len(used) + col[codes], counts[rows])
    matrix = matrix.reshape(len(bad), len(used))
    used_names = names[used]
    top_name = used_names[np.argmax(matrix, axis=1)]  # first maximum: ties go to the first name
    top = [None if s == "(app)" else s for s in top_name]
    gi, ci = np.nonzero(matrix)
    n = matrix[gi, ci]
    order = np.lexsort((ci, -n, gi))
    gi, ci, n = gi[order], ci[order], n[order]
    bounds = np.searchsorted(gi, np.arange(len(bad) + 1))
    reads = [dict(zip(used_names[ci[a:b]].tolist(), n[a:b].tolist(), strict=True))
             for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return reads, top


_COMMAND = r'"command":\s*"((?:[^"\\]|\\.)*)"'
# catalogue entries whose rows carry a shell command (hooks/catalogue.yaml, extractors command/argv)
COMMAND_HOOKS = ("libc.popen", "libc.system", "libc.posix_spawn", "libc.posix_spawnp", "Runtime.exec",
                 "ProcessBuilder.start")


def _kinds(raw: pd.DataFrame, pos: np.ndarray) -> pd.Categorical:
    """The hook (else the API) of each selected row, as a categorical; codes only when possible.
    A shell command's row is of the kind of its command (`getprop ro.serialno` and `settings get
    secure android_id` through the same popen are two identifiers, not one read twice)."""
    if "args" in raw and "hook_id" in raw:
        hooks = raw["hook_id"].astype(object).to_numpy()[pos]
        sel = np.flatnonzero(np.isin(hooks, COMMAND_HOOKS))  # rare rows: the regex runs on them only
        if len(sel) and pd.notna(hooks).all():
            args = pd.Series(raw["args"].astype(object).to_numpy()[pos][sel], dtype=object)
            command = args.astype(str).str.extract(_COMMAND, expand=False).fillna("").to_numpy(dtype=object)
            hooks = hooks.copy()
            hooks[sel] = hooks[sel] + "|" + command
            return pd.Categorical(hooks)
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
    api = ctx.api
    return aggregate(api, _KEYS, "api", lambda out: [{"foreground": False, "grace_s": cfg.background_grace_s}] * len(out),
                     mask=_pi(ctx) & (api["fg"].to_numpy() == 0))


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
