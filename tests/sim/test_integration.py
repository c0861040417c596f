"""The sim device with the apps side's real runtime and sim internet, through the real adb server:
launch gives a live process, dumps parse, a tap on the notice's accept control changes the next
dump, screencap is a PNG, the sim internet's CA is in the system store."""

from __future__ import annotations

import io
import os

import defusedxml.ElementTree as ET
import pytest
from PIL import Image

from tests.sim.device_test_app import TEST_PACKAGE, build_test_apk

pytest.importorskip("harness.sim.runtime")


def _center(node) -> tuple[int, int]:
    (x1, y1), (x2, y2) = [tuple(map(int, p.split(","))) for p in node.get("bounds")[1:-1].split("][")]
    return (x1 + x2) // 2, (y1 + y2) // 2


def test_real_runtime_end_to_end(make_sim_device, tmp_path):
    h = make_sim_device(apps=[build_test_apk(tmp_path)])
    d = h.adb()
    assert TEST_PACKAGE in d.list_packages()
    host, port = d.shell("getprop consentry.sim.internet").split(":")
    assert host == "127.0.0.1" and int(port) > 0
    certs = d.shell("ls /system/etc/security/cacerts").split()
    assert any(c.endswith(".0") for c in certs)

    out = d.shell(["am", "start", "-W", "-n", f"{TEST_PACKAGE}/.MainActivity"])
    assert "Status: ok" in out and f"Activity: {TEST_PACKAGE}/" in out
    pid = int(d.shell(["pidof", TEST_PACKAGE]))
    os.kill(pid, 0)  # a live process on this host
    assert d.app_current().package == TEST_PACKAGE

    root = ET.fromstring(d.dump_hierarchy().encode())
    accept = next(n for n in root.iter("node") if n.get("text") == "Accept")
    d.click(*_center(accept))
    after = ET.fromstring(d.shell("uiautomator dump /dev/tty").rsplit("UI hierchary", 1)[0].encode())
    texts = {n.get("text") for n in after.iter("node")}
    assert "Accept" not in texts and "Hello" in texts

    img = Image.open(io.BytesIO(d.shell("screencap -p", encoding=None)))
    assert img.format == "PNG" and img.size[0] > 0

    d.app_stop(TEST_PACKAGE)
    assert d.shell2(["pidof", TEST_PACKAGE]).returncode == 1


def test_sample_apps_install_when_available(sim_device):
    try:
        from harness.sim.samples import sample_app_paths
    except ImportError:
        pytest.skip("the sample apps are not built yet")
    names = set(sim_device.adb().list_packages(["-3"]))
    from harness.sim.model import load_app_package

    found = sample_app_paths()
    paths = list(found.values()) if isinstance(found, dict) else list(found)
    assert len(paths) >= 7
    assert {load_app_package(p).package for p in paths} <= names
    sims = [r for r in sim_device.adb().shell("pm list packages -3 -f").splitlines() if "/data/app/~~" in r]
    assert len(sims) == len(paths)
