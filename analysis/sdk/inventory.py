"""Per app, the SDK inventory: every third-party SDK seen, how it was seen (its frames on the stack of
a sensitive API call, its native library on such a stack, a request to its host, its code declared in
the APK), what personal information it read and whether before or after consent, and where it sent
personal information. This is the list a privacy policy's third-party sharing list must contain.

Input is the evaluation context (analysis.rules.context.Context); work is grouped pandas, never a
loop over events. Transparent entries (platform code, general-purpose libraries) are no recipients
and are left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sdk.attribute import frame_library, hosts_table
from analysis.sdk.index import SdkDb

COLUMNS = ["app", "sdk", "sdk_name", "company", "country", "category", "seen_by", "read_categories",
           "reads", "reads_before_consent", "sent_to_hosts", "sent_categories", "sends", "sends_before_consent",
           "hosts_contacted"]
CONSENTED = "accepted"  # the privacy-notice state after which a read or a send is "after consent"
MAX_LIST = 50  # hosts or categories listed per SDK


def _apps_of_runs(ctx) -> np.ndarray:
    """App package per run code (position in ctx.run_ids)."""
    m = ctx.manifests
    by_id = dict(zip(m["run_id"].astype(str), m["app"].astype(str), strict=True)) if "app" in m else {}
    return np.asarray([by_id.get(str(r), "") for r in ctx.run_ids], dtype=object)


def _joined(values: pd.Series) -> str:
    items = sorted({str(v) for v in values if isinstance(v, str) and v})
    return ", ".join(items[:MAX_LIST]) + (f" (+{len(items) - MAX_LIST})" if len(items) > MAX_LIST else "")


def _reads(ctx, app_of: np.ndarray) -> pd.DataFrame:
    api = ctx.api
    if api.empty or "sdk" not in api:
        return pd.DataFrame(columns=["app", "sdk", "read_categories", "reads", "reads_before_consent"])
    keep = api["sdk"].notna().to_numpy() & api["pi"].to_numpy(dtype=bool)
    a = api.loc[keep, ["run", "sdk", "category", "count", "notice"]]
    frame = pd.DataFrame({
        "app": app_of[a["run"].to_numpy(dtype=np.int64)], "sdk": a["sdk"].astype(str).to_numpy(),
        "category": a["category"].astype(str).to_numpy(), "reads": a["count"].to_numpy(dtype=np.float64),
        "before": np.where(a["notice"].astype(str).to_numpy() != CONSENTED, a["count"].to_numpy(dtype=np.float64), 0.0),
    })
    return frame.groupby(["app", "sdk"], sort=True).agg(
        read_categories=("category", _joined), reads=("reads", "sum"),
        reads_before_consent=("before", "sum")).reset_index()


def _sends(ctx, app_of: np.ndarray) -> pd.DataFrame:
    flows = ctx.pi_flows
    if flows.empty:
        return pd.DataFrame(columns=["app", "sdk", "sent_to_hosts", "sent_categories", "sends", "sends_before_consent"])
    f = flows[flows["sdk"].notna()]
    frame = pd.DataFrame({
        "app": app_of[f["run"].to_numpy(dtype=np.int64)], "sdk": f["sdk"].astype(str).to_numpy(),
        "host": f["host"].astype(str).to_numpy(), "category": f["category"].astype(str).to_numpy(),
        "flow": f["flow_id"].astype(str).to_numpy(),
        "before": f["notice"].astype(str).to_numpy() != CONSENTED,
    })
    per_flow = frame.drop_duplicates(["app", "sdk", "flow"])
    out = frame.groupby(["app", "sdk"], sort=True).agg(sent_to_hosts=("host", _joined),
                                                       sent_categories=("category", _joined)).reset_index()
    counts = per_flow.groupby(["app", "sdk"], sort=True).agg(sends=("flow", "size"),
                                                             sends_before_consent=("before", "sum")).reset_index()
    return out.merge(counts, on=["app", "sdk"], how="left")


def _native(ctx, apps_by_run: dict[str, str]) -> pd.DataFrame:
    st = ctx.stack_sdk
    if st.empty:
        return pd.DataFrame(columns=["app", "sdk"])
    known = st[st["sdk"].notna()]
    frames = pd.Series(pd.unique(known["sdk_frame"].astype(str)), dtype=object)
    native = set(frames[[frame_library(f) is not None for f in frames]])
    hit = known[known["sdk_frame"].astype(str).isin(native)]
    return pd.DataFrame({"app": hit["run_id"].astype(str).map(apps_by_run).to_numpy(),
                         "sdk": hit["sdk"].astype(str).to_numpy()}).drop_duplicates()


def _contacts(ctx, db: SdkDb, apps_by_run: dict[str, str]) -> pd.DataFrame:
    flows = ctx.runset.flows
    if flows is None or flows.empty or "host" not in flows:
        return pd.DataFrame(columns=["app", "sdk", "hosts_contacted"])
    pairs = pd.DataFrame({"app": flows["run_id"].astype(str).map(apps_by_run).to_numpy(),
                          "host": flows["host"].astype(str).to_numpy()}).drop_duplicates()
    table = hosts_table(pairs["host"], db)
    pairs = pairs.merge(table[["host", "sdk"]], on="host", how="left").dropna(subset=["sdk"])
    return pairs.groupby(["app", "sdk"], sort=True).agg(hosts_contacted=("host", _joined)).reset_index()


def _declared(ctx, db: SdkDb) -> pd.DataFrame:
    m = ctx.manifests
    if "sdks" not in m:
        return pd.DataFrame(columns=["app", "sdk"])
    rows = []
    for app, pkgs in zip(m["app"].astype(str), m["sdks"], strict=True):  # one row per run, not per event
        for pkg in list(pkgs if isinstance(pkgs, list | tuple | np.ndarray) else [])[:2000]:
            hit = db.by_class(str(pkg), app)
            if hit is not None:
                rows.append((app, hit.id))
    return pd.DataFrame(rows, columns=["app", "sdk"]).drop_duplicates()


def sdk_inventory(ctx, db: SdkDb | None = None) -> pd.DataFrame:
    """One row per (app, SDK) with the COLUMNS above; transparent entries left out."""
    db = db or ctx.db
    app_of = _apps_of_runs(ctx)
    apps_by_run = dict(zip((str(r) for r in ctx.run_ids), app_of, strict=True))
    reads, sends = _reads(ctx, app_of), _sends(ctx, app_of)
    native, contacts, declared = _native(ctx, apps_by_run), _contacts(ctx, db, apps_by_run), _declared(ctx, db)
    ways = pd.concat([reads[["app", "sdk"]].assign(way="stack"), native.assign(way="native library"),
                      sends[["app", "sdk"]].assign(way="host"), contacts[["app", "sdk"]].assign(way="host"),
                      declared.assign(way="apk")], ignore_index=True)
    if ways.empty:
        return pd.DataFrame(columns=COLUMNS)
    order = {"stack": 0, "native library": 1, "host": 2, "apk": 3}
    ways = ways.assign(o=ways["way"].map(order)).sort_values(["app", "sdk", "o"], kind="stable")
    seen = ways.drop_duplicates(["app", "sdk", "way"]).groupby(["app", "sdk"], sort=True)["way"] \
        .agg(", ".join).rename("seen_by").reset_index()
    out = seen.merge(reads, on=["app", "sdk"], how="left").merge(sends, on=["app", "sdk"], how="left") \
        .merge(contacts, on=["app", "sdk"], how="left")
    meta = pd.DataFrame([(e.id, e.name, e.company, e.country, e.category, e.transparent)
                         for e in (db.entries.get(s) for s in out["sdk"].unique()) if e is not None],
                        columns=["sdk", "sdk_name", "company", "country", "category", "transparent"])
    out = out.merge(meta, on="sdk", how="left")
    out = out[~out["transparent"].fillna(False).astype(bool)]
    for col in ("reads", "reads_before_consent", "sends", "sends_before_consent"):
        out[col] = out[col].fillna(0).astype(np.int64)
    for col in ("read_categories", "sent_to_hosts", "sent_categories", "hosts_contacted"):
        out[col] = out[col].fillna("")
    out["sdk_name"] = out["sdk_name"].fillna(out["sdk"])
    return out.sort_values(["app", "reads_before_consent", "sends_before_consent", "sdk"],
                           ascending=[True, False, False, True], kind="stable")[COLUMNS].reset_index(drop=True)


def inventory_records(inventory: pd.DataFrame, app: str) -> list[dict]:
    """One app's rows as JSON-ready dicts (lists split back out of the joined text)."""
    rows = inventory[inventory["app"] == app].drop(columns=["app"]).to_dict("records")
    for r in rows:
        for col in ("seen_by", "read_categories", "sent_to_hosts", "sent_categories", "hosts_contacted"):
            r[col] = [v for v in str(r[col]).split(", ") if v]
        for col in ("reads", "reads_before_consent", "sends", "sends_before_consent"):
            r[col] = int(r[col])
    return rows
