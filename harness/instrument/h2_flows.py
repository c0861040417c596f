"""HTTP/2 in TLS plaintext: the bytes an app wrote (client preface, then frames) and read (server
frames) on one connection, turned into one flow per stream.

Frames are cut by their 9-byte header (RFC 9113 §4.1); header blocks (HEADERS + CONTINUATION, with
PADDED/PRIORITY stripped) are decoded by the `hpack` library, one decoder per direction as the
connection's two dynamic tables require; DATA (padding stripped) makes the bodies. A stream becomes
a flow when its response ends, or at close with what was seen. Hostile input is bounded: frame
lengths, header blocks, bodies per stream and the number of open streams are capped, and an HPACK
error ends the parsing of that connection with a note, never an exception."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x4, 0x8, 0x20
MAX_FRAME = 4 * 1024 * 1024  # RFC 9113 allows up to 2**24-1 when negotiated; more than this is not buffered
MAX_HEADER_BLOCK = 256 * 1024
MAX_BODY = 4 * 1024 * 1024
MAX_STREAMS = 1024


class H2Error(Exception):
    """The bytes are not HTTP/2 as the peer claims, or exceed the caps."""


@dataclass
class Stream:
    sid: int
    t_ns: int | None = None
    t_resp_ns: int | None = None
    req_headers: list[list[str]] = field(default_factory=list)
    resp_headers: list[list[str]] = field(default_factory=list)
    req_body: bytearray = field(default_factory=bytearray)
    resp_body: bytearray = field(default_factory=bytearray)
    req_done: bool = False
    resp_done: bool = False
    truncated: bool = False
    reset: int | None = None


class _Side:
    """One direction: frame reassembly and its HPACK decoder."""

    def __init__(self, expect_preface: bool):
        self.buf = bytearray()
        self.need_preface = expect_preface
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = MAX_HEADER_BLOCK
        self.block: bytearray | None = None  # a header block awaiting CONTINUATION
        self.block_sid = 0
        self.block_end_stream = False

    def frames(self) -> list[tuple[int, int, int, bytes]]:
        out: list[tuple[int, int, int, bytes]] = []
        if self.need_preface:
            if len(self.buf) < len(PREFACE):
                return out
            if bytes(self.buf[:len(PREFACE)]) != PREFACE:
                raise H2Error("no HTTP/2 client preface")
            del self.buf[:len(PREFACE)]
            self.need_preface = False
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[:3], "big")
            if length > MAX_FRAME:
                raise H2Error(f"frame of {length} bytes")
            if len(self.buf) < 9 + length:
                break
            ftype, flags = self.buf[3], self.buf[4]
            sid = struct.unpack(">I", self.buf[5:9])[0] & 0x7FFFFFFF
            out.append((ftype, flags, sid, bytes(self.buf[9:9 + length])))
            del self.buf[:9 + length]
        return out


def _unpad(flags: int, payload: bytes, priority: bool) -> bytes:
    if flags & PADDED:
        if not payload:
            raise H2Error("PADDED frame without a pad length")
        pad = payload[0]
        payload = payload[1:len(payload) - pad] if pad < len(payload) else b""
    if priority and flags & PRIORITY_FLAG:
        payload = payload[5:]
    return payload


class H2Connection:
    """Feed client writes and server reads; `pop_done()` gives finished streams."""

    def __init__(self) -> None:
        self.client = _Side(expect_preface=True)
        self.server = _Side(expect_preface=False)
        self.streams: dict[int, Stream] = {}
        self.done: list[Stream] = []

    def _stream(self, sid: int) -> Stream:
        s = self.streams.get(sid)
        if s is None:
            if len(self.streams) >= MAX_STREAMS:
                raise H2Error(f"more than {MAX_STREAMS} open streams")
            s = self.streams[sid] = Stream(sid)
        return s

    def feed(self, from_client: bool, data: bytes, t_ns: int) -> None:
        side = self.client if from_client else self.server
        side.buf += data
        if len(side.buf) > MAX_FRAME + 9:
            raise H2Error("buffer cap exceeded")
        for ftype, flags, sid, payload in side.frames():
            self._frame(side, from_client, ftype, flags, sid, payload, t_ns)

    def _frame(self, side: _Side, from_client: bool, ftype: int, flags: int, sid: int, payload: bytes,
               t_ns: int) -> None:
        if side.block is not None and ftype != CONTINUATION:
            raise H2Error("header block interrupted by another frame")
        if ftype == HEADERS:
            side.block = bytearray(_unpad(flags, payload, priority=True))
            side.block_sid, side.block_end_stream = sid, bool(flags & END_STREAM)
        elif ftype == CONTINUATION:
            if side.block is None or sid != side.block_sid:
                raise H2Error("CONTINUATION without HEADERS")
            side.block += payload
        elif ftype == DATA and sid:
            s = self._stream(sid)
            body = s.req_body if from_client else s.resp_body
            chunk = _unpad(flags, payload, priority=False)
            room = MAX_BODY - len(body)
            body += chunk[:max(room, 0)]
            s.truncated |= len(chunk) > room
            if flags & END_STREAM:
                self._end(s, from_client, t_ns)
            return
        elif ftype == RST_STREAM and sid in self.streams and len(payload) >= 4:
            s = self.streams[sid]
            s.reset = struct.unpack(">I", payload[:4])[0]
            self._finish(s)
            return
        else:  # SETTINGS, PING, WINDOW_UPDATE, GOAWAY, PRIORITY, PUSH_PROMISE: no flow content
            return
        if side.block is not None and len(side.block) > MAX_HEADER_BLOCK:
            raise H2Error("header block too large")
        if side.block is not None and (flags & END_HEADERS):
            block, sid, end = bytes(side.block), side.block_sid, side.block_end_stream
            side.block = None
            try:
                headers = [[_s(k), _s(v)] for k, v in side.decoder.decode(block, raw=True)]
            except hpack.HPACKError as exc:
                raise H2Error(f"HPACK: {exc}") from exc
            s = self._stream(sid)
            if from_client:
                s.req_headers += headers
                s.t_ns = s.t_ns if s.t_ns is not None else t_ns
            else:
                s.resp_headers += headers
                s.t_resp_ns = s.t_resp_ns if s.t_resp_ns is not None else t_ns
            if end:
                self._end(s, from_client, t_ns)

    def _end(self, s: Stream, from_client: bool, t_ns: int) -> None:
        if from_client:
            s.req_done = True
        else:
            s.resp_done = True
            if any(k == ":status" and v.startswith("1") for k, v in s.resp_headers) and not s.resp_body:
                return  # a 1xx interim response is not the end of the exchange
        if s.resp_done:
            self._finish(s)

    def _finish(self, s: Stream) -> None:
        self.streams.pop(s.sid, None)
        self.done.append(s)

    def pop_done(self) -> list[Stream]:
        out, self.done = self.done, []
        return out

    def close(self) -> list[Stream]:
        """Streams that never ended (connection cut, app killed): flows with what was seen."""
        out = self.pop_done() + [s for s in self.streams.values() if s.req_headers]
        self.streams.clear()
        return out


def _s(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)


def pseudo(headers: list[list[str]], name: str) -> str | None:
    """The last value of a pseudo-header (a final response's `:status` follows any 1xx)."""
    return next((v for k, v in reversed(headers) if k == name), None)
