"""The sim device's state (`DeviceContext`): properties, settings, packages, runtime permissions,
the file tree and the logcat buffer, one per state directory.

Thread-safe (shell commands run on worker threads). Mutable state is saved to
`<state>/device.json` on every change so that a device restarted on the same directory keeps its
installed apps, settings and permissions."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.sim import props as P
from harness.sim.interfaces import CLOCK_FILE, SimFaults, SimIdentity
from harness.sim.mounts import MountTable
from harness.sim.profile import PROFILES, Profile

try:  # the shared vocabulary; the sim keeps working on its own without it
    from analysis.permissions import PERMISSION_GROUPS as _RUNTIME
except ImportError:  # pragma: no cover
    _RUNTIME = {}

RUNTIME_PERMISSIONS = frozenset(_RUNTIME) | {"android.permission.ACCESS_MEDIA_LOCATION"}
LOGCAT_MAX = 20_000


def is_runtime_permission(name: str) -> bool:
    return name in RUNTIME_PERMISSIONS


@dataclass
class Package:
    """An installed sim app as the package manager knows it."""

    package: str
    apk: str  # device path of base.apk
    label: str = ""
    version_name: str = ""
    version_code: int = 0
    permissions: list[str] = field(default_factory=list)  # requested (declared by the model)
    launcher_activity: str | None = None
    activities: list[str] = field(default_factory=list)
    uid: int = 10000
    installed_at: float = 0.0
    granted: list[str] = field(default_factory=list)  # runtime permissions granted
    stopped: bool = True


@dataclass
class LogEntry:
    t: float
    pid: int
    tid: int
    level: str
    tag: str
    message: str
    buffer: str = "main"


class DeviceState:
    """Implements `interfaces.DeviceContext`."""

    def __init__(self, state_dir: Path, identity: SimIdentity | None = None, faults: SimFaults | None = None,
                 profile: Profile | None = None):
        self.state_dir = Path(state_dir)
        self.root = self.state_dir / "fs"
        self.identity = identity or SimIdentity()
        self.faults = faults or SimFaults()
        self.profile = profile or PROFILES["sim"]
        self.adbd_root = self.profile.adbd_root_at_start  # `adb root` flips it (and restarts adbd)
        self.frida: Any = None  # the running frida-server stand-in (emulator profile), if any
        self.reverses: dict[str, str] = {}  # `adb reverse` mappings (device tcp:X -> host tcp:Y)
        self.serial_hint = "host"  # the serial `reverse --list` shows (set once serving)
        self.mounts = MountTable(self.state_dir / "tmpfs")  # per-namespace mounts (see mounts.py)
        self.boot_time = time.time()
        self._lock = threading.RLock()
        self._log: deque[LogEntry] = deque(maxlen=LOGCAT_MAX)
        self._log_seq = 0
        self.log_cond = threading.Condition(self._lock)
        self._file = self.state_dir / "device.json"
        self.props: dict[str, str] = P.default_props(self.identity, self.profile)
        self.settings: dict[str, dict[str, str]] = P.default_settings(self.identity)
        self.packages: dict[str, Package] = {}
        self.content: dict[str, list[dict[str, str]]] = {}
        self.app_loader: Callable[[Path], Any] | None = None  # validates sim apps (set by SimDevice)
        self._load()
        self._populate_fs()
        if self.faults.clock_offset_s is not None:
            self.set_clock_offset(self.faults.clock_offset_s)

    # -- persistence -------------------------------------------------------------------------
    def _load(self) -> None:
        if not self._file.is_file():
            return
        try:
            data = json.loads(self._file.read_text())
        except (OSError, ValueError):
            return
        self.props.update({k: str(v) for k, v in data.get("props", {}).items()})
        for ns, values in data.get("settings", {}).items():
            self.settings.setdefault(ns, {}).update(values)
        for name, rec in data.get("packages", {}).items():
            self.packages[name] = Package(**rec)
        self.content = data.get("content", {})

    def save(self) -> None:
        with self._lock:
            data = {
                "props": self.props,
                "settings": self.settings,
                "packages": {k: asdict(v) for k, v in self.packages.items()},
                "content": self.content,
            }
            tmp = self._file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
            os.replace(tmp, self._file)

    def _populate_fs(self) -> None:
        i = self.identity
        files = {
            "sys/class/net/wlan0/address": i.mac.lower() + "\n",
            "sys/class/bluetooth/hci0/address": i.bluetooth_mac + "\n",
            "proc/net/arp": P.proc_net_arp(i),
            "proc/net/tcp": P.proc_net_tcp(),
            "proc/version": "Linux version 6.1.23-android14-4-00257-g7e35917775b8-ab9964412 (build-user@build-host)\n",
            "system/build.prop": P.build_prop_text(self.props),
            "system/bin/sh": "",
            # Google Play services keeps the advertising ID here (readable with root).
            "data/data/com.google.android.gms/shared_prefs/adid_settings.xml":
                "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
                f"    <string name=\"adid_key\">{i.advertising_id}</string>\n"
                "    <int name=\"adid_reset_count\" value=\"0\" />\n</map>\n",
        }
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text(text)
        for rel in ("sdcard/Download", "data/local/tmp", "data/app", "data/data",
                    "system/etc/security/cacerts", "data/misc/user/0/cacerts-added", "dev",
                    "apex/com.android.conscrypt/cacerts"):
            (self.root / rel).mkdir(parents=True, exist_ok=True)

    # -- DeviceContext -----------------------------------------------------------------------
    def host_path(self, device_path: str) -> Path:
        """Map a device path into the state directory; `..` cannot leave the sim's root."""
        parts: list[str] = []
        for part in device_path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        mounted = self.mounts.resolve("/" + "/".join(parts)) if parts else None
        if mounted is not None:
            mount, rest = mounted
            return mount.host_dir / rest if rest else mount.host_dir
        if parts[:1] == ["storage"] and parts[1:2] == ["emulated"] and parts[2:3] == ["0"]:
            parts = ["sdcard", *parts[3:]]
        if parts[:1] == ["data"] and parts[1:2] == ["user"] and parts[2:3] == ["0"]:
            parts = ["data", "data", *parts[3:]]
        return self.root.joinpath(*parts) if parts else self.root

    def getprop(self, key: str) -> str:
        with self._lock:
            return self.all_props().get(key, "")

    def all_props(self) -> dict[str, str]:
        """Properties as `getprop` shows them now: boot flags appear only once the profile's boot
        delay has passed, `service.adb.root` follows adbd."""
        with self._lock:
            props = dict(self.props)
        if self.uptime() < self.profile.boot_delay_s:
            props.pop("sys.boot_completed", None)
            props.pop("dev.bootcomplete", None)
            props["init.svc.bootanim"] = "running"
        elif self.profile.emulator:
            props["init.svc.bootanim"] = "stopped"
        if self.profile.emulator:
            props["service.adb.root"] = "1" if self.adbd_root else "0"
        return props

    def setprop(self, key: str, value: str) -> None:
        with self._lock:
            self.props[key] = value
            self._apply_fault_prop(key, value)
            self.save()

    def settings_get(self, namespace: str, key: str) -> str | None:
        with self._lock:
            return self.settings.get(namespace, {}).get(key)

    def settings_put(self, namespace: str, key: str, value: str) -> None:
        with self._lock:
            self.settings.setdefault(namespace, {})[key] = value
            self.save()

    def settings_delete(self, namespace: str, key: str) -> bool:
        with self._lock:
            found = self.settings.get(namespace, {}).pop(key, None) is not None
            self.save()
            return found

    def installed_apk(self, package: str) -> Path | None:
        with self._lock:
            rec = self.packages.get(package)
        return self.host_path(rec.apk) if rec else None

    def permission_granted(self, package: str, permission: str) -> bool:
        with self._lock:
            rec = self.packages.get(package)
            if rec is None or permission not in rec.permissions:
                return False
            return not is_runtime_permission(permission) or permission in rec.granted

    def set_permission(self, package: str, permission: str, granted: bool) -> None:
        with self._lock:
            rec = self.packages.get(package)
            if rec is None:
                raise KeyError(package)
            if granted and permission not in rec.granted:
                rec.granted.append(permission)
            elif not granted and permission in rec.granted:
                rec.granted.remove(permission)
            self.save()

    def logcat(self, tag: str, message: str, *, level: str = "I", pid: int = 0, buffer: str = "main") -> None:
        with self.log_cond:
            for line in message.splitlines() or [""]:
                self._log.append(LogEntry(time.time(), pid, pid, level, tag, line, buffer))
                self._log_seq += 1
            self.log_cond.notify_all()

    # -- logcat buffer -----------------------------------------------------------------------
    def log_snapshot(self) -> tuple[int, list[LogEntry]]:
        """(sequence number after the last entry, entries) for readers that then follow."""
        with self._lock:
            return self._log_seq, list(self._log)

    def log_since(self, seq: int, timeout: float) -> tuple[int, list[LogEntry]]:
        """Entries appended after `seq`, waiting up to `timeout` for at least one."""
        with self.log_cond:
            if self._log_seq == seq:
                self.log_cond.wait(timeout)
            new = self._log_seq - seq
            if new <= 0:
                return self._log_seq, []
            entries = list(self._log)[-min(new, len(self._log)):]
            return self._log_seq, entries

    def log_clear(self) -> None:
        with self._lock:
            self._log.clear()

    # -- faults -----------------------------------------------------------------------------
    def _apply_fault_prop(self, key: str, value: str) -> None:
        """`setprop consentry.fault.<name> <value>` changes a fault switch at run time."""
        prefix = "consentry.fault."
        if not key.startswith(prefix):
            return
        name = key[len(prefix):]
        f = self.faults
        try:
            if name == "drop_after_s":
                f.drop_after_s = float(value) if value not in ("", "0", "none") else None
            elif name == "dump_delay_s":
                f.dump_delay_s = float(value or 0)
            elif name == "dump_fail":
                f.dump_fail = value in ("1", "true")
            elif name == "secure_window":
                f.secure_window = value in ("1", "true")
            elif name == "clock_offset_s":
                self.set_clock_offset(float(value or 0))
            elif name.startswith("crash_at_s."):
                pkg = name[len("crash_at_s."):]
                if value in ("", "none"):
                    f.crash_at_s.pop(pkg, None)
                else:
                    f.crash_at_s[pkg] = float(value)
        except ValueError:
            pass

    def set_clock_offset(self, seconds: float) -> None:
        """The device's wall clock jumps to host time + `seconds` (the clock-jump fault). Written
        in place, 8 bytes, so app processes that map the file (simclock.c) see it at once."""
        self.faults.clock_offset_s = seconds
        path = self.host_path(CLOCK_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = int(seconds * 1e9).to_bytes(8, "little", signed=True)
        if path.exists() and path.stat().st_size == 8:
            with open(path, "r+b") as fh:
                fh.write(data)
        else:
            path.write_bytes(data)

    def clock_offset_ns(self) -> int:
        """What the device's `date` adds to the host clock (0 unless the fault is armed)."""
        return int((self.faults.clock_offset_s or 0) * 1e9)

    def uptime(self) -> float:
        return time.time() - self.boot_time
