"""Evidence for each finding: first and last event, counts, stack excerpt, flow and matched
excerpt, the screenshot nearest in time, and the consent state at that moment.

Lookups are vectorised over findings (a few per run); only the final JSON assembly walks the
findings, never the events. Every string from the app is capped: evidence is quoted in reports."""

from __future__ import annotations

import json
import re
from itertools import repeat

import numpy as np
import pandas as pd

from analysis.rules.context import Context
from analysis.timeline import NOTICE, STATES, asof_index, category_subject

CAP_TEXT = 300
CAP_EXCERPT = 400
CAP_FRAMES = 12
CAP_FRAME = 200
# None as a 0-d object array: what numpy makes of a bare None anyway, spelled so its stubs accept it.
_NONE = np.array(None, dtype=object)


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
    return np.where(idx >= 0, shots[np.maximum(idx, 0)], _NONE), np.where(idx >= 0, ut[np.maximum(idx, 0)], -1)


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
                cats = np.append(col.cat.categories.to_numpy(dtype=object), _NONE)
                values = cats[col.cat.codes.to_numpy()[safe]]
            else:
                values = col.iloc[safe].to_numpy(dtype=object)  # take, then convert the few rows
        else:
            values = np.full(len(positions), None, dtype=object)
        out[name] = values
    if "t_ns" in frame.columns and len(frame):
        out["t_ns"] = frame["t_ns"].to_numpy()[safe]
    if "count" in frame.columns and len(frame):
        out["count"] = frame["count"].to_numpy()[safe]
    return out


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _encoded(frame: pd.DataFrame, name: str, positions: np.ndarray, limit: int = CAP_TEXT) -> np.ndarray:
    """JSON text of `cap(frame[name])` at `positions` (object array). Categoricals are encoded once
    per category and taken by code; other columns once per distinct value."""
    if name not in frame.columns or not len(frame):
        return np.full(len(positions), "null", dtype=object)
    col = frame[name]
    if isinstance(col.dtype, pd.CategoricalDtype):
        enc = np.array([_dumps(cap(c, limit)) for c in col.cat.categories] + ["null"], dtype=object)
        return enc[col.cat.codes.to_numpy()[positions]]
    return _encode_values(col.iloc[positions].to_numpy(dtype=object), limit)


# what json.dumps(ensure_ascii=False) escapes in a string; a string without any is just quoted
_JSON_ESCAPE = re.compile(r'[\x00-\x1f\\"]')


def _encode_one(v, limit: int) -> str:
    if type(v) is str:
        capped = v if len(v) <= limit else v[: limit - 1] + "…"
        return _dumps(capped) if _JSON_ESCAPE.search(capped) else '"' + capped + '"'
    return _dumps(cap(v, limit))


def _encode_values(values: np.ndarray, limit: int = CAP_TEXT) -> np.ndarray:
    """JSON text of `cap(v)` for each value, computed once per distinct value (plain strings are
    quoted directly: `json.dumps` would only add the quotes). Distinct values are found by
    `pd.factorize` (a C hash table: the per-value Python loop was a third of the evidence's time);
    missing values (None, NaN) are encoded one by one, as `json.dumps` tells them apart."""
    if not len(values):
        return np.empty(0, dtype=object)
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): one by one, equal ones still encoded once
        return _encode_values_loop(values, limit)
    enc = np.array([_encode_one(u, limit) for u in uniques.tolist()] + [""], dtype=object)
    out = enc[codes]
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        out[missing] = [_encode_one(v, limit) for v in values[missing].tolist()]
    return out


def _encode_values_loop(values: np.ndarray, limit: int) -> np.ndarray:
    cache: dict = {}
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        try:
            text = cache.get(v)
            if text is None:
                text = cache[v] = _encode_one(v, limit)
        except TypeError:  # unhashable
            text = _encode_one(v, limit)
        out[i] = text
    return out


def _ints(values: np.ndarray) -> np.ndarray:
    return np.array(list(map(str, np.asarray(values).astype(np.int64).tolist())), dtype=object)


def _join(parts: list) -> np.ndarray:
    """Row-wise concatenation of string constants and object arrays, one `str.join` per row (adding
    arrays piece by piece would copy each growing row once per piece)."""
    n = next(len(p) for p in parts if not isinstance(p, str))
    cols = [repeat(p, n) if isinstance(p, str) else p.tolist() for p in parts]
    out = np.empty(n, dtype=object)
    out[:] = ["".join(row) for row in zip(*cols, strict=False)]
    return out


