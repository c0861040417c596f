"""What the observer needs from a device (`UiDevice`), and its implementation over adbutils.

The Protocol is small on purpose: the runner passes a real `adbutils.AdbDevice` (emulator, phone or
the sim device over the real adb server) wrapped in `AdbUiDevice`; tests may pass anything with
these five methods."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

from harness.device import parsers
from harness.errors import DeviceError

DUMP_PATH = "/sdcard/window_dump.xml"


@runtime_checkable
class UiDevice(Protocol):
    def dump_hierarchy(self) -> str: ...
    def screenshot_png(self) -> bytes: ...
    def tap(self, x: int, y: int) -> None: ...
    def foreground(self) -> tuple[str, str]: ...
    def keyevent(self, code: int) -> None: ...


def _full_activity(package: str, activity: str) -> str:
    return package + activity if activity.startswith(".") else activity


def parse_focus(text: str) -> tuple[str, str] | None:
    """(package, fully qualified activity) of the focused window from `dumpsys window` (Android 7-16
    layouts); the parsing itself is the device layer's (`harness.device.parsers.parse_focus`)."""
    found = parsers.parse_focus(text)
    if found is None:
        return None
    return found.package, _full_activity(found.package, found.activity)


def parse_grants(text: str) -> dict[str, bool]:
    """Permission grants of user 0 from `dumpsys package PKG` (install and runtime sections)."""
    perms = parsers.parse_dumpsys_package(text)
    return {**perms.install, **perms.runtime}


class AdbUiDevice:
    """`UiDevice` over an `adbutils.AdbDevice`. Each method is one shell round trip (plus a fallback
    when the first form is not supported). Errors from adb become `DeviceError` naming the serial."""

    def __init__(self, device: Any, *, timeout: float = 20.0):
        self.device = device
        self.timeout = timeout
        self.serial = getattr(device, "serial", "?")
        self._tty_ok: bool | None = None

    def _shell(self, cmd: str, *, binary: bool = False) -> Any:
        try:
            if binary:
                return self.device.shell(cmd, encoding=None, timeout=self.timeout)
            return self.device.shell(cmd, timeout=self.timeout)
        except Exception as exc:  # adbutils raises AdbError / AdbTimeout / OSError
            raise DeviceError(f"{self.serial}: `{cmd}` failed: {exc}") from exc

    def dump_hierarchy(self) -> str:
        """The current hierarchy as XML text (what `uiautomator dump` wrote). Errors printed by
        uiautomator (e.g. `ERROR: null root node returned`) come back as text: the classifier turns
        them into `unknown` with that reason."""
        out = self._shell(f"uiautomator dump {DUMP_PATH} >/dev/null 2>&1 && cat {DUMP_PATH}")
        if "<hierarchy" in out:
            return out
        tty = self._shell("uiautomator dump /dev/tty")
        if "<hierarchy" in tty:
            return tty
        return (out or tty or "uiautomator dump produced no output").strip()

    def screenshot_png(self) -> bytes:
        data = self._shell("screencap -p", binary=True)
        if not isinstance(data, bytes | bytearray) or not bytes(data).startswith(b"\x89PNG"):
            # Android 6 and older turn LF into CRLF on the shell channel.
            fixed = bytes(data or b"").replace(b"\r\n", b"\n")
            if not fixed.startswith(b"\x89PNG"):
                raise DeviceError(f"{self.serial}: screencap did not return a PNG")
            return fixed
        return bytes(data)

    def tap(self, x: int, y: int) -> None:
        self._shell(f"input tap {int(x)} {int(y)}")

    def keyevent(self, code: int) -> None:
        self._shell(f"input keyevent {int(code)}")

    def foreground(self) -> tuple[str, str]:
        text = self._shell("dumpsys window displays")
        found = parse_focus(text)
        if found is None:
            found = parse_focus(self._shell("dumpsys window windows"))
        if found is None:
            found = parse_focus(self._shell("dumpsys activity activities"))
        return found or ("", "")

    def granted_permissions(self, package: str) -> dict[str, bool]:
        """Optional capability used by the observer to tell grant from denial when a prompt was
        answered by someone else."""
        if not re.fullmatch(r"[A-Za-z0-9_.]+", package or ""):
            return {}
        return parse_grants(self._shell(f"dumpsys package {package}"))
