"""A timed-out attach to a gated sim app is not retried on the same process (it may hold a
half-injected agent beside a running JVM): the app is stopped and started again."""

from types import SimpleNamespace

import pytest

from harness.errors import AttachTimedOut
from harness.run import launch


class _Device:
    def __init__(self):
        self.pids = iter([101, 102, 103])
        self.pid = None
        self.calls: list[tuple] = []

    def app_start(self, component, wait_debugger=False):
        self.pid = next(self.pids)
        self.calls.append(("start", self.pid))
        return SimpleNamespace(ok=True, error=None, total_ms=5)

    def app_pid(self, package):
        return self.pid

    def app_stop(self, package):
        self.calls.append(("stop", self.pid))

    def process_signal(self, pid, sig):
        self.calls.append((sig, pid))


class _Instrument:
    def __init__(self, failures: int):
        self.failures = failures
        self.events: list[tuple] = []
        self.writer = SimpleNamespace(event=lambda kind, detail, source=None: self.events.append((kind, detail)))

    def attach(self, pid, tries=3):
        assert tries == 1, "the gated path must not retry on the same process"
        if self.failures:
            self.failures -= 1
            raise AttachTimedOut(f"process {pid}: unexpectedly timed out trying to sync up with agent")


def _ctx(failures):
    return SimpleNamespace(device=_Device(), instrument=_Instrument(failures), app=SimpleNamespace(package="p"), pid=None)


def test_a_timed_out_attach_starts_a_fresh_process():
    ctx = _ctx(failures=1)
    launch._start_gated_and_attach(ctx, "p/.Main")
    assert ctx.device.calls == [("start", 101), ("stop", 101), ("start", 102), ("CONT", 102)]
    assert ctx.pid == 102
    assert [k for k, _ in ctx.instrument.events] == ["agent:attach-relaunch"]


def test_attach_timing_out_every_time_ends_with_the_error_and_releases_the_process():
    ctx = _ctx(failures=3)
    with pytest.raises(AttachTimedOut):
        launch._start_gated_and_attach(ctx, "p/.Main")
    assert ctx.device.calls[-1] == ("CONT", 103)
    assert len(ctx.instrument.events) == 2
