"""HTTP and HTTPS the way an Android app's stack does it: through the device's global proxy when
one is set (absolute-form HTTP, CONNECT for HTTPS), otherwise straight to the network, which on the
sim is the sim internet; trusting the CAs installed on the device (system + user store), or, for a
pinning app, only the pinned CA. CPython's `_ssl` writes with `SSL_write_ex` (hooked by the agent)."""

from __future__ import annotations

import http.client
import re
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
TIMEOUT_S = 8.0


def trust_context(store_dirs: list[str], pinned_pem: bytes | None) -> ssl.SSLContext:
    """A client TLS context trusting the device's CA store dirs, or only `pinned_pem`."""
    if pinned_pem is not None:
        pems = _PEM.findall(pinned_pem)
    else:
        pems = []
        for d in store_dirs:
            p = Path(d)
            if p.is_dir():
                for f in sorted(p.iterdir())[:500]:
                    if f.is_file() and f.stat().st_size < 256 * 1024:
                        pems += _PEM.findall(f.read_bytes())
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED
    if pems:
        ctx.load_verify_locations(cadata=b"\n".join(pems).decode("ascii", "replace"))
    return ctx


class _DirectHTTP(http.client.HTTPConnection):
    """Plain HTTP to `host` whose 'network path' is the sim internet's address."""

    def __init__(self, host: str, port: int, target: tuple[str, int]):
        super().__init__(host, port, timeout=TIMEOUT_S)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection(self._target, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _DirectHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, target: tuple[str, int], context: ssl.SSLContext):
        super().__init__(host, port, timeout=TIMEOUT_S, context=context)
        self._target = target
        self._ssl_context = context  # our own handle: the base class's `_context` is private, unstubbed

    def connect(self) -> None:
        sock = socket.create_connection(self._target, self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


def parse_proxy(value: str | None) -> tuple[str, int] | None:
    """`settings get global http_proxy` -> (host, port); `:0`, `null` and empty mean no proxy."""
    if not value or value.strip() in ("null", ":0"):
        return None
    host, _, port = value.strip().rpartition(":")
    try:
        p = int(port)
    except ValueError:
        return None
    return (host, p) if host and 0 < p < 65536 else None


def request(method: str, url: str, headers: dict[str, str], body: bytes | None, *,
            proxy: tuple[str, int] | None, internet: tuple[str, int], tls: ssl.SSLContext) -> tuple[int, bytes]:
    """One request; raises OSError/ssl.SSLError/http.client.HTTPException on failure."""
    u = urlsplit(url)
    host = u.hostname or ""
    port = u.port or (443 if u.scheme == "https" else 80)
    path = (u.path or "/") + (f"?{u.query}" if u.query else "")
    hdrs = {"Host": host if port in (80, 443) else f"{host}:{port}", "User-Agent": "Dalvik/2.1.0 (Linux; U; Android 14; sdk_gphone64_x86_64 Build/UE1A.230829.036)", **headers}
    if proxy and u.scheme == "http":
        conn: http.client.HTTPConnection = http.client.HTTPConnection(*proxy, timeout=TIMEOUT_S)
        target = url
    elif proxy:
        conn = http.client.HTTPSConnection(*proxy, timeout=TIMEOUT_S, context=tls)
        conn.set_tunnel(host, port)
        target = path
    elif u.scheme == "http":
        conn, target = _DirectHTTP(host, port, internet), path
    else:
        conn, target = _DirectHTTPS(host, port, internet, tls), path
    try:
        conn.request(method, target, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read(64 * 1024)
    finally:
        conn.close()
