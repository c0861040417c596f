"""The HTTP/2 parser on bytes a real h2 client and server produce (in memory), and on hostile input:
interleaved streams, a reset stream, a connection cut mid-response, broken HPACK, oversized frames."""

from __future__ import annotations

import json

import h2.config
import h2.connection
import h2.events

from harness.instrument.tls_flows import TlsFlows


def _pair():
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    server = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    client.initiate_connection()
    server.initiate_connection()
    return client, server


def _flows(tmp_path):
    rows, notes = [], []
    tf = TlsFlows(tmp_path, rows.extend, lambda kind, detail: notes.append((kind, detail)))
    chunk = {"ssl": "0x1", "fd": 5, "peer": "10.0.0.2:443", "local": "10.0.0.9:5000", "sni": "api.example.com",
             "len": 0, "full": 0}
    def feed(direction: str, data: bytes, t: int) -> None:
        tf.feed(42, {**chunk, "dir": direction, "len": len(data), "full": len(data)}, data, t)
    return tf, rows, notes, feed


def test_interleaved_streams_reset_and_cut(tmp_path):
    tf, rows, _notes, feed = _flows(tmp_path)
    client, server = _pair()
    hdr = [(":method", "POST"), (":scheme", "https"), (":authority", "api.example.com"), (":path", "/a?x=1")]
    client.send_headers(1, hdr)
    client.send_headers(3, [(":method", "GET"), (":scheme", "https"), (":authority", "api.example.com"),
                            (":path", "/b")], end_stream=True)
    client.send_data(1, b"first-", end_stream=False)
    client.send_headers(5, [(":method", "GET"), (":scheme", "https"), (":authority", "api.example.com"),
                            (":path", "/c")], end_stream=True)
    client.send_data(1, b"body", end_stream=True)
    wire = client.data_to_send()
    for i in range(0, len(wire), 7):  # the hook sees arbitrary cuts
        feed("write", wire[i:i + 7], 100 + i)
    server.receive_data(wire)
    server.send_headers(3, [(":status", "204")], end_stream=True)
    server.send_headers(1, [(":status", "200"), ("content-type", "text/plain")])
    server.send_data(1, b"ok", end_stream=True)
    server.reset_stream(5)
    feed("read", server.data_to_send(), 900)
    assert sorted((r["path"], r["status"], r["error"]) for r in rows) == [
        ("/a", 200, None), ("/b", 204, None), ("/c", None, "stream reset (RST_STREAM error code 0)")]
    a = next(r for r in rows if r["path"] == "/a")
    assert (a["query"], a["host"], a["port"], a["sni"], a["http_version"]) == ("x=1", "api.example.com", 443,
                                                                              "api.example.com", "HTTP/2.0")
    assert a["req_body_size"] == len(b"first-body") and a["t_resp_ns"] == 900
    client.send_headers(7, hdr, end_stream=True)
    feed("write", client.data_to_send(), 1000)
    tf.close()  # the app died before the answer: the request is still a flow
    cut = next(r for r in rows if r["flow_id"].endswith("-h2-7"))
    assert cut["status"] is None and "before the response" in cut["error"]


def test_broken_hpack_stops_the_connection_with_a_note(tmp_path):
    tf, rows, notes, feed = _flows(tmp_path)
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    bad_block = b"\xff\xff\xff\xff\x7f"  # an index far outside any table
    frame = len(bad_block).to_bytes(3, "big") + bytes([1, 0x5]) + (1).to_bytes(4, "big") + bad_block
    feed("write", preface + frame, 1)
    feed("write", frame, 2)  # ignored after the error
    tf.close()
    assert rows == [] and notes and notes[0][0] == "tls:h2-error" and "HPACK" in notes[0][1]["error"]


def test_oversized_frame_and_http1_still_work(tmp_path):
    tf, rows, notes, feed = _flows(tmp_path)
    feed("write", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\xff\xff\xff\x00\x00\x00\x00\x00\x01", 1)
    assert notes and "frame of" in notes[0][1]["error"]
    other = TlsFlows(tmp_path, rows.extend, lambda *a: None)
    req = b"POST /p HTTP/1.1\r\nHost: h.example\r\nContent-Length: 2\r\n\r\nhi"
    base = {"ssl": "0x2", "fd": 6, "peer": "1.2.3.4:443", "local": None, "sni": "h.example"}
    other.feed(1, {**base, "dir": "write", "len": 1, "full": 1}, req[:1], 1)  # "P" could start the preface
    other.feed(1, {**base, "dir": "write", "len": len(req) - 1, "full": len(req) - 1}, req[1:], 2)
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    other.feed(1, {**base, "dir": "read", "len": len(resp), "full": len(resp)}, resp, 3)
    assert [(r["method"], r["path"], r["status"], r["sni"]) for r in rows] == [("POST", "/p", 200, "h.example")]
    assert json.loads(rows[0]["req_headers"])[0] == ["Host", "h.example"]
