"""A Java app on the generated framework under the real agent (spawn-gated, HotSpot): Java stacks
name the SDK's classes, an SDK loaded late through a class loader is hooked when it loads, and
the filtering extractors keep only what is personal information or an app launch."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.catalogue import Catalogue, load_catalogue
from harness.instrument.jvm import run_jvm

HERE = Path(__file__).resolve().parent / "javaapp"
IDS = ("TelephonyManager.getImei", "SystemProperties.get", "ContextWrapper.sendBroadcast", "ContextWrapper.startService",
       "ContextWrapper.bindService", "ContextWrapper.startActivity", "Runtime.exec", "IdentifierManager.getOAID")
pytestmark = [pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK"), pytest.mark.usefixtures("agent_bundle")]


@pytest.fixture(scope="module")
def app_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from harness.sim.java.build import build

    jars = build()
    work = tmp_path_factory.mktemp("javaapp")
    for part in ("app", "late"):
        files = [str(p) for p in (HERE / part).rglob("*.java")]
        subprocess.run(["javac", "-nowarn", "-cp", str(jars.framework), "-d", str(work / part), *files], check=True)
    am = work / "bin" / "am"
    am.parent.mkdir()
    am.write_text("#!/bin/sh\nexit 0\n")
    am.chmod(0o755)
    base = load_catalogue()
    by_id = base.by_id()
    cat = Catalogue(version=base.version, paths=base.paths, refs=base.refs, hooks=tuple(by_id[i] for i in IDS))
    done = work / "done"
    return run_jvm(cat, f"{jars.framework}:{work / 'app'}", "com.example.app.Main",
                   [str(done), str(am), str(work / "late")], done, work / "run")


def _rows(run, hook_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [r for r in run.rows if r["hook_id"] == hook_id]


def test_sdk_read_has_a_java_stack_naming_the_sdk(app_run):
    (imei,) = _rows(app_run, "TelephonyManager.getImei")
    frames = app_run.stacks[imei["stack_id"]]
    assert any(f.startswith("com.umeng.analytics.UMConfigure.init(") for f in frames), frames
    assert any(f.startswith("com.example.app.Main.main(") for f in frames)
    assert json.loads(imei["ret"]) == "866123456789012"


def test_sdk_loaded_late_through_a_class_loader_is_hooked(app_run):
    """Pending at init (class-missing), hooked once its loader has it: the SDK's later reads are
    recorded (on HotSpot from the loader scan after the load, within 1 s; the app reads for 3 s)."""
    assert any(w["code"] == "class-missing" and "IdentifierManager.getOAID" in w["ids"] for w in app_run.warnings)
    reads = _rows(app_run, "IdentifierManager.getOAID")
    assert 1 <= len(reads) <= 30
    oaid = reads[-1]
    assert json.loads(oaid["ret"]) == "oaid-com.example.app"
    assert any("com.example.app.Main.main(" in f for f in app_run.stacks[oaid["stack_id"]])


def test_filters_keep_identifiers_and_real_launches_only(app_run):
    props = _rows(app_run, "SystemProperties.get")
    assert [json.loads(r["args"])["name"] for r in props] == ["ro.serialno"]
    assert props[0]["category"] == "device_id" and props[0]["pi"]
    launches = [r for r in app_run.rows if r["hook_id"].startswith("ContextWrapper.")]
    assert [(r["hook_id"], json.loads(r["args"])["package"]) for r in launches] == [
        ("ContextWrapper.startActivity", "com.other.shop")]
    execs = _rows(app_run, "Runtime.exec")
    assert [r["category"] for r in execs] == ["app_launch", "process"]
    assert not execs[1]["pi"]
