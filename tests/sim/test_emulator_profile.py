"""The sim's emulator-34 profile behaves as an Android 14 emulator where the harness relies on it:
unrooted adbd until `adb root` restarts it (connections drop), boot completes after a delay, AOSP's
`su 0`, frida-server's port closed until it is started as root, and per-process mount namespaces
in which a bind mount over the Conscrypt APEX is seen only where it was made, and stacks."""

from __future__ import annotations

import time

import adbutils
import pytest

from harness.sim.frida_standin import write_standin

APEX = "/apex/com.android.conscrypt/cacerts"


@pytest.fixture
def emu(make_sim_device):
    return make_sim_device(profile="emulator-34", apps=[])


def test_boot_delay_and_adb_root(make_sim_device):
    sim = make_sim_device(profile="emulator-34", apps=[])
    assert sim.adb_cli("shell", "getprop sys.boot_completed").stdout.strip() == ""  # still booting
    assert sim.adb_cli("shell", "getprop ro.kernel.qemu; id -u").stdout.split() == ["1", "2000"]
    deadline = time.monotonic() + 10
    while sim.adb_cli("shell", "getprop sys.boot_completed").stdout.strip() != "1":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert "restarting adbd as root" in sim.adb().root()
    deadline = time.monotonic() + 20
    while sim.adb_cli("shell", "id -u").stdout.strip() != "0":  # the new adbd answers as root
        assert time.monotonic() < deadline
        sim.adb_cli("connect", sim.serial)
        time.sleep(0.2)
    assert sim.adb_cli("shell", "getprop service.adb.root").stdout.strip() == "1"


def test_su_and_frida_port(emu, tmp_path):
    assert emu.adb_cli("shell", "su 0 id -u").stdout.strip() == "0"
    dev = emu.adb()
    with pytest.raises(adbutils.AdbError):
        dev.create_connection(adbutils.Network.TCP, 27042)  # nothing listens
    server = write_standin(tmp_path / "fs", "17.0.0")
    dev.sync.push(server, "/data/local/tmp/frida-server")
    dev.shell("chmod 755 /data/local/tmp/frida-server")
    assert dev.shell("/data/local/tmp/frida-server --version") == "17.0.0"
    assert "SELinux" in dev.shell2("/data/local/tmp/frida-server -D").output  # not as shell
    assert dev.shell2("su 0 /data/local/tmp/frida-server -D").returncode == 0
    pid = dev.shell("pidof frida-server").strip()
    sock = dev.create_connection(adbutils.Network.TCP, 27042)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sock.recv(16).startswith(b"HTTP/1.1 404")
    sock.close()
    assert "Operation not permitted" in dev.shell2(f"kill {pid}").output
    dev.shell(f"su 0 kill {pid}")
    assert dev.shell2("pidof frida-server").returncode == 1


def test_mount_namespaces_and_stacking(emu):
    sh = lambda cmd: emu.adb_cli("shell", cmd).stdout  # noqa: E731
    denied = emu.adb_cli("shell", "mount -t tmpfs tmpfs /system/etc/security/cacerts")
    assert "Permission denied" in denied.stdout + denied.stderr
    sh("su 0 mount -t tmpfs tmpfs /system/etc/security/cacerts")
    sh("su 0 sh -c 'echo ours > /system/etc/security/cacerts/x.0'")
    zygote = sh("pidof zygote64").strip()
    enter = f"su 0 nsenter --mount=/proc/{zygote}/ns/mnt --"
    sh(f"{enter} mount --bind /system/etc/security/cacerts {APEX}")
    assert sh(f"{enter} cat {APEX}/x.0").strip() == "ours"  # zygote's namespace sees the bind
    assert "No such file" in emu.adb_cli("shell", f"cat {APEX}/x.0").stderr + sh(f"cat {APEX}/x.0")  # adbd's does not
    assert sh(f"su 0 mountpoint {APEX}").strip().endswith("is not a mountpoint")
    sh(f"{enter} mount --bind /system/etc/security/cacerts {APEX}")  # a second bind stacks
    assert sh(f"{enter} mount").count(f" {APEX} ") == 2
    sh(f"{enter} umount {APEX}")
    sh(f"{enter} umount {APEX}")
    assert sh(f"{enter} mount").count(f" {APEX} ") == 0
