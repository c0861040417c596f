"""`consentry doctor`: check what a run needs and say what to fix, one row per check.

Rows follow DESIGN.md's interface: `check`, `ok`, `detail`, `fix` (the command or step that fixes
a failure; empty when it passed). With `--fix` the doctor does what the runner would do (`adb root`,
push and start frida-server) and leaves nothing of its own running: a frida-server it started is
stopped at the end (the runner starts one per run). `--deep` adds every assumption a run makes
(harness/run/doctor_deep.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConsentryError


@dataclass(frozen=True)
class Row:
    check: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorOptions:
    serial: str | None = None
    fix: bool = False
    frida_server: Path | None = None
    deep: bool = False
    remove_ca: bool = False


@dataclass
class Doctor:
    """Collects rows; each check appends one and never raises past `guard`."""

    options: DoctorOptions
    rows: list[Row] = field(default_factory=list)
    device: Any = None
    access: Any = None
    lease: Any = None

    def add(self, check: str, ok: bool, detail: str, fix: str = "") -> bool:
        self.rows.append(Row(check, ok, detail, "" if ok else fix))
        return ok

    def guard(self, check: str, fn: Callable[[], None], fix: str = "") -> None:
        """Run one check; a ConsentryError (or a Frida error) becomes its failing row."""
        try:
            fn()
        except ConsentryError as exc:
            self.add(check, False, str(exc), fix)
        except Exception as exc:  # noqa: BLE001 - a broken check must not hide the others
            self.add(check, False, f"{type(exc).__name__}: {exc}", fix)

    @property
    def serial(self) -> str:
        return self.device.serial if self.device is not None else (self.options.serial or "SERIAL")


def _host(doc: Doctor) -> bool:
    adb = shutil.which("adb")
    doc.add("adb", bool(adb), adb or "adb not found on PATH", "apt-get install -y adb")
    if adb:
        proc = subprocess.run([adb, "start-server"], capture_output=True, text=True, timeout=30)
        doc.add("adb server", proc.returncode == 0, proc.stderr.strip() or "running on 127.0.0.1:5037",
                "adb kill-server && adb start-server (only if no one else uses it)")
    try:
        import frida

        doc.add("frida (host)", True, frida.__version__)
    except ImportError:
        doc.add("frida (host)", False, "the frida Python package is missing", "make setup")
    from harness._agent import bundle_status

    ok, detail = bundle_status()
    doc.add("agent bundle", ok, detail, "make agent")
    return adb is not None


def _connect(doc: Doctor) -> None:
    from harness.device import connect_device

    doc.device = connect_device(doc.options.serial)
    info = doc.device.info()
    doc.add("device", True, f"{info.serial}: {info.model}, Android {info.release} (SDK {info.sdk}), {info.abi}, {info.kind}")


def _boot(doc: Doctor) -> None:
    from harness.device.root import wait_boot_completed

    if doc.device.getprop("sys.boot_completed") == "1":
        doc.add("boot completed", True, "sys.boot_completed=1")
        return
    if doc.options.fix:
        waited = wait_boot_completed(doc.device)
        doc.add("boot completed", True, f"sys.boot_completed=1 after waiting {waited:.1f} s")
        return
    doc.add("boot completed", False, "sys.boot_completed is not 1 yet",
            f"wait, or `consentry doctor --device {doc.serial} --fix` (waits for boot)")


def _root(doc: Doctor) -> None:
    from harness.device.root import ensure_root, root_access

    access = ensure_root(doc.device) if doc.options.fix else root_access(doc.device)
    doc.access = access
    doc.add("root", access.method is not None,
            f"{access.detail}" + (f" (commands run as `{access.method}`)" if access.method else ""),
            f"`consentry doctor --device {doc.serial} --fix` (runs `adb root`); on a Play Store image or an "
            "unrooted phone there is no root: use a Google APIs emulator image or a rooted phone")


def _frida_server(doc: Doctor) -> None:
    from harness.device import frida_server as fs

    arch = fs.device_arch(doc.device)
    host = fs.host_frida_version()
    want = f"frida-server-{host}-android-{arch}.xz"
    fix = f"consentry doctor --device {doc.serial} --fix --frida-server {want} (from Frida's releases)"
    if doc.access is not None and doc.access.method is None:
        doc.add("frida-server", False, "frida-server needs root, which this device does not give (see root)",
                "root the device first (the root row says how), then " + fix)
        return
    if doc.options.fix and doc.access is not None and doc.access.method is not None:
        doc.lease = fs.ensure(doc.device, doc.options.frida_server)
        doc.add("frida-server", True, f"{doc.lease.version} for {arch}, pid {doc.lease.pid}, answers on tcp:{fs.PORT}"
                + (" (started by doctor; stopped at the end)" if doc.lease.started else ""), fix)
        return
    st = fs.status(doc.device, doc.access if doc.access is not None and doc.access.method else None)
    if not st.installed:
        doc.add("frida-server", False, f"not found at {fs.REMOTE}", fix)
    elif st.version is None:
        doc.add("frida-server", False, f"{fs.REMOTE} exists but `--version` did not answer (wrong architecture "
                f"for {arch}, or it needs root)", fix)
    elif not st.version_ok:
        doc.add("frida-server", False, f"device has {st.version}, host frida is {host} (they must be equal)", fix)
    elif st.running:
        doc.add("frida-server", fs.answers(doc.device), f"{st.version} running (pid {st.pid})",
                f"it runs but does not answer on tcp:{fs.PORT}: restart it with --fix")
    else:
        doc.add("frida-server", True, f"{st.version} installed, not running (each run starts it; --fix checks it starts)")


def _proxy_left(doc: Doctor) -> None:
    from harness.capture import device_setup

    proxy = device_setup.proxy_get(doc.device.adb)
    if proxy and doc.options.fix:
        device_setup.proxy_clear(doc.device.adb)
        doc.add("device proxy", True, f"cleared a stale global http_proxy {proxy}")
        return
    doc.add("device proxy", proxy is None, f"global http_proxy is {proxy} (left by a killed run?)" if proxy
            else "not set (the runner sets it per run)", f"adb -s {doc.serial} shell settings put global http_proxy :0")


def _ca(doc: Doctor) -> None:
    from harness.capture import device_setup
    from harness.capture.ca import default_confdir, ensure_ca

    pem = ensure_ca(default_confdir()).read_bytes()
    if doc.options.remove_ca:
        result = device_setup.ca_remove(doc.device.adb, pem)
        doc.add("CA removed", result.ok, result.detail, "reboot the device (the system store mounts are tmpfs)")
    state = device_setup.ca_state(doc.device.adb, pem)
    if doc.options.remove_ca:
        doc.add("CA absent", not state.anywhere, state.detail, "reboot the device")
    else:
        doc.add("consentry CA", True, state.detail)


def run_doctor(options: DoctorOptions) -> list[Row]:
    doc = Doctor(options)
    if not _host(doc):
        return doc.rows
    doc.guard("device", lambda: _connect(doc), "attach a device: `adb devices`, `adb connect HOST:PORT`, "
              "or `consentry sim start --detach`")
    if doc.device is None:
        return doc.rows
    try:
        kind = doc.device.info().kind
        doc.guard("boot completed", lambda: _boot(doc))
        if kind == "sim":
            doc.add("root", True, "sim device (adbd runs as root)")
            doc.add("frida-server", True, "not needed: sim apps are host processes (Frida's local device)")
        else:
            doc.guard("root", lambda: _root(doc))
            doc.guard("frida-server", lambda: _frida_server(doc),
                      f"consentry doctor --device {doc.serial} --fix --frida-server PATH")
        doc.guard("device proxy", lambda: _proxy_left(doc))
        doc.guard("consentry CA", lambda: _ca(doc), f"consentry doctor --device {doc.serial} --remove-ca")
        if options.deep:
            from harness.run.doctor_deep import deep_checks

            deep_checks(doc)
    finally:
        if doc.lease is not None:
            try:
                doc.lease.release()
            except ConsentryError as exc:
                doc.add("frida-server stop", False, str(exc), f"adb -s {doc.serial} shell su 0 pkill frida-server")
    return doc.rows


def print_rows(rows: list[Row], *, json_out: bool = False) -> None:
    if json_out:
        for row in rows:
            print(json.dumps(asdict(row), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="consentry doctor")
    for col in ("check", "ok", "detail", "fix"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(escape(r.check), "[green]ok[/]" if r.ok else "[red]FAIL[/]", escape(r.detail), escape(r.fix))
    Console().print(table)
