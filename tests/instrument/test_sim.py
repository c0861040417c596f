"""Attaching to a sim app launched through adb, gated (`am start -D`), released with SIGCONT: the
agent sees the SDK's very first identifier read, DNS lookup and HTTPS plaintext."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from harness.catalogue import Catalogue, Hook, load_catalogue
from harness.instrument import Instrument
from harness.journal import read_journal_rows
from tests.instrument.conftest import wait_for

pytestmark = pytest.mark.usefixtures("agent_bundle")
PKG = "com.consentry.sample.sdkearly"
DATA = Path(__file__).resolve().parent / "data"


def test_attach_to_gated_sim_app(sim_device, journal):
    d = sim_device.adb()
    if PKG not in d.shell("pm list packages"):
        pytest.skip("sdk_early sample app not installed on the sim device")
    d.shell(f"am start -D -n {PKG}/.SplashActivity")
    pid = int(d.shell(f"pidof {PKG}").strip())
    inst = Instrument(journal, journal.run_dir, time.time_ns(), device="local",
                      categories={"device_id", "wifi_info", "network", "tls"})
    try:
        inst.attach(pid)
        d.shell(f"kill -s CONT {pid}")

        def seen() -> bool:
            inst.flush()
            journal.flush()
            rows, _ = read_journal_rows(journal.run_dir, "flows")
            return any(r.get("host") == "alog.umeng.com" for r in rows)

        assert wait_for(seen, timeout=30)
    finally:
        summary = inst.stop()
        d.shell(f"am force-stop {PKG}")
    assert summary.dropped == 0
    calls, _ = read_journal_rows(journal.run_dir, "api_calls")
    stacks = {r["stack_id"]: r["frames"] for r in read_journal_rows(journal.run_dir, "stacks")[0]}
    mac = [r for r in calls if r["hook_id"].startswith("libc.open") and "wlan0/address" in r["args"]]
    assert mac and mac[0]["category"] == "wifi_info"
    assert any("libumeng_sim.so" in stacks.get(r["stack_id"], [""])[0] for r in mac)
    assert any(json.loads(r["args"]).get("node") == "alog.umeng.com" for r in calls if r["hook_id"] == "libc.getaddrinfo")
    # the Java read ran on the app's JVM through the agent's Java hook, from UMeng's Java class
    aid = [r for r in calls if r["hook_id"] == "Settings.Secure.getString"]
    assert aid and aid[0]["layer"] == "java" and aid[0]["category"] == "device_id" and aid[0]["pi"] is True
    assert json.loads(aid[0]["args"]) == {"name": "android_id"}
    frames = stacks[aid[0]["stack_id"]]
    assert frames[0].startswith("android.provider.Settings$Secure.getString("), frames
    assert frames[1].startswith("com.umeng.commonsdk.statistics.common.DeviceConfig."), frames
    # SDK attribution by stack works from the Java frames (analysis's own function)
    import pandas as pd

    from analysis.sdk import attribute_stacks

    att = attribute_stacks(pd.DataFrame({"run_id": ["r"], "stack_id": [aid[0]["stack_id"]], "frames": [frames]}),
                           apps={"r": PKG})
    assert att["sdk"].tolist() == ["umeng-analytics"] and att["sdk_frame"].iloc[0] == frames[1]
    flows, _ = read_journal_rows(journal.run_dir, "flows")
    umeng = [f for f in flows if f["host"] == "alog.umeng.com"]
    assert umeng[0]["method"] == "POST" and umeng[0]["path"] == "/unify_logs" and umeng[0]["source"] == "tls-hook"


def test_java_path_of_a_sim_app(make_sim_device, journal, tmp_path):
    """An app package that is not bundled (its Java compiled at first launch), gated: the agent's
    Java hooks go in at attach, before the app's first Java call; an SDK loaded late through the app's own
    class loader reads with Java stacks naming it; a read without the permission is recorded and
    then throws SecurityException in the app, as on Android; an explicit intent to another app is
    an app launch; and the JVM's start itself reads no identifier."""
    from harness.sim.model import build_apk

    apk = build_apk((DATA / "jvm_probe.yaml").read_bytes(), tmp_path / "jvmprobe.apk")
    sim = make_sim_device(apps=[apk])
    d = sim.adb()
    pkg = "com.consentry.test.jvmprobe"
    d.shell(f"am start -D -n {pkg}/.MainActivity")
    pid = int(d.shell(f"pidof {pkg}").strip())
    base = load_catalogue()
    broken = (  # entries that cannot install: each is an agent:warning naming it, and the run goes on
        Hook(id="Broken.overload", layer="java", category="device_id", pi=True, method="getImei",
             overloads=(("long",),), **{"class": "android.telephony.TelephonyManager"}),
        Hook(id="Broken.method", layer="java", category="device_id", pi=True, method="getNothing",
             **{"class": "android.telephony.TelephonyManager"}),
    )
    cat = Catalogue(version=base.version, paths=base.paths, refs=base.refs, hooks=(*base.hooks, *broken))
    inst = Instrument(journal, journal.run_dir, time.time_ns(), device="local", catalogue=cat)
    try:
        inst.attach(pid)
        d.shell(f"kill -s CONT {pid}")

        def seen() -> bool:
            inst.flush()
            journal.flush()
            rows, _ = read_journal_rows(journal.run_dir, "api_calls")
            return {"Settings.Secure.getString", "LocationManager.getLastKnownLocation",
                    "ContextWrapper.startService"} <= {r["hook_id"] for r in rows}

        assert wait_for(seen, timeout=60)
        logcat = d.shell("logcat -d")
    finally:
        summary = inst.stop()
        d.shell(f"am force-stop {pkg}")
    assert summary.dropped == 0
    # the app's VM is up before the gate (as ART in a process forked from zygote): Java is there at attach
    assert inst.writer.ready[pid]["java"]["available"] is True, inst.writer.ready[pid]["java"]
    assert inst.writer.ready[pid]["installed"]["java"] > 200
    codes = {(w["code"], i) for w in inst.writer.warnings for i in w["ids"]}
    assert {("overload-missing", "Broken.overload"), ("method-missing", "Broken.method")} <= codes, codes
    calls, _ = read_journal_rows(journal.run_dir, "api_calls")
    stacks = {r["stack_id"]: r["frames"] for r in read_journal_rows(journal.run_dir, "stacks")[0]}
    by = {}
    for r in calls:
        by.setdefault(r["hook_id"], []).append(r)
    (aid,) = by["Settings.Secure.getString"]
    assert json.loads(aid["ret"]) == "9774d56d682e549c"
    assert stacks[aid["stack_id"]][1].startswith("com.tendcloud.tenddata.TCAgent."), stacks[aid["stack_id"]]
    (loc,) = by["LocationManager.getLastKnownLocation"]
    assert loc["category"] == "location" and "SecurityException" in json.loads(loc["ret"])["threw"]
    assert stacks[loc["stack_id"]][1].startswith(f"{pkg}.App."), stacks[loc["stack_id"]]
    assert "java.lang.SecurityException" in logcat
    (svc,) = by["ContextWrapper.startService"]
    assert svc["category"] == "app_launch" and json.loads(svc["args"])["package"] == "com.other.shop"
    # nothing the JVM does to start (libnet's /proc/net/if_inet6, the JDK's own files) is the app's
    assert not [r for r in calls if r["layer"] == "native" and r["pi"]], [r["args"] for r in calls if r["pi"]]
