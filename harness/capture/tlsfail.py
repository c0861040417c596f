"""Addon: every failed TLS handshake is a `flows` row with `tls_error` and `sni` (pinning is
evidence, never a silent gap).

Two client-side shapes are recorded: the handshake fails (the client rejects the proxy's
certificate: untrusted CA or a pinning trust manager), and the handshake succeeds but the client
hangs up before sending any request (pinning checked after the handshake, OkHttp's
CertificatePinner). Both mark the host in `PinnedHosts`. Upstream (server-side) failures are
recorded too, with an `upstream:` prefix, but do not mark the host."""

from __future__ import annotations

import uuid

from mitmproxy import connection, http, tls

from harness.capture.rows import CaptureContext, safe_text

NO_REQUEST_AFTER_HANDSHAKE = "client closed the connection after the TLS handshake without a request"


def _server_host(data_context) -> tuple[str | None, int | None]:
    addr = data_context.server.address if data_context and data_context.server else None
    return (addr[0], addr[1]) if addr else (None, None)


class TlsFailureRecorder:
    def __init__(self, cap: CaptureContext):
        self.cap = cap
        self._established: dict[str, tuple[str | None, int | None, str | None]] = {}
        self._used: set[str] = set()

    def _row(self, client: connection.Client, host: str | None, port: int | None, sni: str | None,
             error: str) -> None:
        self.cap.flow_row(
            flow_id=str(uuid.uuid4()), t_ns=self.cap.now(), scheme="https", host=safe_text(host or sni),
            port=port, tls_error=safe_text(error), sni=safe_text(sni),
            client_ip=client.peername[0] if client and client.peername else None,
        )

    def tls_failed_client(self, data: tls.TlsData) -> None:
        host, port = _server_host(data.context)
        sni = data.conn.sni
        self._row(data.context.client, host, port, sni, data.conn.error or "client TLS handshake failed")
        self.cap.pinned.add(sni or host or "")

    def tls_failed_server(self, data: tls.TlsData) -> None:
        host, port = _server_host(data.context)
        self._row(data.context.client, host, port, data.conn.sni,
                  f"upstream: {data.conn.error or 'server TLS handshake failed'}")

    def tls_established_client(self, data: tls.TlsData) -> None:
        host, port = _server_host(data.context)
        self._established[data.conn.id] = (host, port, data.conn.sni)

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        self._used.add(flow.client_conn.id)

    def client_disconnected(self, client: connection.Client) -> None:
        info = self._established.pop(client.id, None)
        used = client.id in self._used
        self._used.discard(client.id)
        if info is None or used:
            return
        host, port, sni = info
        self._row(client, host, port, sni, NO_REQUEST_AFTER_HANDSHAKE)
        self.cap.pinned.add(sni or host or "")
