"""A small fake DeviceContext (the device half's seam) over a tmp_path file tree, and helpers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from harness.sim.interfaces import SimFaults, SimIdentity


class FakeContext:
    def __init__(self, root: Path):
        self.identity = SimIdentity()
        self.faults = SimFaults()
        self.root = root
        self.settings: dict[tuple[str, str], str] = {}
        self.perms: dict[tuple[str, str], bool] = {}
        self.apks: dict[str, Path] = {}
        self.log: list[tuple[str, str, str, int]] = []
        self._lock = threading.Lock()
        mac = self.host_path("/sys/class/net/wlan0/address")
        mac.parent.mkdir(parents=True, exist_ok=True)
        mac.write_text(self.identity.mac + "\n")

    def host_path(self, device_path: str) -> Path:
        return self.root / device_path.lstrip("/")

    def getprop(self, key: str) -> str:
        return {"ro.serialno": self.identity.serial, "ro.product.model": self.identity.model}.get(key, "")

    def settings_get(self, namespace: str, key: str) -> str | None:
        return self.settings.get((namespace, key))

    def settings_put(self, namespace: str, key: str, value: str) -> None:
        self.settings[(namespace, key)] = value

    def installed_apk(self, package: str) -> Path | None:
        return self.apks.get(package)

    def permission_granted(self, package: str, permission: str) -> bool:
        return self.perms.get((package, permission), False)

    def set_permission(self, package: str, permission: str, granted: bool) -> None:
        self.perms[(package, permission)] = granted

    def logcat(self, tag: str, message: str, *, level: str = "I", pid: int = 0) -> None:
        with self._lock:
            self.log.append((tag, message, level, pid))

    def lines(self, tag: str | None = None) -> list[str]:
        with self._lock:
            return [m for t, m, _l, _p in self.log if tag is None or t == tag]


def wait_for(pred, timeout: float = 10.0, what: str = "condition"):
    """Poll until pred() is truthy (returns it); fails the test after `timeout` (a bound, not a timing assertion)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def ctx(tmp_path: Path) -> FakeContext:
    return FakeContext(tmp_path / "device")
