"""The fault matrix: one real run per fault; each ends with an explicit status and reason, keeps
every row flushed before the fault, and leaves nothing behind (docs/reliability.md)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from harness.sim.interfaces import SimFaults

pytestmark = pytest.mark.faults


def _assert_clean(outcome) -> None:
    assert not outcome.lost(), (outcome.rows_before, outcome.rows_kept)
    assert not outcome.leftovers, outcome.leftovers


def test_adb_transport_dropped_mid_run(fault_run):
    o = fault_run("adb transport dropped", lambda run: run.sim.device.drop_connections())
    assert o.status in ("complete", "incomplete") and (o.status == "complete" or o.reason), o
    _assert_clean(o)


def test_adb_transport_dropped_and_not_reconnected(fault_run):
    """The host's side of the transport goes (`adb disconnect`): the adb server does not bring the
    device back by itself. The run ends incomplete; teardown connects it again to stop the app and
    clear the proxy setting it would otherwise leave pointing at a stopped proxy."""
    from tests.conftest import adb_cli

    o = fault_run("adb transport dropped, not reconnected", lambda run: adb_cli("disconnect", run.sim.serial))
    assert o.status == "incomplete" and "disappeared" in (o.reason or ""), o
    _assert_clean(o)


def test_device_killed(fault_run):
    o = fault_run("device killed", lambda run: run.sim.device.stop())
    assert o.status == "incomplete" and ("lost" in o.reason or "disappeared" in o.reason), o
    _assert_clean(o)


CRASH = """
const cm = new CModule('void crash(void) { *(volatile int *) 0 = 0; }');
rpc.exports = { crash() { new NativeFunction(cm.crash, 'void', [], { exceptions: 'propagate' })(); } };
"""


def _segfault(run) -> None:
    """A real native crash: the app's process writes to address 0 (a SIGSEGV from the CPU, not
    a signal sent with kill, which Frida's exception handling in the process would absorb)."""
    session = run.ctx.instrument._sessions[run.ctx.pid].session
    script = session.create_script(CRASH)
    script.load()
    try:
        script.exports_sync.crash()
    except Exception:  # noqa: BLE001 - the process is gone before it can answer
        pass


def test_app_crashing_sigsegv(fault_run):
    o = fault_run("app crashing (SIGSEGV)", _segfault)
    assert o.status == "incomplete" and "crash" in (o.reason or ""), o
    _assert_clean(o)


def test_app_jvm_crashing(fault_run):
    """The app's JVM crashes for real (Java writes to address 0 through Unsafe: HotSpot's SIGSEGV
    handler writes its hs_err report and aborts the process). The sim logs it as Android's debuggerd
    logs a native crash; the run ends incomplete with that reason and everything captured before."""
    o = fault_run("app's JVM crashing", lambda run: run.sim.device.runtime.crash_jvm(run.ctx.app.package))
    assert o.status == "incomplete" and "crash" in (o.reason or ""), o
    assert "Fatal signal" in (o.reason or "") or "has died" in (o.reason or ""), o
    _assert_clean(o)


def test_app_killed_sigkill(fault_run):
    o = fault_run("app killed (SIGKILL)", lambda run: os.kill(run.ctx.pid, signal.SIGKILL))
    assert o.status == "incomplete" and o.reason, o
    _assert_clean(o)


def test_agent_script_destroyed(fault_run):
    def destroy(run):
        for s in list(run.ctx.instrument._sessions.values()):
            s.script.unload()

    o = fault_run("agent script destroyed", destroy)
    assert o.status == "incomplete" and "agent" in (o.reason or ""), o
    _assert_clean(o)


def test_frida_session_detached(fault_run):
    def detach(run):
        for s in list(run.ctx.instrument._sessions.values()):
            s.session.detach()

    o = fault_run("Frida session detached", detach)
    assert o.status == "incomplete" and "agent" in (o.reason or ""), o
    _assert_clean(o)


def test_capture_proxy_killed(fault_run):
    o = fault_run("capture proxy killed", lambda run: run.ctx.proxy._proc.kill())
    assert o.status == "incomplete" and "proxy" in (o.reason or ""), o
    _assert_clean(o)


