"""Turning one request body into the byte views the scanner searches, with hard size caps.

Bodies are hostile input: a 1 KB gzip bomb inflating to gigabytes, truncated compressed data,
invalid UTF-8, binary protobuf. Every decoder here is incremental and stops at `out_cap` bytes;
what happened is reported as short notes (`bomb:gzip`, `truncated:br`, ...) that travel with the
detections, so an unreadable body is a recorded outcome rather than a crash or a silent gap."""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import urllib.parse
import zlib
from dataclasses import dataclass, field

import brotli
import numpy as np
import zstandard

try:  # ISA-L's inflate: zlib's API and results (checked in tests), about 2.5x its speed here
    from isal import isal_zlib as _inflater
except ImportError:  # pragma: no cover - isal has wheels for the usual platforms
    _inflater = zlib  # type: ignore[misc]
_INFLATE_ERRORS: tuple[type[BaseException], ...] = (zlib.error, _inflater.error)  # type: ignore[assignment]

DEFAULT_OUT_CAP = 32 * 1024 * 1024
VIEW_SCAN_CAP = 8 * 1024 * 1024  # url/json/base64 re-decoded views only for bodies up to this size
_CHUNK = 256 * 1024
_B64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
_HEX_CHARS = b"0123456789abcdefABCDEF"
# One byte -> bit flags for `bytes.translate` (C, about 2 GB/s; numpy fancy indexing is far slower):
# bit 0 = base64 character, bit 1 = hex digit. `=` is 0: padding only ends a token, and as a run
# character it would glue k=v pairs.
_B64_BITS = bytes(3 if c in _HEX_CHARS else 1 if c in _B64_CHARS else 0 for c in range(256))
SMALL_PART = 4096
B64_MIN_TOKEN = 24  # shorter base64-looking runs are not decoded (ids, words)
_B64_RUN = re.compile(rb"[A-Za-z0-9+/_-]+")  # a greedy run from its leftmost byte is the maximal run
_TEXTISH = bytes(range(32, 127)) + b"\t\r\n"
_JSON_U = re.compile(rb"\\u([0-9a-fA-F]{4})")


