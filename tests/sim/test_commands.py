"""Shell commands in-process (no adb): output formats of an Android 14 emulator."""

from __future__ import annotations

import re

import pytest

from harness.sim.interfaces import SimIdentity
from harness.sim.server import SimDevice
from tests.sim.device_test_app import TEST_PACKAGE, build_test_apk
from tests.sim.fake_runtime import FakeRuntime


@pytest.fixture
def dev(tmp_path):
    d = SimDevice(tmp_path / "state", internet=False, runtime_factory=FakeRuntime,
                  identity=SimIdentity(model="Pixel 7", android_id="0123456789abcdef", imsi="460001234567890"))
    d.runtime = FakeRuntime(d.state, ("127.0.0.1", 0))
    d.install(build_test_apk(tmp_path))
    yield d
    d.runtime.shutdown()


def run(dev, line):
    return dev.run(line)


def test_getprop_formats(dev):
    status, out = run(dev, "getprop")
    assert status == 0
    lines = out.splitlines()
    assert all(re.fullmatch(r"\[[^\]]+\]: \[.*\]", line) for line in lines)
    assert "[ro.product.model]: [Pixel 7]" in lines
    assert "[ro.consentry.sim]: [1]" in lines
    assert not any(line.startswith("[ro.kernel.qemu]") for line in lines)
    assert run(dev, "getprop gsm.sim.operator.numeric") == (0, "460001\n")
    assert run(dev, "getprop no.such.prop") == (0, "\n")
    assert run(dev, "setprop debug.x 5; getprop debug.x") == (0, "5\n")
    status, out = run(dev, "setprop ro.product.model X")
    assert status == 1 and "Failed to set property" in out


def test_settings(dev):
    assert run(dev, "settings get secure android_id") == (0, "0123456789abcdef\n")
    assert run(dev, "settings get global http_proxy") == (0, "null\n")
    assert run(dev, "settings put global http_proxy 127.0.0.1:8080") == (0, "")
    assert run(dev, "settings get global http_proxy") == (0, "127.0.0.1:8080\n")
    assert "http_proxy=127.0.0.1:8080\n" in run(dev, "settings list global")[1]
    assert run(dev, "settings delete global http_proxy") == (0, "Deleted 1 rows\n")
    assert run(dev, "settings get global http_proxy") == (0, "null\n")


def test_state_survives_restart(dev, tmp_path):
    run(dev, "settings put global http_proxy :0")
    again = SimDevice(tmp_path / "state", internet=False, runtime_factory=lambda c, a: None)
    assert again.run("settings get global http_proxy") == (0, ":0\n")
    assert f"package:{TEST_PACKAGE}\n" in again.run("pm list packages -3")[1]


def test_pm_list_path_grant_and_dumpsys(dev):
    status, out = run(dev, "pm list packages -3")
    assert out == f"package:{TEST_PACKAGE}\n"
    assert "package:com.android.settings\n" in run(dev, "pm list packages")[1]
    out = run(dev, "pm list packages -3 -f")[1]
    assert re.fullmatch(rf"package:/data/app/~~[\w-]+==/{re.escape(TEST_PACKAGE)}-[\w-]+==/base.apk={re.escape(TEST_PACKAGE)}\n", out)
    path = run(dev, f"pm path {TEST_PACKAGE}")[1]
    assert path.startswith("package:/data/app/~~") and path.endswith("/base.apk\n")
    assert run(dev, "pm path com.nope") == (1, "")
    d = run(dev, f"dumpsys package {TEST_PACKAGE}")[1]
    assert "versionName=2.1" in d and "versionCode=21 " in d
    assert "        android.permission.ACCESS_FINE_LOCATION: granted=false, flags=[ " in d
    assert "      android.permission.INTERNET: granted=true" in d
    assert run(dev, f"pm grant {TEST_PACKAGE} android.permission.ACCESS_FINE_LOCATION") == (0, "")
    d = run(dev, f"dumpsys package {TEST_PACKAGE}")[1]
    assert "android.permission.ACCESS_FINE_LOCATION: granted=true, flags=[ USER_SET" in d
    assert dev.state.permission_granted(TEST_PACKAGE, "android.permission.ACCESS_FINE_LOCATION")
    status, out = run(dev, f"pm grant {TEST_PACKAGE} android.permission.CAMERA")
    assert status == 255 and "has not requested permission android.permission.CAMERA" in out
    status, out = run(dev, f"pm revoke {TEST_PACKAGE} android.permission.INTERNET")
    assert status == 255 and "not a changeable permission type" in out
    assert run(dev, "dumpsys package com.nope") == (0, "Unable to find package: com.nope\n")
    assert run(dev, f"pm clear {TEST_PACKAGE}") == (0, "Success\n")
    assert not dev.state.permission_granted(TEST_PACKAGE, "android.permission.ACCESS_FINE_LOCATION")