def _api_json(raw: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """The JSON object of each api row (`positions`: distinct, valid), as `json.dumps` of the event
    dict would write it, assembled from per-column encodings."""
    parts = ['{"source": "api", "t_ns": ', _ints(raw["t_ns"].to_numpy()[positions])]
    for name in _API_FIELDS:
        parts += [f', "{name}": ', _encoded(raw, name, positions)]
    if "count" in raw.columns:
        count = pd.Series(raw["count"].to_numpy()[positions])
        count = count.where(count.notna(), 1).to_numpy()
    else:
        count = np.ones(len(positions), dtype=np.int64)
    return _join(parts + [', "count": ', _ints(count), "}"])


def _flow_json(flows: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """The JSON object of each PI flow row (`positions`: distinct, valid), with its URL."""
    cols = _gather(flows, positions, ("scheme", "host", "port", "path", "query"))
    urls, hosts = [], []
    for scheme, host, port, path, query in zip(cols["scheme"], cols["host"], cols["port"], cols["path"],
                                               cols["query"], strict=True):
        scheme, host = scheme or "", host or ""
        default = {"http": 80, "https": 443}.get(str(scheme))
        port_s = "" if port is None or pd.isna(port) or int(port) == default else f":{int(port)}"
        url = f"{scheme}://{host}{port_s}{path or ''}"
        if isinstance(query, str) and query:
            url += "?" + query
        urls.append(url)
        hosts.append(host)
    parts = ['{"source": "flow", "t_ns": ', _ints(flows["t_ns"].to_numpy()[positions]),
             ', "flow_id": ', _encoded(flows, "flow_id", positions),
             ', "method": ', _encoded(flows, "method", positions, 16),
             ', "url": ', _encode_values(np.array(urls, dtype=object)),
             ', "host": ', _encode_values(np.array(hosts, dtype=object))]
    for name in ("key", "encoding", "where"):
        parts += [f', "{name}": ', _encoded(flows, name, positions)]
    return _join(parts + [', "excerpt": ', _encoded(flows, "excerpt", positions, CAP_EXCERPT), "}"])


def _events(frame: pd.DataFrame, firsts: np.ndarray, lasts: np.ndarray, encode) -> tuple[np.ndarray, np.ndarray]:
    """JSON of the first and last event of each finding ("" where none), each event encoded once."""
    both = np.concatenate([firsts, lasts])
    wanted = np.unique(both[both >= 0])
    enc = np.append(encode(frame, wanted), "") if len(wanted) else np.array([""], dtype=object)
    slot = np.where(both >= 0, np.searchsorted(wanted, both), len(wanted))
    return enc[slot[: len(firsts)]], enc[slot[len(firsts):]]


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
    """One JSON object (string) per hit row, as `json.dumps` writes the evidence dict.

    Built column-wise: every event, stack, screenshot and consent state is encoded once and the
    objects are concatenated from those pieces (object-array string additions), so ~150k findings
    cost a few Python operations each instead of a dict and a `json.dumps` apiece."""
    if hits.empty:
        return []
    n = len(hits)
    run = hits["run"].to_numpy().astype(np.int64)
    t = hits["first_t_ns"].to_numpy().astype(np.int64)
    shots, shot_t = _screenshots(ctx, run, t)
    notice, subjects, perm = _consent_at(ctx, run, t, hits["category"])
    raw = ctx.api_raw
    fa, la = hits["first_api"].to_numpy().astype(np.int64), hits["last_api"].to_numpy().astype(np.int64)
    ff, lf = hits["first_flow"].to_numpy().astype(np.int64), hits["last_flow"].to_numpy().astype(np.int64)
    first_api, last_api = _events(raw, fa, la, _api_json)
    first_flow, last_flow = _events(ctx.pi_flows, ff, lf, _flow_json)
    run_ids = ctx.run_ids.to_numpy(dtype=object)
    if "stack_id" in raw and len(raw):
        sid = _gather(raw, fa, ("stack_id",))["stack_id"]
        keys = [(run_ids[r], str(s)) if p >= 0 and s is not None else None for r, s, p in zip(run, sid, fa, strict=True)]
    else:
        keys = [None] * n
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
    stack_json: dict = {}
    sdk_frame_json = {k: ', "sdk_frame": ' + _dumps(cap(v, CAP_FRAME)) for k, v in sdk_frame.items()}
    stack_part = np.full(n, "", dtype=object)
    for i, key in enumerate(keys):
        if key is None:
            continue
        part = stack_json.get(key)
        if part is None:
            frames = stacks.get(key) or by_id_stacks.get(key[1])
            part = stack_json[key] = (', "stack": ' + _dumps(frames) if frames else "") + sdk_frame_json.get(key, "")
        stack_part[i] = part
    first = np.where(first_api != "", first_api, first_flow)
    last = np.where(last_api != "", last_api, last_flow)
    has_shot = np.array([s is not None for s in shots], dtype=bool)
    shot_part = np.full(n, "", dtype=object)
    if has_shot.any():
        shot_part[has_shot] = _join([', "screenshot": ', _encode_values(shots[has_shot]),
                                     ', "screenshot_t_ns": ', _ints(shot_t[has_shot])])
    consent_json: dict = {}
    consent_part = np.empty(n, dtype=object)
    for i, (nc, subject, pc) in enumerate(zip(notice.tolist(), subjects, perm.tolist(), strict=True)):
        ck = (nc, subject, pc)
        part = consent_json.get(ck)
        if part is None:
            state = {NOTICE: STATES[nc] if nc >= 0 else None}
            if subject is not None and pc >= 0:
                state[subject] = STATES[pc]
            part = consent_json[ck] = ', "consent": ' + _dumps(state)
        consent_part[i] = part
    detail_json: dict = {}
    detail_part = np.full(n, "", dtype=object)
    for i, detail in enumerate(hits["detail"].to_numpy(dtype=object)):
        if isinstance(detail, dict) and detail:
            part = detail_json.get(id(detail))  # rules share one detail dict among many findings
            if part is None:
                part = detail_json[id(detail)] = ', "detail": ' + _dumps(detail)
            detail_part[i] = part
    own_last = (last != "") & (last != first)
    return _join(['{"count": ', _ints(hits["count"].to_numpy()),
                  np.where(first != "", ', "first": ', ""), first,
                  np.where(own_last, ', "last": ', ""), np.where(own_last, last, ""),
                  stack_part, np.where(first_flow != "", ', "flow": ', ""), first_flow,
                  shot_part, consent_part, detail_part, "}"]).tolist()
