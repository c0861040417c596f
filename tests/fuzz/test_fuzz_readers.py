"""The HAR and mitmproxy-flow readers (analysis/pii/readers.py) on random, damaged and truncated
files: a Capture (then scanned without error) or a PiiInputError naming the file."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.pii import Scanner
from analysis.pii.identity import PiiInputError
from analysis.pii.readers import read_capture
from tests.fuzz.conftest import expect

pytestmark = pytest.mark.fuzz

IDENTITY = {"android_id": "9774d56d682e549c", "imei": "358240051111110", "location": {"lat": 31.2304, "lon": 121.4737}}
SCANNER = Scanner(IDENTITY)

json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=40)),
                           lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=10), c, max_size=4)),
                           max_leaves=20)
headers = st.lists(st.one_of(st.fixed_dictionaries({"name": st.text(max_size=20), "value": st.text(max_size=40)}),
                             json_values), max_size=4)
post = st.one_of(json_values, st.fixed_dictionaries(
    {}, optional={"mimeType": st.text(max_size=30), "text": st.one_of(st.text(max_size=200), json_values),
                  "encoding": st.sampled_from(["base64", "gzip", "", "x"]), "params": json_values}))
request = st.fixed_dictionaries(
    {"url": st.one_of(st.text(max_size=80), st.sampled_from(["http://a.b/c?imei=358240051111110", "https://[::1]:99999/x",
                                                            "http://[zz/", "https://h:-1/p", "//x", ""]), json_values)},
    optional={"method": json_values, "headers": headers, "cookies": json_values, "postData": post})
entries = st.lists(st.one_of(st.fixed_dictionaries({"request": request}), json_values), max_size=6)
hars = st.one_of(st.fixed_dictionaries({"log": st.fixed_dictionaries({"entries": entries})}), json_values)


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"capture{suffix}"
        path.write_bytes(data)
        got = expect(lambda: read_capture(path), PiiInputError)
        if isinstance(got, PiiInputError):
            assert str(path) in str(got)
            return
        expect(lambda: SCANNER.scan(got.flows, got.body_loader))


@given(hars)
def test_random_har_structures(doc):
    _read(json.dumps(doc).encode(), ".har")


@given(hars, st.integers(0, 2000))
def test_truncated_har(doc, cut):
    _read(json.dumps(doc).encode()[:cut], ".har")


def _flow_file() -> bytes:
    from mitmproxy import io as mio
    from mitmproxy.test import tflow

    buf = io.BytesIO()
    writer = mio.FlowWriter(buf)
    for i in range(3):
        f = tflow.tflow(resp=True)
        f.request.url = f"http://collector.example/log?imei=358240051111110&i={i}"
        f.request.content = b'{"aid":"9774d56d682e549c"}'
        writer.add(f)
    return buf.getvalue()


FLOWS = _flow_file()


@given(st.data())
def test_damaged_flow_files(data):
    raw = bytearray(FLOWS)
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if op == "flip":
            raw[pos] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[pos:pos + data.draw(st.integers(1, 64))]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(max_size=16))
        else:
            del raw[pos:]
        if not raw:
            break
    _read(bytes(raw), ".flows")


@given(st.binary(max_size=3000))
def test_random_bytes(data):
    _read(data, ".bin")


def test_an_intact_flow_file_is_read_and_scanned():
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "ok.flows"
        path.write_bytes(FLOWS)
        cap = read_capture(path)
        found = SCANNER.scan(cap.flows, cap.body_loader).detections
        assert len(cap.flows) == 3 and set(found["key"]) == {"imei", "android_id"}
