"""What every capture addon shares: the run it writes into, host-relative time, and row helpers.

Rows go to the journal table `flows` (columns of analysis/schema.py) or `events`; values that come
from the network (header bytes, hostnames) are made JSON-safe here, once, so that a hostile header
cannot make the journal writer fail."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.bodies import DEFAULT_BODY_CAP
from harness.journal import Journal


def safe_text(value: Any) -> str | None:
    """A str that encodes as UTF-8 (mitmproxy keeps undecodable bytes as surrogates)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    text = value if isinstance(value, str) else str(value)
    if text.isascii():  # the common case, and the per-flow hot path
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def headers_json(headers: Any) -> str:
    """mitmproxy Headers -> JSON list of [name, value] (the `req_headers` format)."""
    if headers is None:
        return "[]"
    fields = getattr(headers, "fields", None)  # the raw (name, value) byte pairs, in order
    if fields is not None:
        # Same text as safe_text() of mitmproxy's str views (surrogateescape, then backslashreplace),
        # without building those views: this runs twice per flow.
        return json.dumps([[k.decode("utf-8", "backslashreplace"), v.decode("utf-8", "backslashreplace")]
                           for k, v in fields])
    return json.dumps([[safe_text(k), safe_text(v)] for k, v in headers.items(multi=True)])


class PinnedHosts:
    """Hosts whose clients refused the proxy's certificate: written by the TLS failure recorder,
    read by the passthrough addon (evidence and action stay in separate addons)."""

    def __init__(self) -> None:
        self._hosts: set[str] = set()
        self._lock = threading.Lock()

    def add(self, host: str) -> bool:
        with self._lock:
            new = host not in self._hosts
            self._hosts.add(host)
            return new

    def __contains__(self, host: object) -> bool:
        with self._lock:
            return host in self._hosts

    def snapshot(self) -> list[str]:
        with self._lock:
            return sorted(self._hosts)


@dataclass
class CaptureContext:
    """The run one proxy serves."""

    journal: Journal
    run_dir: Path
    t0_ns: int
    body_cap: int = DEFAULT_BODY_CAP
    pinned: PinnedHosts = field(default_factory=PinnedHosts)
    flow_count: int = 0  # rows written to `flows` (the interception check watches it)
    stored_bodies: set[str] = field(default_factory=set)  # body refs already under bodies/

    def t_rel(self, ts: float | None) -> int | None:
        """mitmproxy timestamps (epoch seconds) -> ns since the run's t0 on the host clock."""
        return None if ts is None else int(ts * 1e9) - self.t0_ns

    def now(self) -> int:
        return time.time_ns() - self.t0_ns

    def flow_row(self, **values: Any) -> None:
        row = {"source": "proxy", **values}
        self.journal.append("flows", row)
        self.flow_count += 1

    def event(self, kind: str, **detail: Any) -> None:
        self.journal.append("events", {"t_ns": self.now(), "source": "proxy", "kind": kind,
                                       "detail": json.dumps(detail, default=str)})
