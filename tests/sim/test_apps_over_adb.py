"""App commands through the real adb server and adbutils, with a fake app runtime (the real one
is exercised in test_integration.py): install (pushed and streamed), launch, pidof, dump, tap,
screencap."""

from __future__ import annotations

import io

import defusedxml.ElementTree as ET
import pytest
from PIL import Image

from tests.sim.device_test_app import TEST_PACKAGE, build_test_apk
from tests.sim.fake_runtime import FakeRuntime


@pytest.fixture
def h(make_sim_device):
    return make_sim_device(apps=[], internet=False, runtime_factory=FakeRuntime)


def test_install_pushed_then_listed(h, tmp_path):
    apk = build_test_apk(tmp_path)
    d = h.adb()
    d.install(str(apk), nolaunch=True, silent=True)  # adbutils: push to /data/local/tmp, pm install, rm
    assert TEST_PACKAGE in d.list_packages()
    assert d.app_info(TEST_PACKAGE).version_name == "2.1"
    assert h.adb_cli("shell", "ls /data/local/tmp").stdout.strip() == ""  # adbutils removed the pushed file
    assert d.shell(["pm", "uninstall", TEST_PACKAGE]) == "Success"
    assert TEST_PACKAGE not in d.list_packages()


def test_install_streamed_with_adb_cli(h, tmp_path):
    apk = build_test_apk(tmp_path)
    r = h.adb_cli("install", "-r", "-g", str(apk))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success" in r.stdout
    out = h.adb().shell("pm list packages -3")
    assert out == f"package:{TEST_PACKAGE}"
    dump = h.adb().shell(["dumpsys", "package", TEST_PACKAGE])
    assert "android.permission.ACCESS_FINE_LOCATION: granted=true" in dump  # -g


def test_launch_pidof_dump_tap_screencap(h, tmp_path):
    d = h.adb()
    d.install(str(build_test_apk(tmp_path)), nolaunch=True, silent=True)
    out = d.shell(["am", "start", "-W", "-n", f"{TEST_PACKAGE}/.MainActivity"])
    assert "Status: ok" in out
    pid = int(d.shell(["pidof", TEST_PACKAGE]))
    assert pid == h.device.runtime.pid_of(TEST_PACKAGE)
    assert d.app_current().package == TEST_PACKAGE
    xml = d.dump_hierarchy()  # adbutils: uiautomator dump to a file, then sync pull
    root = ET.fromstring(xml.encode())
    accept = next(n for n in root.iter("node") if n.get("text") == "Accept")
    (x1, y1), (x2, y2) = [tuple(map(int, p.split(","))) for p in accept.get("bounds")[1:-1].split("][")]
    d.click((x1 + x2) // 2, (y1 + y2) // 2)
    after = d.shell("uiautomator dump /dev/tty")
    assert "Accept" not in after and after.endswith("UI hierchary dumped to: /dev/tty")
    png = d.shell("screencap -p", encoding=None)
    img = Image.open(io.BytesIO(png))
    img.verify()
    assert img.format == "PNG"
    assert d.screenshot().size == (108, 240)
    d.app_stop(TEST_PACKAGE)
    assert d.shell2(["pidof", TEST_PACKAGE]).returncode == 1
