"""HTTP/2 plaintext from the TLS hooks: a real h2 client (h2 over libssl) inside an instrumented
process talks to a real h2 origin (TLS, ALPN h2); the SSL hooks' plaintext becomes one
`source: tls-hook` flow per stream, with headers decoded by HPACK, bodies and the SNI."""

from __future__ import annotations

import json
import time
from pathlib import Path

from harness.bodies import load_body
from harness.instrument import Instrument
from tests.capture.test_http2 import H2Origin
from tests.instrument.test_core import _tables

ROOT = Path(__file__).resolve().parents[2]


def test_h2_streams_become_tls_hook_flows(target, journal, tmp_path):
    origin = H2Origin(tmp_path / "origin")
    try:
        inst = Instrument(journal, journal.run_dir, time.time_ns(), categories={"tls"})
        inst.attach(target.pid)
        payload = b'{"imei":"358240051111110","oaid":"a1b2c3d4"}'
        target.run(f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tests.instrument.h2_client import exchange")
        target.run(f"res = exchange({origin.port}, {str(origin.ca)!r}, "
                   f"[('POST', '/v2/track?aid=42', {payload!r}), ('GET', '/config?v=7', b'')])")
        target.run("assert [s for s, _ in res] == [200, 200], res")
        summary = inst.stop()
    finally:
        origin.close()
    flows = sorted(_tables(journal.run_dir)["flows"], key=lambda f: f["flow_id"])
    assert summary.flows == 2 and len(flows) == 2
    post, get = flows
    assert (post["source"], post["http_version"], post["method"], post["path"], post["query"], post["status"]) == (
        "tls-hook", "HTTP/2.0", "POST", "/v2/track", "aid=42", 200)
    assert (get["method"], get["path"], get["query"], get["status"]) == ("GET", "/config", "v=7", 200)
    for f in flows:
        assert (f["host"], f["port"], f["scheme"], f["sni"]) == ("localhost", origin.port, "https", "localhost")
        assert f["t_ns"] <= f["t_resp_ns"] and f["error"] is None
        # the second request's headers come from HPACK's dynamic table: decoded all the same
        assert ["user-agent", "okhttp/4.12.0"] in json.loads(f["req_headers"])
        assert not any(k.startswith(":") for k, _ in json.loads(f["req_headers"]))
    assert load_body(journal.run_dir, post["req_body_ref"]) == payload
    assert ["content-length", str(len(f"ok h2 /v2/track?aid=42 {len(payload)}"))] in json.loads(post["resp_headers"])
