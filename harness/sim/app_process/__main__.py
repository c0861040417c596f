"""Entry point: `python -m harness.sim.app_process CONFIG.json` (see the package docstring)."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import threading
import time

from harness.sim.app_process.actions import Actions
from harness.sim.app_process.channel import Channel
from harness.sim.app_process.jvm import JavaError
from harness.sim.app_process.scheduler import run


def _set_name(name: str) -> None:
    try:  # PR_SET_NAME: `comm` shows the package like an Android app process (15 chars max)
        ctypes.CDLL(None).prctl(15, name[-15:].encode(), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _crash_timer(cfg: dict, chan: Channel) -> None:
    at = cfg.get("crash_at_wall")
    if at is None:
        return

    def crash() -> None:
        time.sleep(max(0.0, at - time.time()))
        chan.send("crash", thread="main",
                  exception=f"java.lang.RuntimeException: consentry sim fault: crash {cfg['crash_at_s']} s after launch",
                  frames=[f"{cfg['package']}.MainActivity.onResume(MainActivity.java:57)",
                          "android.app.Activity.performResume(Activity.java:8791)"])
        os._exit(1)

    threading.Thread(target=crash, name="sim-crash", daemon=True).start()


def _fault(actions: Actions, msg: dict) -> None:
    """A test fault the runtime injects: `jvm_crash` crashes the JVM for real (hs_err, abort)."""
    if msg.get("kind") == "jvm_crash" and actions.jvm is not None:
        actions.jvm.crash()


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    _set_name(cfg["package"])
    # SIGCONT is blocked in every thread and taken with sigwait: no race between a check and a wait
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCONT})
    chan = Channel()
    chan.start_reader()
    actions = Actions(cfg, chan)
    # The app's runtime is up before the gate, as in a process forked from zygote (ART running):
    # the VM and the Application. An agent attached at the gate finds Java available and installs
    # its Java hooks there, before SIGCONT and so before the app's first Java call, without
    # shifting the app's own timeline (its behaviours are timed from its first frame).
    t_vm = time.monotonic()
    try:
        actions.start_java()
        chan.log("ActivityThread", f"bindApplication: Java VM and Application ready in "
                 f"{(time.monotonic() - t_vm) * 1000:.0f} ms", "I")
    except JavaError as e:
        chan.send("crash", thread="main", exception=f"java.lang.RuntimeException: Unable to create application "
                  f"{cfg['package']}.App: {e}", frames=["android.app.ActivityThread.handleBindApplication"
                                                         "(ActivityThread.java:6764)"])
        os._exit(1)
    if cfg.get("gated"):
        chan.log("ActivityThread", f"Application {cfg['package']} is waiting for the debugger on port 8100...", "W")
        chan.send("at_gate")  # every module is imported and the VM is up: attaching now is safe
        signal.sigwait({signal.SIGCONT})  # `am start -D`: released by `kill -s CONT PID`
        chan.log("ActivityThread", "Debugger has connected", "I")
        chan.send("debugger_connected")  # the dialog goes; the app's starting window until its first frame
    _crash_timer(cfg, chan)
    actions.load_libs({None} | {b.get("sdk") for b in cfg["behaviours"]})  # System.loadLibrary in app code
    chan.handlers["fault"] = lambda msg: _fault(actions, msg)
    # The app's first frame: only now does the system take the debugger dialog down and show the
    # app's screen, so `am start -W` and the harness's wait for the first frame mean "app running".
    chan.send("released")
    run(cfg["behaviours"], actions, chan, autos=cfg.get("autos", []))


if __name__ == "__main__":
    main()
