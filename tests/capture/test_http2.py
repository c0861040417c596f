"""HTTP/2 through the capture proxy: a client and an origin that both speak h2 (ALPN), the request
recorded like any other flow, with its body stored."""

from __future__ import annotations

import socket
import ssl
import threading
import time

import h2.config
import h2.connection
import h2.events

from harness.capture import ProxyService
from harness.journal import Journal
from tests.capture.conftest import rows
from tests.capture.origin import make_ca_and_leaf


class H2Origin:
    """A one-connection-at-a-time HTTP/2 server on 127.0.0.1 (TLS, ALPN h2) answering every
    request with 200 and `ok h2 <path> <body length>`."""

    def __init__(self, folder):
        self.ca, cert, key = make_ca_and_leaf(folder)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.ctx.set_alpn_protocols(["h2"])
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                raw, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            threading.Thread(target=self._conn, args=(raw,), daemon=True).start()

    def _conn(self, raw: socket.socket) -> None:
        try:
            tls = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        tls.sendall(conn.data_to_send())
        streams: dict[int, dict] = {}
        tls.settimeout(5)
        try:
            while True:
                data = tls.recv(65536)
                if not data:
                    return
                for ev in conn.receive_data(data):
                    if isinstance(ev, h2.events.RequestReceived):
                        streams[ev.stream_id] = {"headers": dict(ev.headers), "body": b""}
                    elif isinstance(ev, h2.events.DataReceived):
                        streams[ev.stream_id]["body"] += ev.data
                        conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    elif isinstance(ev, h2.events.StreamEnded):
                        st = streams.pop(ev.stream_id)
                        path = st["headers"].get(b":path", b"").decode()
                        body = f"ok h2 {path} {len(st['body'])}".encode()
                        conn.send_headers(ev.stream_id, [(":status", "200"), ("content-length", str(len(body)))])
                        conn.send_data(ev.stream_id, body, end_stream=True)
                tls.sendall(conn.data_to_send())
        except (OSError, KeyError):
            return
        finally:
            tls.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


def h2_post_via_proxy(proxy: tuple[str, int], port: int, path: str, body: bytes, cafile) -> tuple[int, bytes, str]:
    """CONNECT, TLS offering only h2, one POST; returns (status, body, negotiated protocol)."""
    raw = socket.create_connection(proxy, timeout=10)
    raw.sendall(f"CONNECT localhost:{port} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
    reply = b""
    while b"\r\n\r\n" not in reply:
        reply += raw.recv(4096)
    assert b" 200" in reply.split(b"\r\n")[0], reply
    ctx = ssl.create_default_context(cafile=str(cafile))
    ctx.set_alpn_protocols(["h2"])
    tls = ctx.wrap_socket(raw, server_hostname="localhost")
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", "POST"), (":path", path), (":scheme", "https"),
                            (":authority", f"localhost:{port}"), ("content-type", "application/json")])
    conn.send_data(sid, body, end_stream=True)
    tls.sendall(conn.data_to_send())
    status, data = 0, b""
    done = False
    while not done:
        chunk = tls.recv(65536)
        if not chunk:
            break
        for ev in conn.receive_data(chunk):
            if isinstance(ev, h2.events.ResponseReceived):
                status = int(dict(ev.headers)[b":status"])
            elif isinstance(ev, h2.events.DataReceived):
                data += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                done = True
        tls.sendall(conn.data_to_send())
    protocol = tls.selected_alpn_protocol() or ""
    tls.close()
    return status, data, protocol


def test_http2_request_is_recorded(tmp_path):
    origin = H2Origin(tmp_path / "origin")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    journal = Journal(run_dir, writer_tag="proxy")
    svc = ProxyService(journal, run_dir, time.time_ns(), confdir=tmp_path / "mitm", upstream_ca=origin.ca)
    svc.start()
    try:
        payload = b'{"imei": "358240051111110"}'
        status, body, protocol = h2_post_via_proxy(svc.address, origin.port, "/v2/track?aid=42", payload,
                                                   svc.ca_cert_path)
        assert (status, body, protocol) == (200, f"ok h2 /v2/track?aid=42 {len(payload)}".encode(), "h2")
        deadline = time.monotonic() + 10
        found: list[dict] = []
        while not found and time.monotonic() < deadline:
            found = [r for r in rows(svc) if r.get("path") == "/v2/track"]
            time.sleep(0.05)
        assert found, rows(svc)
        flow = found[0]
        assert flow["http_version"] == "HTTP/2.0" and flow["method"] == "POST" and flow["status"] == 200
        assert flow["query"] == "aid=42" and flow["scheme"] == "https"
        assert (run_dir / "bodies" / flow["req_body_ref"]).read_bytes() == payload
    finally:
        svc.stop()
        journal.close()
        origin.close()
