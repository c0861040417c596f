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
    device can reach it: the sim device is on this host (loopback); an emulator's 10.0.2.2 is the
    host's own loopback, so loopback again; a phone given `--proxy-host ADDR` dials ADDR, one of
    this host's addresses, and only that one is listened on. `listen` widens it explicitly."""
    if dial is None:
        dial = "10.0.2.2" if device_kind == "emulator" else "127.0.0.1"
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
    if ctx.device_kind == "sim":
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
    pem = ctx.proxy.ca_cert_pem
    if _ca_present(ctx, pem):
        ctx.event("proxy", "proxy:ca", user=True, system=True, detail="already installed")
    else:
        ca = device_setup.ca_install_user(ctx.device.adb, pem)
        if ctx.device_kind in ("sim", "emulator"):
            system = device_setup.ca_install_system(ctx.device.adb, pem)
            ctx.event("proxy", "proxy:ca", user=ca.ok, system=system.ok, detail=system.detail)
        else:
            ctx.event("proxy", "proxy:ca", user=ca.ok, detail=ca.detail)
    device_setup.proxy_set(ctx.device.adb, dial, port)
    ctx.event("proxy", "proxy:device", dial=dial, port=port)


def _ca_present(ctx: RunContext, pem: bytes) -> bool:
    """The same CA already in the user store and (sim, emulator) the system store: a suite installs
    it once per device, not once per run. On Android 14+ the system store lives in the Conscrypt
    APEX (a tmpfs mount that a reboot removes), so that is where it is looked for."""
    from harness.capture.ca import subject_hash_old

    name = f"{subject_hash_old(pem)}.0"
    paths = [f"/data/misc/user/0/cacerts-added/{name}"]
    if ctx.device_kind in ("sim", "emulator"):
        sdk = ctx.device.info().sdk
        paths.append(f"/apex/com.android.conscrypt/cacerts/{name}" if sdk >= 34 and ctx.device_kind != "sim"
                     else f"/system/etc/security/cacerts/{name}")
    for path in paths:
        rc, text = ctx.device.sh_rc(f"cat {path}")
        if rc != 0 or text.strip() != pem.decode("ascii", "replace").strip():
            return False
    return True


def create_instrument(ctx: RunContext) -> None:
    from harness.instrument import Instrument

    # Sim apps are processes of this host: Frida's local device. Emulators: frida-server by serial.
    device = "local" if ctx.device_kind == "sim" else ctx.device.serial
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
        guard("observer", ctx.observer.stop)
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
