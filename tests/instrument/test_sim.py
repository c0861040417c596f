"""Attaching to a sim app launched through adb, gated (`am start -D`), released with SIGCONT: the
agent sees the SDK's very first identifier read, DNS lookup and HTTPS plaintext."""

from __future__ import annotations

import json
import time

import pytest

from harness.instrument import Instrument
from harness.journal import read_journal_rows
from tests.instrument.conftest import wait_for

pytestmark = pytest.mark.usefixtures("agent_bundle")
PKG = "com.consentry.sample.sdkearly"


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
    # the sim's Java stand-in is reported as the Java entry, attributed to the SDK's module
    aid = [r for r in calls if r["hook_id"] == "Settings.Secure.getString"]
    assert aid and aid[0]["layer"] == "java" and aid[0]["category"] == "device_id" and aid[0]["pi"] is True
    assert json.loads(aid[0]["args"])["args"] == {"name": "android_id"}
    assert "libumeng_sim.so" in stacks[aid[0]["stack_id"]][0]
    flows, _ = read_journal_rows(journal.run_dir, "flows")
    umeng = [f for f in flows if f["host"] == "alog.umeng.com"]
    assert umeng[0]["method"] == "POST" and umeng[0]["path"] == "/unify_logs" and umeng[0]["source"] == "tls-hook"
