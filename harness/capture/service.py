"""ProxyService: one mitmproxy per device, hosted in this process on its own thread and loop.

Why in-process: the master listens in 0.1-0.2 s (mitmdump as a process takes ~1 s), and the
addons write straight into the run's Journal. mitmproxy keeps `ctx.master`/`ctx.options` as
process globals, so only one in-process master may run at a time: a second concurrent start
raises ProxyError (the farm runs one device per worker process).

The runner calls `start() -> (host, port)`, points the device at it, and polls `alive()` (or
passes `on_death`): a proxy that dies mid-run ends the run `incomplete`."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.bodies import DEFAULT_BODY_CAP
from harness.capture.ca import CA_CERT_FILE, default_confdir, ensure_ca
from harness.capture.marker import InterceptionMarker
from harness.capture.pipeline import consentry_addons
from harness.capture.rows import CaptureContext
from harness.errors import ProxyError
from harness.journal import Journal

if TYPE_CHECKING:  # mitmproxy is imported lazily, when a capture starts
    from mitmproxy.master import Master

_ACTIVE = threading.Lock()  # held while an in-process master runs
START_TIMEOUT = 60.0  # a hang guard: mitmproxy takes seconds to listen on a loaded 2-core machine


class _AddonErrors(logging.Handler):
    """mitmproxy logs addon exceptions (safecall) and keeps going; we also journal them."""

    def __init__(self, cap: CaptureContext):
        super().__init__(logging.ERROR)
        self.cap = cap
        self.startup: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
            self.startup.append(msg)
            self.cap.event("proxy:error", message=msg[:2000], logger=record.name)
        except Exception:  # noqa: BLE001 - a log handler must never raise
            pass


class ProxyService:
    def __init__(self, journal: Journal, run_dir: Path, t0_ns: int, *, listen_host: str = "127.0.0.1",
                 listen_port: int = 0, upstream: str | None = None, upstream_ca: Path | None = None,
                 upstream_insecure: bool = False, confdir: Path | None = None, body_cap: int = DEFAULT_BODY_CAP,
                 extra_addons: Sequence[object] = (), plain: bool = False,
                 on_death: Callable[[str], None] | None = None):
        """`upstream`: "http://127.0.0.1:PORT" to chain to (the sim internet). `upstream_ca`: a CA
        to trust for the servers the proxy connects to (the sim internet's CA, a test origin);
        `upstream_insecure` skips that verification (sim mode only). `plain=True` runs mitmproxy without consentry's
        addons (the benchmark baseline). `extra_addons` are appended after consentry's."""
        self.cap = CaptureContext(journal, Path(run_dir), t0_ns, body_cap)
        self.listen_host, self.listen_port = listen_host, listen_port
        self.upstream, self.upstream_ca, self.upstream_insecure = upstream, upstream_ca, upstream_insecure
        self.confdir = Path(confdir) if confdir else default_confdir()
        self.addons = [] if plain else consentry_addons(self.cap)
        self.addons += list(extra_addons)
        self.on_death = on_death
        self.address: tuple[str, int] | None = None
        self.death_reason: str | None = None
        self.died = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping = False
        self._master: Master | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._errors = _AddonErrors(self.cap)
        self._holds_lock = False

    # -- CA --------------------------------------------------------------------------------
    @property
    def ca_cert_path(self) -> Path:
        return ensure_ca(self.confdir)

    @property
    def ca_cert_pem(self) -> bytes:
        """The CA certificate to install on the device (PEM)."""
        return self.ca_cert_path.read_bytes()

    @property
    def marker(self) -> InterceptionMarker | None:
        return next((a for a in self.addons if isinstance(a, InterceptionMarker)), None)

    @property
    def pinned_hosts(self) -> list[str]:
        return self.cap.pinned.snapshot()

    # -- lifecycle ---------------------------------------------------------------------------
    def _options(self):
        from mitmproxy.options import Options

        opts = Options(listen_host=self.listen_host, listen_port=self.listen_port, confdir=str(self.confdir))
        updates: dict[str, object] = {"stream_large_bodies": "1m"}
        if self.upstream:
            updates["mode"] = [f"upstream:{self.upstream}"]
        # Trust for the servers the proxy itself connects to (the sim internet's CA, a test origin).
        if self.upstream_ca:
            updates["ssl_verify_upstream_trusted_ca"] = str(self.upstream_ca)
        elif self.upstream_insecure:
            updates["ssl_insecure"] = True
        return opts, updates

    def start(self) -> tuple[str, int]:
        if self._thread is not None:
            raise ProxyError("proxy already started")
        if not _ACTIVE.acquire(blocking=False):
            raise ProxyError("another in-process mitmproxy is running in this process (mitmproxy's ctx is "
                             "process-global): run one device per process")
        self._holds_lock = True
        ensure_ca(self.confdir)
        logging.getLogger("mitmproxy").addHandler(self._errors)
        self._thread = threading.Thread(target=self._run, name="consentry-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self.address is None:
            reason = self.death_reason or "; ".join(self._errors.startup[-3:]) or "timed out"
            self.stop()
            raise ProxyError(f"proxy failed to start on {self.listen_host}:{self.listen_port}: {reason}")
        self.cap.event("proxy:started", host=self.address[0], port=self.address[1], upstream=self.upstream)
        return self.address

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
            if not self._stopping:
                self._die("proxy loop ended unexpectedly")
        except BaseException as exc:  # noqa: BLE001 - the reason is the data
            self._die(f"proxy crashed: {type(exc).__name__}: {exc}")
        finally:
            self._ready.set()
            try:
                loop.close()
            except Exception:  # noqa: BLE001
                pass

    async def _main(self) -> None:
        from mitmproxy import addons
        from mitmproxy.master import Master

        opts, updates = self._options()
        master = Master(opts, event_loop=asyncio.get_running_loop())
        master.addons.add(*addons.default_addons())
        master.addons.add(*self.addons)
        opts.update(**updates)  # most options are declared by the addons themselves
        self._master = master
        task = asyncio.ensure_future(master.run())
        ps = master.addons.get("proxyserver")
        deadline = time.monotonic() + START_TIMEOUT
        while not task.done() and time.monotonic() < deadline:
            addrs = ps.listen_addrs()
            if ps.is_running and addrs:
                host, port = addrs[0][:2]
                self.address = (self.listen_host if self.listen_host else host, port)
                break
            if ps.is_running and not addrs:
                self.death_reason = "; ".join(self._errors.startup[-3:]) or "no listening socket"
                master.shutdown()
                break
            await asyncio.sleep(0.01)
        self._ready.set()
        await task

    def _die(self, reason: str) -> None:
        self.death_reason = reason
        self.died.set()
        try:
            self.cap.event("proxy:died", reason=reason)
        except Exception:  # noqa: BLE001
            pass
        if self.on_death and self.address is not None:
            self.on_death(reason)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self.died.is_set() and \
            self.address is not None

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        if self._master is not None and self._loop is not None and not self._loop.is_closed():
            try:
                self._master.shutdown()
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout)
        logging.getLogger("mitmproxy").removeHandler(self._errors)
        if self._holds_lock:
            self._holds_lock = False
            _ACTIVE.release()

    def __enter__(self) -> ProxyService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["ProxyService", "CA_CERT_FILE"]
