"""The apps runtime with a fake DeviceContext, real app processes and a real sim internet."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest
from PIL import Image

from harness.sim.internet import SimInternet
from harness.sim.runtime import AppNotInstalled, SimAppRuntime
from harness.sim.samples import sample_app_paths
from harness.sim.screens.system import LAUNCHER_PACKAGE, PERMISSION_PACKAGE
from tests.sim.apps.conftest import wait_for

SHARED = Path(__file__).resolve().parents[4] / "shared" / "android-samples" / "uiautomator-dump"


@pytest.fixture(scope="module")
def apks(tmp_path_factory) -> dict[str, Path]:
    return sample_app_paths(tmp_path_factory.mktemp("apks"))


@pytest.fixture
def inet(tmp_path):
    with SimInternet(tmp_path / "internet") as i:
        yield i


@pytest.fixture
def rt(ctx, inet, apks):
    for p in apks.values():
        from harness.sim.model import load_app_package

        ctx.apks[load_app_package(p).package] = p
    r = SimAppRuntime(ctx, inet.address, internet_ca=inet.ca_pem)
    yield r
    r.shutdown()


def tap_text(rt: SimAppRuntime, text: str) -> None:
    root = ET.fromstring(rt.dump_hierarchy().encode())
    node = next((n for n in root.iter("node") if n.get("text") == text), None)
    assert node is not None, f"{text!r} not on screen: {rt.dump_hierarchy()[:300]}"
    (x1, y1), (x2, y2) = [tuple(map(int, p.split(","))) for p in node.get("bounds")[1:-1].split("][")]
    rt.input_tap((x1 + x2) // 2, (y1 + y2) // 2)


def texts(rt: SimAppRuntime) -> list[str]:
    return [n.get("text") for n in ET.fromstring(rt.dump_hierarchy().encode()).iter("node") if n.get("text")]


def hosts(inet: SimInternet) -> list[str]:
    return [r.host for r in list(inet.requests)]


def test_gated_launch_released_by_sigcont_then_real_open_and_https(ctx, rt, inet):
    pkg = "com.consentry.sample.sdkearly"
    res = rt.launch(pkg, wait_debugger=True)
    assert res.cold and res.activity == f"{pkg}/.SplashActivity"
    assert rt.pid_of(pkg) == res.pid and (res.pid, pkg) in rt.processes()
    os.kill(res.pid, 0)  # a live process
    wait_for(lambda: any("waiting for the debugger" in m for m in ctx.lines("ActivityThread")), what="the gate")
    assert "Waiting For Debugger" in texts(rt)
    # at the gate: nothing of the app ran (it cannot proceed without SIGCONT)
    assert not ctx.lines("UmengSDK") and not inet.requests
    assert any(f"Start proc {res.pid}:{pkg}/u0a" in m for m in ctx.lines("ActivityManager"))
    assert rt.signal(res.pid, signal.SIGCONT)
    wait_for(lambda: "alog.umeng.com" in hosts(inet), what="the tracker request")
    req = next(r for r in inet.requests if r.host == "alog.umeng.com")
    assert req.scheme == "https" and req.sni == "alog.umeng.com" and not req.via_proxy
    assert b'"mac": "02:00:00:44:55:66"' in req.body and b"OTc3NGQ1NmQ2ODJlNTQ5Yw==" in req.body  # base64 android_id
    wait_for(lambda: any("read /sys/class/net/wlan0/address: 18 bytes" in m for m in ctx.lines("UmengSDK")), what="MAC read")
    assert "Privacy Policy" in texts(rt)
    assert rt.signal(999_999_999, signal.SIGCONT) is False  # not an app process


def test_frida_attaches_at_the_gate_and_sees_open_from_the_sdk_module(ctx, rt, inet):
    frida = pytest.importorskip("frida")
    pkg = "com.consentry.sample.sdkearly"
    pid = rt.launch(pkg, wait_debugger=True).pid
    wait_for(lambda: any("waiting for the debugger" in m for m in ctx.lines("ActivityThread")), what="the gate")
    session = frida.get_local_device().attach(pid)
    events: list[dict] = []
    script = session.create_script("""
        Interceptor.attach(Module.getGlobalExportByName('open'), {
          onEnter(args) {
            const p = args[0].readUtf8String();
            if (p.indexOf('wlan0') >= 0)
              send({path: p, stack: Thread.backtrace(this.context, Backtracer.FUZZY).map(a => {
                const m = Process.findModuleByAddress(a); return m ? m.name : '?'; })});
          }
        });
    """)
    script.on("message", lambda m, _d: events.append(m.get("payload", m)))
    script.load()
    try:
        rt.signal(pid, signal.SIGCONT)
        wait_for(lambda: events, what="the hooked open")
        assert events[0]["path"].endswith("/sys/class/net/wlan0/address")
        assert "libumeng_sim.so" in events[0]["stack"]
    finally:
        session.detach()


def test_proxy_is_read_at_request_time_and_https_goes_through_connect(ctx, rt, inet):
    ctx.settings_put("global", "http_proxy", f"{inet.address[0]}:{inet.address[1]}")  # the sim internet is also a proxy
    rt.launch("com.consentry.sample.cleartext")
    tap_text(rt, "Agree")
    wait_for(lambda: "reg.flashlightplus.example" in hosts(inet), what="the registration")
    req = next(r for r in inet.requests if r.host == "reg.flashlightplus.example")
    assert req.scheme == "http" and req.via_proxy
    assert "aid=9774d56d682e549c" in req.path and "mac=02%3A00%3A00%3A44%3A55%3A66" in req.path
    wait_for(lambda: sum("com.taobao.taobao" in m or "AlipayGphone" in m for m in ctx.lines("ActivityManager")) == 2,
             what="the wake-ups")


def test_pinned_app_fails_tls_through_a_foreign_proxy_then_goes_direct(ctx, rt, inet, tmp_path):
    with SimInternet(tmp_path / "other-ca") as proxy:  # a MITM proxy with a CA the app does not pin
        ctx.settings_put("global", "http_proxy", f"{proxy.address[0]}:{proxy.address[1]}")
        rt.launch("com.consentry.sample.pinned")
        tap_text(rt, "Agree")
        wait_for(lambda: "android.bugly.qq.com" in hosts(inet), what="the direct retry")
        assert "android.bugly.qq.com" not in hosts(proxy)  # TLS to the proxy's certificate failed
        assert any("SSLHandshakeException" in m for m in ctx.lines("BuglySDK"))
        req = next(r for r in inet.requests if r.host == "android.bugly.qq.com")
        assert not req.via_proxy and b"9774d56d682e549c" in req.body


def test_permission_dialog_then_grant_then_collection(ctx, rt, inet):
    pkg = "com.consentry.sample.compliant"
    rt.launch(pkg)
    tap_text(rt, "Agree")
    assert "Find stores near you" in texts(rt)  # the in-app rationale comes first
    wait_for(lambda: rt.foreground()[0] == PERMISSION_PACKAGE, what="the system dialog")
    xml = rt.dump_hierarchy()
    assert 'resource-id="com.android.permissioncontroller:id/permission_message"' in xml
    assert "Allow Compliant Notes to access this device\u2019s location?" in texts(rt)
    assert rt.foreground()[1].endswith("GrantPermissionsActivity")
    for rid in ("permission_allow_foreground_only_button", "permission_allow_one_time_button", "permission_deny_button"):
        assert f"com.android.permissioncontroller:id/{rid}" in xml
    tap_text(rt, "While using the app")
    assert ctx.permission_granted(pkg, "android.permission.ACCESS_FINE_LOCATION")
    assert rt.foreground() == (pkg, f"{pkg}/.MainActivity")
    wait_for(lambda: "api.compliant-notes.example" in hosts(inet)
             and any(r.path == "/v1/stores" for r in inet.requests), what="the stores request")
    assert any("getLastKnownLocation: ok" in m for m in ctx.lines("compliant"))


def test_denied_twice_is_not_asked_again_and_back_denies(ctx, rt):
    pkg = "com.consentry.sample.permsfirst"
    rt.launch(pkg)
    wait_for(lambda: rt.foreground()[0] == PERMISSION_PACKAGE, what="the camera prompt")
    assert "Allow Photo Editor Pro to take pictures and record video?" in texts(rt)
    rt.input_keyevent(4)  # BACK on the dialog denies
    assert not ctx.permission_granted(pkg, "android.permission.CAMERA")
    assert "Allow Photo Editor Pro to access this device\u2019s location?" in texts(rt)
    tap_text(rt, "Don\u2019t allow")
    wait_for(lambda: "Terms and Privacy Policy" in texts(rt), what="the notice under the prompts")


def test_home_backgrounds_and_background_behaviour_runs(ctx, rt, inet):
    pkg = "com.consentry.sample.bgtracker"
    rt.launch(pkg)
    tap_text(rt, "Agree")
    wait_for(lambda: rt.foreground()[0] == PERMISSION_PACKAGE, what="the location prompt")
    tap_text(rt, "Only this time")
    rt.input_keyevent(3)  # HOME
    assert rt.foreground() == (LAUNCHER_PACKAGE, f"{LAUNCHER_PACKAGE}/.NexusLauncherActivity")
    assert 'package="com.google.android.apps.nexuslauncher"' in rt.dump_hierarchy()
    assert rt.pid_of(pkg) is not None  # still alive in the background
    wait_for(lambda: sum("getLastKnownLocation" in m for m in ctx.lines("bgtracker")) >= 3, what="background reads")
    rt.launch(pkg)  # warm start brings the task back
    assert rt.foreground()[0] == pkg and texts(rt)[0] == "Run Tracker"


def test_crash_fault_logs_fatal_exception_and_ends_the_process(ctx, rt):
    pkg = "com.consentry.sample.renag"
    ctx.faults.crash_at_s[pkg] = 0.2
    pid = rt.launch(pkg).pid
    wait_for(lambda: rt.pid_of(pkg) is None, what="the crash")
    lines = wait_for(lambda: ctx.lines("AndroidRuntime"), what="FATAL EXCEPTION")
    assert lines[0] == "FATAL EXCEPTION: main" and lines[1] == f"Process: {pkg}, PID: {pid}"
    assert any(lvl == "E" and p == pid for t, _m, lvl, p in ctx.log if t == "AndroidRuntime")
    assert rt.foreground()[0] == LAUNCHER_PACKAGE


def test_two_step_refusal_preticked_box_back_and_force_stop(ctx, rt):
    pkg = "com.consentry.sample.zhnews"
    pid = rt.launch(pkg).pid
    root = ET.fromstring(rt.dump_hierarchy().encode())
    box = next(n for n in root.iter("node") if n.get("class") == "android.widget.CheckBox")
    assert box.get("checked") == "true" and box.get("checkable") == "true"
    tap_text(rt, "不同意")
    assert "温馨提示" in texts(rt)
    rt.input_keyevent(4)  # BACK from the second dialog returns to the notice
    assert "用户协议与隐私政策" in texts(rt)
    tap_text(rt, "我已阅读并同意《用户协议》和《隐私政策》")  # untick
    tap_text(rt, "同意")  # refused by the app while unticked
    assert "用户协议与隐私政策" in texts(rt)
    tap_text(rt, "不同意")
    tap_text(rt, "仍不同意")
    assert texts(rt)[0] == "今日资讯（仅浏览模式）"
    rt.force_stop(pkg)
    assert rt.pid_of(pkg) is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    rt.launch(pkg)  # the refusal is remembered in the app's data
    assert texts(rt)[0] == "今日资讯（仅浏览模式）"
    rt.clear_data(pkg)
    rt.launch(pkg)
    assert "用户协议与隐私政策" in texts(rt)


def test_dump_format_and_screenshot(ctx, rt):
    with pytest.raises(AppNotInstalled):
        rt.launch("com.example.missing")
    xml = rt.dump_hierarchy()  # nothing launched: the launcher
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\"><node index=\"0\" text=\"\"")
    rt.launch("com.consentry.sample.sdkearly")
    xml = rt.dump_hierarchy()
    assert "\n" not in xml and xml.endswith("</node></node></hierarchy>")
    if SHARED.is_dir():  # same attribute order as a real dump
        real = next(SHARED.glob("KevinRabbe*")).read_text()
        attrs = [a.split("=")[0] for a in real.split("<node ", 2)[1].split('" ')]
        mine = [a.split("=")[0] for a in xml.split("<node ", 2)[1].split('" ')]
        assert mine[:18] == attrs[:18]
    img = Image.open(io.BytesIO(rt.screenshot_png()))
    assert img.format == "PNG" and img.size == (1080, 2400)
