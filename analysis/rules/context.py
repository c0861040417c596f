"""The prepared tables every rule reads: built once per evaluation from a RunSet.

Stages (DataFrame -> DataFrame, declared columns):
  api      api_calls + run, pos, sdk (by stack), notice, perm, perm_subject, fg    (time-ordered)
  pi_flows detections x flows, one row per (flow, category): + sdk (by host), notice, perm, fg
  ui_trans UI screens as shown (the first dump of each stretch): kind, group, precheck, screenshot
  asks     permission prompts (dialog screens and consent rows merged), with the notice state
  shows    privacy-notice showings (screens and consent rows merged)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.permissions import group_of
from analysis.rules.config import RuleConfig
from analysis.sdk import attribute_stacks, host_sdk, load_db
from analysis.sdk.db import SdkDb
from analysis.timeline import (
    NOTICE,
    ConsentStates,
    asof_index,
    category_subject,
    foreground_at,
    foreground_changes,
    run_codes,
    states_categorical,
)

if TYPE_CHECKING:
    from analysis.load import RunSet

# identity.json key -> catalogue category, so traffic and API findings group alike.
KEY_CATEGORY = {
    "android_id": "device_id", "imei": "device_id", "meid": "device_id", "serial": "device_id",
    "advertising_id": "device_id", "oaid": "device_id", "mac": "device_id",
    "imsi": "sim_info", "iccid": "sim_info", "phone_number": "phone_number", "email": "accounts",
    "bluetooth_mac": "bluetooth", "ssid": "wifi_info", "bssid": "wifi_info", "location": "location",
    "contacts": "contacts", "clipboard": "clipboard", "app_canary": "installed_apps",
    "local_ip": "ip_address", "public_ip": "ip_address",
}


@dataclass
class Context:
    runset: RunSet
    config: RuleConfig
    db: SdkDb
    run_ids: pd.Index
    manifests: pd.DataFrame
    api_raw: pd.DataFrame
    consent: ConsentStates
    fg_changes: pd.DataFrame
    api: pd.DataFrame
    stack_sdk: pd.DataFrame
    pi_flows: pd.DataFrame
    ui_trans: pd.DataFrame
    asks: pd.DataFrame
    shows: pd.DataFrame


def _fill_api_sdk(api: pd.DataFrame, stack_sdk: pd.DataFrame) -> pd.Categorical:
    """SDK id per api row: the row's own `sdk` if set, else its stack's. Works on categorical codes
    when stack ids are global (content hashes), so ten million rows cost two array takes."""
    n = len(api)
    existing = api["sdk"] if "sdk" in api else pd.Series(pd.Categorical([None] * n))
    has_existing = bool(existing.notna().any())
    known = stack_sdk.dropna(subset=["sdk"]) if not stack_sdk.empty else stack_sdk
    if known.empty or "stack_id" not in api:
        return pd.Categorical(existing.astype(object).to_numpy()) if has_existing else pd.Categorical([None] * n)
    per_id = known.groupby("stack_id", observed=True)["sdk"].nunique()
    sid = api["stack_id"]
    if (per_id <= 1).all() and isinstance(sid.dtype, pd.CategoricalDtype):
        sdk_names = pd.Index(pd.unique(known["sdk"].astype(object)))
        mapping = dict(zip(known["stack_id"].astype(str), sdk_names.get_indexer(known["sdk"].astype(object)), strict=True))
        per_cat = np.array([mapping.get(str(c), -1) for c in sid.cat.categories] + [-1], dtype=np.int32)
        codes = per_cat[sid.cat.codes.to_numpy()]  # code -1 (null stack) takes the appended -1
        found = pd.Categorical.from_codes(codes, categories=sdk_names)
    else:
        left = pd.DataFrame({"run_id": api["run_id"].astype(str), "stack_id": api["stack_id"].astype(str)})
        right = known.assign(run_id=known["run_id"].astype(str), stack_id=known["stack_id"].astype(str))
        merged = left.merge(right[["run_id", "stack_id", "sdk"]].drop_duplicates(["run_id", "stack_id"]),
                            how="left", on=["run_id", "stack_id"])["sdk"]
        found = pd.Categorical(merged.to_numpy(dtype=object))
    if not has_existing:
        return found
    own = existing.astype(object).to_numpy()
    return pd.Categorical(np.where(pd.notna(own), own, np.asarray(found, dtype=object)))


def timed_api(runset) -> pd.DataFrame:
    """api_calls rows with a time (the table itself when all have one: no ten-million-row copy)."""
    raw = runset.api_calls
    has_t = raw["t_ns"].notna()
    return raw if bool(has_t.all()) else raw[has_t]


def _column_array(col: pd.Series):
    """A column as stored (categoricals stay categorical: no object/str conversion of millions of rows)."""
    return col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy()


def prepare_api(runset, run_ids: pd.Index, consent: ConsentStates, fg: pd.DataFrame, stack_sdk: pd.DataFrame,
                config: RuleConfig, raw: pd.DataFrame | None = None) -> pd.DataFrame:
    raw = timed_api(runset) if raw is None else raw
    run = run_codes(raw, run_ids)
    t = raw["t_ns"].to_numpy().astype(np.int64)
    if "count" in raw:
        count = raw["count"].to_numpy(dtype=np.float64, na_value=1) if raw["count"].hasnans else raw["count"].to_numpy()
        count = np.maximum(count, 1).astype(np.int64, copy=False)
    else:
        count = np.ones(len(raw), np.int64)
    category = raw["category"] if isinstance(raw["category"].dtype, pd.CategoricalDtype) else raw["category"].astype("category")
    sdk = _fill_api_sdk(raw, stack_sdk)
    api = pd.DataFrame({
        "run": run, "t_ns": t, "pos": np.arange(len(raw), dtype=np.int64), "category": category.array,
        "pi": raw["pi"].to_numpy(dtype=bool, na_value=False) if "pi" in raw else np.ones(len(raw), bool),
        "count": count, "sdk": sdk,
        "stack_id": _column_array(raw["stack_id"]) if "stack_id" in raw else None,
    })
    api["notice"] = states_categorical(consent.notice_at(run, t))
    api["perm"] = states_categorical(consent.permission_at(run, t, api["category"]))
    api["fg"] = foreground_at(fg, run, t, int(config.background_grace_s * 1e9))
    if len(api) > 1:
        span = int(t.max() - t.min()) + 1
        key = run.astype(np.int64) * span + (t - t.min())
        if (np.diff(key) < 0).any():  # loaders keep runs in order and rows in time order: usually a no-op
            api = api.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    return api


def prepare_pi_flows(runset, run_ids: pd.Index, consent: ConsentStates, fg: pd.DataFrame, db: SdkDb,
                     config: RuleConfig) -> pd.DataFrame:
    det, flows = runset.detections, runset.flows
    cols = ["run", "t_ns", "pos", "count", "category", "key", "encoding", "where", "excerpt", "flow_id",
            "method", "scheme", "host", "port", "path", "query", "sdk", "notice", "perm", "fg"]
    if det.empty or flows.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}).astype(
            {"run": np.int64, "t_ns": np.int64, "pos": np.int64, "count": np.int64})
    # string columns stay as stored (Arrow strings, categoricals): no round trip through Python objects
    d = pd.DataFrame({"run": run_codes(det, run_ids), "flow_id": det["flow_id"].astype(str).array,
                      "key": det["key"].astype(str).array, "encoding": det["encoding"].array,
                      "where": det["where"].array, "excerpt": det["excerpt"].array})
    d["category"] = d["key"].map(KEY_CATEGORY).fillna("other")
    d = d.drop_duplicates(["run", "flow_id", "category"])
    f = pd.DataFrame({"run": run_codes(flows, run_ids), "flow_id": flows["flow_id"].astype(str).array,
                      "t_ns": flows["t_ns"].to_numpy(), "_row": np.arange(len(flows), dtype=np.int64)})
    f = f[pd.notna(f["t_ns"])]
    m = _join_flows(d, f)
    rows = m.pop("_row").to_numpy()
    for c in ("method", "scheme", "host", "port", "path", "query"):  # only the rows with PI, as stored
        m[c] = flows[c].iloc[rows].array if c in flows else None
    m["t_ns"] = m["t_ns"].astype(np.int64)
    m = m.sort_values(["run", "t_ns"], kind="stable").reset_index(drop=True)
    m["pos"] = np.arange(len(m), dtype=np.int64)
    m["count"] = np.int64(1)
    host = m["host"]
    if isinstance(host.dtype, pd.CategoricalDtype):  # one lookup per host name
        per_host = np.append(host_sdk(pd.Series(host.cat.categories, dtype=object), db).to_numpy(dtype=object),
                             np.array(None, dtype=object))  # the slot code -1 (no host) picks
        m["sdk"] = pd.Series(per_host[host.cat.codes.to_numpy()], index=m.index, dtype=object)
    else:
        m["sdk"] = host_sdk(host.astype(object), db)
    run, t = m["run"].to_numpy(), m["t_ns"].to_numpy()
    m["notice"] = states_categorical(consent.notice_at(run, t))
    m["perm"] = states_categorical(consent.permission_at(run, t, m["category"].astype("category")))
    m["fg"] = foreground_at(fg, run, t, int(config.background_grace_s * 1e9))
    m["scheme"] = m["scheme"].astype(object).str.lower()
    return m[cols]


def _join_flows(d: pd.DataFrame, f: pd.DataFrame) -> pd.DataFrame:
    """Inner join of detections `d` with flows `f` on (run, flow_id), in `d` order like `merge`:
    flow ids become integer codes and (run, code) one integer key looked up in a hash index, which
    is much cheaper than merging on strings. Duplicate flow keys fall back to `merge`."""
    codes, uniques = pd.factorize(pd.concat([f["flow_id"], d["flow_id"]], ignore_index=True))
    n_codes = len(uniques) + 1
    f_key = f["run"].to_numpy().astype(np.int64) * n_codes + codes[: len(f)]
    d_key = d["run"].to_numpy().astype(np.int64) * n_codes + codes[len(f):]
    index = pd.Index(f_key)
    if not index.is_unique or (codes < 0).any():
        return d.merge(f, on=["run", "flow_id"], how="inner")
    at = index.get_indexer(d_key)
    hit = at >= 0
    right = f.drop(columns=["run", "flow_id"]).iloc[at[hit]].reset_index(drop=True)
    return pd.concat([d[hit].reset_index(drop=True), right], axis=1)


def _detail_field(detail: pd.Series, name: str) -> pd.Series:
    """A scalar field of the UI `detail` JSON, vectorised with a regex (no per-row json.loads)."""
    text = detail.astype(object).fillna("").astype(str)
    got = text.str.extract(rf'"{name}"\s*:\s*("([^"\\]*)"|true|false|null)', expand=True)
    return got[1].where(got[1].notna(), got[0])


def prepare_ui(runset, run_ids: pd.Index) -> pd.DataFrame:
    ui = runset.ui
    cols = ["run", "t_ns", "kind", "package", "group", "precheck", "screenshot"]
    if ui.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}).astype({"run": np.int64, "t_ns": np.int64})
    u = pd.DataFrame({"run": run_codes(ui, run_ids), "t_ns": ui["t_ns"].to_numpy(),
                      "kind": ui["screen_kind"].astype(object).fillna("unknown").to_numpy(),
                      "package": ui["package"].astype(object).to_numpy(),
                      "screenshot": ui["screenshot"].astype(object).to_numpy(),
                      "detail": ui["detail"].astype(object).to_numpy()})
    u = u[pd.notna(u["t_ns"])].astype({"t_ns": np.int64}).sort_values(["run", "t_ns"], kind="stable")
    perm = _detail_field(u["detail"], "permission")
    u["group"] = [group_of(p) if isinstance(p, str) else None for p in perm]  # unique-ish, small
    u["precheck"] = _detail_field(u["detail"], "precheck").eq("true").to_numpy()
    prev_kind = u.groupby("run")["kind"].shift(1)
    prev_group = u.groupby("run")["group"].shift(1)
    prev_package = u.groupby("run")["package"].shift(1)
    # A transition is a new kind of screen, a new permission group, or another package in front
    # (the app's own first screen after the system's "waiting for debugger" is the app coming up).
    new = ((u["kind"] != prev_kind) | (u["package"].fillna("") != prev_package.fillna(""))
           | ((u["kind"] == "permission_dialog") & (u["group"].fillna("") != prev_group.fillna(""))))
    return u[new][cols].reset_index(drop=True)


def _merge_close(events: pd.DataFrame, merge_ns: int) -> pd.DataFrame:
    """One row per prompt: rows of the same run and subject closer than `merge_ns` to the previous
    one are the same prompt seen twice (a dialog screen and its consent row). A screen whose
    permission group is unknown takes the subject of the nearest consent row within `merge_ns`."""
    if events.empty:
        return events
    e = events.sort_values(["run", "t_ns"], kind="stable").reset_index(drop=True)
    unknown = e["subject"].isna()
    known = e[~unknown]
    if unknown.any() and len(known):
        idx = asof_index(e.loc[unknown, "run"].to_numpy(), e.loc[unknown, "t_ns"].to_numpy(),
                         known["run"].to_numpy(), known["t_ns"].to_numpy(), direction="nearest", tolerance=merge_ns)
        fill = np.where(idx >= 0, known["subject"].to_numpy()[np.maximum(idx, 0)], None)
        e.loc[unknown, "subject"] = fill
    e["_s"] = e["subject"].fillna("?")
    e = e.sort_values(["run", "_s", "t_ns"], kind="stable")
    gap = e.groupby(["run", "_s"])["t_ns"].diff()
    e["episode"] = (gap.isna() | (gap > merge_ns)).cumsum()
    e["screenshot"] = e.groupby("episode")["screenshot"].transform("first")  # first non-null
    out = e.drop_duplicates("episode").drop(columns=["episode", "_s"])
    return out.sort_values(["run", "t_ns"], kind="stable").reset_index(drop=True)


def prepare_asks(runset, ui_trans: pd.DataFrame, run_ids: pd.Index, consent: ConsentStates, merge_ns: int) -> pd.DataFrame:
    """Permission prompts: system dialog screens plus consent rows for permission subjects."""
    c = runset.consent
    c = c[c["subject"].astype(str).str.startswith("permission:") & c["state"].astype(str).isin(["shown", "granted", "denied"])]
    # A decision is an ask of its own only when no `shown` of that subject came before it since the
    # last decision: otherwise it answers that prompt (on a loaded machine the answer can come
    # more than the merge window after the prompt was seen, and was counted as a second prompt).
    c = c.sort_values(["run_id", "subject", "t_ns"], kind="stable")
    state = c["state"].astype(str)
    prev = state.groupby([c["run_id"].astype(str), c["subject"].astype(str)]).shift(1)
    c = c[(state == "shown") | (prev != "shown")]
    from_consent = pd.DataFrame({"run": run_codes(c, run_ids), "t_ns": c["t_ns"].to_numpy().astype(np.int64),
                                 "subject": c["subject"].astype(object).to_numpy(), "source": "consent",
                                 "screenshot": None})
    d = ui_trans[ui_trans["kind"] == "permission_dialog"]
    from_ui = pd.DataFrame({"run": d["run"].to_numpy(), "t_ns": d["t_ns"].to_numpy(),
                            "subject": [f"permission:{g}" if g else None for g in d["group"]], "source": "ui",
                            "screenshot": d["screenshot"].to_numpy()})
    asks = _merge_close(pd.concat([from_ui, from_consent], ignore_index=True), merge_ns)
    asks["notice"] = states_categorical(consent.notice_at(asks["run"].to_numpy(), asks["t_ns"].to_numpy()))
    asks["subject"] = asks["subject"].fillna("permission:UNKNOWN")
    return asks


def prepare_shows(runset, ui_trans: pd.DataFrame, run_ids: pd.Index, merge_ns: int) -> pd.DataFrame:
    """Privacy-notice showings: consent_notice screens plus `privacy_notice` consent rows."""
    c = runset.consent
    c = c[(c["subject"].astype(str) == NOTICE) & (c["state"].astype(str) == "shown")]
    from_consent = pd.DataFrame({"run": run_codes(c, run_ids), "t_ns": c["t_ns"].to_numpy().astype(np.int64),
                                 "subject": NOTICE, "source": "consent", "screenshot": None, "precheck": False})
    d = ui_trans[ui_trans["kind"] == "consent_notice"]
    from_ui = pd.DataFrame({"run": d["run"].to_numpy(), "t_ns": d["t_ns"].to_numpy(), "subject": NOTICE,
                            "source": "ui", "screenshot": d["screenshot"].to_numpy(), "precheck": d["precheck"].to_numpy()})
    both = pd.concat([from_ui, from_consent], ignore_index=True)
    if both.empty:
        return both
    both = both.sort_values(["run", "t_ns"], kind="stable").reset_index(drop=True)
    gap = both.groupby("run")["t_ns"].diff()
    # Sightings close together are one showing, unless the notice was decided in between: a notice
    # refused and shown again a second later is asked again (nagging), not the same prompt.
    decided = runset.consent
    decided = decided[(decided["subject"].astype(str) == NOTICE)
                      & decided["state"].astype(str).isin(["accepted", "refused"])].sort_values("t_ns", kind="stable")
    epoch = pd.Series(asof_index(both["run"].to_numpy(), both["t_ns"].to_numpy(),
                                 run_codes(decided, run_ids), decided["t_ns"].to_numpy().astype(np.int64)))
    new_epoch = epoch.ne(epoch.groupby(both["run"]).shift(1)) & gap.notna()
    both["episode"] = (gap.isna() | (gap > merge_ns) | new_epoch).cumsum()
    both["precheck"] = both.groupby("episode")["precheck"].transform("any")
    return both.drop_duplicates("episode").drop(columns="episode").reset_index(drop=True)


def build_context(runset, config: RuleConfig | None = None, db: SdkDb | None = None) -> Context:
    config = config or RuleConfig()
    db = db or load_db()
    manifests = runset.manifests.reset_index(drop=True)
    run_ids = pd.Index(manifests["run_id"].astype(str))
    consent = ConsentStates(runset.consent, run_ids)
    fg = foreground_changes(runset.ui, runset.steps, manifests, int(config.ui_settle_s * 1e9), config.overlay_packages)
    apps = dict(zip(manifests["run_id"].astype(str), manifests["app"].astype(str), strict=True)) \
        if "app" in manifests else None
    stack_sdk = attribute_stacks(runset.stacks, db, apps)  # the app's own package is never an SDK
    api_raw = timed_api(runset)
    api = prepare_api(runset, run_ids, consent, fg, stack_sdk, config, api_raw)
    pi_flows = prepare_pi_flows(runset, run_ids, consent, fg, db, config)
    ui_trans = prepare_ui(runset, run_ids)
    merge_ns = int(config.ask_merge_s * 1e9)
    asks = prepare_asks(runset, ui_trans, run_ids, consent, merge_ns)
    shows = prepare_shows(runset, ui_trans, run_ids, merge_ns)
    return Context(runset=runset, config=config, db=db, run_ids=run_ids, manifests=manifests, api_raw=api_raw,
                   consent=consent,
                   fg_changes=fg, api=api, stack_sdk=stack_sdk, pi_flows=pi_flows, ui_trans=ui_trans,
                   asks=asks, shows=shows)


__all__ = ["Context", "KEY_CATEGORY", "build_context", "category_subject"]
