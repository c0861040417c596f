"""A local origin for capture tests: HTTP and HTTPS (its own CA) on 127.0.0.1, plus helpers to
send requests through a proxy the way an app does (absolute-form HTTP, CONNECT + TLS)."""

from __future__ import annotations

import datetime
import http.client
import http.server
import socket
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_ca_and_leaf(folder: Path, host: str = "localhost") -> tuple[Path, Path, Path]:
    """(ca.pem, leaf cert.pem, leaf key.pem) for `host` and 127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "consentry test origin CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host), x509.DNSName("pinned.test"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    return folder / "ca.pem", folder / "leaf.pem", folder / "leaf.key"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        received = 0
        while received < length:
            chunk = self.rfile.read(min(1 << 20, length - received))
            if not chunk:
                break
            received += len(chunk)
        self.server.seen.append((self.command, self.path, received))  # type: ignore[attr-defined]
        body = f"ok {self.command} {self.path} {received}".encode()
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *args: object) -> None:
        pass


class Origin:
    """HTTP and HTTPS servers on free ports of 127.0.0.1."""

    def __init__(self, folder: Path):
        self.ca, cert, key = make_ca_and_leaf(folder)
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.https = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.https.socket = ctx.wrap_socket(self.https.socket, server_side=True)
        self.http.seen, self.https.seen = [], []  # type: ignore[attr-defined]
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.http, self.https)]
        for t in self.threads:
            t.start()

    @property
    def http_port(self) -> int:
        return self.http.server_address[1]

    @property
    def https_port(self) -> int:
        return self.https.server_address[1]

    def close(self) -> None:
        for s in (self.http, self.https):
            s.shutdown()
            s.server_close()


def http_via_proxy(proxy: tuple[str, int], url_host: str, port: int, path: str, body: bytes | None = None,
                   headers: dict[str, str] | None = None, method: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*proxy, timeout=30)
    conn.request(method or ("POST" if body is not None else "GET"), f"http://{url_host}:{port}{path}", body=body,
                 headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def https_via_proxy(proxy: tuple[str, int], host: str, port: int, path: str, cafile: Path,
                    body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """CONNECT then TLS, trusting only `cafile`: the proxy's CA for an intercepted client, the
    origin's own CA for a pinned client (which then refuses the proxy's certificate)."""
    ctx = ssl.create_default_context(cafile=str(cafile))
    conn = http.client.HTTPSConnection(*proxy, timeout=30, context=ctx)
    conn.set_tunnel(host, port)
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
