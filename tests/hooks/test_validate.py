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


def test_validate_is_strict_about_type_names(tmp_path: Path):
    """Java primitive names and exact binary class names only: an unqualified class, a nested class
    written with a dot, an unknown class or a misspelt primitive fails; `any` positions of the
    declarations (java.util.function.Consumer) take a reference type, never a primitive; the
    generic classes the declarations write as `Name<T>  extends` are known."""
    raw = yaml.safe_load(REPO_CATALOGUE.read_text())
    common = {"layer": "java", "category": "location", "pi": True, "refs": ["REG-7"]}
    lm = {"class": "android.location.LocationManager", **common}
    consumer = ["java.lang.String", "android.os.CancellationSignal", "java.util.concurrent.Executor"]
    raw["hooks"] = [
        {"id": "ok.consumer", "method": "getCurrentLocation", "overloads": [[*consumer, "java.util.function.Consumer"]], **lm},
        {"id": "bad.any", "method": "getCurrentLocation", "overloads": [[*consumer, "any /* any*/"]], **lm},
        {"id": "bad.prim_in_any", "method": "getCurrentLocation", "overloads": [[*consumer, "int"]], **lm},
        {"id": "bad.unqualified", "method": "getLastKnownLocation", "overloads": [["String"]], **lm},
        {"id": "bad.primitive", "method": "addProximityAlert",
         "overloads": [["double", "double", "float", "Long", "android.app.PendingIntent"]], **lm},
        {"id": "bad.nested_dot", "method": "registerGnssStatusCallback",
         "overloads": [["android.location.GnssStatus.Callback"]], **lm},
        {"id": "bad.unknown", "method": "registerGnssStatusCallback", "overloads": [["android.location.NoSuchCallback"]], **lm},
        {"id": "ok.generic_class", "class": "android.accounts.AccountManager", "method": "getAccountsByTypeAndFeatures",
         "overloads": [["java.lang.String", "java.lang.String[]", "android.accounts.AccountManagerCallback",
                        "android.os.Handler"]], **common},
    ]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw))
    r = _run("validate", "--catalogue", str(path))
    assert r.exit_code == 1
    lines = {ln.split()[1]: ln for ln in r.output.splitlines() if ln[:4] in ("ok  ", "fail")}
    assert {k: v.split()[0] for k, v in lines.items()} == {
        "ok.consumer": "ok", "bad.any": "fail", "bad.prim_in_any": "fail", "bad.unqualified": "fail",
        "bad.primitive": "fail", "bad.nested_dot": "fail", "bad.unknown": "fail", "ok.generic_class": "ok"}
    assert "written with $" in lines["bad.nested_dot"]
    assert "unknown type" in lines["bad.unknown"]
