"""TLS plaintext (from the agent's SSL_write/SSL_read hooks) -> `flows` rows with
source='tls-hook'. Per connection (SSL* + fd) the written bytes are parsed as HTTP/1.x requests
(request line, headers, body by Content-Length or chunked) and the read bytes as responses, matched
in order. Bodies go through `harness.bodies.store_body`. A stream that is not HTTP/1 (HTTP/2's
preface, another protocol) is reported once and then ignored; a stream whose chunks were cut by the
agent's caps is closed with `error`. Sizes are capped so a hostile app cannot grow host memory."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.bodies import store_body

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
            c = self.conns[key] = _Conn(pid, key, chunk.get("peer"), chunk.get("local"))
        if c.dead:
            return
        truncated = int(chunk.get("full", 0)) > int(chunk.get("len", 0))
        if chunk["dir"] == "write":
            if c.w_t is None or not c.wbuf:
                c.w_t = t_ns
            c.wbuf += data
            self._requests(c)
        else:
            c.rbuf += data
            self._responses(c, t_ns)
        if truncated or len(c.wbuf) > MAX_BUFFER or len(c.rbuf) > MAX_BUFFER:
            self._kill(c, "plaintext cut by the agent's size cap" if truncated else "buffer cap exceeded")

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
            "client_ip": (c.local or "").rsplit(":", 1)[0] or None, "sni": None, "source": "tls-hook",
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
            self._flush(c)
