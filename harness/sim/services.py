"""adbd services: `shell:` (v1 and v2), `exec:`, `sync:`, `tcp:PORT`, `root:`.

Shell command lines run on a worker thread (commands may block on app processes); output goes
back through the stream from that thread, so streaming commands (logcat) just keep writing."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from harness.sim import adb_proto as W
from harness.sim.profile import FRIDA_PORT
from harness.sim.sync_service import serve_sync
from harness.sim.transport import Stream, StreamClosed

if TYPE_CHECKING:
    from harness.sim.shell_exec import Shell

Handler = Callable[[Stream], Awaitable[None]]


class _StdinV2:
    """Reads stdin out of shell-v2 packets (id 0 data, id 4 close-stdin)."""

    def __init__(self, stream: Stream):
        self.stream = stream
        self.buf = bytearray()
        self.eof = False

    async def read(self, n: int) -> bytes:
        while not self.buf and not self.eof:
            try:
                header = await self.stream.read_exact(5)
            except StreamClosed:
                self.eof = True
                break
            pid, length = struct.unpack("<BI", header)
            data = await self.stream.read_exact(length) if length else b""
            if pid == W.SHELL_STDIN:
                self.buf += data
            elif pid in (W.SHELL_CLOSE_STDIN, W.SHELL_EXIT):
                self.eof = True
        size = len(self.buf) if n < 0 else min(n, len(self.buf))
        out = bytes(self.buf[:size])
        del self.buf[:size]
        return out


class _StdinRaw:
    def __init__(self, stream: Stream):
        self.stream = stream

    async def read(self, n: int) -> bytes:
        return await self.stream.read(n)


class ServiceTable:
    """Maps a service string to its coroutine; `make_shell()` builds a Shell for one stream."""

    def __init__(self, make_shell: Callable[..., Shell], loop_getter: Callable[[], asyncio.AbstractEventLoop],
                 restart_adbd: Callable[[], None] | None = None):
        self.make_shell = make_shell
        self.loop = loop_getter
        self.restart_adbd = restart_adbd  # drops every connection, as adbd restarting does

    def open(self, service: str) -> Handler | None:
        if service.startswith("shell"):
            head, sep, command = service.partition(":")
            if not sep:
                return None
            options = head.split(",")[1:]
            v2 = "v2" in options
            return lambda s: self._shell(s, command, v2=v2)
        if service.startswith("exec:"):
            return lambda s: self._shell(s, service[len("exec:"):], v2=False)
        if service == "sync:":
            return lambda s: serve_sync(s, self.make_shell().device)
        if service.startswith("tcp:"):
            return self._tcp(service[len("tcp:"):])
        if service in ("root:", "unroot:"):
            return lambda s: self._root(s, service == "root:")
        if service == "framebuffer:":
            return self._framebuffer
        if service.startswith("reverse:"):
            return lambda s: self._reverse(s, service[len("reverse:"):])
        return None

    async def _framebuffer(self, stream: Stream) -> None:
        from harness.sim.commands.display import framebuffer

        shell = self.make_shell()
        runtime = shell.runtime
        if runtime is None or shell.device.faults.secure_window:
            return  # adbd closes the stream when it cannot capture
        png = await asyncio.to_thread(runtime.screenshot_png)
        data = await asyncio.to_thread(framebuffer, png)
        for i in range(0, len(data), 256 * 1024):
            await stream.write(data[i:i + 256 * 1024])

    async def _root(self, stream: Stream, want_root: bool) -> None:
        """`adb root` / `adb unroot`: adbd says what it does and restarts (connections drop)."""
        device = self.make_shell().device
        if device.adbd_root == want_root:
            await stream.write(b"adbd is already running as root\n" if want_root else b"adbd not running as root\n")
            return
        if want_root and device.getprop("ro.debuggable") != "1":
            await stream.write(b"adbd cannot run as root in production builds\n")
            return
        await stream.write(b"restarting adbd as root\n" if want_root else b"restarting adbd as non root\n")

        def restart() -> None:  # the old adbd exits (connections drop), the new one runs as asked
            device.adbd_root = want_root
            if self.restart_adbd is not None:
                self.restart_adbd()

        asyncio.get_running_loop().call_later(0.2, restart)

    async def _reverse(self, stream: Stream, request: str) -> None:
        """`adb reverse`: the device's loopback is the host's on the sim, so a reverse mapping of
        device tcp:X to host tcp:Y is bookkeeping (X = Y reaches the same socket); the replies
        follow adbd's reverse service (OKAY, FAIL + hex length + message)."""
        device = self.make_shell().device
        reverses: dict[str, str] = device.reverses
        if request == "list-forward":  # adbd sends no OKAY here (only the host server does)
            body = "".join(f"{device.serial_hint} {k} {v}\n" for k, v in reverses.items()).encode()
            await stream.write(f"{len(body):04x}".encode() + body)
            return
        if request == "killforward-all":
            reverses.clear()
            await stream.write(b"OKAY")
            return
        if request.startswith("killforward:"):
            key = request[len("killforward:"):]
            if reverses.pop(key, None) is None:
                msg = f"listener '{key}' not found".encode()
                await stream.write(b"FAIL" + f"{len(msg):04x}".encode() + msg)
            else:
                await stream.write(b"OKAY")
            return
        if request.startswith(("forward:", "forward:norebind:")):
            spec = request.split(":", 1)[1].removeprefix("norebind:")
            local, _, remote = spec.partition(";")
            if not (local.startswith("tcp:") and remote.startswith("tcp:")):
                msg = f"cannot bind listener: unsupported {spec}".encode()
                await stream.write(b"FAIL" + f"{len(msg):04x}".encode() + msg)
                return
            reverses[local] = remote
            await stream.write(b"OKAY")
            return
        msg = f"unknown reverse request {request}".encode()
        await stream.write(b"FAIL" + f"{len(msg):04x}".encode() + msg)

    async def _shell(self, stream: Stream, command: str, *, v2: bool) -> None:
        loop = asyncio.get_running_loop()
        stdin = _StdinV2(stream) if v2 else _StdinRaw(stream)

        def emit(channel: int, data: bytes) -> None:
            if not data:
                return
            payload = W.shell_packet(channel, data) if v2 else data
            asyncio.run_coroutine_threadsafe(stream.write(payload), loop).result()

        def read_stdin(n: int) -> bytes:
            return asyncio.run_coroutine_threadsafe(stdin.read(n), loop).result()

        def is_closed() -> bool:
            return stream.eof or stream.closed or stream.conn.dead

        shell = self.make_shell(emit=emit, read_stdin=read_stdin, is_closed=is_closed)
        if command.strip():
            status = await asyncio.to_thread(shell.run_line, command)
        else:
            status = await asyncio.to_thread(shell.interactive)
        if v2 and not is_closed():
            await stream.write(W.shell_packet(W.SHELL_EXIT, bytes([status & 0xFF])))

    def _tcp(self, spec: str) -> Handler | None:
        host, port_s = "127.0.0.1", spec
        if ":" in spec:
            host, port_s = spec.rsplit(":", 1)
            host = host or "127.0.0.1"
        if not port_s.isdigit() or host not in ("127.0.0.1", "localhost"):
            return None
        port = int(port_s)
        device = self.make_shell().device
        if device.profile.emulator and port == FRIDA_PORT:  # frida-server's port: only while it runs
            standin = device.frida
            if standin is None:
                return None
            port = standin.port

        async def bridge(stream: Stream) -> None:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                return

            async def up() -> None:
                while data := await stream.read(65536):
                    writer.write(data)
                    await writer.drain()
                if writer.can_write_eof():
                    writer.write_eof()

            async def down() -> None:
                while data := await reader.read(65536):
                    await stream.write(data)

            tasks = [asyncio.create_task(up()), asyncio.create_task(down())]
            try:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                if tasks[0].done() and not tasks[1].done():  # host finished sending; drain the reply
                    await asyncio.wait([tasks[1]], timeout=30)
            finally:
                for t in tasks:
                    t.cancel()
                writer.close()

        return bridge
