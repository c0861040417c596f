"""The runner's adapters to the capture proxy, the agent, the UI observer and analysis.

Kept in one module so that the runner reads as the flow of a run and each part's API is used in
exactly one place."""

from __future__ import annotations

import logging
from pathlib import Path

from harness.run.context import RunContext
from harness.scenario.model import Scenario

log = logging.getLogger("consentry.run")


def proxy_addresses(device_kind: str, dial: str | None, listen: str | None = None) -> tuple[str, str]:
    """(listen address on the host, address the device dials). The proxy listens only where the
    device can reach it. By default every device dials 127.0.0.1: the sim is on this host, and
    emulators and phones reach the host's loopback through `adb reverse` (made once the port is
    known). `--proxy-host 10.0.2.2` (an emulator's alias for the host's loopback) listens on loopback
    too; a phone given `--proxy-host ADDR` dials ADDR, one of this host's addresses, and only that
    one is listened on. `listen` widens it explicitly."""
    if dial is None:
        dial = "127.0.0.1"
    if listen:
        return listen, dial
    if dial in ("10.0.2.2", "localhost") or dial.startswith("127."):
        return "127.0.0.1", dial
    return dial, dial


def launch_capture(ctx: RunContext, proxy_host: str | None, proxy_listen: str | None = None) -> None:
    """Start the proxy process (mitmproxy allows one per process, a suite runs several devices)
    without waiting for it: it starts while the device is prepared."""
    from harness.capture import device_setup
    from harness.capture.process import ProxyProcess

    kwargs: dict = {}
    if ctx.device_kind in ("sim", "emulator"):  # the sim's emulator profile has the sim internet too
        found = device_setup.sim_internet(ctx.device.adb)
        if found:
            upstream, ca_pem = found
            kwargs["upstream"] = upstream
            if ca_pem:
                ca_path = ctx.run_dir / "sim-internet-ca.pem"
                ca_path.write_bytes(ca_pem)
                kwargs["upstream_ca"] = ca_path
            else:
                kwargs["upstream_insecure"] = True
    listen, dial = proxy_addresses(ctx.device_kind, proxy_host, proxy_listen)
    ctx.proxy = ProxyProcess(ctx.run_dir, ctx.t0_ns, listen_host=listen, listen_port=0, **kwargs)
    ctx.proxy.dial = dial
    ctx.proxy.launch()


def finish_capture(ctx: RunContext) -> None:
    """Wait for the proxy, install its CA on the device and point the device's proxy at it."""
    from harness.capture import device_setup

    _, port = ctx.proxy.wait_ready()
    dial = ctx.proxy.dial
    if ctx.device_kind != "sim" and dial == "127.0.0.1":
        from harness.errors import DeviceError

        try:
            ctx.device.adb.reverse(f"tcp:{port}", f"tcp:{port}")
        except Exception as exc:  # noqa: BLE001 - adbutils raises AdbError or OSError
            raise DeviceError(f"{ctx.device.serial}: `adb reverse tcp:{port} tcp:{port}` failed ({exc}); "
                              "give --proxy-host 10.0.2.2 on an emulator") from exc
        ctx.reverse_port = port
    pem = ctx.proxy.ca_cert_pem
    adb = ctx.device.adb
    want_system = ctx.device_kind in ("sim", "emulator")
    state = device_setup.ca_state(adb, pem)
    if state.user and (state.system or not want_system):
        ctx.event("proxy", "proxy:ca", user=True, system=state.system, detail=f"already installed: {state.detail}")
    else:
        user = device_setup.ca_install_user(adb, pem) if not state.user else None
        system = device_setup.ca_install_system(adb, pem) if want_system and not state.system else None
        ctx.event("proxy", "proxy:ca", user=user.ok if user else True,
                  system=(system.ok if system else state.system) if want_system else None,
                  method=system.method if system else None,
                  detail=(system.detail if system else "") or (user.detail if user else ""))
    device_setup.proxy_set(adb, dial, port)
    ctx.event("proxy", "proxy:device", dial=dial, port=port)


