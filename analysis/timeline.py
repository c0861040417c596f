"""Consent and foreground timelines, and placing events on them (`merge_asof`-style joins).

Every table carries `t_ns` since its run's start, so an event's consent state is the last consent
row of its run (and subject) at or before it. `asof_index` does that join for millions of events
with one `np.searchsorted` over a composite (group, time) key instead of a loop or a per-run
`merge_asof`: the right side (consent rows, foreground changes: a few per run) is sorted once, the
left side (events) needs no sorting at all."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.permissions import CATEGORY_GROUP

NOTICE = "privacy_notice"
NOTICE_DECISIONS = ("accepted", "refused")
PERMISSION_DECISIONS = ("granted", "denied", "revoked")
# Packages drawn over the app (system permission dialog, status bar): the app stays foreground.
OVERLAY_PACKAGES = (
    "com.android.permissioncontroller", "com.google.android.permissioncontroller",
    "com.android.packageinstaller", "com.google.android.packageinstaller", "com.android.systemui",
)
FOREGROUND_ACTIONS = ("launch", "resume", "start", "foreground")
BACKGROUND_ACTIONS = ("home", "background", "switch_away")


def run_codes(frame: pd.DataFrame, run_ids: pd.Index) -> np.ndarray:
    """Position of each row's run in `run_ids` (int64), via the categorical codes when they agree."""
    col = frame["run_id"]
    if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.equals(run_ids):
        return col.cat.codes.to_numpy().astype(np.int64)
    return run_ids.get_indexer(col.astype(str)).astype(np.int64)


def asof_index(
    left_group: np.ndarray,
    left_t: np.ndarray,
    right_group: np.ndarray,
    right_t: np.ndarray,
    *,
    direction: str = "backward",
    tolerance: int | None = None,
    allow_exact: bool = True,
) -> np.ndarray:
    """For each left row, the position in `right` of the matching row of the same group (-1: none).

    backward: the last right row with t <= left t (t < left t without `allow_exact`); forward: the
    first with t >= left t; nearest: the closer of both. `tolerance` bounds the time distance."""
    n_left = len(left_t)
    if n_left == 0 or len(right_t) == 0:
        return np.full(n_left, -1, dtype=np.int64)
    left_group = np.asarray(left_group, dtype=np.int64)
    right_group = np.asarray(right_group, dtype=np.int64)
    left_t = np.asarray(left_t, dtype=np.int64)
    right_t = np.asarray(right_t, dtype=np.int64)
    if direction == "nearest":
        back = asof_index(left_group, left_t, right_group, right_t, direction="backward", tolerance=tolerance)
        fwd = asof_index(left_group, left_t, right_group, right_t, direction="forward", tolerance=tolerance)
        d_back = np.where(back >= 0, left_t - right_t[np.maximum(back, 0)], np.iinfo(np.int64).max)
        d_fwd = np.where(fwd >= 0, right_t[np.maximum(fwd, 0)] - left_t, np.iinfo(np.int64).max)
        return np.where(d_fwd < d_back, fwd, back)
    t_min = min(left_t.min(), right_t.min())
    span = int(max(left_t.max(), right_t.max())) - int(t_min) + 2
    n_groups = int(max(left_group.max(), right_group.max())) + 1
    if n_groups * span >= 2**62:  # does not fit a composite key: fall back to pandas
        return _asof_pandas(left_group, left_t, right_group, right_t, direction, tolerance, allow_exact)
    order = np.lexsort((right_t, right_group))
    rkey = right_group[order] * span + (right_t[order] - t_min)
    lkey = left_group * span + (left_t - t_min)
    # backward: pos = (right keys <= left key) - 1, or < without exact matches; forward: the count of
    # right keys < left key (<= without exact matches) is the first one at or after it
    inclusive = allow_exact if direction == "backward" else not allow_exact
    if n_left > 8 * len(rkey) and bool((lkey[1:] >= lkey[:-1]).all()):
        hit = _asof_sorted_left(lkey, rkey, order, span, direction, inclusive)
        if tolerance is None:
            return hit
        ok = hit >= 0
    else:
        pos = np.searchsorted(rkey, lkey, side="right" if inclusive else "left")
        if direction == "backward":
            pos -= 1
            ok = pos >= 0
        else:
            ok = pos < len(rkey)
        hit = order[np.clip(pos, 0, len(rkey) - 1)]
        ok &= right_group[hit] == left_group
    if tolerance is not None:
        ok &= np.abs(left_t - right_t[hit]) <= tolerance
    return np.where(ok, hit, -1)


