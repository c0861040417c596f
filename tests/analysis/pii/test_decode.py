"""Body decoding helpers: the fast paths give exactly what the plain ones give."""

from __future__ import annotations

import base64
import gzip
import os
import random
import zlib

import numpy as np
import pytest

from analysis.pii import decode

DATA = b"hello 9774d56d682e549c " * 5000 + os.urandom(3000)
INFLATE_CASES = {
    "gzip": (gzip.compress(DATA), 47), "zlib": (zlib.compress(DATA), 15),
    "raw-deflate": (zlib.compress(DATA)[2:-4], -15), "truncated": (gzip.compress(DATA)[:500], 47),
    "corrupt": (b"\x1f\x8b\x08\x00" + bytes(range(200)), 47),
    "bomb": (gzip.compress(b"\0" * (8 * 1024 * 1024)), 47),
    "two-members": (gzip.compress(b"abc") + gzip.compress(b"def"), 47),
    "trailing-garbage": (gzip.compress(DATA) + b"garbage", 47), "empty": (b"", 47),
}


def _inflate_all() -> list[tuple[str, bytes, list[str]]]:
    out = []
    for name, (blob, wbits) in INFLATE_CASES.items():
        notes: list[str] = []
        data = decode._inflate(blob, wbits, 4 * 1024 * 1024, "gzip", notes)
        out.append((name, data, [":".join(n.split(":")[:2]) for n in notes]))
    return out


@pytest.mark.skipif(decode._inflater is zlib, reason="isal not installed on this machine")
def test_isal_inflate_matches_zlib(monkeypatch):
    fast = _inflate_all()
    monkeypatch.setattr(decode, "_inflater", zlib)
    assert fast == _inflate_all()
    notes = {name: n for name, _, n in fast}
    assert notes["bomb"] == ["bomb:gzip"] and notes["truncated"] == ["truncated:gzip"]
    assert notes["corrupt"] == ["corrupt:gzip"] and notes["gzip"] == []


def _reference_b64_runs(data: bytes, min_len: int = 24, limit: int = 256) -> list[bytes]:
    """The definition, one byte at a time: maximal base64 runs >= min_len with a non-hex char."""
    b64 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
    hexd = set(b"0123456789abcdefABCDEF")
    runs, start = [], None
    for i, c in enumerate(data + b" "):
        if c in b64 and i < len(data):
            start = i if start is None else start
        elif start is not None:
            run = data[start:i]
            if len(run) >= min_len and not set(run) <= hexd:
                runs.append(run)
            start = None
    return runs[:limit]


def test_long_b64_runs_matches_its_definition():
    rng = random.Random(5)
    alphabet = b'AZaz09+/_-=&"x:,. fF\x00\xff'
    for _ in range(400):
        n = rng.randint(0, 120)
        data = bytes(rng.choice(alphabet) for _ in range(n))
        if rng.random() < 0.5:
            cut = rng.randint(0, n)
            data = data[:cut] + base64.b64encode(rng.randbytes(rng.randint(10, 40))) + data[cut:]
        if rng.random() < 0.3:
            data += rng.randbytes(rng.randint(5, 30)).hex().encode()
        # Short parts take the regex path, long ones the numpy path: padding with a non-base64 byte
        # past SMALL_PART changes no run and exercises the other one (padding before and after).
        pad = b" " * decode.SMALL_PART
        for variant in (data, data + pad, pad + data):
            for min_len in (24, 5, 7):
                assert decode.long_b64_runs(variant, min_len) == _reference_b64_runs(variant, min_len), (data, min_len)
            assert decode.long_b64_runs(variant, 5, limit=2) == _reference_b64_runs(variant, 5, limit=2)


def test_long_b64_runs_skips_hex_only_and_short_runs():
    token = base64.b64encode(bytes(range(40))).rstrip(b"=")
    body = b'{"ref":"' + bytes(np.arange(48) % 16).hex().encode() + b'","t":"' + token + b'","s":"abc"}'
    assert decode.long_b64_runs(body) == [token]
    assert decode.long_b64_runs(token) == [token]  # a run that reaches the end of the data
