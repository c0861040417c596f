"""The SDK inventory through the real report path: a run directory written as the harness writes
it, evaluated, and read back from report.json, report.xlsx and report.html."""

from __future__ import annotations

import json

from analysis_factories import NATIVE_JPUSH, consent_flow_run
from openpyxl import load_workbook

from analysis.report import write_reports

APP_OWN = ["android.telephony.TelephonyManager.getImei(TelephonyManager.java:1)",
           "com.example.shop.Tracking.id(Tracking.java:9)"]


def _run(tmp_path):
    run = consent_flow_run("r1", "accept", before=4.9, after=5.1, sdks=["com.igexin.sdk.PushService", "okhttp3"])
    run.api(4.95, "device_id", frames=NATIVE_JPUSH)
    run.api(6.0, "device_id", frames=APP_OWN)
    run.flow(4.96, "alog.umeng.com", query="imei=867530912345678",
             detections=[("imei", "plain", "query", "imei=867530912345678")])
    run.flow(5.5, "alog.umeng.com", query="imei=867530912345678",
             detections=[("imei", "plain", "query", "imei=867530912345678")])
    run.flow(6.5, "googleads.g.doubleclick.net", path="/pagead")
    run.write(tmp_path / "runs")
    return tmp_path / "runs"


def test_inventory_in_json_xlsx_and_html(tmp_path):
    result = write_reports([_run(tmp_path)], tmp_path / "out", "html,xlsx,json")
    doc = json.loads(result.files["json"].read_text(encoding="utf-8"))
    inv = {r["sdk"]: r for r in doc["apps"][0]["sdk_inventory"]}
    umeng = inv["umeng-analytics"]
    assert umeng["seen_by"] == ["stack", "host"]
    assert umeng["read_categories"] == ["device_id"] and umeng["reads"] == 2 and umeng["reads_before_consent"] == 1
    assert umeng["sent_to_hosts"] == ["alog.umeng.com"] and umeng["sends"] == 2 and umeng["sends_before_consent"] == 1
    assert umeng["company"] and umeng["country"] == "CN"
    assert inv["jpush"]["seen_by"] == ["stack", "native library"] and inv["jpush"]["reads_before_consent"] == 1
    assert inv["admob"]["seen_by"] == ["host"] and inv["admob"]["hosts_contacted"] == ["googleads.g.doubleclick.net"]
    assert inv["getui-push"]["seen_by"] == ["apk"] and inv["getui-push"]["reads"] == 0
    assert "okhttp" not in inv  # a general-purpose library is no recipient
    assert not any("example" in k for k in inv)  # the app's own code is not an SDK
    ws = load_workbook(result.files["xlsx"], read_only=True)["sdk_inventory"]
    rows = list(ws.values)
    header = rows[0]
    got = {r[header.index("sdk")]: r for r in rows[1:]}
    assert got["umeng-analytics"][header.index("reads_before_consent")] == 1
    html = result.files["html"].read_text(encoding="utf-8")
    assert "SDK inventory (" in html and "alog.umeng.com" in html
