"""Root on a device: how commands get uid 0, and `adb root` where the build allows it.

Three ways exist and builds differ: adbd itself runs as root (`adb root` on userdebug and emulator
images), AOSP's userdebug `su` (`su 0 CMD`, which rejects `-c`), and Magisk/SuperSU's `su -c CMD`
on rooted phones. `adb root` restarts adbd: the device leaves the adb server for a moment (a
network device must be connected again) and the shell may answer before boot has completed, so
the harness waits for the device and `sys.boot_completed` before going on."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass
from typing import Literal

import adbutils

from harness.device.core import Device, _client, list_devices
from harness.errors import DeviceError

Method = Literal["adbd", "su 0", "su -c"]


@dataclass(frozen=True)
class RootAccess:
    method: Method | None
    detail: str

    def wrap(self, cmd: str) -> str:
        """`cmd` as a command line that runs as root with this method."""
        if self.method == "adbd":
            return cmd
        if self.method == "su 0":
            return f"su 0 sh -c {shlex.quote(cmd)}"
        if self.method == "su -c":
            return f"su -c {shlex.quote(cmd)}"
        raise DeviceError(f"no root on this device ({self.detail})")


def _uid(device: Device, cmd: str) -> str:
    rc, out = device.sh_rc(cmd, timeout=15)
    return out.strip().splitlines()[-1].strip() if rc == 0 and out.strip() else ""


def root_access(device: Device) -> RootAccess:
    """The first way to run as root that works on this device, or why none does."""
    if _uid(device, "id -u") == "0":
        return RootAccess("adbd", "adbd runs as root")
    if _uid(device, "su 0 id -u") == "0":
        return RootAccess("su 0", "AOSP su (su 0 CMD)")
    if _uid(device, "su -c 'id -u'") == "0":
        return RootAccess("su -c", "su -c (Magisk/SuperSU)")
    debuggable = device.getprop("ro.debuggable") == "1"
    return RootAccess(None, "adbd is not root and no su answered"
                      + ("" if debuggable else "; ro.debuggable=0: `adb root` is refused on this build"))


def wait_for_device(device: Device, timeout_s: float = 60, *, want_root: bool | None = None) -> None:
    """Until the adb server lists the device again and its shell answers (after `adb root`);
    with `want_root`, until adbd answers as that user, which is how a finished restart shows (the
    old adbd may still answer for a moment after replying "restarting adbd as root")."""
    deadline = time.monotonic() + timeout_s
    last = ""
    offline_since: float | None = None
    while time.monotonic() < deadline:
        try:
            listed = device.serial in list_devices()
            if not listed and ":" in device.serial:  # a network device: adb must connect again
                offline_since = offline_since or time.monotonic()
                try:
                    if time.monotonic() - offline_since > 2:
                        _client().disconnect(device.serial)
                    _client().connect(device.serial, timeout=5)
                except (adbutils.AdbError, OSError) as exc:
                    last = str(exc)
            if listed or device.serial in list_devices():
                device.adb = _client().device(device.serial)
                uid = _uid(device, "id -u")
                if uid and (want_root is None or (uid == "0") == want_root):
                    return
                last = f"adbd answers as uid {uid or '?'}"
        except DeviceError as exc:
            last = str(exc)
        time.sleep(0.25)
    raise DeviceError(f"device {device.serial} did not come back within {timeout_s:.0f} s after adbd restarted"
                      + (f" ({last})" if last else ""))


def wait_boot_completed(device: Device, timeout_s: float = 180) -> float:
    """Until `sys.boot_completed` is 1; returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if device.getprop("sys.boot_completed") == "1":
            device.props(refresh=True)
            return time.monotonic() - start
        time.sleep(0.25)
    raise DeviceError(f"device {device.serial} has not finished booting after {timeout_s:.0f} s "
                      "(sys.boot_completed is not 1): wait for the emulator, or cold-boot it")


def ensure_root(device: Device, allow_adb_root: bool = True) -> RootAccess:
    """Root access, restarting adbd as root when no other way exists and the build allows it."""
    access = root_access(device)
    if access.method == "adbd" or not allow_adb_root or device.getprop("ro.debuggable") != "1":
        return access
    # A debuggable build (an emulator image without Play Store, a userdebug build): adbd as root is
    # preferred even where su works, as the emulator documentation does; su stays the fallback.
    fallback = access
    try:
        reply = device.adb.root()
    except (adbutils.AdbError, OSError) as exc:
        reply = str(exc)
    if "cannot run as root" in str(reply):
        return fallback if fallback.method else RootAccess(
            None, f"`adb root` refused: {str(reply).strip()} (use a Google APIs image, not a Google Play one, "
            "or a rooted phone with su)")
    wait_for_device(device, want_root=True)
    wait_boot_completed(device)
    access = root_access(device)
    if access.method is None:
        return RootAccess(None, f"`adb root` answered {str(reply).strip()!r} but adbd is still not root")
    return access
