"""Python mirror of the agent's messages (hooks/src/types.ts): names, the native record layout,
and the records the instrument returns. Change together with the TypeScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

# Message types the agent sends (payload["type"]).
READY = "agent:ready"
JAVA_READY = "agent:java"  # Java hooks installed after init (a JVM still starting at spawn)
WARNING = "agent:warning"
MODULES = "agent:modules"
BATCH = "events:batch"
STACKS = "stacks:new"
TLS = "tls:data"

# Frida's detach reasons (frida_bindgen facade types), kept as data.
DetachReason = Literal[
    "application-requested", "process-replaced", "process-terminated", "connection-terminated", "device-lost",
]

# events:batch JS rows: [t_us, hook index, tid, args, ret, stack_id, count, category override]
EVENT_COLUMNS = ("t_us", "hook", "tid", "args", "ret", "stack_id", "count", "cat")

# The native ring's drained header (hooks/src/native/ring.ts), little-endian, 56 bytes.
NATIVE_DTYPE = np.dtype([
    ("t_us", "<i8"), ("ret", "<i8"), ("a0", "<u8"), ("a1", "<u8"), ("ra", "<u8"),
    ("tid", "<u4"), ("hook", "<u2"), ("slen", "<u2"), ("soff", "<u4"), ("pad", "<u4"),
])
assert NATIVE_DTYPE.itemsize == 56


def decode_native(data: bytes, n: int) -> tuple[np.ndarray, bytes]:
    """Split a native payload into its header array and string blob."""
    size = n * NATIVE_DTYPE.itemsize
    if len(data) < size:
        raise ValueError(f"native payload has {len(data)} bytes, expected at least {size}")
    return np.frombuffer(data, dtype=NATIVE_DTYPE, count=n), data[size:]


@dataclass(frozen=True)
class Detach:
    pid: int
    reason: str
    t_ns: int
    crash: dict[str, object] | None = None


@dataclass(frozen=True)
class ClockSample:
    offset_ns: int  # device_ns - host_ns
    rtt_ns: int


@dataclass(frozen=True)
class InstrumentSummary:
    """What stop() returns: counts as written to the journal, and how each session ended."""

    events: int  # api_calls rows
    calls: int  # calls those rows stand for (sum of count: rate-capped rows fold many calls)
    stacks: int
    flows: int
    dropped: int  # records the agent could not keep (ring full): must be 0
    warnings: tuple[dict[str, object], ...] = ()
    detaches: tuple[Detach, ...] = ()
    clock: dict[int, dict[str, int]] = field(default_factory=dict)
    unhandled: int = 0
