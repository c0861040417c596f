"""`consentry ui classify` as a user runs it (the console script entry, in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

from ui_paths import CORPUS, ROOT

KEYS = ["file", "kind", "lang", "accept", "refuse", "permission", "precheck", "confidence", "reason", "source"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli.main", "ui", "classify", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_json_one_object_per_file_with_exact_keys(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<hierarchy><node text='x'")
    files = [str(CORPUS / "dumps" / "notice_zh-Hans_00.xml"), str(CORPUS / "dumps" / "perm_en_07.xml"), str(bad),
             str(tmp_path / "missing.xml")]
    p = _run(*files, "--json")
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    objs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["file"] for o in objs] == files
    assert all(list(o) == KEYS for o in objs)
    notice, perm, broken, missing = objs
    assert notice["kind"] == "consent_notice" and notice["accept"]["text"] == "同意" and notice["lang"] == "zh-Hans"
    assert perm["kind"] == "permission_dialog" and perm["permission"] == "LOCATION"
    assert broken["kind"] == "unknown" and "truncated" in broken["reason"]
    assert missing["kind"] == "unknown" and missing["reason"] == "file not found"
    assert {o["source"] for o in objs} == {"hierarchy"}


def test_table_output():
    p = _run(str(CORPUS / "dumps" / "notice_en_00.xml"))
    assert p.returncode == 0 and "consent_notice" in p.stdout and "Agree" in p.stdout
