"""The two search engines are interchangeable: same occurrences, same detections."""

from __future__ import annotations

import base64
import hashlib
import os
import random

import pytest

from analysis.pii import Scanner
from analysis.pii.engine import _hs, compile_patterns
from tests.analysis.pii.test_scanner import ENCODINGS, IDENTITY, PLACES, _flow

needs_hyperscan = pytest.mark.skipif(_hs is None, reason="hyperscan not installed on this machine")


def _haystack() -> bytes:
    rng = random.Random(3)
    parts = [os.urandom(3000), os.urandom(2000).hex().encode(), base64.b64encode(os.urandom(3000))]
    for _, _, value, encode, _ in ENCODINGS:
        parts.insert(rng.randrange(len(parts) + 1), encode(value).encode())
    parts.append(b"aaaa" * 50)  # overlapping occurrences of a self-overlapping pattern
    return b"|".join(parts)


@needs_hyperscan
def test_engines_report_the_same_occurrences():
    patterns = Scanner(IDENTITY).needles.patterns + [b"aaaaaa"]
    hay = _haystack()
    hs = compile_patterns(patterns, "hyperscan").find(hay)
    ac = compile_patterns(patterns, "ahocorasick_rs").find(hay)
    assert len(hs) > len(ENCODINGS)
    assert sorted(map(tuple, hs.tolist())) == sorted(map(tuple, ac.tolist()))
    for pid, start, end in hs.tolist():
        assert hay[start:end] == patterns[pid]


@needs_hyperscan
def test_engines_give_the_same_detections():
    rows = [_flow(flow_id=f"{name}-{place}", **PLACES[place](encode(value)))
            for name, _, value, encode, _ in ENCODINGS for place in PLACES]
    rows.append(_flow(flow_id="md5-host", host=f"{hashlib.md5(b'x').hexdigest()}.example.net"))
    fast = Scanner(IDENTITY, engine="hyperscan").scan_flows(rows)
    fallback = Scanner(IDENTITY, engine="ahocorasick_rs").scan_flows(rows)
    assert len(fast) >= len(rows) - 1
    assert fast.to_dict("records") == fallback.to_dict("records")


def test_empty_haystack_and_forced_fallback():
    engine = compile_patterns([b"abcdef"], "ahocorasick_rs")
    assert engine.find(b"").shape == (0, 3)
    assert engine.find(b"xxabcdefxx").tolist() == [[0, 2, 8]]
    if _hs is not None:
        assert compile_patterns([b"abcdef"], "hyperscan").find(b"").shape == (0, 3)


@needs_hyperscan
def test_parts_are_scanned_as_if_joined_and_never_across_the_separator():
    patterns = [b"abcdef", b"defxyz", b"9774d56d682e549c"]
    parts = [b"xxabc", b"defxyz", b"", b"abcdef", b"9774d56d682e549c", b"", b""]
    sep = b"\n\x00\n"
    hs = compile_patterns(patterns, "hyperscan").find_parts(parts, sep)
    ac = compile_patterns(patterns, "ahocorasick_rs").find_parts(parts, sep)
    assert sorted(map(tuple, hs.tolist())) == sorted(map(tuple, ac.tolist()))
    joined = sep.join(parts)
    assert sorted(joined[s:e] for _, s, e in hs.tolist()) == [b"9774d56d682e549c", b"abcdef", b"defxyz"]
    assert compile_patterns(patterns, "hyperscan").find_parts([b"", b""], sep).shape == (0, 3)
