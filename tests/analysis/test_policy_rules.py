"""The policy rules on run directories written as the harness writes them (policy/ included),
through the real loader, evaluation and report writers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
from analysis_factories import AMAP_LOCATION, UMENG_IMEI, RunBuilder

from analysis import evaluate, open_runs
from analysis.rules import RuleConfig

POLICY = ("<table><tr><th>SDK名称</th><th>第三方名称</th><th>使用目的</th><th>收集个人信息类型</th></tr>"
          "<tr><td>友盟统计SDK</td><td>友盟同欣（北京）科技有限公司</td><td>统计分析</td><td>设备标识符（IMEI）</td></tr>"
          "</table><p>我们会收集您的设备标识符（IMEI）。</p>")
RULES = ("no-privacy-policy", "policy-hard-to-reach", "pi-not-disclosed", "sdk-not-disclosed", "forced-consent",
         "permission-bundle")


def write_policy(run_dir: Path, status: str, text: str | None = None, **extra) -> None:
    d = run_dir / "policy"
    d.mkdir()
    meta = {"status": status, "via": "notice", "source": {"kind": "screen"}, "t_ns": 1_000_000_000, **extra}
    if text is not None:
        (d / "text.txt").write_text(text, encoding="utf-8")
        meta["text_file"] = "policy/text.txt"
    (d / "policy.json").write_text(json.dumps(meta), encoding="utf-8")


def findings_of(*dirs: Path) -> pd.DataFrame:
    return evaluate(open_runs(*dirs), RuleConfig(rules=RULES))


def test_undeclared_category_and_sdk_are_found_with_the_policy_as_evidence(tmp_path):
    run = RunBuilder("r1", scenario="accept-grant")
    run.step("launch", 0.0).consent("privacy_notice", "accepted", 1.0)
    run.api(2.0, "device_id", frames=UMENG_IMEI)  # declared category, listed SDK
    run.api(3.0, "location", frames=AMAP_LOCATION)  # neither declared nor listed
    d = run.write(tmp_path)
    write_policy(d, "read", POLICY.replace("<p>", "<p>").replace("</p>", "</p>"))
    (d / "policy" / "text.txt").write_text("SDK名称 | 第三方名称 | 使用目的 | 收集个人信息类型\n"
                                          "友盟统计SDK | 友盟同欣（北京）科技有限公司 | 统计分析 | 设备标识符（IMEI）\n"
                                          "我们会收集您的设备标识符（IMEI）。", encoding="utf-8")
    f = findings_of(d)
    assert set(zip(f["rule"], f["category"].fillna(""), f["sdk"].fillna(""), strict=True)) == {
        ("pi-not-disclosed", "location", ""), ("sdk-not-disclosed", "", "amap-location")}
    ev = json.loads(f.loc[f["rule"] == "pi-not-disclosed", "evidence"].iloc[0])
    assert ev["detail"]["declared_categories"] == ["device_id"] and ev["detail"]["policy"]["status"] == "read"
    assert ev["first"]["api"]  # the observed event next to the policy's absence


def test_unreadable_policy_is_not_absent_and_gives_no_disclosure_findings(tmp_path):
    run = RunBuilder("r1", scenario="accept").step("launch", 0.0).api(2.0, "location", frames=AMAP_LOCATION)
    d = run.write(tmp_path)
    write_policy(d, "unreadable", reason="the link opened nothing")
    assert findings_of(d).empty


def test_absent_policy_and_a_deep_one(tmp_path):
    a = RunBuilder("a", scenario="refuse").step("launch", 0.0).write(tmp_path)
    write_policy(a, "absent", search={"screens": 3, "found": False})
    b = RunBuilder("b", package="com.example.deep", scenario="accept").step("launch", 0.0).write(tmp_path)
    write_policy(b, "read", "我们会收集您的设备标识符。", taps_from_main=5, search={"path": ["我的", "设置", "关于", "法律", "隐私政策"]})
    c = RunBuilder("c", package="com.example.near", scenario="accept").step("launch", 0.0).write(tmp_path)
    write_policy(c, "read", "我们会收集您的设备标识符。", taps_from_main=4)
    f = findings_of(a, b, c)
    assert sorted(zip(f["run_id"], f["rule"], strict=True)) == [("a", "no-privacy-policy"), ("b", "policy-hard-to-reach")]
    ev = json.loads(f.loc[f["rule"] == "policy-hard-to-reach", "evidence"].iloc[0])
    assert ev["detail"]["taps_from_main"] == 5 and ev["detail"]["path"][-1] == "隐私政策"


def test_a_malformed_policy_record_does_not_stop_analysis(tmp_path):
    d = RunBuilder("r1").step("launch", 0.0).write(tmp_path)
    (d / "policy").mkdir()
    (d / "policy" / "policy.json").write_text("{not json")
    runs = open_runs(d)
    assert runs.policies["r1"].status == "not-searched" and runs.policies["r1"].problems
    write_policy_path = d / "policy" / "policy.json"
    write_policy_path.write_text(json.dumps({"status": "read", "text_file": "../../etc/passwd"}))
    assert open_runs(d).policies["r1"].status == "unreadable"


def test_exit_right_after_refusal_is_forced_consent_but_not_after_a_harness_home(tmp_path):
    pkg = "com.example.exit"
    a = RunBuilder("a", package=pkg, scenario="refuse").step("launch", 0.0)
    a.screen(0.5, "consent_notice").step("consent", 1.0, 1.6).consent("privacy_notice", "refused", 1.1)
    a.screen(1.4, "other", package="com.android.launcher3")
    b = RunBuilder("b", package=pkg, scenario="refuse").step("launch", 0.0)
    b.screen(0.5, "consent_notice").step("consent", 1.0, 1.3).consent("privacy_notice", "refused", 1.1)
    b.screen(1.2, "other").step("home", 1.5).screen(1.7, "other", package="com.android.launcher3")
    f = findings_of(a.write(tmp_path), b.write(tmp_path))
    assert list(zip(f["run_id"], f["rule"], strict=True)) == [("a", "forced-consent")]
    assert json.loads(f["evidence"].iloc[0])["detail"]["foreground_after"] == "com.android.launcher3"


def test_permission_groups_asked_in_one_burst_at_first_launch_are_a_bundle(tmp_path):
    a = RunBuilder("a", scenario="accept", fresh=True).step("launch", 0.0)
    for i, g in enumerate(("CAMERA", "CONTACTS", "LOCATION")):
        a.screen(2.0 + i, "permission_dialog", permission=f"android.permission-group.{g}")
        a.consent(f"permission:{g}", "denied", 2.5 + i)
    b = RunBuilder("b", scenario="accept", fresh=True).step("launch", 0.0).step("explore", 1.0, 9.0)
    for i, g in enumerate(("CAMERA", "LOCATION")):  # asked while the user uses the app: in context
        b.screen(2.0 + i, "permission_dialog", permission=f"android.permission-group.{g}")
    f = findings_of(a.write(tmp_path), b.write(tmp_path))
    assert list(zip(f["run_id"], f["rule"], f["category"], strict=True)) == [
        ("a", "permission-bundle", "permission:CAMERA+CONTACTS+LOCATION")]


def test_reports_show_declared_vs_observed(tmp_path):
    from analysis.report import write_reports

    run = RunBuilder("r1", scenario="accept-grant").step("launch", 0.0).consent("privacy_notice", "accepted", 1.0)
    run.api(2.0, "device_id", frames=UMENG_IMEI).api(3.0, "location", frames=AMAP_LOCATION)
    d = run.write(tmp_path / "runs")
    write_policy(d, "read", "SDK名称 | 第三方名称 | 使用目的\n友盟统计SDK | 友盟 | 统计<script>\n我们会收集您的设备标识符（IMEI）。")
    res = write_reports([d], tmp_path / "out")
    report = json.loads(res.files["json"].read_text())
    rows = {(r["kind"], r["item"]): r for r in report["apps"][0]["declared_vs_observed"]}
    assert rows[("category", "device_id")]["declared"] is True and rows[("category", "device_id")]["observed"]
    assert rows[("category", "location")]["declared"] is False and rows[("category", "location")]["finding"] == "pi-not-disclosed"
    assert rows[("sdk", "amap-location")]["declared"] is False and rows[("sdk", "umeng-analytics")]["declared"] is True
    html = res.files["html"].read_text()
    assert "Declared vs observed" in html and "<script>" not in html
    cases = ET.parse(res.files["junit"]).getroot().iter("testcase")
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert {"category:location", "sdk:amap-location"} <= failed and "category:device_id" not in failed
    from openpyxl import load_workbook

    assert "declared_vs_observed" in load_workbook(res.files["xlsx"], read_only=True).sheetnames
