"""The capture pipeline: consentry's addons in order (after mitmproxy's defaults).

Order matters: the marker answers check requests before anything records them; the TLS failure
recorder writes evidence into `PinnedHosts` before the passthrough addon reads it."""

from __future__ import annotations

from harness.capture.marker import InterceptionMarker
from harness.capture.passthrough import PinningPassthrough
from harness.capture.recorder import FlowRecorder
from harness.capture.rows import CaptureContext
from harness.capture.tlsfail import TlsFailureRecorder
from harness.capture.websocket import WebSocketRecorder


def consentry_addons(cap: CaptureContext) -> list[object]:
    return [
        InterceptionMarker(cap),
        TlsFailureRecorder(cap),
        PinningPassthrough(cap),
        FlowRecorder(cap),
        WebSocketRecorder(cap),
    ]