def test_install_rejects_bad_package(dev, tmp_path):
    (tmp_path / "fs").mkdir()
    bad = dev.state.host_path("/data/local/tmp/bad.apk")
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    status, out = run(dev, "pm install -r -t /data/local/tmp/bad.apk")
    assert status == 1 and out.startswith("Failure [INSTALL_PARSE_FAILED_NOT_APK: Failed to parse bad.apk: ")
    status, out = run(dev, "pm install /data/local/tmp/missing.apk")
    assert status == 1 and "Unable to open file: /data/local/tmp/missing.apk" in out


def test_am_start_pidof_ps_kill(dev):
    status, out = run(dev, f"am start -W -n {TEST_PACKAGE}/.MainActivity")
    assert status == 0
    assert out.splitlines()[:4] == [f"Starting: Intent {{ cmp={TEST_PACKAGE}/.MainActivity }}", "Status: ok",
                                    "LaunchState: COLD", f"Activity: {TEST_PACKAGE}/.MainActivity"]
    assert re.search(r"^TotalTime: \d+\nWaitTime: \d+\nComplete$", out, re.M)
    status, pid = run(dev, f"pidof {TEST_PACKAGE}")
    assert status == 0 and int(pid) == dev.runtime.pid_of(TEST_PACKAGE)
    ps = run(dev, "ps -A")[1].splitlines()
    assert ps[0].split() == ["USER", "PID", "PPID", "VSZ", "RSS", "WCHAN", "ADDR", "S", "NAME"]
    assert any(line.split()[1] == pid.strip() and line.endswith(TEST_PACKAGE) for line in ps)
    assert f"{int(pid):>5} {TEST_PACKAGE}\n" in run(dev, "ps -A -o PID,NAME")[1]
    assert run(dev, f"kill -9 {pid.strip()}") == (0, "")
    assert run(dev, f"pidof {TEST_PACKAGE}") == (1, "")
    status, out = run(dev, "am start -n com.nope/.Main")
    assert "Error type 3" in out and "Error: Activity class {com.nope/com.nope.Main} does not exist." in out
    assert run(dev, "kill 999999")[0] == 1


def test_monkey_and_focus_dumps(dev):
    status, out = run(dev, f"monkey -p {TEST_PACKAGE} -c android.intent.category.LAUNCHER 1")
    assert status == 0 and "  bash arg: -p\n" in out and "Events injected: 1" in out
    win = run(dev, "dumpsys window windows")[1]
    assert re.search(rf"mCurrentFocus=Window\{{\w+ u0 {re.escape(TEST_PACKAGE)}/{re.escape(TEST_PACKAGE)}\.MainActivity\}}", win)
    act = run(dev, "dumpsys activity activities")[1]
    assert "topResumedActivity=ActivityRecord{" in act
    assert re.search(rf"  ResumedActivity: ActivityRecord\{{\w+ u0 {re.escape(TEST_PACKAGE)}/\.MainActivity t\d+\}}", act)
    grep = run(dev, "dumpsys window | grep -E 'mCurrentFocus|mFocusedApp'")[1]
    assert len(grep.splitlines()) >= 2
    run(dev, "input keyevent KEYCODE_HOME")
    assert "com.google.android.apps.nexuslauncher" in run(dev, "dumpsys window displays")[1]
    status, out = run(dev, "monkey -p com.nope -c android.intent.category.LAUNCHER 1")
    assert status == 252 and "** No activities found to run, monkey aborted." in out


