"""`Device`: one Android device (sim, emulator or phone) behind the adb server.

Composed of small mixins with noun-first methods (app_*, settings_*, permission_*, ui_*, logcat_*),
as adbutils does; every adb failure is mapped to `DeviceError`, and to `DeviceLost` when the device
is no longer listed by the adb server, so the runner can end a run `incomplete` with its reason."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from typing import Any, Literal

import adbutils

from harness.device import parsers
from harness.errors import DeviceError, DeviceLost, InputError

Kind = Literal["sim", "emulator", "device"]


@dataclass(frozen=True)
class DeviceInfo:
    serial: str
    model: str
    manufacturer: str
    sdk: int
    release: str
    abi: str
    kind: Kind


def _client() -> adbutils.AdbClient:
    return adbutils.AdbClient(host=os.environ.get("ADB_SERVER_HOST", "127.0.0.1"),
                              port=int(os.environ.get("ADB_SERVER_PORT", "5037")))


def list_devices() -> list[str]:
    """Serials of devices in state `device` on the adb server."""
    try:
        return [d.serial for d in _client().device_list() if d.serial]
    except (adbutils.AdbError, OSError) as exc:
        raise DeviceError(f"adb server not reachable ({exc}); is `adb start-server` running?") from exc


def connect_device(serial: str | None = None) -> Device:
    """The device named by `serial`, else `ANDROID_SERIAL`, else the only device attached."""
    serial = serial or os.environ.get("ANDROID_SERIAL")
    serials = list_devices()
    if serial is None:
        if len(serials) != 1:
            raise InputError(f"{len(serials)} devices attached ({', '.join(serials) or 'none'}): "
                             "name one with --device or ANDROID_SERIAL")
        serial = serials[0]
    if serial not in serials and ":" in serial:
        try:
            _client().connect(serial, timeout=5)
        except (adbutils.AdbError, OSError):
            pass
        serials = list_devices()
    if serial not in serials:
        raise DeviceError(f"device {serial} is not attached (adb devices lists: {', '.join(serials) or 'none'})")
    return Device(serial)


class _Shell:
    serial: str
    adb: adbutils.AdbDevice

    def _fail(self, what: str, exc: BaseException) -> DeviceError:
        try:
            attached = self.serial in list_devices()
        except DeviceError:
            attached = False
        if not attached:
            return DeviceLost(f"device {self.serial} was lost during `{what}` ({exc})")
        return DeviceError(f"device {self.serial}: `{what}` failed ({exc})")

    def sh(self, cmd: str, timeout: float = 30) -> str:
        """Run a shell command and return its output (stdout and stderr), stripped."""
        try:
            return self.adb.shell(cmd, timeout=timeout)
        except (adbutils.AdbError, OSError, EOFError) as exc:
            raise self._fail(cmd, exc) from exc

    def sh_bytes(self, cmd: str, timeout: float = 30) -> bytes:
        try:
            return self.adb.shell(cmd, timeout=timeout, encoding=None)
        except (adbutils.AdbError, OSError, EOFError) as exc:
            raise self._fail(cmd, exc) from exc

    def sh_rc(self, cmd: str, timeout: float = 30) -> tuple[int, str]:
        """Run a shell command and return (exit code, output)."""
        try:
            ret = self.adb.shell2(cmd, timeout=timeout, v2=True)
        except (adbutils.AdbError, OSError, EOFError) as exc:
            raise self._fail(cmd, exc) from exc
        return ret.returncode, ret.output

    def push(self, local: str, remote: str) -> None:
        try:
            self.adb.sync.push(local, remote)
        except (adbutils.AdbError, OSError) as exc:
            raise self._fail(f"push {remote}", exc) from exc

    def pull_bytes(self, remote: str) -> bytes:
        try:
            return self.adb.sync.read_bytes(remote)
        except (adbutils.AdbError, OSError) as exc:
            raise self._fail(f"pull {remote}", exc) from exc

    def alive(self) -> bool:
        try:
            return self.serial in list_devices()
        except DeviceError:
            return False


class _Props(_Shell):
    _props: dict[str, str] | None = None

    def props(self, refresh: bool = False) -> dict[str, str]:
        if self._props is None or refresh:
            self._props = parsers.parse_getprop(self.sh("getprop"))
        return self._props

    def getprop(self, key: str) -> str:
        return self.sh(f"getprop {shlex.quote(key)}").strip()

    def info(self) -> DeviceInfo:
        p = self.props()
        if p.get("ro.consentry.sim") == "1":
            kind: Kind = "sim"
        elif p.get("ro.kernel.qemu") == "1" or p.get("ro.boot.qemu") == "1" or self.serial.startswith("emulator-"):
            kind = "emulator"
        else:
            kind = "device"
        sdk = p.get("ro.build.version.sdk", "0")
        return DeviceInfo(
            serial=self.serial,
            model=p.get("ro.product.model", "?"),
            manufacturer=p.get("ro.product.manufacturer", "?"),
            sdk=int(sdk) if sdk.isdigit() else 0,
            release=p.get("ro.build.version.release", "?"),
            abi=p.get("ro.product.cpu.abi", "?"),
            kind=kind,
        )


class _Settings(_Shell):
    def settings_get(self, namespace: str, key: str) -> str | None:
        value = self.sh(f"settings get {namespace} {shlex.quote(key)}").strip()
        return None if value in ("null", "") else value

    def settings_put(self, namespace: str, key: str, value: str) -> None:
        self.sh(f"settings put {namespace} {shlex.quote(key)} {shlex.quote(value)}")

    def settings_delete(self, namespace: str, key: str) -> None:
        self.sh(f"settings delete {namespace} {shlex.quote(key)}")


class _Apps(_Shell):
    def app_install(self, apk: str) -> None:
        """Install an APK from the host (push + `pm install -r -g`? no: -r only, permissions stay
        ungranted so that the app must ask for them as on a user's phone)."""
        remote = f"/data/local/tmp/consentry-{os.getpid()}.apk"
        self.push(apk, remote)
        rc, out = self.sh_rc(f"pm install -r {remote}", timeout=180)
        self.sh(f"rm -f {remote}")
        if rc != 0 or "Success" not in out:
            raise DeviceError(f"device {self.serial}: installing {apk} failed: {out.strip()[:300]}")

    def app_uninstall(self, package: str) -> None:
        self.sh(f"pm uninstall {shlex.quote(package)}")

    def app_list(self, third_party: bool = False) -> list[str]:
        return parsers.parse_pm_list(self.sh("pm list packages" + (" -3" if third_party else "")))

    def app_installed(self, package: str) -> bool:
        return bool(parsers.parse_pm_path(self.sh(f"pm path {shlex.quote(package)}")))

    def app_start(self, component: str, *, wait_debugger: bool = False) -> parsers.AmStartResult:
        """`am start -W [-D] -n PKG/ACT`. With `wait_debugger` the app process is created but waits
        (on Android for a debugger; on the sim until SIGCONT) so instrumentation goes in first."""
        flags = "-W -D" if wait_debugger else "-W"
        out = self.sh(f"am start {flags} -n {shlex.quote(component)}", timeout=60)
        return parsers.parse_am_start(out)

    def app_stop(self, package: str) -> None:
        self.sh(f"am force-stop {shlex.quote(package)}")

    def app_clear(self, package: str) -> None:
        self.sh(f"pm clear {shlex.quote(package)}")

    def app_pid(self, package: str) -> int | None:
        rc, out = self.sh_rc(f"pidof {shlex.quote(package)}")
        pids = parsers.parse_pidof(out) if rc == 0 else []
        return pids[0] if pids else None

    def process_signal(self, pid: int, signal: str) -> None:
        self.sh(f"kill -s {signal} {int(pid)}")


class _Permissions(_Shell):
    def permission_state(self, package: str) -> parsers.PackagePermissions:
        return parsers.parse_dumpsys_package(self.sh(f"dumpsys package {shlex.quote(package)}"))

    def permission_grant(self, package: str, permission: str) -> None:
        self.sh(f"pm grant {shlex.quote(package)} {shlex.quote(permission)}")

    def permission_revoke(self, package: str, permission: str) -> None:
        self.sh(f"pm revoke {shlex.quote(package)} {shlex.quote(permission)}")


class _Ui(_Shell):
    """Input, and the screen through the UI observer's adapter (`harness.ui.device.AdbUiDevice`,
    one implementation of dumps, screenshots and focus for Android 6-16)."""

    _ui_adapter: Any = None

    @property
    def ui(self) -> Any:
        if self._ui_adapter is None:
            from harness.ui.device import AdbUiDevice

            self._ui_adapter = AdbUiDevice(self.adb)
        return self._ui_adapter

    def ui_dump(self) -> str:
        """The current window hierarchy as uiautomator XML (or uiautomator's error text)."""
        return self.ui.dump_hierarchy()

    def ui_tap(self, x: int, y: int) -> None:
        self.sh(f"input tap {int(x)} {int(y)}")

    def ui_key(self, code: int | str) -> None:
        self.sh(f"input keyevent {code}")

    def ui_swipe(self, x1: int, y1: int, x2: int, y2: int, ms: int = 300) -> None:
        self.sh(f"input swipe {x1} {y1} {x2} {y2} {ms}")

    def ui_text(self, text: str) -> None:
        self.sh(f"input text {shlex.quote(text.replace(' ', '%s'))}")


class _Logcat(_Shell):
    def logcat_clear(self) -> None:
        self.sh("logcat -c")

    def logcat_dump(self) -> str:
        return self.sh("logcat -d -v threadtime", timeout=60)


class Device(_Props, _Settings, _Apps, _Permissions, _Ui, _Logcat):
    """One device on the adb server."""

    def __init__(self, serial: str):
        self.serial = serial
        self.adb = _client().device(serial)
        self._props = None

    def __repr__(self) -> str:
        return f"Device({self.serial!r})"
