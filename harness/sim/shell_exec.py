"""Runs parsed command lines against the sim: chains, pipes, redirections, exit codes, shell
variables and positional parameters, and background jobs.

A `Proc` is one simple command's view: argv, stdout/stderr writers and stdin. Commands are
plain functions `(proc, args) -> exit status` registered in `harness.sim.commands`.

A background job (`cmd &`) runs its pipeline on a thread of its own, with stdin from /dev/null as
in a non-interactive sh, and gets a pid (`$!`). `kill -SIG PID` delivers the signal to the job
(`Job.signal`); a command that runs for a while polls `Proc.signalled()` and reacts as the real
program does (screenrecord finalises its file on SIGINT/SIGHUP); the others just finish."""

from __future__ import annotations

import io
import itertools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.sim import shell_lang

if TYPE_CHECKING:
    from harness.sim.device import DeviceState
    from harness.sim.interfaces import AppRuntime

Emit = Callable[[int, bytes], None]
FLUSH_AT = 64 * 1024


# What a non-interactive shell started by adbd has in its environment (Android 14).
DEFAULT_ENV = {
    "PATH": "/product/bin:/apex/com.android.runtime/bin:/apex/com.android.art/bin:/system_ext/bin:/system/bin:"
            "/system/xbin:/odm/bin:/vendor/bin:/vendor/xbin",
    "HOME": "/", "ANDROID_DATA": "/data", "ANDROID_ROOT": "/system", "ANDROID_STORAGE": "/storage",
    "EXTERNAL_STORAGE": "/sdcard", "TMPDIR": "/data/local/tmp", "HOSTNAME": "emu64x", "SHELL": "/bin/sh",
}
_PIDS = itertools.count(31000)
_JOBS: dict[int, Job] = {}  # live background jobs of every sim device in this process, by pid
_JOBS_LOCK = threading.Lock()


class Broken(Exception):
    """The client went away: stop the command."""


class Job:
    """A background job: its pid, the signal sent to it (if any) and, once done, its status."""

    def __init__(self, device: object):
        self.pid = next(_PIDS)
        self.device = device
        self.status: int | None = None
        self.pending: int | None = None  # the last signal delivered and not yet acted on
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def signal(self, signum: int) -> None:
        if signum:
            self.pending = signum

    def finish(self, status: int) -> None:
        self.status = status
        with _JOBS_LOCK:
            _JOBS.pop(self.pid, None)
        self.done.set()


