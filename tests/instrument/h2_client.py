"""A real HTTP/2 client (the `h2` library over Python's ssl, i.e. libssl's SSL_write_ex/SSL_read_ex),
run inside the instrumented target process: several requests on one connection, so the second
request's headers come from HPACK's dynamic table."""

from __future__ import annotations

import socket
import ssl

import h2.config
import h2.connection
import h2.events


def exchange(port: int, cafile: str, requests: list[tuple[str, str, bytes]]) -> list[tuple[int, bytes]]:
    """[(method, path, body)] on one TLS+h2 connection to localhost:port; returns [(status, body)]."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.set_alpn_protocols(["h2"])
    tls = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="localhost")
    assert tls.selected_alpn_protocol() == "h2"
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    results: dict[int, list] = {}
    order = []
    for method, path, body in requests:
        sid = conn.get_next_available_stream_id()
        order.append(sid)
        results[sid] = [0, b"", False]
        conn.send_headers(sid, [(":method", method), (":path", path), (":scheme", "https"),
                                (":authority", f"localhost:{port}"), ("user-agent", "okhttp/4.12.0"),
                                ("content-type", "application/json")], end_stream=not body)
        if body:
            conn.send_data(sid, body, end_stream=True)
    tls.sendall(conn.data_to_send())
    while not all(r[2] for r in results.values()):
        chunk = tls.recv(65536)
        if not chunk:
            break
        for ev in conn.receive_data(chunk):
            if isinstance(ev, h2.events.ResponseReceived):
                results[ev.stream_id][0] = int(dict(ev.headers)[b":status"])
            elif isinstance(ev, h2.events.DataReceived):
                results[ev.stream_id][1] += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                results[ev.stream_id][2] = True
        tls.sendall(conn.data_to_send())
    tls.close()
    return [(results[s][0], results[s][1]) for s in order]
