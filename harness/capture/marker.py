"""Addon: answers requests to the check host itself, so `device_setup.check_interception` can
prove that a request from the device side really went through this proxy (and never leaves it)."""

from __future__ import annotations

import threading

from mitmproxy import http

from harness.capture.rows import CaptureContext

MARKER_HOST = "consentry-check.invalid"


class InterceptionMarker:
    def __init__(self, cap: CaptureContext):
        self.cap = cap
        self.seen: dict[str, str] = {}  # token -> client ip
        self.changed = threading.Condition()

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.request.pretty_host != MARKER_HOST:
            return
        token = flow.request.path.strip("/").partition("?")[0]
        flow.response = http.Response.make(200, b"consentry-ok " + token.encode(), {"content-type": "text/plain"})
        with self.changed:
            self.seen[token] = flow.client_conn.peername[0] if flow.client_conn.peername else ""
            self.changed.notify_all()

    def wait(self, token: str, timeout: float) -> str | None:
        with self.changed:
            self.changed.wait_for(lambda: token in self.seen, timeout)
            return self.seen.get(token)
