"""`consentry hooks validate` against the real Android declarations, and `hooks list`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.android_api import DECL
from harness.catalogue import REPO_CATALOGUE
from harness.cli.main import app

DECLARATIONS = REPO_CATALOGUE.parent / DECL
pytestmark = pytest.mark.skipif(not DECLARATIONS.is_file(), reason="run `make agent` (npm ci in hooks/)")


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["hooks", *args])


def test_validate_passes_on_the_catalogue():
    r = _run("validate")
    assert r.exit_code == 0, r.output
    assert "failed: 0" in r.output
    assert "ok   TelephonyManager.getImei  API 26-37; 26-37" in r.output
    assert "ok   TelephonyManager.getNeighboringCellInfo  API 21-28" in r.output
    assert "skip FusedLocationProviderClient.getLastLocation  origin play-services" in r.output


def test_validate_fails_on_wrong_entries(tmp_path: Path):
    raw = yaml.safe_load(REPO_CATALOGUE.read_text())
    common = {"layer": "java", "category": "device_id", "pi": True, "refs": ["REG-7"]}
    raw["hooks"] = [
        {"id": "ok.imei", "class": "android.telephony.TelephonyManager", "method": "getImei", "overloads": [["int"]], **common},
        {"id": "bad.arity", "class": "android.telephony.TelephonyManager", "method": "getImei",
         "overloads": [["int", "int"]], **common},
        {"id": "bad.type", "class": "android.telephony.TelephonyManager", "method": "getImei",
         "overloads": [["java.lang.String"]], **common},
        {"id": "bad.method", "class": "android.telephony.TelephonyManager", "method": "getImsi", **common},
        {"id": "bad.class", "class": "android.telephony.TelephonyManagerX", "method": "getImei", **common},
    ]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw))
    r = _run("validate", "--catalogue", str(path))
    assert r.exit_code == 1
    lines = {ln.split()[1]: ln.split()[0] for ln in r.output.splitlines() if ln[:4] in ("ok  ", "fail")}
    assert lines == {"ok.imei": "ok", "bad.arity": "fail", "bad.type": "fail", "bad.method": "fail", "bad.class": "fail"}
    assert "failed: 4" in r.output


def test_list_filters_by_category():
    r = _run("list", "--category", "clipboard")
    assert r.exit_code == 0
    assert "ClipboardManager.getPrimaryClip" in r.output and "LocationManager" not in r.output
    bad = _run("list", "--category", "nope")
    assert bad.exit_code != 0
