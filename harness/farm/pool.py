"""A worker's devices: one run per device at a time, and a device that fails twice in a row leaves.

One pool per worker process. `consentry farm worker` fills it from adb discovery after `doctor`;
a plain `dask worker` gets it from `CONSENTRY_DEVICES` (comma-separated serials) or, failing that,
every device the adb server lists. The Dask resource `emulator` says how many runs the scheduler
may send at once; when a device is dropped the worker lowers it, so no task waits for a device
that will not come back."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

FAILURES_TO_DROP = 2


@dataclass
class DevicePool:
    serials: list[str]
    busy: set[str] = field(default_factory=set)
    failures: dict[str, int] = field(default_factory=dict)  # consecutive infrastructure failures
    dropped: dict[str, str] = field(default_factory=dict)  # serial -> why it left the pool
    running: dict[str, Callable[[str], None]] = field(default_factory=dict)  # attempt id -> marks it abandoned
    closing: str | None = None  # why the worker is stopping (its runs are then infrastructure failures)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self, avoid: set[str] | frozenset[str] = frozenset()) -> str | None:
        """A free device, preferring those not in `avoid` (where this job already failed)."""
        with self.lock:
            free = [s for s in self.serials if s not in self.busy]
            if not free:
                return None
            chosen = next((s for s in free if s not in avoid), free[0])
            self.busy.add(chosen)
            return chosen

    def release(self, serial: str, *, failed: str | None = None) -> bool:
        """Give the device back; `failed` is the infrastructure failure it just had. True when this
        was its second failure in a row and it has left the pool."""
        with self.lock:
            self.busy.discard(serial)
            if failed is None:
                self.failures[serial] = 0
                return False
            self.failures[serial] = self.failures.get(serial, 0) + 1
            if self.failures[serial] < FAILURES_TO_DROP or serial not in self.serials:
                return False
            self.serials.remove(serial)
            self.dropped[serial] = f"failed {self.failures[serial]} times in a row; last: {failed}"
            return True

    def drop(self, serial: str, reason: str) -> None:
        with self.lock:
            if serial in self.serials:
                self.serials.remove(serial)
            self.dropped[serial] = reason

    def stop(self, why: str) -> None:
        """The worker is going away: every run in progress is an infrastructure failure, recorded now
        because its thread will not get to say so."""
        self.closing = why
        for abandon in list(self.running.values()):
            abandon(why)

    def size(self) -> int:
        with self.lock:
            return len(self.serials)


_POOL: DevicePool | None = None
_POOL_LOCK = threading.Lock()


def set_device_pool(serials: list[str]) -> int:
    """Give this worker process its devices (also callable as `client.run(set_device_pool, [...])`)."""
    global _POOL
    with _POOL_LOCK:
        _POOL = DevicePool(list(serials))
    return len(serials)


def device_pool() -> DevicePool:
    """This process's pool, made from `CONSENTRY_DEVICES` or adb on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            env = os.environ.get("CONSENTRY_DEVICES", "")
            if env:
                serials = [s.strip() for s in env.split(",") if s.strip()]
            else:
                from harness.device import list_devices

                serials = list_devices()
            _POOL = DevicePool(serials)
        return _POOL
