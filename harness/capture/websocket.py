"""Addon: each WebSocket message is a `flows` row (method `WS`), body stored like HTTP bodies:
client-to-server payloads as the request body (scanned for personal information), server-to-client
as the response body. Extra columns: `kind`=websocket, `ws_parent` (the upgrade flow),
`ws_from_client`."""

from __future__ import annotations

from mitmproxy import http

from harness.bodies import store_body
from harness.capture.rows import CaptureContext, safe_text


class WebSocketRecorder:
    def __init__(self, cap: CaptureContext):
        self.cap = cap

    def websocket_message(self, flow: http.HTTPFlow) -> None:
        assert flow.websocket is not None
        n = len(flow.websocket.messages)
        msg = flow.websocket.messages[-1]
        ref, size, truncated = store_body(self.cap.run_dir, msg.content, self.cap.body_cap, self.cap.stored_bodies)
        req = flow.request
        path, _, query = req.path.partition("?")
        body = {"req_body_ref": ref, "req_body_size": size, "req_body_truncated": truncated} if msg.from_client \
            else {"resp_body_ref": ref, "resp_body_size": size}
        self.cap.flow_row(
            flow_id=f"{flow.id}:ws:{n}", t_ns=self.cap.t_rel(msg.timestamp), method="WS",
            scheme="wss" if req.scheme == "https" else "ws", host=safe_text(req.pretty_host), port=req.port,
            path=safe_text(path), query=safe_text(query) or None, http_version=req.http_version,
            client_ip=flow.client_conn.peername[0] if flow.client_conn.peername else None,
            sni=safe_text(flow.client_conn.sni), kind="websocket", ws_parent=flow.id,
            ws_from_client=msg.from_client, **body,
        )
        # Keep memory flat on long-lived sockets: the previous message was stored and forwarded
        # already (the current one is forwarded after this hook, so it must stay intact).
        if n >= 2:
            flow.websocket.messages[-2].content = b""
