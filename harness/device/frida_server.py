"""frida-server on emulators and rooted phones: find it, check its version and architecture
against the host's `frida` package, push and start it.

consentry does not download frida-server (CI machines are often offline): the user provides the
binary matching the device ABI and the host frida version (`frida-server-<ver>-android-<arch>`,
from Frida's releases), and `consentry doctor --frida-server PATH` pushes and starts it."""

from __future__ import annotations

import lzma
import shlex
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness.device.core import Device
from harness.errors import DeviceError

REMOTE = "/data/local/tmp/frida-server"
ABI_ARCH = {"arm64-v8a": "arm64", "armeabi-v7a": "arm", "x86_64": "x86_64", "x86": "x86"}


@dataclass(frozen=True)
class FridaServerStatus:
    installed: bool
    running: bool
    version: str | None
    host_version: str
    arch: str

    @property
    def version_ok(self) -> bool:
        return self.version is not None and self.version.split(".")[0] == self.host_version.split(".")[0]


def host_frida_version() -> str:
    import frida

    return frida.__version__


def _su(device: Device, cmd: str) -> tuple[int, str]:
    """Run as root: directly when adbd is root (`adb root` on emulators), else through `su -c`."""
    rc, who = device.sh_rc("id -u")
    if rc == 0 and who.strip() == "0":
        return device.sh_rc(cmd)
    return device.sh_rc(f"su -c {shlex.quote(cmd)}")


def status(device: Device) -> FridaServerStatus:
    arch = ABI_ARCH.get(device.info().abi, device.info().abi)
    rc, _ = device.sh_rc(f"ls {REMOTE}")
    installed = rc == 0
    running = bool(device.sh_rc("pidof frida-server")[1].strip())
    version = None
    if installed:
        rc, out = _su(device, f"{REMOTE} --version")
        version = out.strip() if rc == 0 and out.strip()[:1].isdigit() else None
    return FridaServerStatus(installed, running, version, host_frida_version(), arch)


def push(device: Device, binary: Path) -> None:
    """Push a frida-server binary (plain or .xz as released) to the device."""
    binary = Path(binary)
    data = binary.read_bytes()
    if binary.suffix == ".xz":
        data = lzma.decompress(data)
    if not data.startswith(b"\x7fELF"):
        raise DeviceError(f"{binary} is not an ELF frida-server binary")
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        tmp.write(data)
    device.push(tmp.name, REMOTE)
    Path(tmp.name).unlink(missing_ok=True)
    device.sh(f"chmod 755 {REMOTE}")


def start(device: Device, timeout_s: float = 10) -> None:
    if device.sh_rc("pidof frida-server")[1].strip():
        return
    _su(device, f"setsid {REMOTE} -D >/dev/null 2>&1 < /dev/null &")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if device.sh_rc("pidof frida-server")[1].strip():
            return
        time.sleep(0.3)
    raise DeviceError(f"frida-server did not start on {device.serial} (is the device rooted? `adb root` on emulators)")
