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


def _api_event(raw: pd.DataFrame, pos: int) -> dict:
    row = raw.iloc[pos]
    return {"source": "api", "t_ns": int(row["t_ns"]), "api": cap(row.get("api")), "hook_id": cap(row.get("hook_id")),
            "layer": cap(row.get("layer")), "category": cap(row.get("category")), "thread": cap(row.get("thread")),
            "args": cap(row.get("args")), "ret": cap(row.get("ret")), "count": int(row["count"]) if pd.notna(row.get("count")) else 1}


def _flow_event(flows: pd.DataFrame, pos: int) -> dict:
    row = flows.iloc[pos]
    url = f"{row['scheme'] or ''}://{row['host'] or ''}{_port(row)}{row['path'] or ''}"
    if isinstance(row["query"], str) and row["query"]:
        url += "?" + row["query"]
    return {"source": "flow", "t_ns": int(row["t_ns"]), "flow_id": cap(row["flow_id"]), "method": cap(row["method"], 16),
            "url": cap(url), "host": cap(row["host"]), "key": cap(row["key"]), "encoding": cap(row["encoding"]),
            "where": cap(row["where"]), "excerpt": cap(row["excerpt"], CAP_EXCERPT)}


def _port(row) -> str:
    port = row.get("port")
    if port is None or pd.isna(port):
        return ""
    default = {"http": 80, "https": 443}.get(str(row["scheme"]))
    return "" if default == int(port) else f":{int(port)}"


def _stacks_for(ctx: Context, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    stacks = ctx.runset.stacks
    if stacks.empty or not keys:
        return {}
    wanted = {k[1] for k in keys}
    sel = stacks[stacks["stack_id"].astype(str).isin(wanted)]
    out = {}
    for run_id, stack_id, frames in zip(sel["run_id"].astype(str), sel["stack_id"].astype(str), sel["frames"], strict=True):
        if (run_id, stack_id) in keys and frames is not None:
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
    run_ids = ctx.run_ids
    stack_keys = set()
    for r, p in zip(run, hits["first_api"].to_numpy(), strict=True):
        if p >= 0 and "stack_id" in raw:
            sid = raw["stack_id"].iloc[int(p)]
            if pd.notna(sid):
                stack_keys.add((run_ids[r], str(sid)))
    stacks = _stacks_for(ctx, stack_keys)
    sdk_frame = {}
    if not ctx.stack_sdk.empty:
        sf = ctx.stack_sdk.dropna(subset=["sdk"])
        sdk_frame = {(str(a), str(b)): c for a, b, c in zip(sf["run_id"], sf["stack_id"], sf["sdk_frame"], strict=True)
                     if (str(a), str(b)) in stack_keys}
    out = []
    cols = zip(run, hits["first_api"], hits["last_api"], hits["first_flow"], hits["last_flow"], hits["count"],
               hits["detail"], shots, shot_t, notice, subjects, perm, strict=True)
    for r, fa, la, ff, lf, count, detail, shot, st, ns, subj, ps in cols:
        ev: dict = {"count": int(count)}
        first = _api_event(raw, int(fa)) if fa >= 0 else (_flow_event(ctx.pi_flows, int(ff)) if ff >= 0 else None)
        last = _api_event(raw, int(la)) if la >= 0 else (_flow_event(ctx.pi_flows, int(lf)) if lf >= 0 else None)
        if first:
            ev["first"] = first
        if last and last != first:
            ev["last"] = last
        if fa >= 0 and "stack_id" in raw:
            sid = raw["stack_id"].iloc[int(fa)]
            key = (run_ids[r], str(sid))
            if key in stacks:
                ev["stack"] = stacks[key]
            if key in sdk_frame:
                ev["sdk_frame"] = cap(sdk_frame[key], CAP_FRAME)
        if ff >= 0:
            ev["flow"] = _flow_event(ctx.pi_flows, int(ff))
        if shot is not None:
            ev["screenshot"] = cap(shot)
            ev["screenshot_t_ns"] = int(st)
        state = {NOTICE: STATES[ns] if ns >= 0 else None}
        if subj is not None and ps >= 0:
            state[subj] = STATES[ps]
        ev["consent"] = state
        if isinstance(detail, dict) and detail:
            ev["detail"] = detail
        out.append(json.dumps(ev, ensure_ascii=False, default=str))
    return out
