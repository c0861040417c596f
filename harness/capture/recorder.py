"""Addon: one `flows` row per HTTP request/response (HTTP/1, HTTP/2, plain and intercepted TLS).

Bodies are stored once by content hash under the run's `bodies/` with a cap. Large or
unknown-length bodies are never held whole: they are streamed through a tee that keeps only the
first `consentry_body_cap` bytes and counts the rest, so a 200 MB upload costs a few MB."""

from __future__ import annotations

import logging

from mitmproxy import http

from harness.bodies import store_body
from harness.capture.rows import CaptureContext, headers_json, safe_text

log = logging.getLogger(__name__)
_RECORDED = "consentry.recorded"
_STREAM_OVER = 1024 * 1024  # bodies above this (or of unknown length) are teed, not buffered


class BodyTee:
    """A mitmproxy stream callable that passes chunks on and keeps at most `cap` bytes."""

    def __init__(self, cap: int):
        self.cap = cap
        self.buf = bytearray()
        self.size = 0

    def __call__(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        room = self.cap - len(self.buf)
        if room > 0:
            self.buf += chunk[:room]
        return chunk


def _needs_tee(msg: http.Message) -> bool:
    if msg.stream is True:  # mitmproxy decided (stream_large_bodies): keep a capped copy
        return True
    length = msg.headers.get("content-length")
    if length is None:
        return "chunked" in msg.headers.get("transfer-encoding", "").lower()
    try:
        return int(length) > _STREAM_OVER
    except ValueError:
        return False


class FlowRecorder:
    def __init__(self, cap: CaptureContext):
        self.cap = cap

    def load(self, loader) -> None:
        loader.add_option("consentry_body_cap", int, self.cap.body_cap,
                          "Bytes of each request/response body kept under the run's bodies/.")
        loader.add_option("consentry_store_responses", bool, True, "Also store response bodies (capped).")

    def configure(self, updated) -> None:
        from mitmproxy import ctx, exceptions

        if "consentry_body_cap" in updated:
            if ctx.options.consentry_body_cap < 0:
                raise exceptions.OptionsError("consentry_body_cap must be >= 0")
            self.cap.body_cap = ctx.options.consentry_body_cap

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        if _needs_tee(flow.request):
            tee = BodyTee(self.cap.body_cap)
            flow.request.stream = tee
            flow.metadata["consentry.req_tee"] = tee

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None and _needs_tee(flow.response):
            tee = BodyTee(self.cap.body_cap)
            flow.response.stream = tee
            flow.metadata["consentry.resp_tee"] = tee

    def _body(self, msg: http.Message | None, tee: BodyTee | None, store: bool = True):
        if msg is None:
            return None, None, None
        if tee is not None:
            ref, _, _ = (store_body(self.cap.run_dir, bytes(tee.buf), self.cap.body_cap, self.cap.stored_bodies)
                         if store else (None, 0, False))
            return ref, tee.size, tee.size > len(tee.buf)
        data = msg.raw_content or b""
        if not store:
            return None, len(data), False
        ref, size, truncated = store_body(self.cap.run_dir, data, self.cap.body_cap, self.cap.stored_bodies)
        return ref, size, truncated

    def _record(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get(_RECORDED):
            return
        flow.metadata[_RECORDED] = True
        req, resp = flow.request, flow.response
        path, _, query = req.path.partition("?")
        req_ref, req_size, req_trunc = self._body(req, flow.metadata.get("consentry.req_tee"))
        from mitmproxy import ctx

        store_resp = bool(getattr(ctx.options, "consentry_store_responses", True))
        resp_ref, resp_size, _ = self._body(resp, flow.metadata.get("consentry.resp_tee"), store_resp)
        client = flow.client_conn
        self.cap.flow_row(
            flow_id=flow.id,
            t_ns=self.cap.t_rel(req.timestamp_start),
            t_resp_ns=self.cap.t_rel(resp.timestamp_start) if resp else None,
            method=safe_text(req.method), scheme=req.scheme, host=safe_text(req.pretty_host), port=req.port,
            path=safe_text(path), query=safe_text(query) if query else None, http_version=req.http_version,
            req_headers=headers_json(req.headers), req_body_ref=req_ref, req_body_size=req_size,
            req_body_truncated=req_trunc, status=resp.status_code if resp else None,
            resp_headers=headers_json(resp.headers) if resp else None, resp_body_ref=resp_ref,
            resp_body_size=resp_size, tls_error=None,
            client_ip=client.peername[0] if client.peername else None, sni=safe_text(client.sni),
            error=safe_text(flow.error.msg) if flow.error else None,
        )

    def response(self, flow: http.HTTPFlow) -> None:
        self._record(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        self._record(flow)
