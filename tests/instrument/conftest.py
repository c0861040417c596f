"""Fixtures for the instrument tests: the built agent, a small native library compiled with cc
(`__system_property_get` and a hot function for volume tests), a driven local target process, and
a local TLS server on 127.0.0.1."""

from __future__ import annotations

import datetime
import http.server
import json
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness._agent import BUNDLE
from harness.catalogue import Catalogue, Hook, load_catalogue
from harness.journal import Journal

HERE = Path(__file__).resolve().parent

LIB_C = r"""
#include <string.h>
int __system_property_get(const char *name, char *value) {
    const char *v = "";
    if (strcmp(name, "ro.serialno") == 0) v = "EMULATOR34X1X1X0";
    else if (strcmp(name, "ro.build.version.sdk") == 0) v = "34";
    strcpy(value, v);
    return (int) strlen(v);
}
volatile long consentry_sink;
void consentry_tick(long i) { consentry_sink += i; }
void consentry_loop(long n) { for (long i = 0; i < n; i++) consentry_tick(i); }
"""


@pytest.fixture(scope="session")
def agent_bundle() -> Path:
    """The compiled agent; built here when missing and the node modules are present."""
    if not BUNDLE.is_file():
        from harness.agent_build import HOOKS_DIR, build

        if not (HOOKS_DIR / "node_modules").is_dir():
            pytest.skip("agent not built and hooks/node_modules missing: run `make agent`")
        build()
    return BUNDLE


@pytest.fixture(scope="session")
def native_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("lib")
    (d / "libctest.c").write_text(LIB_C)
    out = d / "libconsentrytest.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(out), str(d / "libctest.c")], check=True)
    return out


def catalogue_with(extra: list[Hook] | None = None) -> Catalogue:
    """The real catalogue plus test-only entries (e.g. the hot function of the volume test)."""
    base = load_catalogue()
    return Catalogue(version=base.version, paths=base.paths, refs=base.refs, hooks=(*base.hooks, *(extra or [])))


TICK = Hook.model_validate({
    "id": "test.consentry_tick", "layer": "native", "module": ["libconsentrytest.so"],
    "export": "consentry_tick", "category": "device_id", "pi": False, "extractor": "raw",
})


class Target:
    """A local Python process driven line by line (see target.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-u", str(HERE / "target.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def run(self, statement: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(statement) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer == "ok", f"target: {statement!r} -> {answer!r}"
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def target() -> Iterator[Target]:
    t = Target()
    try:
        yield t
    finally:
        t.close()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "run", writer_tag="test")
    try:
        yield j
    finally:
        j.close()


def _self_signed(dirpath: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    c, k = dirpath / "cert.pem", dirpath / "key.pem"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return c, k


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[int]:
    cert, key = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        t.join(timeout=5)


def wait_for(pred, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll a condition (used for process death, not for assertions on timing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return bool(pred())
