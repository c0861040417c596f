"""Reports as users get them: HTML in real headless Chromium, xlsx through openpyxl, JUnit through
ElementTree, the CLI's exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from analysis_factories import UMENG_IMEI, consent_flow_run
from openpyxl import load_workbook

from analysis.report import write_reports

PLANTED = "<script>document.title='pwned'</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture()
def hostile_run(tmp_path):
    """A run whose UI text, URL, args and package carry a script, and whose args start with '='."""
    run = consent_flow_run("r1", "accept", before=4.9, after=None)
    run.flow(4.95, "alog.umeng.com", scheme="http", path="/collect/" + PLANTED,
             query="imei=867530912345678&x=" + PLANTED,
             detections=[("imei", "plain", "query", "imei=867530912345678&x=" + PLANTED)])
    run.screen(6.0, "other", texts=[PLANTED, "=cmd|' /C calc'!A0"], activity=PLANTED)
    run.api(7.0, "device_id", args='=HYPERLINK("http://evil.example","x")', frames=UMENG_IMEI + [PLANTED])
    run.api(7.5, "clipboard", args="@SUM(1+1)", frames=UMENG_IMEI)
    run.write(tmp_path / "runs")
    return tmp_path / "runs"


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chrome-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make setup installs it)")
def test_html_renders_plot_and_planted_script_stays_inert(hostile_run, tmp_path):
    result = write_reports([hostile_run], tmp_path / "out", "html")
    html_path = result.files["html"]
    html = html_path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()  # every planted script is escaped text
    assert "&lt;script&gt;" in html
    assert "cdn" not in html.lower() and "http-equiv=\"Content-Security-Policy\"" in html
    dom = _chromium(["--dump-dom", html_path.as_uri()], tmp_path).stdout
    assert "<svg" in dom and 'class="timeline"' in dom  # the plot is in the rendered DOM
    assert "<circle" in dom and "<rect" in dom  # marks and consent bands drawn
    assert "<title>consentry report</title>" in dom  # the planted script did not set the title
    assert "pwned</title>" not in dom
    assert "<mark>867530912345678</mark>" in dom  # the PI is highlighted in the request excerpt
    assert "data:image/jpeg;base64," in dom  # screenshot thumbnail inline
    shot = tmp_path / "shot.png"
    _chromium(["--screenshot=" + str(shot), "--window-size=1200,900", html_path.as_uri()], tmp_path)
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_xlsx_formula_cells_are_neutralised(hostile_run, tmp_path):
    result = write_reports([hostile_run], tmp_path / "out", ["xlsx"])
    wb = load_workbook(result.files["xlsx"])
    assert {"summary", "findings", "runs", "api_calls", "flows", "consent", "ui", "steps", "stacks"} <= set(wb.sheetnames)
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert values, "sheets are empty"
    for v in values:
        assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), v
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert any(v.startswith("'@SUM") for v in values)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_junit_and_json(hostile_run, tmp_path):
    result = write_reports([hostile_run], tmp_path / "out", "json,junit", fail_on="high")
    root = ET.parse(result.files["junit"]).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["com.example.shop"]
    cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    from analysis.rules import RULES

    assert {r.id for r in RULES} <= set(cases)  # one case per rule, then one per declared-vs-observed row
    assert cases["collect-before-consent"].find("failure") is not None
    assert cases["preticked-consent"].find("failure") is None
    report = json.loads(result.files["json"].read_text())
    assert report["apps"][0]["verdict"] == "fail" and report["findings"][0]["evidence"]
    assert result.exit_code == 1 and result.matched >= 1
    assert (hostile_run / "r1" / "findings.parquet").is_file()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli.main", *args], capture_output=True, text=True, timeout=120)


def test_cli_exit_codes(hostile_run, tmp_path):
    out = tmp_path / "cli"
    ok = _cli("report", str(hostile_run), "--format", "json", "--out", str(out), "--fail-on", "preticked-consent")
    assert ok.returncode == 0, ok.stderr
    hit = _cli("report", str(hostile_run), "--format", "junit", "--out", str(out), "--fail-on", "medium")
    assert hit.returncode == 1, hit.stderr
    bad = _cli("report", str(tmp_path / "missing"), "--out", str(out))
    assert bad.returncode == 2 and "missing" in bad.stderr and "Traceback" not in bad.stderr
    bad_rule = _cli("report", str(hostile_run), "--out", str(out), "--fail-on", "no-such-rule")
    assert bad_rule.returncode == 2 and "no-such-rule" in bad_rule.stderr