def test_uiautomator_dump_tap_and_faults(dev):
    run(dev, f"am start -n {TEST_PACKAGE}/.MainActivity")
    assert run(dev, "uiautomator dump") == (0, "UI hierchary dumped to: /sdcard/window_dump.xml\n")
    assert "Accept" in dev.state.host_path("/sdcard/window_dump.xml").read_text()
    status, out = run(dev, "uiautomator dump /dev/tty")
    assert out.startswith("<?xml") and out.endswith("UI hierchary dumped to: /dev/tty\n")
    run(dev, "input tap 300 1050")
    assert "Accept" not in run(dev, "uiautomator dump /dev/tty")[1]
    dev.state.faults.dump_fail = True
    assert run(dev, "uiautomator dump") == (0, "ERROR: null root node returned by UiTestAutomationBridge.\n")
    dev.state.faults.dump_fail = False
    run(dev, "setprop consentry.fault.secure_window 1")
    assert "<hierarchy rotation=\"0\" />" in run(dev, "uiautomator dump /dev/tty")[1]


def test_logcat_and_content(dev):
    dev.state.logcat("MyTag", "hello world", level="W", pid=4242)
    out = run(dev, "logcat -d")[1]
    assert out.startswith("--------- beginning of main\n")
    assert re.search(r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}  4242  4242 W MyTag   : hello world$", out, re.M)
    assert run(dev, "logcat -d -s MyTag:W")[1].count("\n") == 2
    assert run(dev, "logcat -c; logcat -d") == (0, "")
    assert run(dev, "content query --uri content://com.android.contacts/contacts") == (0, "No result found.\n")
    run(dev, "content insert --uri content://com.android.contacts/raw_contacts --bind account_type:n: --bind account_name:n:")
    run(dev, "content insert --uri content://com.android.contacts/data --bind raw_contact_id:i:1 "
             "--bind mimetype:s:vnd.android.cursor.item/name --bind data1:s:'Ada Lovelace'")
    run(dev, "content insert --uri content://com.android.contacts/data --bind raw_contact_id:i:1 "
             "--bind mimetype:s:vnd.android.cursor.item/phone_v2 --bind data1:s:+15551234567")
    out = run(dev, "content query --uri content://com.android.contacts/contacts --projection _id:display_name:has_phone_number")[1]
    assert out == "Row: 0 _id=1, display_name=Ada Lovelace, has_phone_number=1\n"
    out = run(dev, "content query --uri content://com.android.contacts/data/phones --projection data1")[1]
    assert out == "Row: 0 data1=+15551234567\n"


def test_misc_commands(dev):
    assert run(dev, "id -u") == (0, "0\n")
    assert run(dev, "whoami") == (0, "root\n")
    assert run(dev, "getenforce") == (0, "Enforcing\n")
    assert run(dev, "which pm") == (0, "/system/bin/pm\n")
    assert run(dev, "wm size") == (0, "Physical size: 1080x2400\n")
    status, out = run(dev, "date +%s")
    assert status == 0 and out.strip().isdigit()
    assert run(dev, "mkdir -p /sdcard/a/b && touch /sdcard/a/b/f && ls /sdcard/a/b") == (0, "f\n")
    assert run(dev, "echo hi > /sdcard/a/x; cat /sdcard/a/x") == (0, "hi\n")
    assert run(dev, "rm /sdcard/a/x && cat /sdcard/a/x 2>/dev/null || echo gone") == (0, "gone\n")
    assert run(dev, "cat /nope") == (1, "cat: /nope: No such file or directory\n")
    assert run(dev, "frobnicate --x") == (127, "/system/bin/sh: frobnicate: not found\n")
