"""Shared fixtures: the real adb server and sim devices connected to it.

    def test_x(sim_device):            # one sim device with the sample apps, connected to adb
        d = sim_device.adb()           # adbutils.AdbDevice
        d.shell("getprop ro.product.model")

    def test_y(make_sim_device):       # several, or with faults / identity
        a = make_sim_device(faults=SimFaults(dump_fail=True))
        b = make_sim_device(apps=[])

Every device started here is disconnected and stopped at teardown (app processes included)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The demo suite's tests first. Under several workers (`make test TEST_WORKERS=N`, one file per
    unit) their file is then the first unit handed out, and it is the longest (the suite's 110 runs,
    then the tests that read them); collected in file order it started last, and the other workers
    sat idle for its whole length at the end. The order within the group, and of every other test,
    stays as collected. (The `xdist_group("demo")` mark names the group; xdist's own loadgroup does
    not group with pytest 9, see the Makefile.)"""
    def demo_first(item: pytest.Item) -> int:
        mark = item.get_closest_marker("xdist_group")
        return 0 if mark is not None and mark.args[:1] == ("demo",) else 1

    items.sort(key=demo_first)


ADB = shutil.which("adb", path="/usr/bin") or shutil.which("adb") or "adb"
ADB_PORT = 5037


def adb_cli(*args: str, timeout: float = 30, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run Debian's `adb` against the default server (port 5037)."""
    return subprocess.run([ADB, "-P", str(ADB_PORT), *args], capture_output=True, text=True,
                          timeout=timeout, check=check)


def _sample_apps() -> list[Path]:
    try:
        from harness.sim.samples import sample_app_paths
    except ImportError:
        return []
    found = sample_app_paths()  # {name: path} (or a list of paths)
    return list(found.values()) if isinstance(found, dict) else list(found)


@dataclass
class SimHandle:
    """A started, adb-connected sim device."""

    serial: str
    state_dir: Path
    device: Any  # harness.sim.server.SimDevice

    def adb(self) -> Any:
        import adbutils

        return adbutils.AdbClient(host="127.0.0.1", port=ADB_PORT).device(self.serial)

    def adb_cli(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return adb_cli("-s", self.serial, *args, timeout=timeout)


@pytest.fixture(scope="session")
def adb_server() -> Any:
    """Debian's adb server on the default port, started if needed; yields an adbutils AdbClient."""
    if shutil.which(ADB) is None and not Path(ADB).exists():
        pytest.skip("adb is not installed (make setup installs it)")
    adb_cli("start-server", check=True)
    import adbutils

    return adbutils.AdbClient(host="127.0.0.1", port=ADB_PORT)


def connect_sim(serial: str, attempts: int = 50) -> None:
    """`adb connect` and wait until the server lists the device as `device`."""
    import time

    for _ in range(attempts):
        out = adb_cli("connect", serial).stdout
        if "connected to" in out:
            state = adb_cli("-s", serial, "get-state").stdout.strip()
            if state == "device":
                return
        time.sleep(0.1)
    raise RuntimeError(f"adb could not connect to the sim device {serial}: {out!r}")


@pytest.fixture
def make_sim_device(adb_server: Any, tmp_path: Path) -> Iterator[Callable[..., SimHandle]]:
    """Factory: `make_sim_device(apps=None, connect=True, **SimDevice kwargs) -> SimHandle`.
    `apps=None` installs the sample apps when they exist."""
    from harness.sim.server import SimDevice

    started: list[SimHandle] = []

    def make(apps: Any = None, connect: bool = True, **kwargs: Any) -> SimHandle:
        state = tmp_path / f"sim{len(started)}"
        dev = SimDevice(state, apps=_sample_apps() if apps is None else apps, **kwargs)
        serial = dev.start()
        handle = SimHandle(serial, state, dev)
        started.append(handle)
        if connect:
            connect_sim(serial)
        return handle

    yield make
    for h in reversed(started):
        adb_cli("disconnect", h.serial)
        h.device.stop()


@pytest.fixture
def sim_device(make_sim_device: Callable[..., SimHandle]) -> SimHandle:
    """One sim device with the sample apps (when available), connected to the adb server."""
    return make_sim_device()
