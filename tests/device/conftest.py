"""Fixtures for the device path: a sim device on the emulator-34 profile (unrooted adbd until
`adb root`, boot delay, Conscrypt APEX namespaces, frida-server to push and start) and a stand-in
frida-server binary of the host's Frida version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def emulator(make_sim_device: Any) -> Any:
    """An emulator-profile sim with the sample apps, connected to the real adb server."""
    return make_sim_device(profile="emulator-34")


@pytest.fixture
def standin(tmp_path: Path) -> Path:
    import frida

    from harness.sim.frida_standin import write_standin

    return write_standin(tmp_path / f"frida-server-{frida.__version__}-android-x86_64", frida.__version__)
