"""frida-server on emulators and rooted phones: find or push it, check that its version equals the
host's `frida` package exactly and that its architecture fits `ro.product.cpu.abi`, start it as
root with the command the build understands, wait until it answers, stop it at the end if the
harness started it.

consentry does not download frida-server (CI machines are often offline): the user gives the
binary (`frida-server-<ver>-android-<arch>[.xz]`, from Frida's releases) with `--frida-server PATH`.
Every failure is a `DeviceError` naming the device and what to do (exit 3 at the CLI)."""

from __future__ import annotations

import lzma
import re
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import adbutils

from harness.device.core import Device
from harness.device.root import RootAccess, ensure_root
from harness.errors import DeviceError, InputError

REMOTE = "/data/local/tmp/frida-server"
PORT = 27042
ABI_ARCH = {"arm64-v8a": "arm64", "armeabi-v7a": "arm", "armeabi": "arm", "x86_64": "x86_64", "x86": "x86"}
ELF_MACHINE = {0x3E: "x86_64", 0xB7: "arm64", 0x28: "arm", 0x03: "x86"}
_RELEASE_NAME = re.compile(r"frida-server-(\d+\.\d+\.\d+)-android-(arm64|arm|x86_64|x86)")


@dataclass(frozen=True)
class FridaServerStatus:
    installed: bool
    pid: int | None
    version: str | None
    host_version: str
    arch: str

    @property
    def running(self) -> bool:
        return self.pid is not None

    @property
    def version_ok(self) -> bool:
        """Frida's host and server speak one protocol version: they must be the same release."""
        return self.version == self.host_version


def host_frida_version() -> str:
    import frida

    return frida.__version__


def device_arch(device: Device) -> str:
    abi = device.info().abi
    return ABI_ARCH.get(abi, abi)


def server_pid(device: Device) -> int | None:
    rc, out = device.sh_rc("pidof frida-server")
    pids = [int(p) for p in out.split() if p.isdigit()] if rc == 0 else []
    return pids[0] if pids else None


def status(device: Device, access: RootAccess | None = None) -> FridaServerStatus:
    installed = device.sh_rc(f"ls {REMOTE}")[0] == 0
    version = None
    if installed:
        cmd = f"{REMOTE} --version"
        rc, out = device.sh_rc(access.wrap(cmd) if access and access.method else cmd)
        line = out.strip().splitlines()[-1].strip() if out.strip() else ""
        version = line if rc == 0 and re.fullmatch(r"\d+\.\d+\.\d+", line) else None
    return FridaServerStatus(installed, server_pid(device), version, host_frida_version(), device_arch(device))


def read_binary(binary: Path) -> bytes:
    """The frida-server ELF from `binary` (plain, or .xz as Frida releases it)."""
    binary = Path(binary)
    try:
        data = binary.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror})", source=str(binary)) from None
    if binary.suffix == ".xz" or data.startswith(b"\xfd7zXZ\x00"):
        try:
            data = lzma.decompress(data)
        except lzma.LZMAError as exc:
            raise InputError(f"not a valid .xz file ({exc})", source=str(binary)) from None
    if not data.startswith(b"\x7fELF") or len(data) < 20:
        raise InputError("not an ELF frida-server binary", source=str(binary))
    return data


def elf_arch(data: bytes) -> str | None:
    return ELF_MACHINE.get(struct.unpack_from("<H", data, 18)[0])


def check_binary(binary: Path, data: bytes, arch: str, host_version: str) -> None:
    """Refuse a binary whose architecture or (release-named) version cannot work, before pushing."""
    found = elf_arch(data)
    if found is not None and found != arch:
        raise DeviceError(f"{binary} is a {found} binary but the device's ABI needs {arch}: "
                          f"use frida-server-{host_version}-android-{arch}.xz")
    m = _RELEASE_NAME.search(Path(binary).name)
    if m and m.group(1) != host_version:
        raise DeviceError(f"{binary} is frida-server {m.group(1)} but the host's frida is {host_version}: "
                          f"use frida-server-{host_version}-android-{arch}.xz (or pip install frida=={m.group(1)})")


def push(device: Device, binary: Path) -> None:
    """Push frida-server (checked for its architecture) to REMOTE and make it executable."""
    data = read_binary(binary)
    check_binary(binary, data, device_arch(device), host_frida_version())
    with tempfile.NamedTemporaryFile(delete=False, suffix="-frida-server") as tmp:
        tmp.write(data)
    try:
        device.push(tmp.name, REMOTE)
    finally:
        Path(tmp.name).unlink(missing_ok=True)
    device.sh(f"chmod 755 {REMOTE}")


