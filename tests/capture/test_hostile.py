"""Hostile traffic through the real proxy: a 200 MB upload, a gzip bomb, invalid UTF-8 headers
and bodies, a WebSocket. Each is a recorded outcome and the proxy keeps serving."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import resource
import socket

from analysis.pii import Scanner, detect_run
from tests.capture.conftest import rows
from tests.capture.origin import http_via_proxy
from tests.capture.test_service import _wait_rows

IDENTITY = {"android_id": "9774d56d682e549c", "imei": "358240051111110"}


def _bomb() -> bytes:
    return gzip.compress(b"\0" * (200 * 1024 * 1024) + b"imei=358240051111110", compresslevel=9)


def test_200mb_upload_is_capped_and_memory_stays_flat(proxy, origin):
    size = 200 * 1024 * 1024
    chunk = (b'{"android_id":"9774d56d682e549c","pad":"' + b"x" * 65000 + b'"}\n')
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    conn = http.client.HTTPConnection(*proxy.address, timeout=120)
    conn.putrequest("POST", f"http://127.0.0.1:{origin.http_port}/big")
    conn.putheader("content-length", str(size))
    conn.endheaders()
    sent = 0
    while sent < size:
        part = chunk[: size - sent]
        conn.send(part)
        sent += len(part)
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == f"ok POST /big {size}".encode()
    conn.close()
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert rss_growth_mb < 100, f"proxy held the body: peak RSS grew {rss_growth_mb:.0f} MB"
    row = _wait_rows(proxy, lambda r: r.get("path") == "/big")[0]
    assert row["req_body_size"] == size and row["req_body_truncated"] is True
    stored = proxy.cap.run_dir / "bodies" / row["req_body_ref"]
    assert stored.stat().st_size == proxy.cap.body_cap
    # The capped copy is still scanned: the identifier in the first bytes is found.
    proxy.cap.journal.flush()
    det = detect_run(proxy.cap.run_dir, identity=IDENTITY)
    assert {"android_id"} <= set(det.loc[det["flow_id"] == row["flow_id"], "key"])


def test_gzip_bomb_is_stored_compressed_and_flagged_by_the_scan(proxy, origin):
    bomb = _bomb()
    status, _ = http_via_proxy(proxy.address, "127.0.0.1", origin.http_port, "/bomb", bomb,
                               {"content-encoding": "gzip"})
    assert status == 200
    row = _wait_rows(proxy, lambda r: r.get("path") == "/bomb")[0]
    assert row["req_body_size"] == len(bomb)
    flows = [r for r in rows(proxy) if r.get("path") == "/bomb"]
    result = Scanner(IDENTITY, body_out_cap=8 * 1024 * 1024).scan(
        flows, lambda ref: (proxy.cap.run_dir / "bodies" / ref).read_bytes())
    assert "bomb:gzip" in set(result.notes["note"])
    # Still serving.
    assert http_via_proxy(proxy.address, "127.0.0.1", origin.http_port, "/after-bomb")[0] == 200


def test_invalid_utf8_and_truncated_gzip_are_recorded(proxy, origin):
    body = b"\xff\xfe\x80imei=358240051111110\xc3"
    status, _ = http_via_proxy(proxy.address, "127.0.0.1", origin.http_port, "/bin", body,
                               {"x-raw": "caf\xe9"})
    assert status == 200
    payload = b"android_id=9774d56d682e549c&noise=" + os.urandom(4000).hex().encode()
    truncated = gzip.compress(payload)[:1000]
    status, _ = http_via_proxy(proxy.address, "127.0.0.1", origin.http_port, "/trunc", truncated,
                               {"content-encoding": "gzip"})
    assert status == 200
    _wait_rows(proxy, lambda r: r.get("path") == "/trunc")
    raw_row = [r for r in rows(proxy) if r.get("path") == "/bin"][0]
    assert ["x-raw", r"caf\xe9"] in json.loads(raw_row["req_headers"])  # undecodable byte kept, escaped
    proxy.cap.journal.flush()
    det = detect_run(proxy.cap.run_dir, identity=IDENTITY)
    notes = det.attrs["notes"]
    by_path = {r["flow_id"]: r["path"] for r in rows(proxy)}
    found = {(by_path[f], k) for f, k in zip(det["flow_id"], det["key"], strict=True)}
    assert ("/bin", "imei") in found and ("/trunc", "android_id") in found
    assert "truncated:gzip" in set(notes["note"])
    assert "\\xff" in det.loc[det["key"] == "imei", "excerpt"].iloc[0]


def test_websocket_messages_are_flows(proxy, origin, tmp_path):
    from websockets.sync.client import connect
    from websockets.sync.server import serve

    def echo(ws):
        for msg in ws:
            ws.send(msg)

    with serve(echo, "127.0.0.1", 0) as server:
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        sock = socket.create_connection(proxy.address)
        sock.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        with connect(f"ws://127.0.0.1:{port}/socket", sock=sock) as ws:
            ws.send('{"android_id": "9774d56d682e549c"}')
            assert ws.recv(timeout=10) == '{"android_id": "9774d56d682e549c"}'
        server.shutdown()
    msgs = _wait_rows(proxy, lambda r: r.get("kind") == "websocket")
    msgs = _wait_rows(proxy, lambda r: r.get("kind") == "websocket" and not r["ws_from_client"]) and \
        [r for r in rows(proxy) if r.get("kind") == "websocket"]
    assert {m["ws_from_client"] for m in msgs} == {True, False}
    sent = [m for m in msgs if m["ws_from_client"]][0]
    assert sent["method"] == "WS" and sent["path"] == "/socket" and sent["req_body_ref"]
    proxy.cap.journal.flush()
    det = detect_run(proxy.cap.run_dir, identity=IDENTITY)
    assert sent["flow_id"] in set(det.loc[det["key"] == "android_id", "flow_id"])
