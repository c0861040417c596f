"""The apps side of the sim device (`AppRuntime`): app processes, the task and screen stacks, input,
the system permission dialog, hierarchy dumps and screenshots.

Launch path and instrumentation. `launch()` starts a REAL child process
(`python -m harness.sim.app_process`), so `pidof` gives a live PID that Frida attaches to, and
`force_stop()` kills it. With `wait_debugger=True` (`am start -D`) the process is *gated*: it is
alive, shows Android's "Waiting For Debugger" dialog, and runs none of its behaviours until
`signal(pid, SIGCONT)` (the device maps `kill -s CONT PID` to it). The harness therefore does
`am start -D -n PKG/ACT` -> `pidof PKG` -> Frida attach + load agent -> `kill -s CONT PID`, and the
agent is in place before the app's first behaviour, as Frida's spawn gating gives on a device.

The runtime tells each process its state (consent stored by the app, permission results,
foreground, top screen) over the process's stdin, and serves its requests (logcat lines,
permission prompts, screens to show, the device's `http_proxy`) from its stdout. The app's own
data (consent choice, permission denial counts) lives under `/data/data/PKG/` on the sim's file
tree, so `pm clear` resets it and a relaunch remembers it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal as _signal
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis.permissions import group_of  # the platform's groups, as the system dialog names them
from harness.sim.app_process.encode import identity_value
from harness.sim.interfaces import CLOCK_FILE, DeviceContext, LaunchResult
from harness.sim.java import apps as java_apps
from harness.sim.model import AppModel, load_app_package
from harness.sim.native import libjvm_path, library_path
from harness.sim.screen_stack import (
    ScreenInstance,
    ScreensMixin,
)

PROPS = ("ro.serialno", "ro.boot.serialno", "ro.product.model", "ro.product.manufacturer", "ro.product.brand",
         "ro.product.device", "ro.product.name", "ro.build.version.release", "ro.build.version.sdk",
         "ro.build.fingerprint", "ro.product.cpu.abi", "ro.hardware", "gsm.sim.operator.numeric",
         "gsm.operator.alpha", "persist.sys.timezone", "persist.sys.locale")


class AppNotInstalled(LookupError):
    """`am start` of a package the device does not have."""


class ActivityNotFound(LookupError):
    """`am start -n PKG/ACT` with an activity the app does not declare."""


GATE_TIMEOUT_S = 20.0
# A crashed JVM (test fault): how long its hs_err report may take, and how long the process then
# gets to end by itself before the device model kills it (see _reap_crashed_jvm).
CRASH_REPORT_WAIT_S = 60.0
CRASH_EXIT_GRACE_S = 5.0


def _report_complete(report: Path) -> bool:
    """HotSpot ends its hs_err report with a line `END.`."""
    try:
        with report.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64))
            return b"\nEND." in f.read()
    except OSError:
        return False


@dataclass
class _Proc:
    package: str
    model: AppModel
    popen: subprocess.Popen
    pid: int
    uid: int
    gated: bool
    expected_exit: bool = False
    crash: dict[str, Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set when a gated process has finished starting up and waits for SIGCONT: only then may a
    # debugger (Frida) attach, as on Android; attaching while the interpreter is still loading
    # its extension modules can deadlock on the dynamic loader's lock.
    at_gate: threading.Event = field(default_factory=threading.Event)
    # Released from the gate, still starting (its JVM, the agent's Java hooks, the Application):
    # the system shows the app's starting window, the app's package in front, until its first frame.
    binding: bool = False


class SimAppRuntime(ScreensMixin):
    """`AppRuntime` of one sim device. `internet` is the sim internet's (host, port): the network
    an app reaches when no proxy is set. `internet_ca` (PEM) is installed in the device's system CA
    store (as a public CA would be) and is the CA that pinning apps pin."""

    def __init__(self, ctx: DeviceContext, internet: tuple[str, int], *, internet_ca: bytes | None = None):
        self.ctx = ctx
        self.internet = internet
        self.internet_ca = internet_ca or b""
        self.work = ctx.host_path("/data/system/consentry-sim")
        self.work.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._procs: dict[str, _Proc] = {}
        self._tasks: dict[str, list[ScreenInstance]] = {}
        self._models: dict[str, AppModel] = {}
        self._fg: str | None = None
        self._dialogs: list[tuple[str, str, tuple[str, ...]]] = []  # (package, group, permissions)
        self._gen = 0
        if internet_ca:
            self._install_system_ca(internet_ca)

    def _pin_pem(self) -> str:
        """The CA pinning apps pin: the sim internet's (given, or found in the system store by name)."""
        if not self.internet_ca:
            d = self.ctx.host_path("/system/etc/security/cacerts")
            for f in sorted(d.glob("*.0")) if d.is_dir() else []:
                data = f.read_bytes()[:65536]
                if b"BEGIN CERTIFICATE" in data and _is_sim_internet_ca(data):
                    self.internet_ca = data
                    break
        return self.internet_ca.decode()

    # -- helpers ---------------------------------------------------------------------------
    def _install_system_ca(self, pem: bytes) -> None:
        import hashlib

        from cryptography import x509

        cert = x509.load_pem_x509_certificate(pem)
        h = int.from_bytes(hashlib.md5(cert.subject.public_bytes()).digest()[:4], "little")  # subject_hash_old
        d = self.ctx.host_path("/system/etc/security/cacerts")
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{h:08x}.0").write_bytes(pem)

    def _log(self, tag: str, msg: str, level: str = "I", pid: int = 0) -> None:
        self.ctx.logcat(tag, msg, level=level, pid=pid)

    def _model(self, package: str) -> AppModel:
        apk = self.ctx.installed_apk(package)
        if apk is None:
            raise AppNotInstalled(package)
        key = f"{apk}:{apk.stat().st_mtime_ns}"
        m = self._models.get(key)
        if m is None:
            m = self._models[key] = load_app_package(apk)
        return m

    def _prefs_path(self, package: str) -> Path:
        return self.ctx.host_path(f"/data/data/{package}/shared_prefs/consentry_sim.json")

    def _prefs(self, package: str) -> dict[str, Any]:
        try:
            return json.loads(self._prefs_path(package).read_text())
        except (OSError, ValueError):
            return {"consent": "none", "asked": {}, "denials": {}}

    def _save_prefs(self, package: str, prefs: dict[str, Any]) -> None:
        p = self._prefs_path(package)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(prefs))
        tmp.replace(p)

    @staticmethod
    def _uid(package: str) -> int:
        return 10100 + zlib.crc32(package.encode()) % 800

    def _resolve_activity(self, model: AppModel, activity: str | None) -> str | None:
        if activity is None:
            return None
        act = activity.split("/", 1)[1] if "/" in activity else activity

        def full(a: str) -> str:
            return model.package + a if a.startswith(".") else a

        match = next((a for a in model.activities if full(a) == full(act)), None)
        if match is None:
            raise ActivityNotFound(f"{model.package}/{act}")
        return match

    # -- launch and processes -----------------------------------------------------------
    def launch(self, package: str, activity: str | None = None, *, wait_debugger: bool = False) -> LaunchResult:
        t0 = time.monotonic()
        model = self._model(package)
        act = self._resolve_activity(model, activity) or model.launcher
        comp = model.component(act)
        self._log("ActivityTaskManager", f"START u0 {{act=android.intent.action.MAIN cat=[android.intent.category.LAUNCHER] "
                                         f"flg=0x10000000 cmp={comp}}} from uid 2000")
        with self._lock:
            proc = self._live(package)
            cold = proc is None
            if proc is None:
                proc = self._spawn(model, comp, wait_debugger)
            if not self._tasks.get(package):
                consent = self._prefs(package).get("consent")
                start = ({"accepted": model.start.accepted, "refused": model.start.refused}.get(consent)
                         if isinstance(consent, str) else None)
                self._tasks[package] = [ScreenInstance(start or model.start.none)]
            self._set_fg(package)
            self._screen_changed(package)
            top = self._top_component(package)
        if cold and wait_debugger and not proc.at_gate.wait(GATE_TIMEOUT_S):
            self._log("ActivityManager", f"Process {package} (pid {proc.pid}) did not reach the debugger gate", "W")
        total = max(1, int((time.monotonic() - t0) * 1000))
        self._log("ActivityTaskManager", f"Displayed {top} for user 0: +{total}ms")
        return LaunchResult(pid=proc.pid, activity=top, total_ms=total, cold=cold)

    def _spawn(self, model: AppModel, comp: str, gated: bool) -> _Proc:
        pkg = model.package
        ident = asdict(self.ctx.identity)
        props = "".join(f"{k}={self.ctx.getprop(k)}\n" for k in sorted(set(PROPS) | self._getprop_keys(model)))
        (self.work / f"{pkg}.props").write_text(props)
        (self.work / f"{pkg}.identity.properties").write_text(self._identity_properties(ident, model), encoding="latin-1")
        launched = time.time()
        crash_s = self.ctx.faults.crash_at_s.get(pkg)
        libs = {"simprop"} | {b.sdk for b in model.behaviours if b.sdk}
        cfg = {
            "package": pkg, "label": model.label, "gated": gated, "internet": list(self.internet),
            "root": str(self.ctx.root).rstrip("/"), "identity": ident,
            "libs": {n: str(library_path(n)) for n in libs},
            "ca_dirs": [str(self.ctx.host_path("/system/etc/security/cacerts")),
                        str(self.ctx.host_path("/data/misc/user/0/cacerts-added"))],
            "pin_ca_pem": self._pin_pem(),
            "crash_at_s": crash_s, "crash_at_wall": launched + crash_s if crash_s is not None else None,
            "behaviours": [b.model_dump(mode="json", by_alias=True, exclude_none=True) for b in model.behaviours],
            # screens that move on by themselves: timed by the app's own scheduler (see scheduler.py)
            "autos": [{"screen": s.id, "after_s": s.auto.after_s, "once": s.auto.once}
                      for s in model.screens if s.auto is not None],
            "java": self._java_config(model),
            # the permissions held at launch, until the first state message says otherwise
            "granted": [p for p in model.permissions if self.ctx.permission_granted(pkg, p)],
        }
        cfg_path = self.work / f"{pkg}.launch.json"
        cfg_path.write_text(json.dumps(cfg))
        data_dir = self.ctx.host_path(f"/data/data/{pkg}")
        data_dir.mkdir(parents=True, exist_ok=True)
        import harness

        env = dict(os.environ, CONSENTRY_SIM_PROPS=str(self.work / f"{pkg}.props"),
                   CONSENTRY_IDENTITY=str(self.work / f"{pkg}.identity.properties"),
                   PYTHONPATH=str(Path(harness.__file__).resolve().parent.parent))
        env.update(self._app_shell_env())
        if self.ctx.faults.clock_offset_s is not None:  # the clock-jump fault is armed (simclock.c)
            env["LD_PRELOAD"] = " ".join(filter(None, [str(library_path("simclock")), env.get("LD_PRELOAD")]))
            env["CONSENTRY_SIM_CLOCK_FILE"] = str(self.ctx.host_path(CLOCK_FILE))
        with open(self.work / f"{pkg}.stderr", "ab") as err:
            popen = subprocess.Popen([sys.executable, "-m", "harness.sim.app_process", str(cfg_path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, cwd=data_dir,
                                     env=env, start_new_session=True)
        uid = self._uid(pkg)
        proc = _Proc(pkg, model, popen, popen.pid, uid, gated)
        self._procs[pkg] = proc
        full = comp.replace("/.", f"/{pkg}.")
        self._log("ActivityManager", f"Start proc {popen.pid}:{pkg}/u0a{uid - 10000} for next-top-activity {{{full}}}")
        threading.Thread(target=self._read_proc, args=(proc,), name=f"sim-app-{pkg}", daemon=True).start()
        return proc

    def _app_shell_env(self) -> dict[str, str]:
        """Commands the app runs go to this device's shell (shell_service.py), not the host's."""
        from harness.sim.shell_service import ShellService

        if getattr(self, "_shell", None) is None:
            self._shell = ShellService(self.ctx, self, self.work / "bin")
        self._shell.ensure()
        return {"CONSENTRY_SIM_SHELL": self._shell.address, "CONSENTRY_SIM_ROOT": str(self.ctx.root).rstrip("/"),
                "PATH": f"{self._shell.bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"}

    def _java_config(self, model: AppModel) -> dict[str, Any]:
        """The app's JVM (every sim app has one, as every Android app runs on ART): its class
        path, and the classes its behaviours' Java code lives in."""
        sdks = {b.sdk for b in model.behaviours if b.sdk}
        late = set(model.late_sdks)
        return {
            "libsimruntime": str(library_path("simruntime")), "libjvm": str(libjvm_path()),
            "classpath": java_apps.classpath(model.package, sdks, late),
            "app_class": java_apps.app_class(model.package),
            "sdk_classes": {s: java_apps.SDK_CLASSES[s] for s in sdks if s in java_apps.SDK_CLASSES},
            "late": {s: str(java_apps.sdk_jar(s)) for s in late},
            # HotSpot's crash report (hs_err), read back when the process dies
            "error_file": str(self.work / f"{model.package}.hs_err_pid%p.log"),
        }

    def _identity_properties(self, ident: dict[str, Any], model: AppModel) -> str:
        """The identity the framework's bodies return (consentry.sim.Identity), in
        java.util.Properties format (ISO-8859-1 with \\uXXXX escapes)."""
        values: dict[str, str] = {}
        for key, v in ident.items():
            if key == "location" and v:
                values["lat"], values["lon"] = str(float(v[0])), str(float(v[1]))
            elif isinstance(v, (str, int, float)):
                values[key] = str(v)
        for k in sorted(set(PROPS) | self._getprop_keys(model)):
            values[f"prop.{k}"] = self.ctx.getprop(k)
        values["clipboard"] = identity_value(ident, "clipboard") or values.get("clipboard", "")

        def esc(text: str) -> str:
            units = text.encode("utf-16-be")
            out = []
            for i in range(0, len(units), 2):
                u = int.from_bytes(units[i:i + 2], "big")
                if 0x20 <= u <= 0x7E:
                    out.append("\\" + chr(u) if chr(u) in "\\=:#! " else chr(u))
                else:
                    out.append(f"\\u{u:04x}")
            return "".join(out)

        return "".join(f"{esc(k)}={esc(v)}\n" for k, v in values.items())

    @staticmethod
    def _getprop_keys(model: AppModel) -> set[str]:
        return {s.getprop for b in model.behaviours for s in b.steps if s.getprop}

    def _live(self, package: str) -> _Proc | None:
        p = self._procs.get(package)
        return p if p is not None and p.popen.poll() is None else None

    def _send(self, proc: _Proc, msg: dict[str, Any]) -> None:
        line = json.dumps(msg).encode() + b"\n"
        with proc.lock:
            try:
                assert proc.popen.stdin is not None
                proc.popen.stdin.write(line)
                proc.popen.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass

    def _push_state(self, package: str) -> None:
        proc = self._live(package)
        if proc is None:
            return
        prefs = self._prefs(package)
        perms = {}
        for p in proc.model.permissions:
            if group_of(p) is None:
                continue
            granted = self.ctx.permission_granted(package, p)
            perms[p] = "granted" if granted else ("denied" if prefs["asked"].get(p) == "denied" else "none")
        # every permission the app holds now (install-time ones included): the framework's checks
        held = [p for p in proc.model.permissions if self.ctx.permission_granted(package, p)]
        task = self._tasks.get(package)
        self._send(proc, {"op": "state", "consent": prefs.get("consent", "none"), "permissions": perms,
                          "granted": held,
                          "foreground": self._fg == package, "screen": task[-1].screen_id if task else None})

    def _read_proc(self, proc: _Proc) -> None:
        assert proc.popen.stdout is not None
        for raw in proc.popen.stdout:
            try:
                msg = json.loads(raw)
                self._handle(proc, msg)
            except (ValueError, KeyError, TypeError):
                continue
        rc = proc.popen.wait()
        self._on_exit(proc, rc)

    def _handle(self, proc: _Proc, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        pkg = proc.package
        if op == "log":
            self._log(str(msg["tag"])[:64], str(msg["msg"])[:4000], str(msg.get("level", "I"))[:1], proc.pid)
        elif op == "get_proxy":
            self._send(proc, {"op": "reply", "id": msg["id"], "value": self.ctx.settings_get("global", "http_proxy")})
        elif op == "at_gate":
            proc.at_gate.set()
        elif op == "debugger_connected":
            with self._lock:
                proc.gated, proc.binding = False, True
        elif op == "released":
            with self._lock:
                proc.gated = proc.binding = False
                self._push_state(pkg)
        elif op == "request_permissions":
            with self._lock:
                self._request_permissions(pkg, tuple(str(p) for p in msg["permissions"][:32]))
        elif op == "show_screen":
            with self._lock:
                task = self._tasks.get(pkg)
                if self._fg == pkg and task and task[-1].screen_id != msg["screen"] and self._has_screen(proc.model, msg["screen"]):
                    task.append(ScreenInstance(msg["screen"]))
                    self._screen_changed(pkg)
        elif op == "screen_auto":
            with self._lock:
                task = self._tasks.get(pkg)
                screen_id = str(msg.get("screen", ""))
                if task and task[-1].screen_id == screen_id and self._has_screen(proc.model, screen_id):
                    auto = proc.model.screen(screen_id).auto
                    if auto is not None:
                        self._apply(pkg, auto.action)
        elif op == "start_app":
            target = str(msg["package"])[:200]
            self._log("ActivityManager", f"Unable to start service Intent {{ pkg={target} }} U=0: not found"
                      if self.ctx.installed_apk(target) is None else
                      f"Background start of {target} requested by {pkg} (uid {proc.uid})", "W", proc.pid)
        elif op == "crash":
            proc.crash = msg

    @staticmethod
    def _has_screen(model: AppModel, sid: str) -> bool:
        return any(s.id == sid for s in model.screens)

    def _on_exit(self, proc: _Proc, rc: int) -> None:
        with self._lock:
            if self._procs.get(proc.package) is proc:
                del self._procs[proc.package]
            if proc.expected_exit:
                return
            if proc.crash:
                c = proc.crash
                lines = [f"FATAL EXCEPTION: {c.get('thread', 'main')}", f"Process: {proc.package}, PID: {proc.pid}",
                         str(c.get("exception", "java.lang.RuntimeException"))]
                lines += [f"\tat {f}" for f in c.get("frames", [])][:20]
                for ln in lines:
                    self._log("AndroidRuntime", ln, "E", proc.pid)
            self._log_jvm_crash(proc, rc)
            state = "fg  TOP" if self._fg == proc.package else "cch  CEM"
            self._log("ActivityManager", f"Process {proc.package} (pid {proc.pid}) has died: {state}")
            self._drop_task(proc.package)

    def _log_jvm_crash(self, proc: _Proc, rc: int) -> None:
        """A JVM that crashed left its hs_err report: logged as Android's debuggerd logs a native
        crash (`Fatal signal ...` and the report's summary)."""
        report = self.work / f"{proc.package}.hs_err_pid{proc.pid}.log"
        if not report.is_file():
            return
        try:
            head = report.read_text(encoding="utf-8", errors="replace")[:8192].splitlines()
        except OSError:
            return
        m = next((re.match(r"#\s+(SIG[A-Z]+) \(0x([0-9a-f]+)\)", ln) for ln in head if re.match(r"#\s+SIG", ln)), None)
        sig, num = (m.group(1), int(m.group(2), 16)) if m else ("SIGABRT", 6)
        self._log("libc", f"Fatal signal {num} ({sig}) in tid {proc.pid} ({proc.package[-15:]}), pid {proc.pid} "
                  f"({proc.package})", "F", proc.pid)
        for ln in [ln[1:].strip() for ln in head if ln.startswith("#") and ln[1:].strip()][:12]:
            self._log("DEBUG", ln[:300], "F", proc.pid)

    def crash_jvm(self, package: str) -> bool:
        """Test fault: the app's JVM crashes for real (a write to address 0 from Java)."""
        with self._lock:
            proc = self._live(package)
        if proc is None:
            return False
        self._send(proc, {"op": "fault", "kind": "jvm_crash"})
        threading.Thread(target=self._reap_crashed_jvm, args=(proc,), name=f"sim-reap-{proc.pid}", daemon=True).start()
        return True

    def _reap_crashed_jvm(self, proc: _Proc) -> None:
        """End a crashed JVM that does not end by itself, as Android ends a crashed process once
        its tombstone is written. HotSpot's error handler can stay in the process for good: seen
        (gdb) with the agent's JS thread in a JVMTI heap walk whose thread handshake the crashed
        thread, inside the error handler, never answered; the process stayed alive and silent
        and its run's teardown hung. A device ends a crashed process whatever it is doing, so
        the model does too: a complete report (or a bounded wait for it), a grace period,
        then SIGKILL. `_on_exit` logs the crash from the report either way."""
        report = self.work / f"{proc.package}.hs_err_pid{proc.pid}.log"
        deadline = time.monotonic() + CRASH_REPORT_WAIT_S
        while time.monotonic() < deadline and proc.popen.poll() is None and not _report_complete(report):
            time.sleep(0.1)
        deadline = time.monotonic() + CRASH_EXIT_GRACE_S
        while time.monotonic() < deadline and proc.popen.poll() is None:
            time.sleep(0.1)
        if proc.popen.poll() is None:
            self._log("DEBUG", f"pid {proc.pid} still alive {CRASH_EXIT_GRACE_S:g} s after its crash report: killed",
                      "W", proc.pid)
            self._kill(proc)

    def _drop_task(self, package: str) -> None:
        self._tasks.pop(package, None)
        self._dialogs = [d for d in self._dialogs if d[0] != package]
        if self._fg == package:
            self._fg = None

    def force_stop(self, package: str) -> None:
        with self._lock:
            proc = self._live(package)
            if proc is not None:
                proc.expected_exit = True
                self._log("ActivityManager", f"Force stopping {package} appid={proc.uid} user=0: from pid {os.getpid()}")
                self._log("ActivityManager", f"Killing {proc.pid}:{package}/u0a{proc.uid - 10000} (adj 0): stop {package} due to from pid {os.getpid()}")
                self._kill(proc)
            self._drop_task(package)

    @staticmethod
    def _kill(proc: _Proc) -> None:
        try:
            os.killpg(proc.pid, _signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def clear_data(self, package: str) -> None:
        with self._lock:
            self.force_stop(package)
            shutil.rmtree(self.ctx.host_path(f"/data/data/{package}"), ignore_errors=True)
            try:
                model = self._model(package)
            except (AppNotInstalled, ValueError):
                return
            for p in model.permissions:  # pm clear also resets runtime permissions
                if group_of(p) is not None:
                    self.ctx.set_permission(package, p, False)

    def pid_of(self, package: str) -> int | None:
        with self._lock:
            p = self._live(package)
            return p.pid if p else None

    def processes(self) -> list[tuple[int, str]]:
        with self._lock:
            return sorted((p.pid, p.package) for p in self._procs.values() if p.popen.poll() is None)

    def signal(self, pid: int, signum: int) -> bool:
        with self._lock:
            proc = next((p for p in self._procs.values() if p.pid == pid and p.popen.poll() is None), None)
            if proc is None:
                return False
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                return False
            return True

    def shutdown(self) -> None:
        if getattr(self, "_shell", None) is not None:
            self._shell.close()
        with self._lock:
            procs = list(self._procs.values())
            for p in procs:
                p.expected_exit = True
                self._kill(p)
            self._procs.clear()
            self._tasks.clear()
            self._dialogs.clear()
            self._fg = None

    # -- screens -----------------------------------------------------------------------------


def _is_sim_internet_ca(pem: bytes) -> bool:
    from cryptography import x509

    try:
        return "consentry sim internet" in x509.load_pem_x509_certificate(pem).subject.rfc4514_string()
    except ValueError:
        return False
