"""Benchmark: flows/s through the proxy with consentry's addons vs plain mitmproxy, same run.

Four client threads send small keep-alive POSTs (a 2 KB JSON body each) through the proxy to a
local origin on 127.0.0.1; each configuration runs for the same number of requests, alternating
plain / consentry twice so that machine load hits both alike. Goal: ratio >= 0.8."""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.capture import ProxyService  # noqa: E402
from harness.journal import Journal  # noqa: E402

THREADS = 4
PER_THREAD = 300
BODY = b'{"event":"view","android_id":"9774d56d682e549c","pad":"' + b"x" * 2000 + b'"}'


class _Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a: object) -> None:
        pass


def _connect(proxy: tuple[str, int]) -> http.client.HTTPConnection:
    """http.client writes a POST's headers and body separately: without TCP_NODELAY every request
    waits ~40 ms on Nagle + delayed ACK, and the benchmark would measure that, not the proxy."""
    conn = http.client.HTTPConnection(*proxy, timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def _client(proxy: tuple[str, int], origin_port: int, n: int, errors: list[str]) -> None:
    conn = _connect(proxy)
    for i in range(n):
        try:
            conn.request("POST", f"http://127.0.0.1:{origin_port}/e?i={i}", body=BODY,
                         headers={"content-type": "application/json"})
            conn.getresponse().read()
        except OSError as exc:
            errors.append(str(exc))
            conn.close()
            conn = _connect(proxy)
    conn.close()


def measure(plain: bool, origin_port: int, tmp: Path) -> float:
    run = Path(tempfile.mkdtemp(dir=tmp))
    journal = Journal(run, writer_tag="proxy")
    svc = ProxyService(journal, run, time.time_ns(), confdir=tmp / "mitm", plain=plain)
    addr = svc.start()
    errors: list[str] = []
    _client(addr, origin_port, 20, errors)  # warm-up
    threads = [threading.Thread(target=_client, args=(addr, origin_port, PER_THREAD, errors)) for _ in range(THREADS)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    svc.stop()
    journal.close()
    recorded = sum(1 for _ in (run / "journal").glob("flows.*.jsonl"))
    if errors:
        print(f"  {len(errors)} client errors, first: {errors[0]}")
    if not plain and not recorded:
        print("  WARNING: consentry configuration recorded no flows")
    return THREADS * PER_THREAD / elapsed


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        plain, ours = [], []
        for _ in range(2):
            plain.append(measure(True, port, tmp))
            ours.append(measure(False, port, tmp))
    server.shutdown()
    p, o = max(plain), max(ours)
    print(f"consentry addons: {o:.0f} flows/s (runs: {', '.join(f'{x:.0f}' for x in ours)})")
    print(f"plain mitmproxy:  {p:.0f} flows/s (runs: {', '.join(f'{x:.0f}' for x in plain)})")
    print(f"ratio: {o / p:.2f} (goal >= 0.8); {THREADS} threads x {PER_THREAD} POSTs of {len(BODY)} bytes; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if o / p >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
