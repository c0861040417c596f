"""The seam between the two halves of the sim device.

`device` side (adb transport, shell commands, sync, settings, packages, logcat) implements
`DeviceContext`; `apps` side (app models, app processes, screens, input, permission dialogs,
screenshots) implements `AppRuntime`. The shell commands that touch apps (am, monkey, pidof,
input, uiautomator, screencap, dumpsys activity/window, kill) call the runtime; the runtime reads
identity, settings and permissions from the context. Neither imports the other's internals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class SimIdentity:
    """What the sim device exposes, the way an Android device does (getprop, settings, files)."""

    model: str = "sdk_gphone64_x86_64"
    manufacturer: str = "Google"
    device: str = "emu64x"
    sdk: int = 34
    release: str = "14"
    abi: str = "x86_64"
    android_id: str = "9774d56d682e549c"
    imei: str = "358240051111110"
    meid: str = "A0000049876543"
    imsi: str = "310260000000000"
    iccid: str = "89014103211118510720"
    serial: str = "EMULATOR34X1X1X0"
    mac: str = "02:00:00:44:55:66"
    bluetooth_mac: str = "3C:5A:B4:01:02:03"
    phone_number: str = "+15555215554"
    email: str = "canary.user@example.com"
    ssid: str = "AndroidWifi"
    bssid: str = "00:13:10:85:fe:01"
    advertising_id: str = "38400000-8cf0-11bd-b23e-10b96e40000d"
    oaid: str = "a1b2c3d4e5f60718-2930a4b5c6d7e8f9"
    location: tuple[float, float] = (31.230416, 121.473701)


# The device's clock offset from the host's (int64 ns, little-endian), read by simclock.c.
CLOCK_FILE = "/data/system/consentry_clock_offset"


@dataclass
class SimFaults:
    """Fault switches for tests (set at start or through `setprop consentry.fault.*`)."""

    drop_after_s: float | None = None  # close every adb connection this long after start
    dump_delay_s: float = 0.0  # make `uiautomator dump` slow
    dump_fail: bool = False  # make `uiautomator dump` fail (ERROR: null root node returned ...)
    secure_window: bool = False  # dumps come back empty (FLAG_SECURE-like)
    crash_at_s: dict[str, float] = field(default_factory=dict)  # package -> seconds after launch
    # The device's wall clock minus the host's, in seconds; None: the fault is not armed (apps read
    # the host's clock directly). Armed, apps launched from then on see it through
    # native/simclock.c, and `setprop consentry.fault.clock_offset_s S` makes it jump mid-run.
    clock_offset_s: float | None = None


@dataclass(frozen=True)
class LaunchResult:
    pid: int
    activity: str  # fully qualified component "pkg/.Activity"
    total_ms: int
    cold: bool = True


class DeviceContext(Protocol):
    """Device state the app runtime may read or change."""

    identity: SimIdentity
    faults: SimFaults
    root: Path  # the sim's filesystem; device path "/x/y" is root / "x/y"

    def host_path(self, device_path: str) -> Path: ...
    def getprop(self, key: str) -> str: ...
    def settings_get(self, namespace: str, key: str) -> str | None: ...
    def settings_put(self, namespace: str, key: str, value: str) -> None: ...
    def installed_apk(self, package: str) -> Path | None: ...
    def permission_granted(self, package: str, permission: str) -> bool: ...
    def set_permission(self, package: str, permission: str, granted: bool) -> None: ...
    def logcat(self, tag: str, message: str, *, level: str = "I", pid: int = 0) -> None: ...


class AppRuntime(Protocol):
    """The apps side of the device, one per sim device."""

    def launch(self, package: str, activity: str | None = None, *, wait_debugger: bool = False) -> LaunchResult: ...
    def force_stop(self, package: str) -> None: ...
    def clear_data(self, package: str) -> None: ...
    def pid_of(self, package: str) -> int | None: ...
    def processes(self) -> list[tuple[int, str]]: ...  # (pid, process name) of live app processes
    def signal(self, pid: int, signum: int) -> bool: ...  # `kill -s SIG PID`; CONT releases a -D launch
    def foreground(self) -> tuple[str, str]: ...  # (package, activity); the launcher when no app
    def dump_hierarchy(self) -> str: ...  # uiautomator XML of the current screen
    def screenshot_png(self) -> bytes: ...
    def input_tap(self, x: int, y: int) -> None: ...
    def input_swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int) -> None: ...
    def input_text(self, text: str) -> None: ...
    def input_keyevent(self, code: int) -> None: ...  # 3 HOME, 4 BACK, 187 APP_SWITCH ...
    def shutdown(self) -> None: ...  # kill every app process (device stop)
