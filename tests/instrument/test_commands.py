"""Shell commands an app runs become reads of what they obtain: the parser alone, then the real
agent on a real process calling libc popen / system /  / posix_spawn."""

from __future__ import annotations

import json
import time

import pyarrow.parquet as pq
import pytest

from harness.instrument import Instrument
from harness.instrument.commands import classify
from harness.journal import compact


@pytest.mark.parametrize(("command", "category", "pi"), [
    ("getprop ro.serialno", "device_id", True),
    ("getprop ril.oem.imei", "device_id", True),
    ("getprop gsm.sim.operator.iso-country", "sim_info", True),
    ("getprop ro.product.model", "process", False),
    ("cat /sys/class/net/wlan0/address", "wifi_info", True),
    ("cat /proc/cpuinfo", "process", False),
    ("settings get secure android_id", "device_id", True),
    ("settings get system screen_brightness", "process", False),
    ("ip addr show wlan0", "ip_address", True),
    ("ifconfig", "ip_address", True),
    ("sh -c 'cat /proc/net/arp | grep wlan0'", "network_info", True),
    ("pm list packages -3", "installed_apps", True),
    ("cmd package list packages", "installed_apps", True),
    ("su -c 'getprop ro.serialno'", "device_id", True),
    ("busybox cat /sys/class/net/eth0/address", "wifi_info", True),
    ("am start -n com.other/.Main", "app_launch", True),
    ("pm install /sdcard/x.apk", "install", True),
    ("ls -l /data/local/tmp; id", "process", False),
    ("which su", "process", False),
])
def test_classify(command: str, category: str, pi: bool):
    v = classify(command)
    assert (v.category, v.pi) == (category, pi)
    assert bool(v.reads) == (category not in ("process", "app_launch", "install"))


def test_argv_and_chains_keep_every_read():
    v = classify(["/system/bin/sh", "-c", "getprop ro.serialno; cat /sys/class/net/wlan0/address && ip link"])
    assert [(r.tool, r.target, r.category) for r in v.reads] == [
        ("getprop", "ro.serialno", "device_id"), ("cat", "/sys/class/net/wlan0/address", "wifi_info"),
        ("ip", "link", "wifi_info")]
    assert v.args("x") == {"command": "x", "reads": [r.to_json() for r in v.reads]}


def test_hostile_command_lines_do_not_raise():
    for line in ("'unterminated", "a" * 100_000, "|||;;&&", "", "sh -c", "\x00\x01", "getprop '"):
        classify(line)


@pytest.mark.usefixtures("agent_bundle")
def test_native_exec_hooks_record_one_read_per_call(target, journal, tmp_path):
    """popen and system (glibc runs their shell through posix_spawn: not counted twice),
    posix_spawn: each call is one row whose category
    is what its command reads, with the command as evidence."""
    t0 = time.time_ns()
    inst = Instrument(journal, journal.run_dir, t0, categories={"device_id", "wifi_info", "process", "ip_address"})
    inst.attach(target.pid)
    assert inst.writer.ready_event.wait(10)
    target.run("import ctypes, os; libc = ctypes.CDLL(None); libc.popen.restype = ctypes.c_void_p")
    target.run("f = libc.popen(b'getprop ro.serialno 2>/dev/null', b'r'); libc.pclose(ctypes.c_void_p(f))")
    target.run("libc.system(b'true; cat /sys/class/net/wlan0/address 2>/dev/null')")
    target.run("argv = (ctypes.c_char_p * 4)(b'sh', b'-c', b'cat /sys/class/net/wlan0/address >/dev/null 2>&1', None)\n"
               "pid = ctypes.c_int(0)\n"
               "libc.posix_spawn(ctypes.byref(pid), b'/bin/sh', None, None, argv, None)\n"
               "os.waitpid(pid.value, 0)")
    # CPython's subprocess starts children with vfork + execve (not hooked: see ring.ts); the session
    # must still detach afterwards
    target.run("import subprocess; subprocess.run(['/bin/sh', '-c', 'exit 0'])")
    summary = inst.stop()
    assert summary.dropped == 0
    compact(journal.run_dir)
    rows = [r for r in pq.read_table(journal.run_dir / "api_calls.parquet").to_pylist()
            if r["hook_id"] in ("libc.popen", "libc.system", "libc.posix_spawn", "libc.posix_spawnp")]
    by = {}
    for r in rows:
        by.setdefault(r["hook_id"], []).append((r["category"], r["pi"], json.loads(r["args"])))
    assert by["libc.popen"] == [("device_id", True, {
        "command": "getprop ro.serialno 2>/dev/null",
        "reads": [{"tool": "getprop", "target": "ro.serialno", "category": "device_id"}]})]
    assert [(c, p) for c, p, _ in by["libc.system"]] == [("wifi_info", True)]
    spawned = [a for c, p, a in by["libc.posix_spawn"] if a["path"] == "/bin/sh"]
    # argument boundaries survive (the agent joins argv with 0x1f): `sh -c '<one argument>'`
    assert spawned[0]["command"] == "sh -c 'cat /sys/class/net/wlan0/address >/dev/null 2>&1'"
    assert [(c, p) for c, p, a in by["libc.posix_spawn"] if a["path"] == "/bin/sh"] == [("wifi_info", True)]


def test_java_command_rows_are_refined_on_the_host():
    """Runtime.exec / ProcessBuilder rows (the agent's `command` extractor gives the line and
    `process`) become the read their command makes, through the same parser as native rows."""
    from harness.catalogue import load_catalogue
    from harness.instrument.rows import HookTable, RowBuilder

    hooks = [h for h in load_catalogue().hooks if h.id in ("Runtime.exec", "ProcessBuilder.start")]
    rb = RowBuilder(HookTable(hooks), pid=1, offset_ns=0, t0_ns=0)
    df = rb.js_rows([[1, 0, 7, {"command": "getprop ro.serialno"}, None, None, 1, "process"],
                     [2, 1, 7, {"command": "cat /sys/class/net/wlan0/address"}, None, None, 1, "process"],
                     [3, 0, 7, {"command": "am start -n com.other/.Main"}, None, None, 1, "app_launch"],
                     [4, 0, 7, {"command": "ls /sdcard"}, None, None, 1, "process"]])
    assert list(zip(df["category"], df["pi"], strict=True)) == [
        ("device_id", True), ("wifi_info", True), ("app_launch", True), ("process", False)]
    assert json.loads(df["args"].iloc[0])["reads"][0]["target"] == "ro.serialno"