def _asof_sorted_left(lkey: np.ndarray, rkey: np.ndarray, order: np.ndarray, span: int, direction: str,
                      inclusive: bool) -> np.ndarray:
    """`asof_index` when the left keys are sorted (events arrive by run and time) and far more
    numerous than the right ones: place each right key among the left ones and write the answer
    as runs of equal values (one `np.repeat`), instead of a binary search per left row."""
    n, m = len(lkey), len(rkey)
    cut = np.searchsorted(lkey, rkey, side="left" if inclusive else "right")
    rgroup = rkey // span
    if direction == "backward":  # right row k answers left rows [cut[k], cut[k+1]) of its own group
        end = np.append(cut[1:], n)
        group_end = np.searchsorted(lkey, (rgroup + 1) * span, side="left")
        valid = np.maximum(np.minimum(end, group_end) - cut, 0)
        values = np.concatenate(([-1], np.column_stack((order, np.full(m, -1))).ravel()))
        lengths = np.concatenate(([cut[0]], np.column_stack((valid, end - cut - valid)).ravel()))
    else:  # right row k answers left rows [cut[k-1], cut[k]) of its own group
        begin = np.concatenate(([0], cut[:-1]))
        group_start = np.searchsorted(lkey, rgroup * span, side="left")
        invalid = np.maximum(np.minimum(group_start, cut) - begin, 0)
        values = np.concatenate((np.column_stack((np.full(m, -1), order)).ravel(), [-1]))
        lengths = np.concatenate((np.column_stack((invalid, cut - begin - invalid)).ravel(), [n - cut[-1]]))
    return np.repeat(values.astype(np.int64), lengths)


def _asof_pandas(lg, lt, rg, rt, direction, tolerance, allow_exact) -> np.ndarray:
    left = pd.DataFrame({"g": lg, "t": lt, "i": np.arange(len(lt))}).sort_values("t")
    right = pd.DataFrame({"g": rg, "t": rt, "j": np.arange(len(rt))}).sort_values("t")
    merged = pd.merge_asof(left, right, on="t", by="g", direction=direction, tolerance=tolerance,
                           allow_exact_matches=allow_exact)
    out = np.full(len(lt), -1, dtype=np.int64)
    found = merged["j"].notna()
    out[merged.loc[found, "i"].to_numpy()] = merged.loc[found, "j"].to_numpy().astype(np.int64)
    return out


def consent_intervals(consent: pd.DataFrame) -> pd.DataFrame:
    """consent rows -> one interval per (run, subject) state: run_id, subject, state, start_ns, end_ns
    (end is the next row's time, or null for the last). Before the first row the state is `none`."""
    cols = ["run_id", "subject", "state", "start_ns", "end_ns", "via"]
    if consent.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    rows = consent.sort_values(["run_id", "subject", "t_ns"], kind="stable")
    nxt = rows.groupby(["run_id", "subject"], observed=True, sort=False)["t_ns"].shift(-1)
    out = pd.DataFrame(
        {"run_id": rows["run_id"].astype(str), "subject": rows["subject"].astype(str),
         "state": rows["state"].astype(str), "start_ns": rows["t_ns"].astype("int64"),
         "end_ns": nxt.astype("Int64"), "via": rows["via"].astype(object)}
    )
    return out.reset_index(drop=True)


# `dismissed` (the notice went away with no decision by the harness) is last so that the codes of
# older states do not move. It is not a decision: a later `shown` replaces it, a decision wins over it.
STATES = ("none", "shown", "accepted", "refused", "granted", "denied", "revoked", "dismissed")
NOTICE_SOFT = ("dismissed",)
STATE_CODE = {s: i for i, s in enumerate(STATES)}


def states_categorical(codes: np.ndarray) -> pd.Categorical:
    """int8 state codes (-1: not applicable) as a categorical over `STATES`."""
    return pd.Categorical.from_codes(codes.astype(np.int8), categories=list(STATES))