def create_instrument(ctx: RunContext, frida_server: Path | None = None) -> None:
    """Sim apps are processes of this host: Frida's local device. Emulators and phones: root,
    frida-server of the host's version started (and stopped at teardown if started here), then
    Frida's device by serial (or the local device for the sim's emulator profile, whose apps are
    host processes, once its frida-server stand-in answers)."""
    from harness.instrument import Instrument

    device = "local"
    if ctx.device_kind != "sim":
        from harness.device import frida_server as fs

        ctx.frida_lease = fs.ensure(ctx.device, frida_server)
        ctx.event("runner", "frida-server", pid=ctx.frida_lease.pid, version=ctx.frida_lease.version,
                  started=ctx.frida_lease.started, root=ctx.frida_lease.access.method)
        device = fs.frida_device_spec(ctx.device)
    ctx.instrument = Instrument(ctx.journal, ctx.run_dir, ctx.t0_ns, device=device)


def start_observer(ctx: RunContext, scenario: Scenario) -> None:
    from harness.run.responder import Responder
    from harness.ui.observer import UiObserver

    ctx.observer = UiObserver(ctx.device.ui, ctx.journal, ctx.run_dir, ctx.t0_ns,
                              app_package=ctx.app.package)
    ctx.responder = Responder(ctx.observer, scenario)
    ctx.observer.start()


def teardown(ctx: RunContext) -> list[str]:
    """Stop every part, each under its own guard; return the errors met."""
    errors: list[str] = []

    def guard(what: str, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - teardown must reach every part
            errors.append(f"{what}: {exc}")

    if ctx.observer is not None:
        observer = ctx.observer
        guard("observer", lambda: observer.stop(final=ctx.device.alive()))
    if ctx.instrument is not None:
        guard("agent", ctx.instrument.stop)
    alive = ctx.device.alive() or reconnect(ctx.device.serial)
    if not alive:
        ctx.event("runner", "teardown:device-gone", detail="the app and the device's proxy setting could not be "
                                                            "cleaned up: the device is gone")
    if alive:
        guard("app stop", lambda: ctx.device.app_stop(ctx.app.package))
        if ctx.proxy is not None:
            from harness.capture import device_setup

            guard("device proxy", lambda: device_setup.proxy_clear(ctx.device.adb))
        if ctx.reverse_port is not None:
            guard("adb reverse", lambda: ctx.device.adb.reverse_remove(f"tcp:{ctx.reverse_port}"))
        if ctx.frida_lease is not None:
            guard("frida-server", ctx.frida_lease.release)
        guard("logcat", lambda: (ctx.run_dir / "logcat.txt").write_text(ctx.device.logcat_dump(), encoding="utf-8"))
    if ctx.proxy is not None:
        guard("proxy", ctx.proxy.stop)
    return errors


RECONNECT_WITHIN_S = 10.0


def reconnect(serial: str, within_s: float = RECONNECT_WITHIN_S) -> bool:
    """Bring back a device whose adb transport dropped, so teardown can stop the app and clear
    the proxy setting it left pointing at a proxy that is about to stop (the device would be
    without network). A network device (`host:port`) is connected again; any device is then
    waited for, until `within_s`. False when it does not come back (it was killed)."""
    import time

    from harness.device import core
    from harness.errors import DeviceError

    deadline = time.monotonic() + within_s
    if ":" in serial:
        try:
            core._client().connect(serial, timeout=max(1.0, within_s / 2))
        except Exception:  # noqa: BLE001 - adbutils raises AdbError or OSError; the wait below decides
            pass
    while time.monotonic() < deadline:
        try:
            if serial in core.list_devices():
                return True
        except DeviceError:
            return False
        time.sleep(0.2)
    return False


def analyse(run_dir: Path) -> int | None:
    """Compute the run's findings into findings.parquet; None when analysis failed (logged)."""
    try:
        from analysis import evaluate, open_runs, write_findings

        runset = open_runs(run_dir)
        findings = evaluate(runset)
        write_findings(runset, findings)
        return len(findings)
    except Exception as exc:  # noqa: BLE001 - a run's data stays valid even if analysis breaks
        log.warning("analysis of %s failed: %s", run_dir, exc)
        return None
