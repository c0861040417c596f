"""The capture proxy in a child process, one per run.

mitmproxy's context is process-global, so two in-process proxies cannot serve two devices at
once, and a suite runs devices in parallel. The child (`python -m harness.capture.process`) hosts a
`ProxyService` that appends to the run's journal under its own writer tag (the journal allows one
writer per process). It talks JSON lines over stdin/stdout: `ready` with the address and CA, `died`
with a reason; `stop` on stdin ends it. The parent exposes the same small interface as
`ProxyService` (start, alive, stop, ca_cert_pem); a child that dies is noticed by `alive()` and the
run ends `incomplete`, with what the proxy had flushed kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from harness.errors import ProxyError

START_TIMEOUT_S = 60.0
_SPARES: list[subprocess.Popen[str]] = []
_SPARES_LOCK = threading.Lock()


def _spawn() -> subprocess.Popen[str]:
    """A child that imports mitmproxy, then waits for its run's spec on stdin."""
    return subprocess.Popen([sys.executable, "-m", "harness.capture.process"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)


_KEEP_WARM = 0


def keep_warm(count: int) -> None:
    """From now on keep `count` spare children (0: none, and drop the spares)."""
    global _KEEP_WARM
    _KEEP_WARM = count
    if count:
        prewarm(count)
    else:
        discard_spares()


def prewarm(count: int = 1) -> None:
    """Keep `count` children started and waiting, for the next runs (suites call this: one proxy
    per run, and a second of import time per run adds up). A spare whose parent exits ends on EOF."""
    with _SPARES_LOCK:
        _SPARES[:] = [p for p in _SPARES if p.poll() is None]
        while len(_SPARES) < count:
            _SPARES.append(_spawn())


def _take_spare() -> subprocess.Popen[str] | None:
    with _SPARES_LOCK:
        while _SPARES:
            proc = _SPARES.pop(0)
            if proc.poll() is None:
                return proc
    return None


def discard_spares() -> None:
    with _SPARES_LOCK:
        for proc in _SPARES:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        _SPARES.clear()


class ProxyProcess:
    """A `ProxyService` in a child process, with the same interface."""

    def __init__(self, run_dir: Path, t0_ns: int, **kwargs: Any):
        self.run_dir = Path(run_dir)
        self.t0_ns = t0_ns
        self.kwargs = {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items()}
        self.address: tuple[str, int] | None = None
        self.dial: str | None = None  # the address the device uses to reach it (set by the runner)
        self.ca_cert_pem: bytes = b""
        self.death_reason: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._messages: list[dict[str, Any]] = []
        self._ready = threading.Event()
        self._stopped = threading.Event()

    def _reader(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            self._messages.append(msg)
            if msg.get("msg") in ("ready", "error"):
                self._ready.set()
            elif msg.get("msg") == "died":
                self.death_reason = msg.get("reason") or "the proxy died"
            elif msg.get("msg") == "stopped":
                self._stopped.set()
        self._ready.set()
        self._stopped.set()

    def start(self) -> tuple[str, int]:
        self.launch()
        return self.wait_ready()

    def launch(self) -> None:
        """Start the child without waiting: it imports mitmproxy (about a second) while the caller
        prepares the device; `wait_ready` then collects the address. A pre-warmed child (see
        `prewarm`) is used when one is waiting, which takes that second off the run."""
        spec = json.dumps({"run_dir": str(self.run_dir), "t0_ns": self.t0_ns, "kwargs": self.kwargs})
        self._proc = _take_spare() or _spawn()
        if _KEEP_WARM:
            prewarm(_KEEP_WARM)  # the next run's child starts importing now
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(spec + "\n")
            self._proc.stdin.flush()
        except (OSError, ValueError):  # the spare died meanwhile: start a fresh one
            self._proc = _spawn()
            self._proc.stdin.write(spec + "\n")  # type: ignore[union-attr]
            self._proc.stdin.flush()  # type: ignore[union-attr]
        threading.Thread(target=self._reader, name="proxy-reader", daemon=True).start()

    def wait_ready(self) -> tuple[str, int]:
        if not self._ready.wait(START_TIMEOUT_S):
            self.stop()
            raise ProxyError(f"the proxy process did not start within {START_TIMEOUT_S:.0f}s")
        ready = next((m for m in self._messages if m.get("msg") in ("ready", "error")), None)
        if ready is None or ready["msg"] != "ready":
            self.stop()
            reason = ready.get("reason") if ready else f"it exited with code {self._proc.poll() if self._proc else '?'}"
            raise ProxyError(f"the proxy process failed to start: {reason}")
        self.address = (ready["host"], int(ready["port"]))
        self.ca_cert_pem = ready["ca_pem"].encode("ascii")
        return self.address

    def alive(self) -> bool:
        if self._proc is None:
            return False
        code = self._proc.poll()
        if code is not None and self.death_reason is None and not self._stopped.is_set():
            self.death_reason = f"the proxy process exited (code {code})"
        return code is None and self.death_reason is None

    def stop(self, timeout_s: float = 15.0) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write("stop\n")
                proc.stdin.flush()
                proc.stdin.close()
            proc.wait(timeout=timeout_s)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=5)
        self._stopped.set()
        self._proc = None


def _main() -> int:
    """Child side: import mitmproxy, read the run's spec (first stdin line), host the proxy until
    `stop` arrives on stdin or the proxy dies."""
    # What the service imports lazily when it starts (mitmproxy's addons and proxy layers: about
    # 2.5 s of imports on a loaded machine), imported here, before the spec: a pre-warmed spare
    # then starts its proxy in a fraction of a second.
    import mitmproxy.addons  # noqa: F401
    import mitmproxy.master  # noqa: F401

    from harness.capture.service import ProxyService
    from harness.journal import Journal

    spec_text = sys.stdin.readline()
    if not spec_text.strip():
        return 0  # a spare that was never used: its parent went away

    def say(**msg: Any) -> None:
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()

    spec = json.loads(spec_text)
    kwargs = spec["kwargs"]
    for key in ("upstream_ca", "confdir"):
        if kwargs.get(key):
            kwargs[key] = Path(kwargs[key])
    journal = Journal(spec["run_dir"], writer_tag=f"proxy{os.getpid()}", flush_interval=0.1)
    service = ProxyService(journal, Path(spec["run_dir"]), int(spec["t0_ns"]), **kwargs)
    try:
        host, port = service.start()
    except Exception as exc:  # noqa: BLE001 - reported to the parent as data
        say(msg="error", reason=f"{type(exc).__name__}: {exc}")
        journal.close()
        return 1
    say(msg="ready", host=host, port=port, ca_pem=service.ca_cert_pem.decode("ascii"))
    stop = threading.Event()

    def read_stdin() -> None:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        stop.set()  # `stop`, or the parent went away (EOF)

    threading.Thread(target=read_stdin, daemon=True).start()
    while not stop.wait(0.2):
        if service.died.is_set():
            say(msg="died", reason=service.death_reason or "the proxy died")
            break
    service.stop()
    journal.close()
    say(msg="stopped")
    return 0


if __name__ == "__main__":
    code = _main()
    # Everything is written and said (the journal is closed, `stopped` is flushed): skip the
    # interpreter's teardown of mitmproxy's modules and threads, which took 1-2 s of every run's
    # teardown while the parent waited for the exit.
    sys.stdout.flush()
    os._exit(code)
