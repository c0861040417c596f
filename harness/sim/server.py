"""`SimDevice`: one simulated Android device on 127.0.0.1:PORT, composed of the device state,
the adb transport server, the sim internet and the app runtime.

    dev = SimDevice(state_dir, apps=[path_to_apk])
    serial = dev.start()        # "127.0.0.1:PORT"; then `adb connect serial`
    ...
    dev.stop()

The asyncio loop runs on its own thread, so a SimDevice works from plain synchronous code
(tests, the CLI). Several SimDevices can run in one process, each with its own port and state."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.sim import adb_proto as W
from harness.sim.device import DeviceState
from harness.sim.interfaces import AppRuntime, SimFaults, SimIdentity
from harness.sim.profile import get_profile
from harness.sim.services import ServiceTable
from harness.sim.shell_exec import Shell
from harness.sim.transport import Connection

log = logging.getLogger(__name__)


class SimStartError(RuntimeError):
    pass


def subject_hash_old(pem: bytes) -> str:
    """OpenSSL's `-subject_hash_old` (MD5 of the DER subject, first 4 bytes little-endian):
    the file name Android uses for CA certificates in `/system/etc/security/cacerts/`."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(pem)
    digest = hashlib.md5(cert.subject.public_bytes()).digest()
    return f"{int.from_bytes(digest[:4], 'little'):08x}"


def _default_loader(path: Path) -> Any:
    from harness.sim.model import load_app_package

    return load_app_package(path)


