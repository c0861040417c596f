"""`consentry report --redact`: identity values masked in everything a shared report holds, and
reports readable by their owner only."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
import subprocess
import sys
from pathlib import Path

from analysis.report.redact import Redactor
from tests.analysis.factories import IDENTITY, RunBuilder

ROOT = Path(__file__).resolve().parents[2]


def _run_with_identity_everywhere(root: Path) -> Path:
    imei, aid = IDENTITY["imei"], IDENTITY["android_id"]
    b = RunBuilder("r1", scenario="baseline")
    b.step("launch", 0.0, 0.5)
    b.screen(1.0, "other", texts=["Your device", f"IMEI {imei}"])  # the app shows it on screen
    b.screen(2.0, "other", texts=["Welcome"], color=(10, 200, 10))
    b.api(1.5, "device_id", api="TelephonyManager.getImei", args=json.dumps([imei]), frames=["com.umeng.A.b(A.java:1)"])
    b.flow(1.6, "alog.umeng.com", scheme="http", query=f"imei={imei}&aid={aid}",
           body=json.dumps({"imei": imei, "aid_md5": hashlib.md5(aid.encode()).hexdigest()}),
           detections=[("imei", "plain", "query", f"imei={imei}&aid"),
                       ("android_id", "md5", "body", hashlib.md5(aid.encode()).hexdigest())])
    return b.write(root)


def test_redactor_masks_every_form_of_a_value():
    r = Redactor({"r1": IDENTITY})
    aid = IDENTITY["android_id"]
    text = (f"a={aid.upper()} b={base64.b64encode(aid.encode()).decode()} c={hashlib.sha256(aid.encode()).hexdigest()} "
            f"mac=020000445566 phone=%2B8613800138000 lat=39.9042 name=Canary Zhang")
    out = r.text(text, "r1")
    assert aid.lower() not in out.lower() and "020000445566" not in out and "8613800138000" not in out
    assert "39.9042" not in out and "Canary Zhang" not in out
    assert "[android_id]" in out and "[mac]" in out and "[contacts]" in out
    assert r.text("nothing to hide", "r1") == "nothing to hide"
    assert r.text(text, "other-run") == text  # a run is masked with its own values


def test_report_redact_masks_every_format_and_withholds_revealing_screenshots(tmp_path):
    run = _run_with_identity_everywhere(tmp_path / "runs")
    out = tmp_path / "shared"
    proc = subprocess.run([sys.executable, "-m", "harness", "report", str(run), "--format", "html,json,xlsx,junit",
                           "--out", str(out), "--redact"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    imei, aid = IDENTITY["imei"], IDENTITY["android_id"]
    html = (out / "report.html").read_text(encoding="utf-8")
    report = (out / "report.json").read_text(encoding="utf-8")
    import openpyxl

    cells = " ".join(str(c.value) for ws in openpyxl.load_workbook(out / "report.xlsx").worksheets
                     for row in ws.iter_rows() for c in row if c.value is not None)
    for name, text in (("html", html), ("json", report), ("xlsx", cells)):
        for value in (imei, aid, hashlib.md5(aid.encode()).hexdigest()):
            assert value not in text, (name, value)
    assert "[imei]" in report and "[imei]" in cells
    findings = json.loads(report)["findings"]
    assert {f["rule"] for f in findings} >= {"pi-cleartext"}  # the evidence is still there, masked
    # the screen that showed the IMEI is not embedded; the other screenshot still is
    assert 'alt="screenshot screenshots/screen_0000.png"' not in html
    unredacted = tmp_path / "unredacted"
    subprocess.run([sys.executable, "-m", "harness", "report", str(run), "--format", "html", "--out", str(unredacted)],
                   capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert 'alt="screenshot screenshots/screen_0000.png"' in (unredacted / "report.html").read_text(encoding="utf-8")
    # the unredacted report still shows the values (redaction is only for what is shared)
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "harness", "report", str(run), "--format", "json", "--out", str(plain)],
                   capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert imei in (plain / "report.json").read_text(encoding="utf-8")


def test_reports_are_readable_by_their_owner_only(tmp_path):
    from analysis.report import write_reports

    run = _run_with_identity_everywhere(tmp_path / "runs")
    result = write_reports([run], tmp_path / "rep", "html,json")
    assert stat.S_IMODE((tmp_path / "rep").stat().st_mode) == 0o700
    for path in result.files.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


