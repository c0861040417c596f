"""Factories for synthetic run directories: the run-directory contract written as the harness
writes it (Parquet through `analysis.schema.conform`, manifest.json, identity.json, screenshots),
so analysis tests exercise the real loader.

    run = RunBuilder("r1", package="com.example.shop", scenario="refuse")
    run.step("launch", 0.0, 0.5)
    run.screen(0.6, "consent_notice", screenshot=True)
    run.consent("privacy_notice", "refused", 2.0)
    run.api(2.2, "device_id", frames=UMENG_IMEI)
    run.write(tmp_path)
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.schema import TABLES, conform

S = 1_000_000_000

IDENTITY = {
    "android_id": "9774d56d682e549c", "imei": "867530912345678", "imsi": "460001234567890",
    "iccid": "89860012345678901234", "serial": "SIM0001", "mac": "02:00:00:44:55:66",
    "advertising_id": "38400000-8cf0-11bd-b23e-10b96e40000d", "oaid": "a1b2c3d4-0000-1111-2222-333344445555",
    "phone_number": "+8613800138000", "ssid": "consentry-lab", "bssid": "02:00:00:aa:bb:cc",
    "location": {"lat": 39.9042, "lon": 116.4074}, "contacts": [{"name": "Canary Zhang", "phone": "+8613900139000"}],
    "clipboard": "clip-canary-42", "app_canary": "com.consentry.canary",
}

UMENG_IMEI = [
    "android.telephony.TelephonyManager.getImei(TelephonyManager.java:2012)",
    "com.umeng.commonsdk.statistics.idtracking.ImeiTracker.f(ImeiTracker.java:41)",
    "com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:230)",
    "com.example.shop.App.onCreate(App.java:18)",
    "android.app.Instrumentation.callApplicationOnCreate(Instrumentation.java:1277)",
]
AMAP_LOCATION = [
    "android.location.LocationManager.getLastKnownLocation(LocationManager.java:1384)",
    "com.amap.api.location.AMapLocationClient.startLocation(AMapLocationClient.java:120)",
    "com.example.shop.MapActivity.onResume(MapActivity.java:55)",
]
APP_CONTACTS = [
    "android.content.ContentResolver.query(ContentResolver.java:1160)",
    "com.example.shop.Friends.load(Friends.java:33)",
]
NATIVE_JPUSH = ["libc.so!__system_property_get+0x10", "libjcore247.so!collect_ids+0x1a4", "libart.so!art_quick_invoke_stub+0x3c"]

_PNG_CACHE: dict[tuple[int, int, int], bytes] = {}


def tiny_png(color: tuple[int, int, int] = (200, 220, 255)) -> bytes:
    if color not in _PNG_CACHE:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (36, 64), color).save(buf, format="PNG")
        _PNG_CACHE[color] = buf.getvalue()
    return _PNG_CACHE[color]


def stack_id_of(frames: list[str]) -> str:
    return hashlib.sha1("\n".join(frames).encode()).hexdigest()[:16]


class RunBuilder:
    """Collects rows for one run and writes its directory. Times are given in seconds."""

    def __init__(self, run_id: str = "r1", package: str = "com.example.shop", scenario: str = "baseline",
                 device: str = "sim-1", *, fresh: bool | None = None, identity: dict | None = None,
                 sdks: list[str] | None = None, permissions: list[str] | None = None):
        self.run_id, self.package, self.scenario, self.device = run_id, package, scenario, device
        self.fresh = fresh
        self.identity = dict(IDENTITY if identity is None else identity)
        self.sdks = sdks or []
        self.permissions = permissions or []
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES if name != "findings"}
        self.stacks: dict[str, list[str]] = {}
        self.bodies: dict[str, bytes] = {}
        self.detections: list[dict] = []
        self.shots: dict[str, bytes] = {}
        self._flow_n = 0
        self._step_n = 0

    # -- rows ---------------------------------------------------------------------------------
    def step(self, action: str, t: float, t_end: float | None = None, target: str | None = None,
             outcome: str = "ok") -> RunBuilder:
        self._step_n += 1
        self.rows["steps"].append({"step_id": self._step_n, "t_start_ns": int(t * S),
                                   "t_end_ns": int((t_end if t_end is not None else t + 0.2) * S),
                                   "action": action, "target": target, "outcome": outcome})
        return self

    def consent(self, subject: str, state: str, t: float, via: str = "step", screenshot: str | None = None) -> RunBuilder:
        self.rows["consent"].append({"t_ns": int(t * S), "subject": subject, "state": state, "via": via,
                                     "evidence": json.dumps({"screenshot": screenshot})})
        return self

    def screen(self, t: float, kind: str = "other", *, package: str | None = None, activity: str | None = None,
               texts: list[str] | None = None, permission: str | None = None, precheck: bool | None = None,
               screenshot: bool | str = True, color=(200, 220, 255)) -> RunBuilder:
        name = None
        if screenshot:
            name = screenshot if isinstance(screenshot, str) else f"screen_{len(self.rows['ui']):04d}.png"
            self.shots[name] = tiny_png(color)
        detail = {"kind": kind}
        if permission is not None:
            detail["permission"] = permission
        if precheck is not None:
            detail["precheck"] = precheck
        pkg = package if package is not None else (
            "com.android.permissioncontroller" if kind == "permission_dialog" else self.package)
        self.rows["ui"].append({"t_ns": int(t * S), "package": pkg, "activity": activity or f"{pkg}.MainActivity",
                                "screen_kind": kind, "texts": json.dumps(texts or [], ensure_ascii=False),
                                "screenshot": f"screenshots/{name}" if name else None,
                                "detail": json.dumps(detail)})
        return self

    def api(self, t: float, category: str, *, api: str | None = None, frames: list[str] | None = None, count: int = 1,
            pi: bool = True, layer: str = "java", args: str | None = None, permission: str | None = None,
            thread: str = "main", hook: str | None = None) -> RunBuilder:
        sid = None
        if frames:
            sid = stack_id_of(frames)
            self.stacks[sid] = list(frames)
        self.rows["api_calls"].append({
            "t_ns": int(t * S), "layer": layer, "hook_id": hook or f"{category}.hook", "category": category,
            "api": api or f"{category}.read", "args": args or "[]", "ret": '"x"', "thread": thread,
            "stack_id": sid, "pid": 4242, "count": count, "pi": pi, "permission": permission})
        return self

    def flow(self, t: float, host: str, *, path: str = "/collect", scheme: str = "https", method: str = "POST",
             query: str = "", body: bytes | str | None = None, detections: list[tuple] | None = None,
             port: int | None = None) -> str:
        """Add a flow; `detections` are (key, encoding, where, excerpt) as analysis.pii reports them."""
        self._flow_n += 1
        flow_id = f"{self.run_id}-f{self._flow_n:05d}"
        ref = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else body
            ref = hashlib.sha256(data).hexdigest()
            self.bodies[ref] = data
        self.rows["flows"].append({
            "flow_id": flow_id, "t_ns": int(t * S), "t_resp_ns": int((t + 0.05) * S), "method": method,
            "scheme": scheme, "host": host, "port": port or (443 if scheme == "https" else 80), "path": path,
            "query": query, "http_version": "HTTP/1.1", "req_headers": json.dumps([["Host", host]]),
            "req_body_ref": ref, "req_body_size": len(self.bodies[ref]) if ref else 0, "req_body_truncated": False,
            "status": 200, "resp_headers": "[]", "source": "proxy"})
        for key, encoding, where, excerpt in detections or []:
            self.detections.append({"flow_id": flow_id, "key": key, "encoding": encoding, "where": where,
                                    "excerpt": excerpt})
        return flow_id

    # -- output -------------------------------------------------------------------------------
    def manifest(self) -> dict:
        scenario = {"name": self.scenario, "sha256": "0" * 64}
        if self.fresh is not None:
            scenario["fresh"] = self.fresh
        return {"run_id": self.run_id, "schema_version": 1,
                "app": {"package": self.package, "version": "1.0", "sha256": "1" * 64, "apk": "app.apk",
                        "sdks": self.sdks, "permissions": self.permissions},
                "device": {"serial": self.device, "model": "sim", "sdk": 34, "abi": "x86_64", "kind": "sim"},
                "scenario": scenario, "started": "2026-01-01T00:00:00Z", "ended": "2026-01-01T00:01:00Z",
                "status": "complete", "reason": None, "tools": {"consentry": "0.1.0"}}

    def write(self, root: Path, *, detections_file: bool = True) -> Path:
        run_dir = Path(root) / self.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "manifest.json").write_text(json.dumps(self.manifest(), ensure_ascii=False))
        (run_dir / "identity.json").write_text(json.dumps(self.identity, ensure_ascii=False))
        for name, rows in self.rows.items():
            table = pa.Table.from_pylist(rows) if rows else TABLES[name].empty_table()
            pq.write_table(conform(name, table), run_dir / f"{name}.parquet")
        stacks = [{"stack_id": k, "frames": v} for k, v in self.stacks.items()]
        stable = pa.Table.from_pylist(stacks) if stacks else TABLES["stacks"].empty_table()
        pq.write_table(conform("stacks", stable), run_dir / "stacks.parquet")
        if detections_file:
            from analysis.load import DETECTIONS_SCHEMA

            det = pa.Table.from_pylist(self.detections, schema=DETECTIONS_SCHEMA)
            pq.write_table(det, run_dir / "detections.parquet")
        if self.bodies:
            (run_dir / "bodies").mkdir(exist_ok=True)
            for ref, data in self.bodies.items():
                (run_dir / "bodies" / ref).write_bytes(data)
        if self.shots:
            (run_dir / "screenshots").mkdir(exist_ok=True)
            for name, data in self.shots.items():
                (run_dir / "screenshots" / name).write_bytes(data)
        return run_dir


def consent_flow_run(run_id: str = "r1", scenario: str = "accept", *, accept_at: float = 5.0,
                     before: float | None = 4.9, after: float | None = 5.1, **kw) -> RunBuilder:
    """A fresh launch with a notice accepted at `accept_at`, and an IMEI read by Umeng at `before`
    and/or `after` seconds: the building block of most rule tests."""
    run = RunBuilder(run_id, scenario=scenario, **kw)
    run.step("launch", 0.0, 0.5)
    run.screen(1.0, "consent_notice", texts=["隐私政策", "同意", "不同意"])
    run.consent("privacy_notice", "shown", 1.0, via="observed")
    run.step("consent", accept_at - 0.1, accept_at + 0.1, target="accept")
    run.consent("privacy_notice", "accepted", accept_at)
    run.screen(accept_at + 0.5, "other")
    if before is not None:
        run.api(before, "device_id", api="TelephonyManager.getImei", frames=UMENG_IMEI)
    if after is not None:
        run.api(after, "device_id", api="TelephonyManager.getImei", frames=UMENG_IMEI)
    return run
