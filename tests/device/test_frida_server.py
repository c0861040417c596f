"""frida-server lifecycle on the sim's emulator profile through the real adb server: root (su 0,
then `adb root` and the wait for the device and boot), push (.xz accepted), exact version and
architecture checks, start as root, answer on tcp:27042, stop only what the harness started."""

from __future__ import annotations

import lzma

import frida
import pytest

from harness.device import connect_device
from harness.device import frida_server as fs
from harness.device.root import ensure_root, root_access
from harness.errors import DeviceError
from harness.sim.frida_standin import write_standin


def test_root_methods_and_adb_root(emulator):
    device = connect_device(emulator.serial)
    assert device.sh("id -u").strip() == "2000"
    assert root_access(device).method == "su 0"  # AOSP su: `su 0 CMD`; `su -c` is refused
    assert "invalid uid/gid '-c'" in device.sh_rc("su -c id")[1]
    access = ensure_root(device)  # a debuggable image: adbd restarted as root, device and boot awaited
    assert access.method == "adbd"
    assert device.sh("id -u").strip() == "0" and device.getprop("sys.boot_completed") == "1"


def test_ensure_pushes_starts_answers_and_stops(emulator, standin, tmp_path):
    device = connect_device(emulator.serial)
    with pytest.raises(DeviceError, match="give --frida-server frida-server-.*-android-x86_64"):
        fs.ensure(device)
    assert not fs.answers(device)  # nothing listens on the device's tcp:27042 yet
    packed = tmp_path / (standin.name + ".xz")
    packed.write_bytes(lzma.compress(standin.read_bytes()))
    lease = fs.ensure(device, packed)
    assert lease.started and lease.version == frida.__version__ and fs.answers(device)
    assert fs.status(device, lease.access).version_ok
    again = fs.ensure(device)  # already running and answering: reused, not restarted
    assert not again.started and again.pid == lease.pid
    again.release()  # not ours: left running
    assert fs.server_pid(device) == lease.pid
    lease.release()
    assert fs.server_pid(device) is None and not fs.answers(device)


def test_wrong_version_and_wrong_architecture_are_refused(emulator, tmp_path):
    device = connect_device(emulator.serial)
    old = write_standin(tmp_path / "frida-server", "16.0.0")
    with pytest.raises(DeviceError, match=r"is 16\.0\.0 but the host's frida is"):
        fs.ensure(device, old)
    assert fs.server_pid(device) is None  # nothing left running
    arm = write_standin(tmp_path / "frida-server-arm", frida.__version__, arch="arm64")
    with pytest.raises(DeviceError, match="arm64 binary but the device's ABI needs x86_64"):
        fs.push(device, arm)
    named = write_standin(tmp_path / "frida-server-16.1.0-android-x86_64", "16.1.0")
    with pytest.raises(DeviceError, match="is frida-server 16.1.0"):
        fs.push(device, named)


def test_frida_transport_errors_become_clear_reasons():
    from harness.run.runner import _frida_failure

    reason = _frida_failure(frida.ServerNotRunningError("unable to connect to remote frida-server"), "emu-1")
    assert reason and "frida-server on emu-1 stopped answering" in reason and "doctor --device emu-1 --fix" in reason
    assert _frida_failure(ValueError("x"), "emu-1") is None
