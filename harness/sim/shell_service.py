"""The sim device's shell, reachable from sim app processes (the other side of native/simsh.c).

On a device, a command an app runs (`Runtime.exec`, `popen`) is executed by /system/bin/sh and the
device's toolbox against the device itself. Sim apps are host processes, so the runtime puts the
sim shell program (`simsh`) at the sim root's /system/bin/sh and, under every command name of the
sim shell, in a directory first in the app's PATH; each run sends its command line over this Unix
socket, and the line runs in `Shell` against the sim device's properties, settings and file tree
exactly as `adb shell` lines do (in the init mount namespace: per-app namespaces are not applied).

The socket is in Linux's abstract namespace (its address starts with '@' in the environment, a NUL
on the wire): no file to clean up when a device stops or is killed, and no 108-byte path limit.

Protocol: the client sends the command line and a NUL; the service answers with the stdout bytes,
then NUL and the exit status as 4 bytes little-endian, and closes. Lines and output are capped."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.sim.native import library_path

if TYPE_CHECKING:
    from harness.sim.interfaces import AppRuntime

MAX_LINE = 64 * 1024
MAX_OUTPUT = 1024 * 1024 - 8


class ShellService:
    """One Unix socket per sim device; one thread per connection (app commands are rare)."""

    def __init__(self, device: Any, runtime: AppRuntime, bin_dir: Path):
        self.device = device
        self.runtime = runtime
        # unique per device in this host: the process and the device object
        self.address = f"@consentry-sh-{os.getpid()}-{id(self):x}"
        self.bin_dir = bin_dir
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def ensure(self) -> None:
        """Install the sim sh and toolbox links, and listen (idempotent)."""
        with self._lock:
            if self._sock is not None:
                return
            self._install_programs()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind("\0" + self.address[1:])
            s.listen(16)
            self._sock = s
            threading.Thread(target=self._accept, name="sim-app-shell", daemon=True).start()

    def _install_programs(self) -> None:
        from harness.sim.commands import COMMANDS

        program = library_path("simsh")
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        sh = self.device.host_path("/system/bin/sh")
        sh.parent.mkdir(parents=True, exist_ok=True)
        size = program.stat().st_size
        for target in (sh, *(self.bin_dir / name for name in sorted(COMMANDS))):
            # the device's file tree has placeholder files for its programs: replace them
            if not (target.is_file() and target.stat().st_size == size and os.access(target, os.X_OK)):
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                shutil.copyfile(program, tmp)
                tmp.chmod(0o755)
                tmp.replace(target)

    def _accept(self) -> None:
        assert self._sock is not None
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        from harness.sim.shell_exec import Shell

        with conn:
            conn.settimeout(30)
            data = b""
            try:
                while b"\0" not in data and len(data) <= MAX_LINE:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                line = data.split(b"\0", 1)[0][:MAX_LINE].decode("utf-8", "replace")
                out: list[bytes] = []
                size = 0

                def emit(channel: int, chunk: bytes) -> None:
                    nonlocal size
                    if channel == 1 and size < MAX_OUTPUT:
                        out.append(chunk[: MAX_OUTPUT - size])
                        size += len(out[-1])

                status = Shell(self.device, self.runtime, emit=emit).run_line(line)
                conn.sendall(b"".join(out) + b"\0" + struct.pack("<i", status))
            except OSError:
                return

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