@dataclass
class Decoded:
    """The searchable views of one body: (view name, bytes); notes say what could not be done."""

    views: list[tuple[str, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _inflate(data: bytes, wbits: int, cap: int, name: str, notes: list[str]) -> bytes:
    d = _inflater.decompressobj(wbits)
    out = bytearray()
    try:
        pos = 0
        while pos < len(data) and len(out) < cap:
            out += d.decompress(data[pos:pos + _CHUNK], cap - len(out) + 1)
            while d.unconsumed_tail and len(out) <= cap:
                out += d.decompress(d.unconsumed_tail, cap - len(out) + 1)
            pos += _CHUNK
            if d.eof:
                break
        if len(out) > cap:
            notes.append(f"bomb:{name}")
            return bytes(out[:cap])
        if not d.eof:
            notes.append(f"truncated:{name}")
    except _INFLATE_ERRORS as exc:
        notes.append(f"corrupt:{name}:{exc}")
    return bytes(out)


def _unbrotli(data: bytes, cap: int, notes: list[str]) -> bytes:
    d = brotli.Decompressor()
    out = bytearray()
    try:
        for pos in range(0, len(data), 16 * 1024):
            out += d.process(data[pos:pos + 16 * 1024])
            if len(out) > cap:
                notes.append("bomb:br")
                return bytes(out[:cap])
        if not d.is_finished():
            notes.append("truncated:br")
    except brotli.error as exc:
        notes.append(f"corrupt:br:{exc}")
    return bytes(out)


def _unzstd(data: bytes, cap: int, notes: list[str]) -> bytes:
    d = zstandard.ZstdDecompressor().decompressobj()
    out = bytearray()
    try:
        for pos in range(0, len(data), 16 * 1024):
            out += d.decompress(data[pos:pos + 16 * 1024])
            if len(out) > cap:
                notes.append("bomb:zstd")
                return bytes(out[:cap])
        if not d.eof:
            notes.append("truncated:zstd")
    except zstandard.ZstdError as exc:
        notes.append(f"corrupt:zstd:{exc}")
    return bytes(out)


def sniff_encoding(data: bytes) -> str | None:
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if len(data) > 2 and data[0] == 0x78 and data[1] in (0x01, 0x5E, 0x9C, 0xDA) and (data[0] * 256 + data[1]) % 31 == 0:
        return "deflate"
    return None


def decompress(data: bytes, content_encoding: str, cap: int = DEFAULT_OUT_CAP) -> tuple[bytes, str, list[str]]:
    """Undo `content_encoding` (a header value, possibly a chain like "gzip, br"), or sniffed magic
    when the header is absent. Returns (bytes, view name, notes); unknown codings are left as is."""
    notes: list[str] = []
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()] if content_encoding else []
    codings = [c for c in codings if c not in ("identity", "")]
    if not codings:
        sniffed = sniff_encoding(data)
        if not sniffed:
            return data, "raw", notes
        codings = [sniffed]
    view = []
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            data = _inflate(data, 47, cap, "gzip", notes)  # 32+15: gzip or zlib header
        elif coding == "deflate":
            raw_first = sniff_encoding(data) != "deflate"
            data = _inflate(data, -15 if raw_first else 15, cap, "deflate", notes)
        elif coding == "br":
            data = _unbrotli(data, cap, notes)
        elif coding == "zstd":
            data = _unzstd(data, cap, notes)
        else:
            notes.append(f"unknown-coding:{coding}")
            break
        view.append(coding)
        if any(n.startswith(("bomb:", "corrupt:")) for n in notes):
            break
    return data, "+".join(view) or "raw", notes


def looks_binary(data: bytes) -> bool:
    """Protobuf, images, encrypted blobs: more than 1 in 8 of the first 4 KB are control/high bytes."""
    head = data[:4096]
    return len(head.translate(None, _TEXTISH)) * 8 > len(head)


def long_b64_runs(data: bytes, min_len: int = 24, limit: int = 256) -> list[bytes]:
    """Maximal runs of base64 characters of at least `min_len` that are not hex-only.

    A few C passes and no Python loop over tokens (splitting a large body into words costs more
    than scanning it). Each byte gets flags (base64, hex) with `translate`; AND-ing the flags
    with shifted copies of themselves (windows of 2, 4, 8, 16, then `min_len`) leaves, for every
    window of `min_len` bytes, "all base64" and "all hex". A window that is all base64 but not all
    hex lies inside a run we want; hex-only runs are digests or numbers, which the automaton finds
    as such. Most bodies have no such window, and that is proved without finding any run."""
    n = len(data)
    if n < min_len:
        return []
    if n < SMALL_PART:  # headers, paths, cookies: numpy's per-call cost exceeds the regex's scan
        found = (t for t in _B64_RUN.findall(data) if len(t) >= min_len and t.translate(None, _HEX_CHARS))
        return list(itertools.islice(found, limit))
    win = np.frombuffer(data.translate(_B64_BITS), dtype=np.uint8)  # win[i]: flags ANDed over data[i:i+width]
    width = 1
    while width * 2 <= min_len:
        win = win[:-width] & win[width:]
        width *= 2
    if width < min_len:
        step = min_len - width
        win = win[:-step] & win[step:]
    mixed = win == 1
    if not mixed.any():
        return []
    padded = np.zeros(len(win) + 2, dtype=bool)
    padded[1:-1] = win != 0
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # on bool: nonzero on int8 is ~10x slower
    starts, ends = edges[0::2], edges[1::2] + (min_len - 1)  # window run [a, b) = data run [a, b+min_len-1)
    padded[1:-1] = mixed
    mixed_starts = np.flatnonzero(padded[1:] & ~padded[:-1])
    runs = np.unique(np.searchsorted(starts, mixed_starts, side="right") - 1)[:limit]
    return [data[a:b] for a, b in zip(starts[runs].tolist(), ends[runs].tolist(), strict=True)]


def secondary_views(data: bytes) -> list[tuple[str, bytes]]:
    """Re-decoded views of one text part: percent-decoded (form, query, JSON), JSON-unescaped, and
    base64-looking tokens decoded one level (and inflated when they hold gzip/zlib)."""
    if len(data) < B64_MIN_TOKEN and not (b"%" in data or b"+" in data or b"\\" in data):
        return []  # nothing to unescape and too short for a base64 token: most headers and paths
    if len(data) > VIEW_SCAN_CAP or looks_binary(data):
        return []
    views: list[tuple[str, bytes]] = []
    if b"%" in data or (b"+" in data and b"=" in data):
        dec = urllib.parse.unquote_to_bytes(data.replace(b"+", b" ") if b"=" in data else data)
        if dec != data:
            views.append(("urldecoded", dec))
    if b"\\" in data and (b"\\u" in data or b"\\/" in data):  # memchr first: 2-byte finds are slow
        unescaped = _JSON_U.sub(lambda m: chr(int(m.group(1), 16)).encode("utf-8", "replace"), data)
        unescaped = unescaped.replace(b"\\/", b"/")
        if unescaped != data:
            views.append(("jsonescaped", unescaped))
    # Tokens from the raw part and from its percent-decoded view (form values escape + / =).
    sources = [data] + [v for name, v in views if name == "urldecoded"]
    tokens = list(dict.fromkeys(t for src in sources for t in long_b64_runs(src, B64_MIN_TOKEN)))
    parts = []
    for tok in tokens[:256]:
        if len(tok) < B64_MIN_TOKEN:
            continue  # hex digests and numbers are found as such, not as base64
        try:
            raw = base64.b64decode(tok + b"=" * (-len(tok) % 4), altchars=b"-_" if (b"-" in tok or b"_" in tok) else None)
        except (binascii.Error, ValueError):
            continue
        if sniff_encoding(raw):
            raw, _, _ = decompress(raw, "", cap=1024 * 1024)
        parts.append(raw)
    if parts:
        views.append(("base64", b"\n\x00\n".join(parts)))
    return views
