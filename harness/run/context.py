"""State shared by the parts of one run while it executes."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.device import Device
from harness.journal import Journal
from harness.run.apk import ApkInfo


class RunAborted(Exception):
    """The run cannot go on (device lost, app crashed, proxy died): ends `incomplete`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RunContext:
    run_id: str
    run_dir: Path
    device: Device
    device_kind: str
    app: ApkInfo
    journal: Journal
    t0_ns: int
    time_scale: float = 1.0
    instrument: Any = None  # harness.instrument.Instrument when instrumentation is on
    proxy: Any = None  # harness.capture.ProxyService when capture is on
    observer: Any = None  # harness.ui.observer.UiObserver when observation is on
    responder: Any = None  # harness.run.responder.Responder (standing consent answers)
    frida_lease: Any = None  # harness.device.frida_server.Lease when the runner readied frida-server
    reverse_port: int | None = None  # `adb reverse tcp:P tcp:P` made for the proxy (undone at teardown)
    pid: int | None = None
    waited_s: float = 0.0  # scenario waits actually slept
    steps_s: float = 0.0  # time inside scenario steps (waits, taps, exploration): not harness overhead
    attach_s: float = 0.0  # agent attach and launch gating inside launch steps: harness overhead
    stop_event: threading.Event = field(default_factory=threading.Event)
    notes: list[str] = field(default_factory=list)

    def now_ns(self) -> int:
        return time.time_ns() - self.t0_ns

    def event(self, source: str, kind: str, **detail: Any) -> None:
        """Record something that happened to the run itself (warnings, crashes, losses). A
        diagnostic line, so identity values in it are masked (harness.run.secrets)."""
        from harness.run.secrets import mask

        self.journal.append("events", {"t_ns": self.now_ns(), "source": source, "kind": kind,
                                       "detail": mask(json.dumps(detail, ensure_ascii=False, default=str))})
