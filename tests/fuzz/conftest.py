"""Fuzzing with hypothesis: every outside input reader gets random and damaged inputs.

Two profiles: `ci` (the default: a bounded number of examples per target, a few seconds each,
inside the test budget) and `fuzz` (`make fuzz`: many more examples). Select with
HYPOTHESIS_PROFILE=fuzz. Every example must end with the reader's result or its documented
input error, never another exception, within a bound on CPU time and on memory allocated
(`bounded`)."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=int(os.environ.get("CONSENTRY_FUZZ_EXAMPLES", "60")), deadline=None,
                          derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                   HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=int(os.environ.get("CONSENTRY_FUZZ_EXAMPLES", "3000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CPU_BOUND_S = 5.0  # per input: a small input taking longer is a complexity defect (CPU time: load-proof)
MEMORY_BOUND_MB = 256.0  # peak Python allocations per input


def bounded[T](fn: Callable[[], T], *, cpu_s: float = CPU_BOUND_S, memory_mb: float = MEMORY_BOUND_MB) -> T:
    """Call `fn`, failing when it used more CPU time or allocated more memory than the bounds."""
    tracemalloc.start()
    c0 = time.process_time()
    try:
        return fn()
    finally:
        used = time.process_time() - c0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert used <= cpu_s, f"one input took {used:.1f} s of CPU (bound {cpu_s} s)"
        assert peak <= memory_mb * 2**20, f"one input allocated {peak / 2**20:.0f} MB (bound {memory_mb} MB)"


def expect(fn: Callable[[], Any], *allowed: type[BaseException], **bounds: float) -> Any:
    """`bounded(fn)`, where the allowed (documented) input errors count as a proper answer."""
    try:
        return bounded(fn, **bounds)
    except allowed as exc:
        return exc


def examples(per_example_s: float) -> int:
    """Examples for a target whose one example costs about `per_example_s` seconds: the profile's
    count, scaled down so a CI target stays within about ten seconds (`make fuzz` is not scaled)."""
    current = settings.default.max_examples
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        return current
    return max(3, min(current, int(10 / per_example_s)))
