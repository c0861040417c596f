"""Addon: after a client refused the proxy's certificate for a host, pass later connections to
that host through untouched, so the app keeps working and the agent's TLS hooks (SSL_write /
SSL_read) supply the plaintext. Each passed-through connection is an `events` row."""

from __future__ import annotations

from mitmproxy import tls

from harness.capture.rows import CaptureContext


class PinningPassthrough:
    def __init__(self, cap: CaptureContext):
        self.cap = cap

    def load(self, loader) -> None:
        loader.add_option("consentry_passthrough", bool, True,
                          "Pass connections through untouched to hosts whose client refused our certificate.")

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        from mitmproxy import ctx

        if not getattr(ctx.options, "consentry_passthrough", True):
            return
        addr = data.context.server.address
        host = data.client_hello.sni or (addr[0] if addr else None)
        if host and host in self.cap.pinned:
            data.ignore_connection = True
            self.cap.event("proxy:passthrough", host=host, port=addr[1] if addr else None,
                           client=data.context.client.peername[0] if data.context.client.peername else None)
