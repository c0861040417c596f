"""Device-host clock offset: the agent stamps events with the device's CLOCK_REALTIME (us); the
host asks for it through rpc `clock()` several times and keeps the sample with the shortest round
trip, taking the host time at its midpoint. Measured at attach (used to convert) and at the end
(reported, so drift is visible in the run's events)."""

from __future__ import annotations

import time
from collections.abc import Callable

from harness.instrument.messages import ClockSample


def measure(clock_us: Callable[[], float], samples: int = 5) -> ClockSample:
    best: ClockSample | None = None
    for _ in range(samples):
        a = time.time_ns()
        dev = int(clock_us()) * 1000
        b = time.time_ns()
        s = ClockSample(offset_ns=dev - (a + b) // 2, rtt_ns=b - a)
        if best is None or s.rtt_ns < best.rtt_ns:
            best = s
    assert best is not None
    return best
