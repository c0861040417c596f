"""Runs parsed command lines against the sim: chains, pipes, redirections, exit codes.

A `Proc` is one simple command's view: argv, stdout/stderr writers and stdin. Commands are
plain functions `(proc, args) -> exit status` registered in `harness.sim.commands`."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.sim import shell_lang

if TYPE_CHECKING:
    from harness.sim.device import DeviceState
    from harness.sim.interfaces import AppRuntime

Emit = Callable[[int, bytes], None]
FLUSH_AT = 64 * 1024


class Broken(Exception):
    """The client went away: stop the command."""


class Sink:
    """An output channel: the client stream (buffered), a pipe buffer, a file or /dev/null."""

    def __init__(self, emit: Emit | None = None, channel: int = 1, buffer: io.BytesIO | None = None):
        self.emit = emit
        self.channel = channel
        self.buffer = buffer if buffer is not None else io.BytesIO()
        self.pending = bytearray()

    def write(self, data: bytes) -> None:
        if self.emit is None:
            self.buffer.write(data)
            return
        self.pending += data
        if len(self.pending) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self.emit is not None and self.pending:
            data, self.pending = bytes(self.pending), bytearray()
            try:
                self.emit(self.channel, data)
            except Exception as exc:
                raise Broken(str(exc)) from exc


class Proc:
    """What a command sees."""

    def __init__(self, shell: Shell, argv: list[str], stdout: Sink, stderr: Sink, stdin: Callable[[int], bytes]):
        self.shell = shell
        self.argv = argv
        self.stdout = stdout
        self.stderr = stderr
        self._stdin = stdin

    @property
    def device(self) -> DeviceState:
        return self.shell.device

    @property
    def runtime(self) -> AppRuntime | None:
        return self.shell.runtime

    def out(self, data: str | bytes) -> None:
        self.stdout.write(data.encode() if isinstance(data, str) else data)

    def err(self, data: str | bytes) -> None:
        self.stderr.write(data.encode() if isinstance(data, str) else data)

    def flush(self) -> None:
        self.stdout.flush()
        self.stderr.flush()

    def closed(self) -> bool:
        return self.shell.is_closed()

    def read_stdin(self, n: int = -1) -> bytes:
        return self._stdin(n)

    def read_stdin_exact(self, n: int) -> bytes:
        parts = bytearray()
        while len(parts) < n:
            chunk = self._stdin(n - len(parts))
            if not chunk:
                break
            parts += chunk
        return bytes(parts)

    def read_all_stdin(self, limit: int = 512 * 1024 * 1024) -> bytes:
        parts = bytearray()
        while chunk := self._stdin(-1):
            parts += chunk
            if len(parts) > limit:
                break
        return bytes(parts)


class Shell:
    """One adb shell stream's interpreter."""

    def __init__(self, device: DeviceState, runtime: AppRuntime | None, *, emit: Emit | None = None,
                 read_stdin: Callable[[int], bytes] | None = None, is_closed: Callable[[], bool] | None = None):
        self.device = device
        self.runtime = runtime
        self.emit = emit
        self._read_stdin = read_stdin or (lambda n: b"")
        self.is_closed = is_closed or (lambda: False)
        self.status = 0

    def run_line(self, line: str) -> int:
        from harness.sim.commands import COMMANDS

        stdout = Sink(self.emit, 1)
        stderr = Sink(self.emit, 2)
        try:
            try:
                pipelines = shell_lang.parse(line)
            except shell_lang.ShellSyntaxError as exc:
                stderr.write(f"/system/bin/sh: {exc}\n".encode())
                self.status = 2
                return self.status
            skip = False
            for pipe in pipelines:
                if not skip:
                    self.status = self._run_pipeline(pipe, stdout, stderr, COMMANDS)
                if pipe.connector == "&&":
                    skip = self.status != 0
                elif pipe.connector == "||":
                    skip = self.status == 0
                else:
                    skip = False
            stdout.flush()
            stderr.flush()
        except Broken:
            self.status = 141
        return self.status

    def interactive(self) -> int:
        """`adb shell` with no command: run lines as they arrive until the client closes."""
        buf = b""
        while True:
            chunk = self._read_stdin(-1)
            if not chunk:
                return self.status
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line_s = line.decode("utf-8", "replace").strip()
                if line_s == "exit":
                    return self.status
                if line_s:
                    self.run_line(line_s)

    def _run_pipeline(self, pipe: shell_lang.Pipeline, stdout: Sink, stderr: Sink, commands: dict) -> int:
        stdin_fn = self._read_stdin
        status = 0
        for index, cmd in enumerate(pipe.commands):
            last = index == len(pipe.commands) - 1
            out = stdout if last else Sink()
            status = self._run_simple(cmd, out, stderr, stdin_fn, commands)
            if not last:
                data = out.buffer.getvalue()
                stream = io.BytesIO(data)
                stdin_fn = stream.read
        return status

    def _run_simple(self, cmd: shell_lang.SimpleCommand, stdout: Sink, stderr: Sink,
                    stdin_fn: Callable[[int], bytes], commands: dict) -> int:
        argv = [a.replace(shell_lang.STATUS_MARK, str(self.status)) for a in cmd.argv]
        files: list[tuple[Sink, tuple[str, str]]] = []  # (sink, (path, ">" or ">>"))
        out, err = stdout, stderr
        for r in cmd.redirects:
            if r.mode == ">&":
                target = out if r.target == "1" else err
                if r.fd == 2:
                    err = target
                elif r.fd == 1:
                    out = target
                continue
            if r.mode == "<":
                try:
                    data = self.device.host_path(r.target).read_bytes()
                except OSError:
                    stderr.write(f"/system/bin/sh: can't open {r.target}: No such file or directory\n".encode())
                    return 1
                stdin_fn = io.BytesIO(data).read
                continue
            sink = Sink()
            if r.target != "/dev/null":
                files.append((sink, (r.target, r.mode)))
            if r.fd == 2:
                err = sink
            else:
                out = sink
        if not argv:
            status = 0
        else:
            name = argv[0].rsplit("/", 1)[-1] if argv[0].startswith("/system/") else argv[0]
            func = commands.get(name)
            proc = Proc(self, argv, out, err, stdin_fn)
            if func is None:
                err.write(f"/system/bin/sh: {argv[0]}: inaccessible or not found\n".encode()
                          if "/" in argv[0] else f"/system/bin/sh: {argv[0]}: not found\n".encode())
                status = 127
            else:
                try:
                    status = func(proc, argv[1:])
                except Broken:
                    raise
                except Exception as exc:  # a command bug is a failed command, not a dead device
                    import logging

                    logging.getLogger(__name__).exception("sim command %r failed", argv)
                    err.write(f"{argv[0]}: {type(exc).__name__}: {exc}\n".encode())
                    status = 1
            # What one command wrote reaches the client before the next command's output, as on
            # a device where both go to the same pty/socket in write order (adbutils' non-v2
            # shell2 reads the exit code after everything else).
            out.flush()
            err.flush()
        for sink, (dest, mode) in files:
            path = self.device.host_path(dest)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "ab" if mode == ">>" else "wb") as fh:
                    fh.write(sink.buffer.getvalue())
            except OSError:
                stderr.write(f"/system/bin/sh: can't create {dest}: No such file or directory\n".encode())
                status = 1
        return status
