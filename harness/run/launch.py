"""Launching the app with instrumentation in place before its first behaviour.

Sim device: `am start -W -D` creates the app process held before its first behaviour (as Android
holds a `-D` app for a debugger); the agent attaches to that PID, then `kill -s CONT PID` lets it
run. Emulators and phones: Frida's spawn on the device (frida-server), attach, load, resume.

Either way the launch step ends at the app's first frame (its window, or a permission prompt it
raised, in front), as `am start -W` does: a scenario's `wait` then counts time the app really ran,
however long a loaded machine took to start the process."""

from __future__ import annotations

import time

from harness.errors import AgentError, AttachTimedOut, DeviceError
from harness.run.context import RunAborted, RunContext
from harness.ui.lexicon import PERMISSION_PACKAGES

FIRST_FRAME_TIMEOUT_S = 30.0


def _wait_pid(ctx: RunContext, timeout_s: float = 10.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pid = ctx.device.app_pid(ctx.app.package)
        if pid:
            return pid
        time.sleep(0.1)
    raise RunAborted(f"{ctx.app.package} did not start (no process after {timeout_s:.0f}s)")


def launch_app(ctx: RunContext, *, fresh_process: bool = True) -> str:
    """Start the app and attach the agent before it runs; returns a detail for the steps table.
    The whole of it is harness time when the agent is on (start held, attach, release): counted
    in `ctx.attach_s`, not in the scenario's step time."""
    started = time.monotonic()
    try:
        return _launch(ctx)
    finally:
        if ctx.instrument is not None:
            ctx.attach_s += time.monotonic() - started


def _launch(ctx: RunContext) -> str:
    component = ctx.app.component()
    if ctx.instrument is None:
        result = ctx.device.app_start(component)
        ctx.pid = _wait_pid(ctx)
    elif ctx.instrument.device.type == "local":  # sim apps are host processes: am start -D, attach, SIGCONT
        result = _start_gated_and_attach(ctx, component)
    else:
        try:
            ctx.pid = ctx.instrument.spawn_and_attach(ctx.app.package)
        except AgentError as exc:
            raise RunAborted(f"could not spawn {ctx.app.package} under the agent: {exc}") from exc
        ctx.instrument.resume()
        result = None
    ms = f" in {result.total_ms} ms" if result is not None and result.total_ms else ""
    return f"pid {ctx.pid}{ms}{_wait_first_frame(ctx)}"


def _start_gated_and_attach(ctx: RunContext, component: str):
    """am start -D, attach, release. A timed-out attach (a starved CPU) is not retried on the same
    process, which may hold a half-injected agent beside a running JVM: the held process, which has
    run none of the app's code, is stopped and the app started again (up to ATTACH_TRIES starts,
    each an `agent:attach-relaunch` event)."""
    from harness.instrument.core import ATTACH_TRIES

    assert ctx.instrument is not None
    for attempt in range(1, ATTACH_TRIES + 1):
        result = ctx.device.app_start(component, wait_debugger=True)
        if not result.ok:
            raise RunAborted(f"am start failed: {result.error}")
        ctx.pid = _wait_pid(ctx)
        try:
            ctx.instrument.attach(ctx.pid, tries=1)
        except AttachTimedOut as exc:
            if attempt == ATTACH_TRIES:
                ctx.device.process_signal(ctx.pid, "CONT")
                raise
            ctx.instrument.writer.event("agent:attach-relaunch", {"pid": ctx.pid, "attempt": attempt,
                                                                  "error": str(exc)[:200]}, source="instrument")
            ctx.device.app_stop(ctx.app.package)
            continue
        except BaseException:
            ctx.device.process_signal(ctx.pid, "CONT")
            raise
        ctx.device.process_signal(ctx.pid, "CONT")
        return result
    raise AssertionError("unreachable")


def _wait_first_frame(ctx: RunContext, timeout_s: float = FIRST_FRAME_TIMEOUT_S) -> str:
    """Wait until the app (or a permission prompt it raised) is in front; a detail for the steps
    table. Not seeing it is no error (an app may open on another package's screen): say so."""
    deadline = time.monotonic() + timeout_s
    start = time.monotonic()
    wanted = {ctx.app.package, *PERMISSION_PACKAGES}
    while time.monotonic() < deadline:
        try:
            package, _activity = ctx.device.ui.foreground()
        except DeviceError as exc:  # the run monitor reports a lost device; the launch itself is done
            return f"; first frame not checked ({type(exc).__name__})"
        if package in wanted:
            return f"; first frame after {time.monotonic() - start:.1f}s"
        time.sleep(0.1)
    return f"; no first frame of the app within {timeout_s:.0f}s"


def relaunch_app(ctx: RunContext) -> str:
    """Bring the app back to the foreground (`resume` after `home`) without a new process."""
    result = ctx.device.app_start(ctx.app.component())
    pid = ctx.device.app_pid(ctx.app.package)
    if pid and pid != ctx.pid and ctx.instrument is not None:
        # The process had died; the new one must be instrumented too.
        ctx.pid = pid
        started = time.monotonic()
        ctx.instrument.attach(pid)
        ctx.attach_s += time.monotonic() - started
    return "resumed" if result.ok else f"resume: {result.error}"