class SimDevice:
    """A sim device. `runtime_factory(ctx, internet_addr)` builds the AppRuntime (default: the
    apps side's `SimAppRuntime`); `app_loader(path)` validates a sim app (default: `load_app_package`);
    `internet=False` skips the sim internet (unit tests)."""

    def __init__(self, state_dir: str | Path, port: int = 0, identity: SimIdentity | None = None,
                 faults: SimFaults | None = None, apps: Sequence[str | Path] = (), *,
                 runtime_factory: Callable[[DeviceState, tuple[str, int]], AppRuntime] | None = None,
                 app_loader: Callable[[Path], Any] | None = None, internet: bool = True,
                 profile: str = "sim"):
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.apps = [Path(a) for a in apps]
        self.state = DeviceState(self.state_dir, identity, faults, get_profile(profile))
        self.state.app_loader = app_loader or _default_loader
        self._runtime_factory = runtime_factory
        self._use_internet = internet
        self.internet: Any = None
        self._page_models: dict[tuple[str, int], Any] = {}
        self.internet_addr: tuple[str, int] = ("127.0.0.1", 0)
        self.runtime: AppRuntime | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task] = set()
        self.serial: str | None = None

    # -- composition ----------------------------------------------------------------------
    @property
    def identity(self) -> SimIdentity:
        return self.state.identity

    @property
    def faults(self) -> SimFaults:
        return self.state.faults

    def _start_internet(self) -> None:
        from harness.sim.internet import SimInternet

        self.internet = SimInternet(self.state_dir / "internet", pages=self._app_page)
        self.internet_addr = tuple(self.internet.start())  # type: ignore[assignment]
        pem = self.internet.ca_pem
        name = subject_hash_old(pem) + ".0"
        for d in ("/system/etc/security/cacerts", "/apex/com.android.conscrypt/cacerts",
                  "/data/misc/user/0/cacerts-added"):
            path = self.state.host_path(f"{d}/{name}")
            path.parent.mkdir(parents=True, exist_ok=True)
            if not d.startswith("/data"):  # a system CA, in the legacy store and the Conscrypt APEX
                path.write_bytes(pem)
        self.state.props["consentry.sim.internet"] = f"{self.internet_addr[0]}:{self.internet_addr[1]}"

    def _app_page(self, host: str, path: str) -> tuple[str, bytes, float] | None:
        """A web page that an installed app publishes (its model's `pages`), for the sim internet."""
        loader = self.state.app_loader
        if loader is None:
            return None
        for package in list(self.state.packages):
            apk = self.state.installed_apk(package)
            if apk is None or not apk.is_file():
                continue
            key = (str(apk), apk.stat().st_mtime_ns)
            model = self._page_models.get(key)
            if model is None:
                model = self._page_models[key] = loader(apk)
            for page in getattr(model, "pages", ()):
                rest = page.url.split("://", 1)[-1]
                p_host, _, p_path = rest.partition("/")
                if p_host.lower() == host and "/" + p_path.split("?")[0] == path:
                    return page.content_type, page.body.encode("utf-8"), page.delay_s
        return None

    def _make_runtime(self) -> AppRuntime | None:
        if self._runtime_factory is not None:
            return self._runtime_factory(self.state, self.internet_addr)
        try:
            from harness.sim.runtime import SimAppRuntime
        except ImportError:
            log.warning("sim: no app runtime available (harness.sim.runtime missing)")
            return None
        return SimAppRuntime(self.state, self.internet_addr)

    def shell(self, **io: Any) -> Shell:
        return Shell(self.state, self.runtime, **io)

    def run(self, command: str) -> tuple[int, str]:
        """Run a shell command line in-process (no adb): (exit status, stdout+stderr)."""
        chunks: list[bytes] = []
        status = Shell(self.state, self.runtime, emit=lambda _c, d: chunks.append(d)).run_line(command)
        return status, b"".join(chunks).decode("utf-8", "replace")

    def install(self, apk: str | Path, grant_all: bool = False) -> str:
        """Install a sim app as `pm install` does; returns the package name."""
        from harness.sim.commands.pm import install_file
        from harness.sim.shell_exec import Proc, Sink

        sh = Shell(self.state, self.runtime)
        ok, msg = install_file(Proc(sh, [], Sink(), Sink(), lambda n: b""), Path(apk), grant_all)
        if not ok:
            raise SimStartError(msg)
        loader = self.state.app_loader
        assert loader is not None  # set in __init__; install_file just used it
        return loader(Path(apk)).package

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> str:
        """Start serving; returns the serial `127.0.0.1:PORT`."""
        if self._thread is not None:
            assert self.serial
            return self.serial
        if self._use_internet:
            self._start_internet()
        self.runtime = self._make_runtime()
        for apk in self.apps:
            self.install(apk)
        ready = threading.Event()
        errors: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._on_client, "127.0.0.1", self.port, limit=2 * W.MAX_PAYLOAD))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # port taken, ...
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=main, name=f"sim-adb-{self.port}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            self._thread = None
            self._stop_side_services()
            raise SimStartError(f"sim device could not listen on 127.0.0.1:{self.port}: {errors[0]}")
        self.serial = f"127.0.0.1:{self.port}"
        self.state.serial_hint = self.serial
        self.state.logcat("SimDevice", f"adbd listening on {self.serial}", pid=389)
        return self.serial

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:  # small OKAY/WRTE/CLSE messages must not wait for Nagle + delayed ACK
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        table = ServiceTable(self.shell, asyncio.get_running_loop, restart_adbd=self.drop_connections)
        conn = Connection(reader, writer, W.banner(self.state.props), table.open, self.faults.drop_after_s)
        self._connections.add(conn)
        try:
            await conn.run()
        finally:
            self._connections.discard(conn)

    def drop_connections(self) -> None:
        """Abort every host connection now (the adb server sees the device vanish)."""
        if self._loop is None:
            return

        def abort() -> None:
            for c in list(self._connections):
                c.writer.transport.abort()

        self._loop.call_soon_threadsafe(abort)

    def _stop_side_services(self) -> None:
        standin, self.state.frida = self.state.frida, None
        if standin is not None:
            standin.stop()
        if self.runtime is not None:
            try:
                self.runtime.shutdown()
            except Exception:
                log.exception("sim: runtime shutdown failed")
            self.runtime = None
        if self.internet is not None:
            self.internet.stop()
            self.internet = None

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and loop.is_running():
            async def close() -> None:
                if self._server is not None:
                    self._server.close()
                for c in list(self._connections):
                    c.writer.transport.abort()
                await asyncio.sleep(0)

            try:
                asyncio.run_coroutine_threadsafe(close(), loop).result(5)
            except Exception:
                pass
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
        self._thread = None
        self._loop = None
        self._stop_side_services()

    def __enter__(self) -> SimDevice:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
