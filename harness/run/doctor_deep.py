"""`consentry doctor --deep`: every assumption a run makes, checked on the device the way the
runner does it (the same functions, not look-alikes): the proxy on the host's loopback reached
through `adb reverse`, the CA in the store apps read (in their mount namespaces on Android 14+),
an app started under the agent before its first instruction (spawn gating), the Java bridge in
that app, the app's traffic reaching the proxy, the time a `uiautomator dump` takes, and which
identifiers can be read. The probe app is the first third-party app installed on the device; it
is stopped and the device proxy cleared at the end."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import ConsentryError, DeviceError

if TYPE_CHECKING:
    from harness.run.doctor import Doctor

DUMP_SLOW_S = 5.0


def _probe_app(doc: Doctor) -> Any:
    from harness.run.apps import resolve_app

    for pkg in doc.device.app_list(third_party=True):
        try:
            app = resolve_app(pkg, doc.device)
            app.component()
            return app
        except ConsentryError:
            continue
    raise DeviceError(f"no launchable third-party app on {doc.serial} to probe with")


def _proxy(doc: Doctor, work: Path) -> tuple[Any, Any]:
    from harness.capture import ProxyService, device_setup
    from harness.journal import Journal

    journal = Journal(work / "proxy", writer_tag="proxy")
    kwargs: dict[str, Any] = {}
    found = device_setup.sim_internet(doc.device.adb)
    if found:
        upstream, ca = found
        kwargs["upstream"] = upstream
        if ca:
            (work / "upstream-ca.pem").write_bytes(ca)
            kwargs["upstream_ca"] = work / "upstream-ca.pem"
        else:
            kwargs["upstream_insecure"] = True
    svc = ProxyService(journal, work / "proxy", time.time_ns(), **kwargs)
    _, port = svc.start()
    if doc.device.info().kind != "sim":
        doc.device.adb.reverse(f"tcp:{port}", f"tcp:{port}")
    device_setup.proxy_set(doc.device.adb, "127.0.0.1", port)
    doc.add("proxy from the device", True, f"proxy on 127.0.0.1:{port}, device http_proxy set"
            + ("" if doc.device.info().kind == "sim" else f", adb reverse tcp:{port}"))
    return svc, journal


def _ca(doc: Doctor, pem: bytes, kind: str, check: str = "CA trusted by apps") -> None:
    from harness.capture import device_setup

    adb = doc.device.adb
    if doc.options.fix:
        if not device_setup.ca_state(adb, pem).user:
            device_setup.ca_install_user(adb, pem)
        if kind in ("sim", "emulator"):
            device_setup.ca_install_system(adb, pem)
    state = device_setup.ca_state(adb, pem)
    doc.add(check, state.system or (kind == "device" and state.user), state.detail,
            f"consentry doctor --device {doc.serial} --deep --fix (installs it as a run does)")


def _launch(doc: Doctor, app: Any, work: Path) -> tuple[Any, int]:
    from harness.device import frida_server as fs
    from harness.instrument import Instrument
    from harness.journal import Journal

    spec = "local" if doc.device.info().kind == "sim" else fs.frida_device_spec(doc.device)
    journal = Journal(work / "agent", writer_tag="agent")
    inst = Instrument(journal, work / "agent", time.time_ns(), device=spec)
    doc.device.app_stop(app.package)
    if inst.device.type == "local":
        result = doc.device.app_start(app.component(), wait_debugger=True)
        if not result.ok:
            raise DeviceError(f"am start -D failed: {result.error}")
        pid = None
        for _ in range(50):
            pid = doc.device.app_pid(app.package)
            if pid:
                break
            time.sleep(0.1)
        if pid is None:
            raise DeviceError(f"{app.package} has no process after `am start -D`")
        try:
            inst.attach(pid)
        finally:
            doc.device.process_signal(pid, "CONT")
    else:
        pid = inst.spawn_and_attach(app.package)
        inst.resume()
    doc.add("spawn gating", True, f"{app.package} pid {pid}: agent ready before the app's first instruction "
            f"({'am start -D + attach + SIGCONT' if inst.device.type == 'local' else 'frida spawn + resume'})")
    return inst, pid


def _java(doc: Doctor, inst: Any, pid: int) -> None:
    """Java at attach (ART), or once the app's VM is created (a JVM booted after the gate, as sim
    apps do: the agent reports `agent:java` when its hooks are in)."""
    deadline = time.monotonic() + 15
    java: dict[str, Any] = {}
    late: dict[str, Any] = {}
    while time.monotonic() < deadline:
        java = (inst.writer.ready.get(pid) or {}).get("java") or {}
        late = inst.writer.java_ready.get(pid) or {}
        if java.get("available") or late:
            break
        time.sleep(0.2)
    ok = bool(java.get("available")) or bool(late.get("installed"))
    if java.get("available"):
        vm = f"Android {java['android_version']}" if java.get("android_version") else "a JVM, not ART"
        hooks = f": {late['installed']} Java hooks in" if late.get("installed") else ""
        detail = f"Java bridge available ({vm}){hooks}"
    elif late:
        detail = f"Java bridge available once the app's VM started: {late.get('installed', 0)} Java hooks in"
    else:
        detail = f"Java bridge not available: {java.get('reason') or 'no agent:ready report'}"
    doc.add("Java in a spawned app", ok, detail,
            "use an ART image the Frida version supports; check `frida -U -f PKG` by hand")


def _traffic(doc: Doctor, svc: Any) -> None:
    from harness.capture import device_setup

    check = device_setup.check_interception(doc.device.adb, svc, timeout=15, tls=True)
    doc.add("TLS interception self-test", check.ok, f"{check.method}: {check.detail}",
            "check the device's network and `adb reverse --list`; give --proxy-host 10.0.2.2 on an emulator without reverse")


def _dump(doc: Doctor) -> None:
    start = time.monotonic()
    xml = doc.device.ui_dump()
    took = time.monotonic() - start
    ok = "<hierarchy" in xml and took < DUMP_SLOW_S
    doc.add("uiautomator dump", ok, f"{took:.2f} s, {len(xml)} bytes" if "<hierarchy" in xml else xml[:200],
            "a dump slower than 5 s makes consent timing coarse: close animations "
            "(`settings put global window_animation_scale 0`), use a faster image")


def _identity(doc: Doctor) -> None:
    from harness.run.identity import read_identity

    ident, notes = read_identity(doc.device)
    how = ident.get("read_how", {})
    keys = sorted(k for k in ident if k not in ("read_how", "not_read"))
    doc.add("identity readable", bool(keys), f"read: {', '.join(f'{k} ({how.get(k, "?")})' for k in keys)}"
            + (f"; not read: {'; '.join(notes)}" if notes else ""),
            "`adb root` lets the harness read IMEI/IMSI/ICCID through `service call iphonesubinfo`")


def deep_checks(doc: Doctor) -> None:
    from harness.capture import device_setup
    from harness.capture.ca import default_confdir, ensure_ca

    kind = doc.device.info().kind
    pem = ensure_ca(default_confdir()).read_bytes()
    work = Path(tempfile.mkdtemp(prefix="consentry-doctor-"))
    svc = journal = inst = app = None
    try:
        doc.guard("identity readable", lambda: _identity(doc))
        doc.guard("CA trusted by apps", lambda: _ca(doc, pem, kind))
        try:
            svc, journal = _proxy(doc, work)
        except Exception as exc:  # noqa: BLE001 - reported as the row
            doc.add("proxy from the device", False, str(exc), "check `adb reverse` support and the host's loopback")
        try:
            app = _probe_app(doc)
            inst, pid = _launch(doc, app, work)
            doc.guard("Java in a spawned app", lambda: _java(doc, inst, pid))
        except Exception as exc:  # noqa: BLE001
            doc.add("spawn gating", False, str(exc), f"consentry doctor --device {doc.serial} --fix (frida-server)")
        if app is not None and kind == "emulator":  # the CA in the running app's own namespace too
            doc.guard("CA in the running app's namespace",
                      lambda: _ca(doc, pem, kind, "CA in the running app's namespace"))
        if svc is not None:
            doc.guard("TLS interception self-test", lambda: _traffic(doc, svc))
        doc.guard("uiautomator dump", lambda: _dump(doc))
    finally:
        if inst is not None:
            try:
                inst.stop()
            except Exception:  # noqa: BLE001 - best effort; the app is stopped below
                pass
        if app is not None:
            doc.device.app_stop(app.package)
        device_setup.proxy_clear(doc.device.adb)
        if svc is not None:
            svc.stop()
        if journal is not None:
            journal.close()
        if svc is not None and kind != "sim" and svc.address:
            try:
                doc.device.adb.reverse_remove(f"tcp:{svc.address[1]}")
            except Exception:  # noqa: BLE001 - the mapping may never have been made
                pass
