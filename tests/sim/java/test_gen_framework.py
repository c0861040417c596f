"""The generated Android framework: shape from the real API declarations, and javac accepts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness.android_api import DECL, AndroidApi
from harness.catalogue import REPO_CATALOGUE, load_catalogue
from harness.sim.java.gen_framework import Framework, generate

DECLARATIONS = REPO_CATALOGUE.parent / DECL
pytestmark = pytest.mark.skipif(not DECLARATIONS.is_file(), reason="run `make agent` (npm ci in hooks/)")


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> tuple[Framework, Path]:
    out = tmp_path_factory.mktemp("fw")
    return generate(AndroidApi.load(DECLARATIONS), load_catalogue(), out), out


def _method(fw: Framework, cls: str, name: str, params: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return next(m for m in fw.classes[cls].methods if m.name == name and m.params == params)


def test_classes_keep_the_api_shape(framework):
    fw, out = framework
    c = fw.classes
    assert c["android.content.pm.PackageManager"].abstract
    assert _method(fw, "android.content.pm.PackageManager", "getInstalledPackages", ("int",)).abstract
    assert c["android.location.LocationListener"].interface
    assert c["android.app.Activity"].extends == "android.view.ContextThemeWrapper"
    assert c["android.view.ContextThemeWrapper"].extends == "android.content.ContextWrapper"
    assert _method(fw, "android.provider.Settings$Secure", "getString",
                   ("android.content.ContentResolver", "java.lang.String")).static
    assert _method(fw, "android.location.Location", "getLatitude", ()).ret == "double"
    src = (out / "android" / "provider" / "Settings.java").read_text()
    assert "public static class Secure" in src and "package android.provider;" in src


def test_hidden_classes_and_delegation(framework):
    """ApplicationPackageManager overrides PackageManager (abstract or not); getImei() delegates
    to getImei(int) and the query chain ends in the Bundle overload, as in AOSP."""
    fw, _ = framework
    apm = fw.classes["android.app.ApplicationPackageManager"]
    assert apm.extends == "android.content.pm.PackageManager" and not apm.abstract
    names = {(m.name, m.params) for m in apm.methods}
    assert ("getInstalledPackages", ("int",)) in names and ("getInstallSourceInfo", ("java.lang.String",)) in names
    assert "getImei(getSlotIndex())" in (_method(fw, "android.telephony.TelephonyManager", "getImei", ()).body or "")
    q5 = _method(fw, "android.content.ContentResolver", "query",
                 ("android.net.Uri", "java.lang.String[]", "java.lang.String", "java.lang.String[]", "java.lang.String"))
    assert "query(p0, p1, p2, p3, p4, null)" in (q5.body or "")
    assert fw.notes == []


@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK")
def test_javac_compiles_it(framework, tmp_path):
    _, out = framework
    shutil.copytree(Path(__file__).resolve().parents[3] / "harness" / "sim" / "java" / "src", out, dirs_exist_ok=True)
    files = [str(p) for p in out.rglob("*.java")]
    r = subprocess.run(["javac", "-nowarn", "-d", str(tmp_path / "classes"), *files], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[:3000]
    assert (tmp_path / "classes" / "android" / "app" / "ApplicationPackageManager.class").is_file()


def test_numeric_parameters_come_from_the_reference_not_the_catalogue(tmp_path):
    """An int/long mistake in the catalogue (both are `number` in the declarations) does not
    reach the framework: it keeps getImei(int), so the entry's overload cannot install and
    `hooks exercise` fails it."""
    from harness.catalogue import Catalogue

    base = load_catalogue()
    hooks = tuple(h.model_copy(update={"overloads": (("long",),)}) if h.id == "TelephonyManager.getImei" else h
                  for h in base.hooks)
    fw = generate(AndroidApi.load(DECLARATIONS), Catalogue(version=base.version, paths=base.paths, refs=base.refs,
                                                           hooks=hooks), tmp_path)
    assert fw.java_sig[("TelephonyManager.getImei", ("long",))] == ("int",)
    params = [m.params for m in fw.classes["android.telephony.TelephonyManager"].methods if m.name == "getImei"]
    assert ("int",) in params and ("long",) not in params
