"""The sim internet: one loopback server that plays every host on the internet.

It answers any host name over HTTP and HTTPS (a certificate minted per SNI from its own CA), as an
origin (`GET /path` with a Host header, or TLS straight to the port with SNI) and as a forward proxy
(absolute-form `GET http://host/path`, and `CONNECT host:443` followed by TLS or plain HTTP). So a
sim app with no proxy set connects to it directly, and mitmproxy chains to it in upstream mode
(`upstream:http://127.0.0.1:PORT`, trusting `ca_path` for the upstream certificates). Every
request gets `200` and a small JSON body, unless a page is published at that URL (`pages`: a
callable (host, path) -> (content type, body) or None, e.g. the installed apps' web pages, their
privacy policies). Requests are kept in a bounded log for tests.

One thread per connection, at most `max_connections` at once (more wait in the listen backlog)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

MAX_HEADER = 64 * 1024
MAX_BODY = 2 * 1024 * 1024
IDLE_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class SeenRequest:
    """One request as the sim internet received it (after any proxy)."""

    scheme: str
    host: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    sni: str | None
    via_proxy: bool


class _CA:
    """The sim internet's own CA: mints one leaf certificate per host name, cached."""

    def __init__(self, state_dir: Path):
        self.key_path = state_dir / "sim-internet-ca.key"
        self.cert_path = state_dir / "sim-internet-ca.pem"
        if self.key_path.exists() and self.cert_path.exists():
            key = serialization.load_pem_private_key(self.key_path.read_bytes(), None)
            if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey,
                                    ed448.Ed448PrivateKey, dsa.DSAPrivateKey)):  # e.g. DH/X25519 cannot sign
                raise ValueError(f"{self.key_path}: not a certificate-signing private key")
            self.key: CertificateIssuerPrivateKeyTypes = key
            self.cert = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
        else:
            self.key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "consentry sim internet root CA"),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, "consentry sim")])
            now = dt.datetime.now(dt.UTC)
            self.cert = (
                x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                             content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
                .sign(self.key, hashes.SHA256())
            )
            state_dir.mkdir(parents=True, exist_ok=True)
            self.key_path.write_bytes(self.key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
            self.key_path.chmod(0o600)
            self.cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key_pem = self.leaf_key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        self._dir = state_dir / "leaf"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def _pick(self, ssl_sock: ssl.SSLSocket | ssl.SSLObject, server_name: str | None, _ctx: ssl.SSLContext) -> None:
        if server_name:
            ssl_sock.sim_sni = server_name  # type: ignore[union-attr]
            ssl_sock.context = self.context_for(server_name)

    def context_for(self, host: str) -> ssl.SSLContext:
        host = (host or "localhost").lower()[:253]
        with self._lock:
            ctx = self._contexts.get(host)
            if ctx is not None:
                return ctx
            if len(self._contexts) > 4096:  # bounded: one context per distinct host name
                self._contexts.clear()
            now = dt.datetime.now(dt.UTC)
            try:
                san: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
            except ValueError:
                san = x509.DNSName(host)
            cert = (
                x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64])]))
                .issuer_name(self.cert.subject).public_key(self.leaf_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                .add_extension(x509.SubjectAlternativeName([san]), critical=False)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self.key, hashes.SHA256())
            )
            pem = self._dir / f"{len(self._contexts)}-{threading.get_ident()}.pem"
            pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + self._leaf_key_pem)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(pem)
            pem.unlink()
            ctx.set_alpn_protocols(["http/1.1"])
            ctx.sni_callback = self._pick
            self._contexts[host] = ctx
            return ctx


