"""Evidence for each finding: first and last event, counts, stack excerpt, flow and matched
excerpt, the screenshot nearest in time, and the consent state at that moment.

Lookups are vectorised over findings (a few per run); only the final JSON assembly walks the
findings, never the events. Every string from the app is capped: evidence is quoted in reports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.rules.context import Context
from analysis.timeline import NOTICE, STATES, asof_index, category_subject

CAP_TEXT = 300
CAP_EXCERPT = 400
CAP_FRAMES = 12
CAP_FRAME = 200


def cap(value, limit: int = CAP_TEXT):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _screenshots(ctx: Context, run: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ui = ctx.runset.ui
    ui = ui[ui["screenshot"].notna() & ui["t_ns"].notna()] if not ui.empty else ui
    if ui.empty:
        return np.full(len(t), None, dtype=object), np.full(len(t), -1, dtype=np.int64)
    from analysis.timeline import run_codes

    urun = run_codes(ui, ctx.run_ids)
    ut = ui["t_ns"].to_numpy().astype(np.int64)
    idx = asof_index(run, t, urun, ut, direction="nearest")
    shots = ui["screenshot"].astype(object).to_numpy()
    return np.where(idx >= 0, shots[np.maximum(idx, 0)], None), np.where(idx >= 0, ut[np.maximum(idx, 0)], -1)


def _consent_at(ctx: Context, run: np.ndarray, t: np.ndarray, category: pd.Series) -> tuple[np.ndarray, list, np.ndarray]:
    notice = ctx.consent.notice_at(run, t)
    cat = category.astype(object)
    subject = cat.where(cat.astype(str).str.startswith("permission:"), category_subject(cat.astype(object)))
    subject = subject.where(subject.astype(str) != NOTICE, None)
    perm = ctx.consent.subject_at(run, t, subject.to_numpy())
    return notice, list(subject), perm


_API_FIELDS = ("api", "hook_id", "layer", "category", "thread", "args", "ret")
_FLOW_FIELDS = ("flow_id", "method", "scheme", "host", "port", "path", "query", "key", "encoding", "where", "excerpt")


def _gather(frame: pd.DataFrame, positions: np.ndarray, fields) -> dict[str, np.ndarray]:
    """Columns of `frame` at `positions` (-1: missing) as object arrays: one take per column."""
    safe = np.maximum(positions, 0)
    out = {}
    for name in fields:
        if name in frame.columns and len(frame):
            col = frame[name]
            if isinstance(col.dtype, pd.CategoricalDtype):  # code -1 (null) picks the appended None
                cats = np.append(col.cat.categories.to_numpy(dtype=object), None)
                values = cats[col.cat.codes.to_numpy()[safe]]
            else:
                values = col.to_numpy(dtype=object)[safe]
        else:
            values = np.full(len(positions), None, dtype=object)
        out[name] = values
    if "t_ns" in frame.columns and len(frame):
        out["t_ns"] = frame["t_ns"].to_numpy()[safe]
    if "count" in frame.columns and len(frame):
        out["count"] = frame["count"].to_numpy()[safe]
    return out


def _api_events(raw: pd.DataFrame, positions: np.ndarray) -> list[dict | None]:
    cols = _gather(raw, positions, _API_FIELDS)
    out: list[dict | None] = []
    for i, p in enumerate(positions):
        if p < 0:
            out.append(None)
            continue
        ev = {"source": "api", "t_ns": int(cols["t_ns"][i])}
        ev.update({f: cap(cols[f][i]) for f in _API_FIELDS})
        c = cols.get("count")
        ev["count"] = int(c[i]) if c is not None and pd.notna(c[i]) else 1
        out.append(ev)
    return out


def _flow_events(flows: pd.DataFrame, positions: np.ndarray) -> list[dict | None]:
    cols = _gather(flows, positions, _FLOW_FIELDS)
    out: list[dict | None] = []
    for i, p in enumerate(positions):
        if p < 0:
            out.append(None)
            continue
        scheme, host, port = cols["scheme"][i] or "", cols["host"][i] or "", cols["port"][i]
        default = {"http": 80, "https": 443}.get(str(scheme))
        port_s = "" if port is None or pd.isna(port) or int(port) == default else f":{int(port)}"
        url = f"{scheme}://{host}{port_s}{cols['path'][i] or ''}"
        if isinstance(cols["query"][i], str) and cols["query"][i]:
            url += "?" + cols["query"][i]
        out.append({"source": "flow", "t_ns": int(cols["t_ns"][i]), "flow_id": cap(cols["flow_id"][i]),
                    "method": cap(cols["method"][i], 16), "url": cap(url), "host": cap(host), "key": cap(cols["key"][i]),
                    "encoding": cap(cols["encoding"][i]), "where": cap(cols["where"][i]),
                    "excerpt": cap(cols["excerpt"][i], CAP_EXCERPT)})
    return out


def _stacks_for(ctx: Context, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    stacks = ctx.runset.stacks
    if stacks.empty or not keys:
        return {}
    wanted = {k[1] for k in keys}
    sel = stacks[stacks["stack_id"].astype(str).isin(wanted)]
    out = {}
    for run_id, stack_id, frames in zip(sel["run_id"].astype(str), sel["stack_id"].astype(str), sel["frames"], strict=True):
        if frames is not None:
            out[(run_id, stack_id)] = [cap(f, CAP_FRAME) for f in list(frames)[:CAP_FRAMES]]
    return out


def build_evidence(ctx: Context, hits: pd.DataFrame) -> list[str]:
    """One JSON object (string) per hit row."""
    if hits.empty:
        return []
    run = hits["run"].to_numpy().astype(np.int64)
    t = hits["first_t_ns"].to_numpy().astype(np.int64)
    shots, shot_t = _screenshots(ctx, run, t)
    notice, subjects, perm = _consent_at(ctx, run, t, hits["category"])
    raw = ctx.api_raw
    fa, la = hits["first_api"].to_numpy().astype(np.int64), hits["last_api"].to_numpy().astype(np.int64)
    ff, lf = hits["first_flow"].to_numpy().astype(np.int64), hits["last_flow"].to_numpy().astype(np.int64)
    firsts_api, lasts_api = _api_events(raw, fa), _api_events(raw, la)
    firsts_flow, lasts_flow = _flow_events(ctx.pi_flows, ff), _flow_events(ctx.pi_flows, lf)
    run_ids = ctx.run_ids.to_numpy(dtype=object)
    if "stack_id" in raw and len(raw):
        sid = _gather(raw, fa, ("stack_id",))["stack_id"]
        keys = [(run_ids[r], str(s)) if p >= 0 and s is not None else None for r, s, p in zip(run, sid, fa, strict=True)]
    else:
        keys = [None] * len(hits)
    wanted = {k for k in keys if k is not None}
    stacks = _stacks_for(ctx, wanted)
    sdk_frame = {}
    if not ctx.stack_sdk.empty and wanted:
        sf = ctx.stack_sdk.dropna(subset=["sdk"])
        sdk_frame = {(str(a), str(b)): c for a, b, c in zip(sf["run_id"], sf["stack_id"], sf["sdk_frame"], strict=True)}
        if stacks and not any(k in sdk_frame for k in wanted):  # global stack ids: match on the id alone
            by_id = {b: c for (_, b), c in sdk_frame.items()}
            sdk_frame = {k: by_id[k[1]] for k in wanted if k[1] in by_id}
    by_id_stacks = {b: v for (_, b), v in stacks.items()}
    out = []
    counts = hits["count"].to_numpy()
    details = hits["detail"].to_numpy(dtype=object)
    for i in range(len(hits)):
        ev: dict = {"count": int(counts[i])}
        first = firsts_api[i] or firsts_flow[i]
        last = lasts_api[i] or lasts_flow[i]
        if first:
            ev["first"] = first
        if last and last != first:
            ev["last"] = last
        key = keys[i]
        if key is not None:
            frames = stacks.get(key) or by_id_stacks.get(key[1])
            if frames:
                ev["stack"] = frames
            if key in sdk_frame:
                ev["sdk_frame"] = cap(sdk_frame[key], CAP_FRAME)
        if firsts_flow[i]:
            ev["flow"] = firsts_flow[i]
        if shots[i] is not None:
            ev["screenshot"] = cap(shots[i])
            ev["screenshot_t_ns"] = int(shot_t[i])
        state = {NOTICE: STATES[notice[i]] if notice[i] >= 0 else None}
        if subjects[i] is not None and perm[i] >= 0:
            state[subjects[i]] = STATES[perm[i]]
        ev["consent"] = state
        detail = details[i]
        if isinstance(detail, dict) and detail:
            ev["detail"] = detail
        out.append(json.dumps(ev, ensure_ascii=False, default=str))
    return out