def answers(device: Device, timeout_s: float = 3) -> bool:
    """frida-server accepts connections on the device's tcp:27042 and speaks HTTP (its WebSocket
    endpoint), reached through adb as `adb forward` would."""
    try:
        sock = device.adb.create_connection(adbutils.Network.TCP, PORT)
    except (adbutils.AdbError, OSError, ValueError):
        return False
    try:
        sock.settimeout(timeout_s)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return sock.recv(64).startswith(b"HTTP/1.")
    except OSError:
        return False
    finally:
        sock.close()


def start(device: Device, access: RootAccess, timeout_s: float = 15) -> int:
    """Start frida-server as root (daemonized) and wait until it answers; returns its pid."""
    rc, out = device.sh_rc(access.wrap(f"{REMOTE} -D"), timeout=30)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pid = server_pid(device)
        if pid is not None and answers(device):
            return pid
        time.sleep(0.2)
    detail = out.strip().splitlines()[-1] if out.strip() else f"exit {rc}"
    stop(device, access)
    raise DeviceError(f"frida-server did not answer on {device.serial} within {timeout_s:.0f} s ({detail}); "
                      "check `adb logcat -s frida-server` and that SELinux allows it (`getenforce`)")


def stop(device: Device, access: RootAccess) -> None:
    pid = server_pid(device)
    if pid is not None and access.method is not None:
        device.sh_rc(access.wrap(f"kill {pid}"))


@dataclass
class Lease:
    """frida-server ready on a device; `release()` stops it only if this lease started it."""

    device: Device
    access: RootAccess
    pid: int
    started: bool
    version: str

    def release(self) -> None:
        if self.started:
            stop(self.device, self.access)
            self.started = False


def ensure(device: Device, binary: Path | None = None, *, allow_adb_root: bool = True) -> Lease:
    """Root, a frida-server of the host's exact version on the device, running and answering."""
    access = ensure_root(device, allow_adb_root=allow_adb_root)
    if access.method is None:
        raise DeviceError(f"frida-server needs root on {device.serial}: {access.detail}")
    st = status(device, access)
    if binary is not None and (not st.installed or not st.version_ok):
        if st.running:
            stop(device, access)
        push(device, binary)
        st = status(device, access)
    if not st.installed:
        raise DeviceError(f"no frida-server on {device.serial}: give --frida-server "
                          f"frida-server-{st.host_version}-android-{st.arch}.xz")
    if not st.version_ok:
        raise DeviceError(f"frida-server on {device.serial} is {st.version or 'unknown'} but the host's frida is "
                          f"{st.host_version}: give --frida-server frida-server-{st.host_version}-android-{st.arch}.xz")
    if st.running and answers(device):
        frida_probe(device)
        return Lease(device, access, st.pid or 0, False, st.version or "")
    if st.running:  # a stale one that does not answer
        stop(device, access)
    pid = start(device, access)
    lease = Lease(device, access, pid, True, st.version or "")
    try:
        frida_probe(device)
    except DeviceError:
        lease.release()  # nothing left running on a failure
        raise
    return lease


def frida_probe(device: Device, timeout_s: float = 10) -> None:
    """Frida itself reaches the server (for a real device: through its own adb client, by serial):
    the protocol answers, not only the port. Raises DeviceError with what Frida said."""
    if frida_device_spec(device) == "local":
        return
    import frida

    try:
        frida.get_device(device.serial, timeout=int(timeout_s)).enumerate_processes()
    except (frida.InvalidArgumentError, frida.TimedOutError, frida.ServerNotRunningError,
            frida.TransportError, frida.NotSupportedError, frida.ProtocolError) as exc:
        raise DeviceError(f"Frida cannot talk to frida-server on {device.serial} ({type(exc).__name__}: {exc}); "
                          "a server of another Frida version, or one not running as root?") from exc


def frida_device_spec(device: Device) -> str:
    """What the instrument attaches through: the sim's emulator profile runs its apps as host
    processes (the host's local Frida device, once its frida-server stand-in answers); a real
    device or emulator is reached by serial through frida-server."""
    return "local" if device.getprop("ro.consentry.sim.frida") == "local" else device.serial