class SimInternet:
    """`SimInternet(state_dir).start() -> (host, port)`; `.ca_pem`, `.ca_path`, `.requests`."""

    def __init__(self, state_dir: str | Path, *, max_connections: int = 64, keep_requests: int = 1000,
                 pages: Callable[[str, str], tuple | None] | None = None):
        self.state_dir = Path(state_dir)
        self.pages = pages
        self._ca = _CA(self.state_dir)
        self.ca_path: Path = self._ca.cert_path
        self.ca_pem: bytes = self._ca.cert_path.read_bytes()
        self.requests: deque[SeenRequest] = deque(maxlen=keep_requests)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.address: tuple[str, int] | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.settimeout(0.5)
        self._sock = sock
        self.address = sock.getsockname()[:2]
        self._thread = threading.Thread(target=self._accept_loop, name="sim-internet", daemon=True)
        self._thread.start()
        return self.address

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=2)
        if self._sock:
            self._sock.close()
        with self._lock:
            for c in list(self._conns):
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> SimInternet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.5):
                continue
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                self._slots.release()
                continue
            threading.Thread(target=self._serve, args=(conn,), name="sim-internet-conn", daemon=True).start()

    # -- one connection --------------------------------------------------------------------
    def _serve(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.add(conn)
        try:
            conn.settimeout(IDLE_TIMEOUT_S)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._session(conn, default_host=None, via_proxy=False)
        except (OSError, ssl.SSLError, ValueError):
            pass  # a broken client ends its own connection only
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass
            self._slots.release()

    def _session(self, sock: socket.socket, default_host: str | None, via_proxy: bool) -> None:
        first = sock.recv(1, socket.MSG_PEEK)
        if not first:
            return
        if first[0] == 0x16:  # TLS ClientHello: the certificate follows the SNI (see _CA._pick)
            tls = self._ca.context_for(default_host or "localhost").wrap_socket(sock, server_side=True)
            sni = getattr(tls, "sim_sni", None)
            self._http_loop(_Reader(tls), tls, "https", sni or default_host, via_proxy, sni)
        else:
            self._http_loop(_Reader(sock), sock, "http", default_host, via_proxy, None)

    def _http_loop(self, rd: _Reader, sock: socket.socket, scheme: str, host: str | None,
                   via_proxy: bool, sni: str | None) -> None:
        while True:
            head = rd.read_head()
            if head is None:
                return
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3:
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            method, target, version = parts
            headers = [(k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in lines[1:] if ":" in ln)]
            hmap = {k.lower(): v for k, v in headers}
            if method == "CONNECT":
                sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self._session(sock, target.rsplit(":", 1)[0].strip("[]"), True)
                return
            body = rd.read_body(hmap)
            req_host = hmap.get("host", host or "")
            proxied = via_proxy
            if target.startswith(("http://", "https://")):  # absolute form: we are the proxy
                proxied = True
                scheme = target.split("://", 1)[0]
                rest = target.split("://", 1)[1]
                req_host, _, path = rest.partition("/")
                target = "/" + path
            self.requests.append(SeenRequest(scheme, req_host.split(":")[0] if not req_host.startswith("[") else req_host,
                                             method, target, tuple(headers), body, sni, proxied))
            page = self._page(req_host.split(":")[0], target.split("?")[0]) if method == "GET" else None
            if page is not None and len(page) > 2 and page[2] > 0:  # (type, body, seconds to answer)
                if self._stopping.wait(float(page[2])):
                    return
            ctype, payload = (page[0], page[1]) if page is not None else ("application/json", json.dumps(
                {"ok": True, "host": req_host, "path": target.split("?")[0][:200]}).encode())
            close = hmap.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            sock.sendall(
                b"HTTP/1.1 200 OK\r\n" + f"Content-Type: {ctype}\r\n".encode("latin-1", "replace")
                + b"Server: consentry-sim-internet\r\n"
                + f"Content-Length: {len(payload)}\r\n".encode()
                + (b"Connection: close\r\n" if close else b"")
                + b"\r\n" + payload
            )
            if close:
                return


    def _page(self, host: str, path: str) -> tuple | None:
        """(content type, body[, seconds the server takes to answer]) of a published page, or None."""
        if self.pages is None:
            return None
        try:
            return self.pages(host.lower(), path)
        except Exception:  # noqa: BLE001 - a broken page source serves the default answer
            return None


class _Reader:
    """Buffered reads of HTTP heads and bodies, bounded."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def read_head(self) -> bytes | None:
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > MAX_HEADER:
                raise ValueError("header too large")
            if not self._fill():
                return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ValueError("truncated body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if len(self.buf) > MAX_HEADER or not self._fill():
                raise ValueError("bad chunk")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_body(self, hmap: dict[str, str]) -> bytes:
        if "chunked" in hmap.get("transfer-encoding", "").lower():
            out = b""
            while True:
                size = int(self.read_line().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.read_line():
                        pass
                    return out
                if len(out) + size > MAX_BODY:
                    raise ValueError("body too large")
                out += self.read_exact(size)
                self.read_exact(2)
        n = int(hmap.get("content-length", "0") or 0)
        if n < 0 or n > MAX_BODY:
            raise ValueError("body too large")
        return self.read_exact(n)
