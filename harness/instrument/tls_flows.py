"""TLS plaintext (from the agent's SSL_write/SSL_read hooks) -> `flows` rows with
source='tls-hook'. Per connection (SSL* + fd) the written bytes are parsed as HTTP/1.x requests
(request line, headers, body by Content-Length or chunked) and the read bytes as responses, matched
in order; a connection whose first written bytes are HTTP/2's client preface is parsed as HTTP/2
(harness/instrument/h2_flows.py: frames, HPACK), one flow per stream. Bodies go through
`harness.bodies.store_body`; the SNI comes from the agent (SSL_get_servername) where the TLS
library exports it. Another protocol is reported once and then ignored; a stream whose chunks were
cut by the agent's caps is closed with `error`. Sizes are capped so a hostile app cannot grow host
memory."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.bodies import store_body
from harness.instrument.h2_flows import PREFACE, H2Connection, H2Error, Stream, pseudo

REQ_LINE = re.compile(rb"^([A-Z]{3,10}) (\S+) HTTP/(1\.[01])$")
STATUS_LINE = re.compile(rb"^HTTP/(1\.[01]) (\d{3})(?: (.*))?$")
MAX_BUFFER = 4 * 1024 * 1024
MAX_HEADERS = 64 * 1024


@dataclass
class _Conn:
    pid: int
    key: str
    peer: str | None
    local: str | None
    wbuf: bytearray = field(default_factory=bytearray)
    rbuf: bytearray = field(default_factory=bytearray)
    w_t: int | None = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    dead: str | None = None
    n: int = 0
    sni: str | None = None
    h2: H2Connection | None = None


def _headers(block: bytes) -> list[list[str]]:
    out = []
    for line in block.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if sep:
            out.append([name.strip().decode("latin-1"), value.strip().decode("latin-1")])
    return out


def _get(headers: list[list[str]], name: str) -> str | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def _body_len(buf: bytearray, start: int, headers: list[list[str]]) -> tuple[int, bytes] | None:
    """(end offset, body) when the whole body is in buf, else None."""
    te = (_get(headers, "transfer-encoding") or "").lower()
    if "chunked" in te:
        pos, body = start, bytearray()
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            try:
                size = int(buf[pos:eol].split(b";")[0], 16)
            except ValueError:
                return len(buf), bytes(body)
            pos = eol + 2
            if size == 0:
                end = buf.find(b"\r\n", pos)
                return (end + 2 if end >= 0 else len(buf)), bytes(body)
            if len(buf) < pos + size + 2:
                return None
            body += buf[pos: pos + size]
            pos += size + 2
    try:
        n = int(_get(headers, "content-length") or 0)
    except ValueError:
        n = 0
    if len(buf) < start + n:
        return None
    return start + n, bytes(buf[start: start + n])


class TlsFlows:
    """Feed chunks with `feed`; completed flow rows go to `emit`; `close` flushes what is left."""

    def __init__(self, run_dir: Path, emit: Callable[[list[dict[str, Any]]], None],
                 note: Callable[[str, dict[str, Any]], None]):
        self.run_dir = run_dir
        self.emit = emit
        self.note = note
        self.conns: dict[str, _Conn] = {}
        self.flows = 0

    def feed(self, pid: int, chunk: dict[str, Any], data: bytes, t_ns: int) -> None:
        key = f"{pid}/{chunk['ssl']}/{chunk['fd']}"
        c = self.conns.get(key)
        if c is None:
            c = self.conns[key] = _Conn(pid, key, chunk.get("peer"), chunk.get("local"), sni=chunk.get("sni") or None)
        if c.dead:
            return
        truncated = int(chunk.get("full", 0)) > int(chunk.get("len", 0))
        if c.h2 is not None:
            self._h2_feed(c, chunk["dir"] == "write", data, t_ns)
        elif chunk["dir"] == "write" and not c.pending and PREFACE.startswith(bytes(c.wbuf[:24]) + data[:24 - len(c.wbuf)]):
            c.wbuf += data  # HTTP/2 (or the start of its preface): switch once the preface is complete
            if len(c.wbuf) >= len(PREFACE):
                c.h2 = H2Connection()
                written, seen = bytes(c.wbuf), bytes(c.rbuf)
                c.wbuf.clear()
                c.rbuf.clear()
                self._h2_feed(c, True, written, t_ns)
                if seen and c.h2 is not None:
                    self._h2_feed(c, False, seen, t_ns)
        elif chunk["dir"] == "write":
            if c.w_t is None or not c.wbuf:
                c.w_t = t_ns
            c.wbuf += data
            self._requests(c)
        else:
            c.rbuf += data
            self._responses(c, t_ns)
        if c.dead is None and (truncated or len(c.wbuf) > MAX_BUFFER or len(c.rbuf) > MAX_BUFFER):
            self._kill(c, "plaintext cut by the agent's size cap" if truncated else "buffer cap exceeded")

    # -- HTTP/2 -------------------------------------------------------------------------------
    def _h2_feed(self, c: _Conn, from_client: bool, data: bytes, t_ns: int) -> None:
        assert c.h2 is not None
        try:
            c.h2.feed(from_client, data, t_ns)
        except H2Error as exc:
            self.note("tls:h2-error", {"conn": c.key, "peer": c.peer, "error": str(exc)[:200]})
            self._h2_emit(c, c.h2.close(), error=f"HTTP/2 parsing stopped: {exc}")
            c.h2 = None
            c.dead = "HTTP/2 error"
            return
        self._h2_emit(c, c.h2.pop_done())

    def _h2_emit(self, c: _Conn, streams: list[Stream], error: str | None = None) -> None:
        rows = [self._h2_row(c, s, error) for s in streams if s.req_headers]
        if rows:
            self.flows += len(rows)
            self.emit(rows)

    def _h2_row(self, c: _Conn, s: Stream, error: str | None) -> dict[str, Any]:
        authority = pseudo(s.req_headers, ":authority") or ""
        host, port = authority, None
        if authority.rsplit(":", 1)[-1].isdigit() and not authority.endswith("]"):
            host, p = authority.rsplit(":", 1)
            port = int(p)
        if port is None and c.peer and c.peer.rsplit(":", 1)[-1].isdigit():
            port = int(c.peer.rsplit(":", 1)[-1])
        target = pseudo(s.req_headers, ":path") or "/"
        path, _, query = target.partition("?")
        ref, size, trunc = store_body(self.run_dir, bytes(s.req_body))
        status = pseudo(s.resp_headers, ":status")
        if error is None and s.reset is not None:
            error = f"stream reset (RST_STREAM error code {s.reset})"
        elif error is None and not s.resp_done:
            error = "connection ended before the response"
        if s.truncated:
            error = (error + "; " if error else "") + "body cut at the size cap"
        return {
            "flow_id": f"tls-{c.key.replace('/', '-')}-h2-{s.sid}", "t_ns": s.t_ns, "t_resp_ns": s.t_resp_ns,
            "method": pseudo(s.req_headers, ":method"), "scheme": pseudo(s.req_headers, ":scheme") or "https",
            "host": host or c.sni or (c.peer or "").rsplit(":", 1)[0], "port": port, "path": path,
            "query": query or None, "http_version": "HTTP/2.0",
            "req_headers": json.dumps([h for h in s.req_headers if not h[0].startswith(":")]),
            "req_body_ref": ref, "req_body_size": size, "req_body_truncated": trunc or s.truncated,
            "status": int(status) if status and status.isdigit() else None,
            "resp_headers": json.dumps([h for h in s.resp_headers if not h[0].startswith(":")]) if s.resp_headers else None,
            "client_ip": (c.local or "").rsplit(":", 1)[0] or None, "sni": c.sni, "source": "tls-hook",
            "error": error, "peer": c.peer,
        }

    def _kill(self, c: _Conn, why: str) -> None:
        for flow in c.pending:
            flow["error"] = why
        self._flush(c)
        c.dead = why
        c.wbuf.clear()
        c.rbuf.clear()

    def _requests(self, c: _Conn) -> None:
        while c.wbuf:
            end = c.wbuf.find(b"\r\n\r\n")
            if end < 0:
                if len(c.wbuf) > MAX_HEADERS:
                    self._kill(c, "request headers too long")
                return
            lines = bytes(c.wbuf[:end]).split(b"\r\n", 1)
            m = REQ_LINE.match(lines[0])
            if m is None:
                self.note("tls:not-http1", {"conn": c.key, "peer": c.peer, "start": lines[0][:40].decode("latin-1")})
                c.dead = "not HTTP/1.x"
                c.wbuf.clear()
                return
            headers = _headers(lines[1] if len(lines) > 1 else b"")
            got = _body_len(c.wbuf, end + 4, headers)
            if got is None:
                return
            stop, body = got
            del c.wbuf[:stop]
            self._request(c, m, headers, body)
            c.w_t = None

    def _request(self, c: _Conn, m: re.Match[bytes], headers: list[list[str]], body: bytes) -> None:
        method, target, version = (x.decode("latin-1") for x in m.groups())
        path, _, query = target.partition("?")
        host_hdr = _get(headers, "host") or ""
        host, port = host_hdr, None
        if host_hdr.rsplit(":", 1)[-1].isdigit() and not host_hdr.endswith("]"):
            host, p = host_hdr.rsplit(":", 1)
            port = int(p)
        if port is None and c.peer and c.peer.rsplit(":", 1)[-1].isdigit():
            port = int(c.peer.rsplit(":", 1)[-1])
        ref, size, trunc = store_body(self.run_dir, body)
        c.n += 1
        c.pending.append({
            "flow_id": f"tls-{c.key.replace('/', '-')}-{c.n}", "t_ns": c.w_t, "t_resp_ns": None,
            "method": method, "scheme": "https", "host": host or (c.peer or "").rsplit(":", 1)[0],
            "port": port, "path": path, "query": query or None, "http_version": f"HTTP/{version}",
            "req_headers": json.dumps(headers), "req_body_ref": ref, "req_body_size": size,
            "req_body_truncated": trunc, "status": None, "resp_headers": None,
            "client_ip": (c.local or "").rsplit(":", 1)[0] or None, "sni": c.sni, "source": "tls-hook",
            "error": None, "peer": c.peer,
        })
        if len(c.pending) > 64:
            self._flush(c, keep_last=1)

    def _responses(self, c: _Conn, t_ns: int) -> None:
        while c.rbuf:
            end = c.rbuf.find(b"\r\n\r\n")
            if end < 0:
                if len(c.rbuf) > MAX_HEADERS:
                    c.rbuf.clear()
                return
            lines = bytes(c.rbuf[:end]).split(b"\r\n", 1)
            m = STATUS_LINE.match(lines[0])
            if m is None:
                c.rbuf.clear()
                return
            headers = _headers(lines[1] if len(lines) > 1 else b"")
            got = _body_len(c.rbuf, end + 4, headers)
            if got is None:
                return
            del c.rbuf[: got[0]]
            if c.pending:
                flow = c.pending.pop(0)
                flow["status"] = int(m.group(2))
                flow["resp_headers"] = json.dumps(headers)
                flow["t_resp_ns"] = t_ns
                self.flows += 1
                self.emit([flow])

    def _flush(self, c: _Conn, keep_last: int = 0) -> None:
        out = c.pending[: len(c.pending) - keep_last]
        c.pending = c.pending[len(c.pending) - keep_last:]
        if out:
            self.flows += len(out)
            self.emit(out)

    def close(self) -> None:
        for c in self.conns.values():
            if c.h2 is not None:
                self._h2_emit(c, c.h2.close())
                c.h2 = None
            self._flush(c)
