"""push / pull / stat / list through adbutils and the adb CLI, byte for byte."""

from __future__ import annotations

import os


def _bare(make_sim_device):
    return make_sim_device(apps=[], internet=False, runtime_factory=lambda c, a: None)


def test_push_pull_1mb_adbutils(make_sim_device, tmp_path):
    h = _bare(make_sim_device)
    d = h.adb()
    data = os.urandom(1 << 20)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    d.sync.push(src, "/data/local/tmp/r.bin")
    assert (h.state_dir / "fs/data/local/tmp/r.bin").read_bytes() == data
    assert d.sync.stat("/data/local/tmp/r.bin").size == len(data)
    dst = tmp_path / "out.bin"
    d.sync.pull("/data/local/tmp/r.bin", dst)
    assert dst.read_bytes() == data
    assert "r.bin" in d.sync.list("/data/local/tmp") or any(
        getattr(e, "path", e) == "r.bin" for e in d.sync.list("/data/local/tmp"))


def test_push_pull_1mb_adb_cli(make_sim_device, tmp_path):
    h = _bare(make_sim_device)
    data = os.urandom(1 << 20)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    r = h.adb_cli("push", str(src), "/sdcard/Download/r.bin")
    assert r.returncode == 0, r.stderr
    dst = tmp_path / "out.bin"
    r = h.adb_cli("pull", "/sdcard/Download/r.bin", str(dst))
    assert r.returncode == 0, r.stderr
    assert dst.read_bytes() == data
    # /storage/emulated/0 is /sdcard, as on Android
    assert h.adb().shell("ls /storage/emulated/0/Download") == "r.bin"


def test_pull_missing_file_fails_cleanly(make_sim_device, tmp_path):
    h = _bare(make_sim_device)
    r = h.adb_cli("pull", "/sdcard/nope.bin", str(tmp_path / "x"))
    assert r.returncode != 0
    assert "No such file or directory" in r.stdout + r.stderr
    assert h.adb().shell("echo ok") == "ok"


def test_identity_files_readable(make_sim_device):
    h = _bare(make_sim_device)
    d = h.adb()
    assert d.shell("cat /sys/class/net/wlan0/address") == h.device.identity.mac.lower()
    assert "HW address" in d.shell("cat /proc/net/arp")
    assert "ro.product.model=sdk_gphone64_x86_64" in d.shell("cat /system/build.prop")


def test_device_paths_cannot_escape_the_state_dir(make_sim_device):
    h = _bare(make_sim_device)
    host = h.device.state.host_path("/../../../../etc/passwd")
    assert h.device.state.root in host.parents
