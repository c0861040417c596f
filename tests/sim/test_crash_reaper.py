"""The device model ends a crashed JVM that does not end by itself (harness.sim.runtime
`_reap_crashed_jvm`): once seen for real, a crashed sim app whose HotSpot error handler never
returned (an agent's heap walk waited on a handshake the crashed thread could not answer) stayed
alive and silent, and the run's teardown hung on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.sim import runtime


def _proc(tmp_path: Path) -> SimpleNamespace:
    popen = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    return SimpleNamespace(package="com.example.crashed", pid=popen.pid, popen=popen)


@pytest.fixture
def model(tmp_path: Path) -> SimpleNamespace:
    logs: list[tuple[str, str, str]] = []
    return SimpleNamespace(work=tmp_path, logs=logs, _log=lambda tag, msg, level="I", pid=0: logs.append((tag, msg, level)),
                           _kill=runtime.SimAppRuntime._kill)


def test_a_crashed_jvm_still_alive_after_its_report_is_killed(model, tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "CRASH_EXIT_GRACE_S", 0.5)
    proc = _proc(tmp_path)
    (tmp_path / f"{proc.package}.hs_err_pid{proc.pid}.log").write_text("#\n# SIGSEGV (0xb)\n...\nEND.\n")
    runtime.SimAppRuntime._reap_crashed_jvm(model, proc)
    assert proc.popen.wait(timeout=10) == -9
    assert [(t, lvl) for t, _, lvl in model.logs] == [("DEBUG", "W")]
    assert "still alive" in model.logs[0][1]


def test_a_crashed_jvm_that_ends_by_itself_is_left_alone(model, tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "CRASH_EXIT_GRACE_S", 30.0)
    popen = subprocess.Popen([sys.executable, "-c", "import os; os.abort()"], start_new_session=True)
    proc = SimpleNamespace(package="com.example.crashed", pid=popen.pid, popen=popen)
    (tmp_path / f"{proc.package}.hs_err_pid{proc.pid}.log").write_text("# SIGSEGV (0xb)\nEND.\n")
    runtime.SimAppRuntime._reap_crashed_jvm(model, proc)
    assert popen.wait(timeout=10) == -6
    assert model.logs == []


def test_a_report_that_never_completes_still_ends_in_a_kill(model, tmp_path, monkeypatch):
    """The wait for HotSpot's `END.` line is bounded too: an error handler stuck while writing
    still gets its process reaped."""
    monkeypatch.setattr(runtime, "CRASH_REPORT_WAIT_S", 0.5)
    monkeypatch.setattr(runtime, "CRASH_EXIT_GRACE_S", 0.2)
    proc = _proc(tmp_path)
    report = tmp_path / f"{proc.package}.hs_err_pid{proc.pid}.log"
    report.write_text("# SIGSEGV (0xb)\n... still writing")
    assert not runtime._report_complete(report)
    runtime.SimAppRuntime._reap_crashed_jvm(model, proc)  # the report never completes: killed after both waits
    assert proc.popen.wait(timeout=10) == -9
    report.write_text("# SIGSEGV (0xb)\nEND.\n")
    assert runtime._report_complete(report)
