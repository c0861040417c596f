"""Table-driven: every encoding in every place of a request; hostile bodies; location rules."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import urllib.parse
import zlib

import brotli
import pytest
import zstandard

from analysis.pii import Scanner

EMAIL = "Canary.User@example.com"
ANDROID_ID = "9774d56d682e549c"
IDENTITY = {
    "email": EMAIL, "android_id": ANDROID_ID, "imei": "358240051111110", "mac": "02:00:00:44:55:66",
    "phone_number": "+15555215554", "location": {"lat": 31.230416, "lon": 121.473701},
    "contacts": [{"name": "Zhang Wei", "phone": "+86 138 0013 8000"}], "clipboard": "CANARY-CLIP-7731",
    "app_canary": "com.consentry.canary.installed",
}
SCANNER = Scanner(IDENTITY)


def _b64_in_blob(shift: int):
    return lambda v: base64.b64encode(b"x" * shift + v.encode() + b"tail").decode()


def _h(algo: str, v: str) -> bytes:
    return hashlib.new(algo, v.encode()).digest()


# (name, key, value to encode, encoder, expected `encoding` label)
ENCODINGS = [
    ("plain", "email", EMAIL, lambda v: v, "plain"),
    ("lower", "email", EMAIL, str.lower, "plain"),
    ("upper", "android_id", ANDROID_ID, str.upper, "plain"),
    ("urlencoded", "email", EMAIL, lambda v: urllib.parse.quote(v, safe=""), "urlencoded"),
    ("urlencoded-lower-hex", "email", EMAIL, lambda v: urllib.parse.quote(v, safe="").lower(), "urlencoded"),
    ("base64", "email", EMAIL, lambda v: base64.b64encode(v.encode()).decode(), "base64"),
    ("base64-unpadded", "email", EMAIL, lambda v: base64.b64encode(v.encode()).decode().rstrip("="), "base64"),
    ("base64url", "email", EMAIL, lambda v: base64.urlsafe_b64encode(v.encode()).decode(), "base64"),
    ("base64-blob-0", "email", EMAIL, _b64_in_blob(0), "base64"),
    ("base64-blob-1", "email", EMAIL, _b64_in_blob(1), "base64"),
    ("base64-blob-2", "email", EMAIL, _b64_in_blob(2), "base64"),
    ("hex", "email", EMAIL, lambda v: v.encode().hex(), "hex"),
    ("hex-upper", "email", EMAIL, lambda v: v.encode().hex().upper(), "hex"),
    ("md5", "android_id", ANDROID_ID, lambda v: _h("md5", v).hex(), "md5"),
    ("md5-upper", "android_id", ANDROID_ID, lambda v: _h("md5", v).hex().upper(), "md5"),
    ("md5-of-upper", "android_id", ANDROID_ID, lambda v: _h("md5", v.upper()).hex(), "md5"),
    ("md5-base64", "android_id", ANDROID_ID, lambda v: base64.b64encode(_h("md5", v)).decode(), "md5-base64"),
    ("sha1", "imei", "358240051111110", lambda v: _h("sha1", v).hex(), "sha1"),
    ("sha256", "mac", "02:00:00:44:55:66", lambda v: _h("sha256", v).hex(), "sha256"),
    ("sha256-nosep", "mac", "02:00:00:44:55:66", lambda v: _h("sha256", v.replace(":", "")).hex(), "sha256"),
    ("sha256-base64", "imei", "358240051111110", lambda v: base64.b64encode(_h("sha256", v)).decode(), "sha256-base64"),
    ("sha256(md5)", "android_id", ANDROID_ID,
     lambda v: hashlib.sha256(_h("md5", v).hex().encode()).hexdigest(), "sha256(md5)"),
    ("mac-dash", "mac", "02:00:00:44:55:66", lambda v: v.replace(":", "-").upper(), "plain"),
    ("mac-nosep", "mac", "02:00:00:44:55:66", lambda v: v.replace(":", ""), "plain"),
    ("imei-groups", "imei", "358240051111110", lambda v: f"{v[:2]}-{v[2:8]}-{v[8:14]}-{v[14]}", "plain"),
    ("phone-digits", "phone_number", "+15555215554", lambda v: v[1:], "plain"),
    ("contact-name", "contacts", "Zhang Wei", lambda v: v, "plain"),
    ("contact-phone", "contacts", "+86 138 0013 8000", lambda v: "8613800138000", "plain"),
    ("clipboard", "clipboard", "CANARY-CLIP-7731", lambda v: v, "plain"),
    ("app-canary-md5", "app_canary", "com.consentry.canary.installed", lambda v: _h("md5", v).hex(), "md5"),
]

PLACES = {
    "path": lambda e: {"path": f"/v1/{e}/x"},
    "query": lambda e: {"query": f"a=1&id={e}&b=2"},
    "header:x-device": lambda e: {"req_headers": json.dumps([["X-Device", e]])},
    "cookie": lambda e: {"req_headers": json.dumps([["Cookie", f"sid=1; uid={e}"]])},
    "body": lambda e: {"_body": json.dumps({"device": {"id": e}, "n": 1}).encode()},
}


def _flow(**parts) -> dict:
    row = {"flow_id": "f", "host": "api.example.net", "path": "/", "query": "", "req_headers": "[]", "_body": None}
    row.update(parts)
    return row


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize(("name", "key", "value", "encode", "label"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_every_encoding_in_every_place(name, key, value, encode, label, place):
    det = SCANNER.scan_flows([_flow(**PLACES[place](encode(value)))])
    hits = det[(det["key"] == key) & (det["where"] == place)]
    assert label in set(hits["encoding"]), det[["key", "encoding", "form", "where", "matched"]].to_string()


def test_host_place_is_url():
    det = SCANNER.scan_flows([_flow(host=f"{_h('md5', ANDROID_ID).hex()}.t.example.net")])
    assert det[["key", "encoding", "where"]].values.tolist() == [["android_id", "md5", "url"]]


@pytest.mark.parametrize("coding", ["gzip", "deflate", "deflate-raw", "br", "zstd", "gzip, br", "sniffed-gzip"])
def test_compressed_bodies(coding):
    body = json.dumps({"uid": ANDROID_ID, "pad": "x" * 5000}).encode()
    compressors = {
        "gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
        "deflate-raw": lambda b: zlib.compress(b)[2:-4], "zstd": zstandard.ZstdCompressor().compress,
        "gzip, br": lambda b: brotli.compress(gzip.compress(b)), "sniffed-gzip": gzip.compress,
    }
    header = {"deflate-raw": "deflate", "sniffed-gzip": None}.get(coding, coding)
    headers = [["Content-Encoding", header]] if header else []
    result = SCANNER.scan([_flow(req_headers=json.dumps(headers), _body=compressors[coding](body))])
    assert ("android_id", "body") in set(zip(result.detections["key"], result.detections["where"], strict=True))
    assert result.notes.empty


def test_form_body_urldecoded_and_base64_param_decoded_one_level():
    inner = json.dumps({"imei_md5": _h("md5", "358240051111110").hex()}).encode()
    form = urllib.parse.urlencode({"payload": base64.b64encode(gzip.compress(inner)).decode(),
                                   "who": "Zhang Wei"}).encode()
    det = SCANNER.scan_flows([_flow(_body=form)])
    got = set(zip(det["key"], det["encoding"], strict=True))
    assert ("imei", "base64(md5)") in got  # base64(gzip(json)) decoded one level, then inflated
    assert ("contacts", "urlencoded") in got  # "Zhang+Wei" in the form


def test_json_escaped_body():
    body = json.dumps({"e": EMAIL.replace("@", "\\u0040")}).replace("\\\\", "\\").encode()
    det = SCANNER.scan_flows([_flow(_body=body)])
    assert ("email", "json-escaped") in set(zip(det["key"], det["encoding"], strict=True))


@pytest.mark.parametrize(("text", "expected"), [
    ('{"lat":31.230416,"lon":121.473701}', {"lat:6dp-rounded", "lon:6dp-rounded"}),
    ('{"lat":31.2304,"lon":121.4737}', {"lat:4dp-rounded", "lon:4dp-rounded"}),
    ('{"lat":31.23,"lon":121.47}', {"lat:2dp-rounded", "lon:2dp-rounded"}),
    ('{"lat":31.230,"lon":121.473}', {"lat:3dp-rounded", "lon:3dp-truncated"}),
    ('{"lat":31.230416000000002,"lon":121.47370100000001}', {"lat:6dp-rounded", "lon:6dp-rounded"}),
    ('{"la":31230416,"lo":121473701}', {"lat:microdegrees", "lon:microdegrees"}),
    ('{"loc":"31.230416,121.473701"}', {"pair:6dp"}),
    ('{"lat":31.23042}', {"lat:5dp-rounded"}),  # lone coordinate, but 5 decimals
    ('{"price":31.23}', set()),  # a lone short number is not a location
    ('{"a":131.23,"b":121.47}', {"lon:2dp-rounded"} - {"lon:2dp-rounded"}),  # 131.23 is not 31.23
    ('{"lat":-31.23,"lon":121.47}', set()),  # southern hemisphere is another place
    ('{"v":"31.2399","w":"121.4799"}', set()),  # other digits follow at low precision
])
def test_location_rules(text, expected):
    det = SCANNER.scan_flows([_flow(_body=text.encode())])
    assert set(det.loc[det["key"] == "location", "form"]) == expected


def test_numbers_glued_to_other_digits_are_not_identifiers():
    det = SCANNER.scan_flows([_flow(query="n=93582400511111109&t=1358240051111110")])
    assert "imei" not in set(det["key"])


def test_hostile_bodies_give_notes_not_crashes():
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    rows = [
        _flow(flow_id="bomb", req_headers='[["content-encoding","gzip"]]', _body=bomb),
        _flow(flow_id="trunc", req_headers='[["content-encoding","br"]]',
              _body=brotli.compress(ANDROID_ID.encode() + bytes(range(256)) * 100)[:50]),
        _flow(flow_id="corrupt", req_headers='[["content-encoding","zstd"]]', _body=b"not zstd at all"),
        _flow(flow_id="binary", _body=b"\xff\xfe\x00" + ANDROID_ID.encode() + b"\xc3\x28"),
        _flow(flow_id="weird-headers", req_headers="not json", _body=None),
    ]
    result = Scanner(IDENTITY, body_out_cap=4 * 1024 * 1024).scan(rows)
    notes = {(f, n.split(":")[0] + ":" + n.split(":")[1]) for f, n in zip(result.notes["flow_id"], result.notes["note"],
                                                                          strict=True)}
    assert ("bomb", "bomb:gzip") in notes and ("trunc", "truncated:br") in notes
    assert ("corrupt", "corrupt:zstd") in notes
    binary = result.detections[result.detections["flow_id"] == "binary"]
    assert binary["key"].tolist() == ["android_id"] and "\\xff" in binary["excerpt"].iloc[0]


def test_excerpt_is_escaped_and_capped():
    body = b"\x1b[31m" + b"A" * 500 + ANDROID_ID.encode() + b"<script>" + b"B" * 500
    det = SCANNER.scan_flows([_flow(_body=body)])
    ex = det["excerpt"].iloc[0]
    assert "\x1b" not in ex and len(ex) <= 203 and ANDROID_ID in ex


def test_one_automaton_for_all_variants():
    # Needles are compiled once; >= 30 identity values give thousands of patterns, not a loop.
    assert len(SCANNER.needles.patterns) > 500
    assert len(SCANNER.needles.patterns) == len(set(SCANNER.needles.patterns))
