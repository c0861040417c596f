"""The sim apps' Java code: one template from JAVA_API, calls made the way an app makes them,
permission checks in the framework, and the classes compiled and run on a real JVM."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from harness.android_api import DECL, AndroidApi
from harness.catalogue import REPO_CATALOGUE, load_catalogue
from harness.sim.app_process.actions import JAVA_API
from harness.sim.java import apps
from harness.sim.java.gen_apps import call_expr, templates
from harness.sim.java.gen_framework import Framework, generate

DECLARATIONS = REPO_CATALOGUE.parent / DECL
pytestmark = pytest.mark.skipif(not DECLARATIONS.is_file() or shutil.which("javac") is None,
                                reason="needs hooks/node_modules (`make agent`) and a JDK")


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    return generate(AndroidApi.load(DECLARATIONS), load_catalogue(), tmp_path_factory.mktemp("fw"))


def test_calls_are_made_the_way_an_app_makes_them(framework):
    expr = {k: call_expr(framework, k) for k in ("android_id", "imei", "location", "contacts", "model", "mac")}
    assert expr["android_id"] == 'android.provider.Settings.Secure.getString(ctx.getContentResolver(), "android_id")'
    assert expr["imei"] == '((android.telephony.TelephonyManager) ctx.getSystemService("phone")).getImei()'
    assert expr["location"].endswith('.getLastKnownLocation("gps")')
    # the app-level 5-argument query, not the Bundle form the framework delegates to
    assert 'query(android.net.Uri.parse("content://com.android.contacts/data/phones"), ' \
           "(java.lang.String[]) null, null, (java.lang.String[]) null, null)" in expr["contacts"]
    assert expr["model"] == 'android.os.SystemProperties.get("ro.product.model")'
    assert "getSystemService(\"wifi\")).getConnectionInfo()).getMacAddress()" in expr["mac"]


def test_every_key_has_a_method_and_a_template_per_kind(framework):
    t = templates(framework)
    for key in JAVA_API:
        assert f'case "{key}":' in t["sdk"] and f'case "{key}":' in t["app"]
    assert "extends android.app.Application" in t["app"] and "URLClassLoader" in t["app"]


@pytest.mark.parametrize("bad", ["com.example.class.App", "App", "com.example.App; rm -rf /", "1com.x.App"])
def test_class_names_are_checked(bad):
    with pytest.raises(apps.JavaAppError):
        apps.fill("package __PACKAGE__; class __CLASS__ {}", bad)


def test_permission_checks_are_generated_into_the_framework(framework, tmp_path):
    generate(AndroidApi.load(DECLARATIONS), load_catalogue(), tmp_path)
    src = (tmp_path / "android" / "telephony" / "TelephonyManager.java").read_text()
    assert 'consentry.sim.Permissions.check("READ_PHONE_STATE"); return getImei(getSlotIndex());' in src


def test_sdk_code_runs_on_an_in_process_jvm(tmp_path):
    """The app process's own path, without the sim: libsimruntime boots the JVM inside a Python
    host process, reads through an SDK class, and a missing permission throws in the framework."""
    from harness.sim.java.build import build
    from harness.sim.native import libjvm_path, library_path

    build()
    pkg = "com.consentry.test.inproc"
    code = f"""
import json, sys
from harness.sim.app_process.jvm import Jvm, JavaError
cfg = {{"libsimruntime": {str(library_path("simruntime"))!r}, "libjvm": {str(libjvm_path())!r},
       "classpath": {apps.classpath(pkg, {"umeng"}, set())!r}, "app_class": {apps.app_class(pkg)!r},
       "sdk_classes": {{"umeng": {apps.SDK_CLASSES["umeng"]!r}}}, "late": {{}}, "error_file": {str(tmp_path / "hs_err_%p.log")!r}}}
j = Jvm(cfg)
j.start({pkg!r})
j.grant(["android.permission.ACCESS_COARSE_LOCATION"])
out = {{"aid": j.call("umeng", "read", "android_id"), "loc": j.call(None, "read", "location")}}
try:
    j.call("umeng", "read", "imei")
except JavaError as e:
    out["imei"] = str(e)
print(json.dumps(out))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "CONSENTRY_IDENTITY": str(tmp_path / "none")})
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["aid"] == "value" and out["loc"] == "value"
    assert out["imei"].startswith("java.lang.SecurityException") and "READ_PHONE_STATE" in out["imei"]


def test_an_unbundled_app_is_compiled_once_into_the_cache(tmp_path, monkeypatch):
    from harness.sim.java.build import build

    build()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    jar = apps.app_jar("com.example.unbundled")
    assert jar.is_file() and str(jar).startswith(str(tmp_path / "cache"))
    assert apps.app_jar("com.example.unbundled") == jar  # cached: no second javac run
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert apps.app_jar("com.example.unbundled") == jar
    with pytest.raises(apps.JavaAppError, match="javac not found: install openjdk-17-jdk-headless"):
        apps.app_jar("com.example.other")