@pytest.mark.parametrize("faults,label", [
    (SimFaults(dump_delay_s=3.0), "uiautomator dumps slow (3 s)"),
    (SimFaults(secure_window=True), "uiautomator dumps empty"),
    (SimFaults(dump_fail=True), "uiautomator dumps failing"),
])
def test_uiautomator_dumps(fault_run, faults, label):
    def when(live):
        from tests.faults.conftest import journal_counts

        c = journal_counts(live.ctx.run_dir)
        return live.ctx.pid is not None and c["api_calls"] > 0 and c["flows"] > 0

    o = fault_run(label, lambda run: None, sim_kwargs={"faults": faults}, when=when,
                  scenario="launch\n  - wait: 8")
    assert o.status == "complete", o
    _assert_clean(o)


def test_uiautomator_dumps_garbage(fault_run, monkeypatch):
    """The device answers `uiautomator dump` with garbage (truncated XML, binary): the observer
    records what it could not read and the run goes on."""
    from harness.ui import device as ui_device

    junk = ["<hierarchy><node text='trunc", "\x00\xff\xfe garbage", "<?xml version='1.0'?><hierarchy><node"]

    def garbage(self, *a, **kw):
        return junk[int(time.monotonic() * 10) % len(junk)]

    monkeypatch.setattr(ui_device.AdbUiDevice, "dump_hierarchy", garbage)

    def when(live):
        from tests.faults.conftest import journal_counts

        c = journal_counts(live.ctx.run_dir)
        return live.ctx.pid is not None and c["api_calls"] > 0

    o = fault_run("uiautomator dumps garbage", lambda run: None, when=when, scenario="launch\n  - wait: 6")
    assert o.status == "complete", o
    _assert_clean(o)


@pytest.mark.parametrize("jump_s", [3600.0, -600.0])
def test_device_clock_jumping(fault_run, jump_s):
    """The device's wall clock jumps mid-run (an NTP or NITZ correction, a user changing the date;
    simclock.c moves it in the app's process only). The agent stamps with the device's clock: the
    jump is noticed at the next batch, confirmed over rpc, recorded, and later rows are placed with
    the new offset, so no API call lands an hour away from the run."""
    import json as _json

    import pandas as pd

    from tests.conftest import adb_cli

    injected: dict[str, float] = {}

    def jump(run):
        injected["t_ns"] = run.ctx.now_ns()
        adb_cli("-s", run.sim.serial, "shell", "setprop", "consentry.fault.clock_offset_s", str(jump_s), check=True)

    o = fault_run(f"device clock jumping ({jump_s:+.0f} s)", jump, sim_kwargs={"faults": SimFaults(clock_offset_s=0.0)},
                  scenario="launch\n  - wait: 8")
    assert o.status == "complete", o
    _assert_clean(o)
    events = pd.read_parquet(o.run_dir / "events.parquet")
    clock = [_json.loads(d) for d in events.loc[events["kind"] == "clock", "detail"]]
    jumps = [c for c in clock if c.get("when") == "jump"]
    assert len(jumps) == 1, clock
    assert jumps[0]["confirmed"] and abs(jumps[0]["jump_ns"] / 1e9 - jump_s) < 1.0, jumps
    end = next(c for c in clock if c.get("when") == "end")
    assert abs(end["drift_ns"]) < 1e9 and abs(end["jump_ns"] / 1e9 - jump_s) < 1.0, end
    calls = pd.read_parquet(o.run_dir / "api_calls.parquet", columns=["t_ns"])["t_ns"]
    after = calls[calls > injected["t_ns"] + 500_000_000]
    assert len(after) > 10, "the app went on reading after the jump"
    # placed on the run's time line: within the run, not an hour off (a batch in flight at the
    # jump may be off by the flush interval, far below a second here)
    assert calls.min() > -5e9 and calls.max() / 1e9 < o.seconds + 5, (calls.min(), calls.max(), o.seconds)
