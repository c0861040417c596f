"""Benchmark: flows/s through the proxy with consentry's addons vs plain mitmproxy, same run.

Four client threads send small keep-alive POSTs (a 2 KB JSON body each) through the proxy to a
local origin on 127.0.0.1, once over plain HTTP (absolute-form requests) and once over HTTPS
(CONNECT, then TLS to the proxy's interception certificate, the proxy re-encrypting to a TLS
origin). Each configuration runs for the same number of requests, alternating plain / consentry
twice so that machine load hits both alike. Correctness: consentry's run directory holds one flow
row per request sent (counted in flows.parquet after compaction, not journal files), with the
right scheme. Goal: ratio >= 0.8 for each scheme."""

from __future__ import annotations

import datetime
import http.client
import http.server
import ipaddress
import socket
import ssl
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow.parquet as pq  # noqa: E402
from _report import Report  # noqa: E402

from harness.capture import ProxyService  # noqa: E402
from harness.journal import Journal, compact  # noqa: E402

THREADS = 4
PER_THREAD = 300
WARMUP = 20
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


def _origin_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the proxy is told to trust it as a CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "origin.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "origin.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    return folder / "origin.pem", folder / "origin.key"


def _origin(tls: tuple[Path, Path] | None) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _connect(proxy: tuple[str, int], https: tuple[int, Path] | None) -> http.client.HTTPConnection:
    """http.client writes a POST's headers and body separately: without TCP_NODELAY every request
    waits ~40 ms on Nagle + delayed ACK, and the benchmark would measure that, not the proxy."""
    if https:
        port, proxy_ca = https
        ctx = ssl.create_default_context(cafile=str(proxy_ca))
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(*proxy, timeout=30, context=ctx)
        conn.set_tunnel("127.0.0.1", port)
    else:
        conn = http.client.HTTPConnection(*proxy, timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def _client(proxy: tuple[str, int], port: int, https: tuple[int, Path] | None, n: int, errors: list[str]) -> None:
    conn = _connect(proxy, https)
    url = "/e?i=" if https else f"http://127.0.0.1:{port}/e?i="
    for i in range(n):
        try:
            conn.request("POST", f"{url}{i}", body=BODY, headers={"content-type": "application/json"})
            conn.getresponse().read()
        except OSError as exc:
            errors.append(str(exc))
            conn.close()
            conn = _connect(proxy, https)
    conn.close()


def measure(plain: bool, port: int, scheme: str, tmp: Path, origin_ca: Path) -> tuple[float, int, int]:
    """(flows/s, requests sent, flow rows recorded with that scheme)."""
    run = Path(tempfile.mkdtemp(dir=tmp))
    journal = Journal(run, writer_tag="proxy")
    svc = ProxyService(journal, run, time.time_ns(), confdir=tmp / "mitm", plain=plain, upstream_ca=origin_ca)
    addr = svc.start()
    https = (port, svc.ca_cert_path) if scheme == "https" else None
    errors: list[str] = []
    _client(addr, port, https, WARMUP, errors)
    threads = [threading.Thread(target=_client, args=(addr, port, https, PER_THREAD, errors)) for _ in range(THREADS)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    svc.stop()
    journal.close()
    compact(run)
    flows = run / "flows.parquet"
    recorded = 0
    if flows.exists():
        table = pq.read_table(flows, columns=["scheme"]).column("scheme").to_pylist()
        recorded = sum(1 for s in table if s == scheme)
    if errors:
        print(f"  {len(errors)} client errors, first: {errors[0]}")
    return THREADS * PER_THREAD / elapsed, WARMUP + THREADS * PER_THREAD, recorded


def main() -> int:
    report = Report("proxy_overhead")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        origin_ca, origin_key = _origin_cert(tmp)
        for scheme in ("http", "https"):
            server = _origin((origin_ca, origin_key) if scheme == "https" else None)
            port = server.server_address[1]
            plain, ours, counts = [], [], []
            for _ in range(2):
                plain.append(measure(True, port, scheme, tmp, origin_ca)[0])
                rate, sent, recorded = measure(False, port, scheme, tmp, origin_ca)
                ours.append(rate)
                counts.append((sent, recorded))
            server.shutdown()
            p, o = max(plain), max(ours)
            print(f"{scheme}: consentry addons {o:.0f} flows/s (runs: {', '.join(f'{x:.0f}' for x in ours)}); "
                  f"plain mitmproxy {p:.0f} flows/s (runs: {', '.join(f'{x:.0f}' for x in plain)}); "
                  f"{THREADS} threads x {PER_THREAD} POSTs of {len(BODY)} bytes")
            report.figure(f"{scheme} flows/s with consentry's addons", o, "flows/s", baseline=p,
                          baseline_name="plain mitmproxy", goal_ratio=0.8)
            report.check(f"{scheme}: one flow row per request", all(s == r for s, r in counts),
                         ", ".join(f"{r}/{s}" for s, r in counts))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
