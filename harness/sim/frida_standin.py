"""The frida-server stand-in of the sim's emulator profile.

A real frida-server is an Android ELF binary that cannot run on the sim (whose apps are host
processes, instrumented through the host's local Frida device). The stand-in makes the harness do
on the sim exactly what it does on an emulator: push a binary to /data/local/tmp, check its
version, start it as root, wait until it answers on the device's tcp:27042, stop it at the end.

The stand-in file is a small ELF-headed file carrying `STANDIN_MARKER + version`;
`consentry sim frida-server OUT` writes one for the host's Frida version. When started, the sim
listens on a host port that the device's tcp:27042 leads to and answers HTTP as frida-server's
web endpoint does (a 404 for `/`), which is what `adb forward` + a probe sees on a real device."""

from __future__ import annotations

import re
import socket
import struct
import threading
from pathlib import Path

from harness.sim.profile import STANDIN_MARKER

_MACHINE = {"x86_64": 0x3E, "arm64": 0xB7, "arm": 0x28, "x86": 0x03}


def write_standin(path: Path, version: str, arch: str = "x86_64") -> Path:
    """Write a stand-in frida-server claiming `version` to `path`: a 64-byte ELF header (type
    EXEC, the machine of `arch`, so architecture checks read it as a real binary) and the marker."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ValueError(f"not a Frida version: {version!r}")
    if arch not in _MACHINE:
        raise ValueError(f"unknown architecture {arch!r} (known: {', '.join(_MACHINE)})")
    header = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, _MACHINE[arch], 1)
    header += b"\x00" * (64 - len(header))
    path = Path(path)
    path.write_bytes(header + b"\n" + STANDIN_MARKER + version.encode() + b"\n")
    return path


def standin_version(data: bytes) -> str | None:
    """The version a stand-in file claims, None when `data` is not a stand-in."""
    if not data.startswith(b"\x7fELF"):
        return None
    at = data.find(STANDIN_MARKER, 0, 4096)
    if at < 0:
        return None
    tail = data[at + len(STANDIN_MARKER): at + len(STANDIN_MARKER) + 32]
    m = re.match(rb"(\d+\.\d+\.\d+)", tail)
    return m.group(1).decode() if m else None


_REPLY = (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nServer: frida-server (consentry sim stand-in)\r\n"
          b"Connection: close\r\n\r\n")


class FridaStandin:
    """A running stand-in: a listener on a host port that the device's tcp:27042 leads to."""

    def __init__(self, pid: int, version: str):
        self.pid = pid
        self.version = version
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"sim-frida-server-{pid}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(4096)
                    conn.sendall(_REPLY)
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        try:
            self._sock.close()
        except OSError:
            pass