class ConsentStates:
    """The consent rows of many runs, indexed for state-at-time lookups (codes into `STATES`)."""

    def __init__(self, consent: pd.DataFrame, run_ids: pd.Index):
        rows = consent[consent["t_ns"].notna() & consent["state"].astype(str).isin(STATES)]
        self.run_ids = run_ids
        self.subjects = pd.Index(sorted(set(rows["subject"].astype(str))) or [NOTICE])
        self.run = run_codes(rows, run_ids)
        self.subject = self.subjects.get_indexer(rows["subject"].astype(str)).astype(np.int64)
        self.t = rows["t_ns"].to_numpy().astype(np.int64)
        self.state = np.array([STATE_CODE[s] for s in rows["state"].astype(str)], dtype=np.int8)
        self._eff_cache: dict = {}

    def _group(self, run: np.ndarray, subject: np.ndarray) -> np.ndarray:
        return run.astype(np.int64) * (len(self.subjects) + 1) + subject

    def _effective(self, decisions: tuple[str, ...], soft: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The consent rows that matter for `decisions` (shown rows, `soft` rows and those
        decisions), sorted by (run, subject, time), each with the state in force right after it: the
        last decision so far in its group, else the row's own state (`shown` or a soft state such as
        `dismissed`). One as-of lookup into these then answers `state_at`."""
        cached = self._eff_cache.get((decisions, soft))
        if cached is not None:
            return cached
        decision_codes = [STATE_CODE[d] for d in decisions]
        soft_codes = [STATE_CODE[d] for d in soft]
        keep = (self.state == STATE_CODE["shown"]) | np.isin(self.state, decision_codes) | np.isin(self.state, soft_codes)
        group = self._group(self.run[keep], self.subject[keep])
        t, state = self.t[keep], self.state[keep]
        order = np.lexsort((t, group))
        group, t, state = group[order], t[order], state[order]
        idx = np.arange(len(t))
        decided = np.isin(state, decision_codes)
        last_dec = np.maximum.accumulate(np.where(decided, idx, -1)) if len(t) else idx
        same = (last_dec >= 0) & (group[np.maximum(last_dec, 0)] == group)
        own = np.where(np.isin(state, soft_codes), state, np.int8(STATE_CODE["shown"]))
        eff = np.where(same, state[np.maximum(last_dec, 0)], own).astype(np.int8)
        self._eff_cache[(decisions, soft)] = (group, t, eff)
        return group, t, eff

    def state_at(self, run: np.ndarray, t: np.ndarray, subject: np.ndarray, decisions: tuple[str, ...],
                 soft: tuple[str, ...] = ()) -> np.ndarray:
        """State codes of `subject` codes at times `t`: the last decision if any, else the last of
        `shown` and the `soft` states, else `none`; -1 where subject is -1 (not applicable)."""
        subject = np.asarray(subject, dtype=np.int64)
        valid = subject >= 0
        out = np.where(valid, np.int8(0), np.int8(-1)).astype(np.int8)
        if not valid.any() or not len(self.t):
            return out
        right_g, right_t, eff = self._effective(decisions, soft)
        if valid.all():
            left_g, left_t = self._group(run, subject), t
        else:
            left_g, left_t = self._group(np.asarray(run)[valid], subject[valid]), np.asarray(t)[valid]
        idx = asof_index(left_g, left_t, right_g, right_t)
        got = np.where(idx >= 0, eff[np.maximum(idx, 0)], np.int8(0)).astype(np.int8)
        if valid.all():
            return got
        out[valid] = got
        return out

    def notice_at(self, run: np.ndarray, t: np.ndarray) -> np.ndarray:
        code = self.subjects.get_indexer([NOTICE])[0]
        if code < 0:
            return np.zeros(len(t), dtype=np.int8)
        return self.state_at(run, t, np.full(len(t), code, dtype=np.int64), NOTICE_DECISIONS, NOTICE_SOFT)

    def subject_codes(self, subjects) -> np.ndarray:
        return self.subjects.get_indexer(pd.Index(subjects).astype(str)).astype(np.int64)

    def subject_at(self, run: np.ndarray, t: np.ndarray, subjects) -> np.ndarray:
        """State codes of the given subject names (None/NaN: -1; never seen: `none`)."""
        names = pd.Series(subjects, dtype=object)
        codes = self.subject_codes(names.fillna("-").to_numpy())
        decisions = np.where(names.fillna("").str.startswith("permission:"), 1, 0)
        out = self.state_at(run, t, np.where(decisions == 1, codes, -1), PERMISSION_DECISIONS)
        notice = self.state_at(run, t, np.where(decisions == 0, codes, -1), NOTICE_DECISIONS, NOTICE_SOFT)
        out = np.where(decisions == 1, out, notice)
        return np.where(names.notna().to_numpy() & (codes < 0), np.int8(0), out).astype(np.int8)

    def permission_at(self, run: np.ndarray, t: np.ndarray, category: pd.Series) -> np.ndarray:
        """State codes of the permission governing each row's catalogue category (-1: none governs)."""
        cat = pd.Series(category, copy=False)
        if not isinstance(cat.dtype, pd.CategoricalDtype):
            cat = cat.astype("category")
        per_cat = category_subject(pd.Series(cat.cat.categories, dtype=object))
        governed_per_cat = np.append(per_cat.notna().to_numpy(), False)
        codes_per_cat = np.append(self.subject_codes(per_cat.fillna("-").to_numpy()), -1)
        cat_codes = cat.cat.codes.to_numpy()  # -1 (missing) picks the appended sentinel
        codes = codes_per_cat[cat_codes]
        states = self.state_at(run, t, codes, PERMISSION_DECISIONS)
        # A governed category whose permission never appears in consent rows is `none`.
        return np.where(governed_per_cat[cat_codes] & (codes < 0), np.int8(0), states).astype(np.int8)