def find_job(device: object, pid: int) -> Job | None:
    """The live background job with that pid on that device (for `kill`)."""
    with _JOBS_LOCK:
        job = _JOBS.get(pid)
    return job if job is not None and job.device is device else None


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

    def __init__(self, shell: Shell, argv: list[str], stdout: Sink, stderr: Sink, stdin: Callable[[int], bytes],
                 job: Job | None = None, env: dict[str, str] | None = None):
        self.shell = shell
        self.argv = argv
        self.stdout = stdout
        self.stderr = stderr
        self._stdin = stdin
        self.job = job if job is not None else shell.job
        self.env = env or {}  # `VAR=x cmd` prefix assignments

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

    def signalled(self) -> int | None:
        """The signal `kill` sent to this command's job, if any (foreground commands get none:
        on a device their Ctrl-C is the adb connection closing, see `closed`)."""
        return self.job.pending if self.job is not None else None

    def stopped(self) -> bool:
        return self.closed() or self.signalled() is not None

    def child_shell(self, params: list[str]) -> Shell:
        """A new shell process (`sh FILE`, `sh -c`) writing to this command's stdout/stderr
        (so redirections of `sh` itself apply) and reading its stdin."""

        def emit(channel: int, data: bytes) -> None:
            sink = self.stdout if channel == 1 else self.stderr
            sink.write(data)
            sink.flush()

        child = Shell(self.device, self.runtime, emit=emit, read_stdin=self._stdin, is_closed=self.closed,
                      params=params, job=self.job)
        child.vars.update(self.shell.vars)
        uid = getattr(self.shell, "uid", None)
        if uid is not None:
            child.uid = uid  # type: ignore[attr-defined]
        return child

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
                 read_stdin: Callable[[int], bytes] | None = None, is_closed: Callable[[], bool] | None = None,
                 params: list[str] | None = None, job: Job | None = None):
        self.device = device
        self.runtime = runtime
        self.emit = emit
        self._read_stdin = read_stdin or (lambda n: b"")
        self.is_closed = is_closed or (lambda: False)
        self.status = 0
        self.pid = next(_PIDS)  # `$$`
        self.params = params or ["/system/bin/sh"]  # $0 $1 ...
        self.vars: dict[str, str] = dict(DEFAULT_ENV)
        self.jobs: list[Job] = []  # background jobs started here, for `wait`
        self.last_job: Job | None = None  # `$!`
        self.job = job  # the job this shell runs in (a shell started by a background command)

    def param(self, name: str) -> str:
        """The value of `$name`."""
        if name == "?":
            return str(self.status)
        if name == "!":
            return str(self.last_job.pid) if self.last_job is not None else ""
        if name == "$":
            return str(self.pid)
        if name == "#":
            return str(len(self.params) - 1)
        if name in ("@", "*"):
            return " ".join(self.params[1:])
        if name.isdigit():
            index = int(name)
            return self.params[index] if index < len(self.params) else ""
        return self.vars.get(name, "")

    def expand(self, word: str) -> list[str]:
        """Parameters in one word; `"$@"` alone becomes one word per positional parameter."""
        if word == shell_lang.PARAM_MARK + "@" + shell_lang.PARAM_MARK:
            return list(self.params[1:])
        if shell_lang.PARAM_MARK not in word:
            return [word]
        return [shell_lang.PARAM_RE.sub(lambda m: self.param(m.group(1)), word)]

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
                if pipe.background:  # `a &`: start it and go on; `$?` is 0
                    if not skip:
                        stdout.flush()
                        stderr.flush()
                        self._start_job(pipe, COMMANDS)
                        self.status = 0
                    skip = False
                    continue
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

    def _start_job(self, pipe: shell_lang.Pipeline, commands: dict) -> Job:
        job = Job(self.device)

        def run() -> None:
            out, err = Sink(self.emit, 1), Sink(self.emit, 2)
            status = 1
            try:
                status = self._run_pipeline(pipe, out, err, commands, job=job, stdin_fn=lambda n: b"")
                out.flush()
                err.flush()
            except Broken:
                status = 141
            finally:
                job.finish(status)

        with _JOBS_LOCK:
            _JOBS[job.pid] = job
        self.jobs.append(job)
        self.last_job = job
        job.thread = threading.Thread(target=run, name=f"sim-job-{job.pid}", daemon=True)
        job.thread.start()
        return job

    def wait_jobs(self, pids: list[int] | None = None) -> int:
        """`wait [PID...]`: block until those jobs (all of this shell's by default) have ended."""
        status = 0
        targets = self.jobs if pids is None else [j for j in self.jobs if j.pid in pids]
        for pid in pids or []:
            if not any(j.pid == pid for j in targets):
                status = 127  # not a child of this shell
        for job in targets:
            job.done.wait()
            if pids is not None:
                status = job.status if job.status is not None else 0
        if pids is None:
            self.jobs = [j for j in self.jobs if not j.done.is_set()]
        return status

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

    def _run_pipeline(self, pipe: shell_lang.Pipeline, stdout: Sink, stderr: Sink, commands: dict,
                      job: Job | None = None, stdin_fn: Callable[[int], bytes] | None = None) -> int:
        stdin_fn = stdin_fn or self._read_stdin
        status = 0
        for index, cmd in enumerate(pipe.commands):
            last = index == len(pipe.commands) - 1
            out = stdout if last else Sink()
            status = self._run_simple(cmd, out, stderr, stdin_fn, commands, job)
            if not last:
                data = out.buffer.getvalue()
                stream = io.BytesIO(data)
                stdin_fn = stream.read
        return status

    def _run_simple(self, cmd: shell_lang.SimpleCommand, stdout: Sink, stderr: Sink,
                    stdin_fn: Callable[[int], bytes], commands: dict, job: Job | None = None) -> int:
        argv = [word for a in cmd.argv for word in self.expand(a)]
        assigns = {name: "".join(self.expand(value)) for name, value in cmd.assigns}
        if not argv and assigns:  # `PID=$!`: shell variables
            self.vars.update(assigns)
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
            path_arg = "".join(self.expand(r.target))
            if path_arg != "/dev/null":
                files.append((sink, (path_arg, r.mode)))
            if r.fd == 2:
                err = sink
            else:
                out = sink
        if not argv:
            status = 0
        else:
            name = argv[0].rsplit("/", 1)[-1] if argv[0].startswith("/system/") else argv[0]
            func = commands.get(name)
            proc = Proc(self, argv, out, err, stdin_fn, job, assigns)
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
