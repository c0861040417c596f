"""`consentry demo`: the whole pipeline on this machine, no emulator needed.

Starts sim devices with the sample apps, connects them to the real adb server, runs the demo
suite (every built-in scenario on every sample app, waits scaled down), writes the report, and
stops the devices again."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from harness.run.orchestrate import console, run_suite_file


def _ensure_adb_server() -> None:
    adb = shutil.which("adb")
    if adb is None:
        from harness.errors import DeviceError

        raise DeviceError("adb is not installed: `apt-get install -y adb` (or `make setup`)")
    subprocess.run([adb, "start-server"], check=False, capture_output=True, timeout=30)


def run_demo(out: Path, n_devices: int = 6, fail_on: str | None = None) -> int:
    from harness.run.apps import sample_apks
    from harness.sim.server import SimDevice

    _ensure_adb_server()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state_root = Path(tempfile.mkdtemp(prefix="consentry-demo-sims-"))
    sims: list[tuple[SimDevice, str]] = []  # (device, its serial)
    try:
        apps = sample_apks()
        for i in range(n_devices):
            sim = SimDevice(state_root / f"sim{i}", apps=apps)
            serial = sim.start()
            sims.append((sim, serial))
            subprocess.run(["adb", "connect", serial], check=False, capture_output=True, timeout=30)
            console.print(f"sim device {serial} started with {len(apps)} sample apps")
        serials = ",".join(serial for _, serial in sims)
        code = run_suite_file("demo", serials, out, fail_on=fail_on)
    finally:
        for sim, serial in sims:
            subprocess.run(["adb", "disconnect", serial], check=False, capture_output=True, timeout=30)
            sim.stop()
        shutil.rmtree(state_root, ignore_errors=True)
    console.print(f"demo written to {out.resolve()}: runs in {out / 'runs'}, report {out / 'report' / 'report.html'}")
    return code