def category_subject(category: pd.Series) -> pd.Series:
    """Catalogue category -> consent subject of its governing permission group (None if none)."""
    mapping = {cat: f"permission:{grp}" for cat, grp in CATEGORY_GROUP.items() if grp}
    series = pd.Series(category, copy=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.map(mapping).astype(object)
    return series.astype(object).map(mapping)


def foreground_changes(ui: pd.DataFrame, steps: pd.DataFrame, manifests: pd.DataFrame,
                       settle_ns: int, overlays: tuple[str, ...] = OVERLAY_PACKAGES) -> pd.DataFrame:
    """(run, t_ns, fg) changes: scenario steps are authoritative (a `home` step is background from
    its end, a `launch`/`resume` foreground from its start); UI rows fill in between (foreground
    package is the app or not), except while a step that changes the foreground runs and within
    `settle_ns` after it ends, when a dump may show the transition or be stale: while the harness
    launches an app, the screen shows the launcher, then the system's "Waiting For Debugger" dialog
    (package `android`) while the agent attaches, and the app runs its first lines once released,
    before the launch step ends; the dialog is the launch in progress, not the app in background."""
    run_ids = pd.Index(manifests["run_id"].astype(str))
    app_of = manifests["app"].astype(str).to_numpy()
    parts = []
    if not steps.empty:
        action = steps["action"].astype(str)
        fg = action.isin(FOREGROUND_ACTIONS)
        bg = action.isin(BACKGROUND_ACTIONS)
        sel = steps[fg | bg]
        end = sel["t_end_ns"].fillna(sel["t_start_ns"]).to_numpy().astype(np.int64)
        t = np.where(fg[fg | bg], sel["t_start_ns"], end)
        parts.append(pd.DataFrame({"run": run_codes(sel, run_ids), "t": t.astype(np.int64),
                                   "fg": fg[fg | bg].to_numpy(), "step": True, "settled": end + settle_ns}))
    step_frame = parts[0] if parts else pd.DataFrame({"run": [], "t": [], "fg": [], "step": [], "settled": []})
    if not ui.empty:
        pkg = ui["package"].astype(object)
        keep = pkg.notna() & ~pkg.isin(overlays) & ui["t_ns"].notna()
        rows = ui[keep]
        run = run_codes(rows, run_ids)
        fg = rows["package"].astype(str).to_numpy() == app_of[run]
        t = rows["t_ns"].to_numpy().astype(np.int64)
        if len(step_frame):
            idx = asof_index(run, t, step_frame["run"].to_numpy(), step_frame["t"].to_numpy())
            stale = (idx >= 0) & (t < step_frame["settled"].to_numpy()[np.maximum(idx, 0)])
        else:
            stale = np.zeros(len(t), dtype=bool)
        parts.append(pd.DataFrame({"run": run[~stale], "t": t[~stale], "fg": fg[~stale], "step": False}))
    if not parts:
        return pd.DataFrame({"run": pd.Series([], dtype=np.int64), "t": pd.Series([], dtype=np.int64),
                             "fg": pd.Series([], dtype=bool)})
    out = pd.concat([p[["run", "t", "fg"]] for p in parts], ignore_index=True).sort_values(["run", "t"], kind="stable")
    return out.reset_index(drop=True)


def foreground_at(changes: pd.DataFrame, run: np.ndarray, t: np.ndarray, grace_ns: int = 0) -> np.ndarray:
    """1 foreground, 0 background (for longer than `grace_ns`), -1 unknown (before any change)."""
    idx = asof_index(run, t, changes["run"].to_numpy(), changes["t"].to_numpy())
    fg = changes["fg"].to_numpy()
    ct = changes["t"].to_numpy()
    safe = np.maximum(idx, 0)
    out = np.where(idx >= 0, fg[safe].astype(np.int8), np.int8(-1)) if len(ct) else np.full(len(t), -1, np.int8)
    if grace_ns and len(ct):
        out = np.where((out == 0) & (t - ct[safe] < grace_ns), np.int8(1), out)
    return out.astype(np.int8)
