"""The sim's stock browser: what `am start -a android.intent.action.VIEW -d URL` opens on an
emulator image (Chrome, or the WebView browser), reduced to one GET.

It honours the device's global HTTP proxy (`settings global http_proxy`) and, for https, trusts
what a browser on Android trusts: the system store as apps see it (on the emulator profile the
Conscrypt APEX store in zygote's mount namespace, which apps inherit) and the user store. A
harness can therefore prove, with the tools a stock image has, that its CA is trusted and its
proxy reached. The outcome goes to logcat (tag `chromium`)."""

from __future__ import annotations

import socket
import ssl
import threading
from typing import Any
from urllib.parse import urlsplit

SYSTEM_STORE = "/system/etc/security/cacerts"
APEX_STORE = "/apex/com.android.conscrypt/cacerts"
USER_STORE = "/data/misc/user/0/cacerts-added"


def _trust(device: Any) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    store = APEX_STORE if device.profile.conscrypt_apex else SYSTEM_STORE
    with device.mounts.entered("zygote"):
        dirs = [device.host_path(store), device.host_path(USER_STORE)]
    loaded = 0
    for d in dirs:
        for f in sorted(d.glob("*.0")) if d.is_dir() else []:
            try:
                ctx.load_verify_locations(cadata=f.read_text(errors="replace"))
                loaded += 1
            except (ssl.SSLError, ValueError, OSError):
                continue
    if not loaded:
        raise ssl.SSLError("no trusted CA certificates")
    return ctx


def _get(device: Any, url: str) -> str:
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = device.settings_get("global", "http_proxy")
    if proxy and proxy not in (":0",) and ":" in proxy:
        phost, pport = proxy.rsplit(":", 1)
        sock = socket.create_connection((phost, int(pport)), timeout=10)
        if parts.scheme == "https":
            sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = sock.recv(4096)
            if b" 200" not in head.split(b"\r\n", 1)[0]:
                raise OSError(f"proxy refused CONNECT: {head[:60]!r}")
            request_target = path
        else:
            request_target = url
    else:
        sock = socket.create_connection((host, port), timeout=10)
        request_target = path
    if parts.scheme == "https":
        sock = _trust(device).wrap_socket(sock, server_hostname=host)
    with sock:
        sock.sendall(f"GET {request_target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Mozilla/5.0 (Linux; Android 14) "
                     "Chrome/120.0 Mobile\r\nConnection: close\r\n\r\n".encode())
        return sock.recv(256).split(b"\r\n", 1)[0].decode("latin-1")


def open_url(device: Any, url: str) -> None:
    """Load `url` in the background, as the browser activity would after `am start` returns."""

    def load() -> None:
        try:
            status = _get(device, url)
            device.logcat("chromium", f"loaded {url}: {status}", pid=4711)
        except (OSError, ssl.SSLError, ValueError) as exc:
            device.logcat("chromium", f"net::ERR_FAILED {url}: {exc}", level="E", pid=4711)

    threading.Thread(target=load, name="sim-browser", daemon=True).start()
