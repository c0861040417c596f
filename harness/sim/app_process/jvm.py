"""The app process's Java runtime: a HotSpot JVM booted in-process through libsimruntime.so (the JNI
invocation API), as Android's app_process boots ART, and the app's Java calls into it.

Booted before the process waits at the debugger gate, as ART already runs in a process forked
from zygote: an agent attached while gated finds Java available and installs its Java hooks before
the app's first Java call, and the VM's start does not shift the app's timeline.
Any thread may call in: libsimruntime attaches it as a daemon on its first call and detaches it when
it exits. Each `read: KEY` step calls `read(Context, key)` on the class that owns the behaviour's
code: the SDK's class in the SDK's real package (harness.sim.java.apps.SDK_CLASSES), loaded late
through the app's own URLClassLoader for an SDK shipped as a separate jar, or `<package>.App`."""

from __future__ import annotations

import ctypes
import threading
from typing import Any

BUF = 4096
# Fast, small start (docs/sim.md has the measurements): class data sharing, C1 only, the serial
# collector, a small heap; no perf-data file in /tmp; -Xrs leaves SIGINT/SIGTERM/SIGQUIT to the
# host process, as an embedded VM should; a crash writes its hs_err report but no core file.
JVM_OPTIONS = ("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss1m",
               "-XX:-UsePerfData", "-Xrs", "-XX:-CreateCoredumpOnCrash")


class JavaError(Exception):
    """A Java call threw (the message is the exception's toString()), or the VM is not there."""


class Jvm:
    """One process's VM. `cfg` is the launch config's "java" part (harness.sim.runtime)."""

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg
        lib = ctypes.CDLL(cfg["libsimruntime"])
        lib.simjvm_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.simjvm_class.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.simjvm_class.restype = ctypes.c_void_p
        lib.simjvm_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.simjvm_load.restype = ctypes.c_void_p
        lib.simjvm_boot.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.simjvm_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.simjvm_grant.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        self.lib = lib
        self._classes: dict[str, int] = {}
        self._lock = threading.Lock()
        self._granted: str | None = None

    def start(self, package: str) -> None:
        """Create the VM and the app's Application (raises JavaError)."""
        opts = [*JVM_OPTIONS, f"-XX:ErrorFile={self.cfg['error_file']}",
                "-Djava.class.path=" + ":".join(self.cfg["classpath"])]
        err = ctypes.create_string_buffer(BUF)
        if self.lib.simjvm_start(self.cfg["libjvm"].encode(), "\n".join(opts).encode(), err, BUF) != 0:
            raise JavaError(f"the Java VM did not start: {err.value.decode('utf-8', 'replace')}")
        app = self.cls(None)
        out = ctypes.create_string_buffer(BUF)
        if self.lib.simjvm_boot(app, package.encode(), out, BUF) < 0:
            raise JavaError(f"{self.cfg['app_class']}.boot failed: {out.value.decode('utf-8', 'replace')}")

    def cls(self, sdk: str | None) -> int:
        """The class handle for the behaviour's code (None: the app's own)."""
        key = sdk or ""
        with self._lock:
            h = self._classes.get(key)
            if h is not None:
                return h
            err = ctypes.create_string_buffer(BUF)
            late = self.cfg["late"].get(sdk) if sdk else None
            name = self.cfg["app_class"] if sdk is None else self.cfg["sdk_classes"].get(sdk)
            if name is None:
                raise JavaError(f"no Java code for SDK {sdk!r}")
            if late is not None:  # the app loads the SDK's jar through its own class loader
                h = self.lib.simjvm_load(self._app_class(), f"{late}\n{name}".encode(), err, BUF)
            else:
                h = self.lib.simjvm_class(name.encode(), err, BUF)
            if not h:
                raise JavaError(f"class {name} not found: {err.value.decode('utf-8', 'replace')}")
            self._classes[key] = h
            return h

    def _app_class(self) -> int:
        h = self._classes.get("")
        if h is None:
            err = ctypes.create_string_buffer(BUF)
            h = self.lib.simjvm_class(self.cfg["app_class"].encode(), err, BUF)
            if not h:
                raise JavaError(f"class {self.cfg['app_class']} not found: {err.value.decode('utf-8', 'replace')}")
            self._classes[""] = h
        return h

    def grant(self, permissions: list[str]) -> None:
        """Tell the framework's permission checks what is granted now (only when it changed)."""
        csv = ",".join(sorted(permissions))
        if csv == self._granted:
            return
        out = ctypes.create_string_buffer(BUF)
        if self.lib.simjvm_grant(csv.encode(), out, BUF) < 0:
            raise JavaError(f"Permissions.set failed: {out.value.decode('utf-8', 'replace')}")
        self._granted = csv

    def call(self, sdk: str | None, method: str, arg: str) -> str | None:
        """static String METHOD(Context, String) of the behaviour's class: the result, None for
        null; JavaError with the exception's text when it threw."""
        return self.call_class(self.cls(sdk), method, arg)

    def call_class(self, handle: int, method: str, arg: str) -> str | None:
        out = ctypes.create_string_buffer(BUF)
        n = self.lib.simjvm_call(handle, method.encode(), arg.encode(), out, BUF)
        text = out.value.decode("utf-8", "replace")
        if n == -1:
            return None
        if n < -1:
            raise JavaError(text)
        return text

    def crash(self) -> None:
        """A real JVM crash (test fault): consentry.sim.Faults.crash writes to address 0."""
        err = ctypes.create_string_buffer(BUF)
        h = self.lib.simjvm_class(b"consentry.sim.Faults", err, BUF)
        if h:
            self.call_class(h, "crash", "fault")
