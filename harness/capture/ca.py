"""The proxy's certificate authority: created once per confdir, installed on devices.

Android names CA files in its stores `<subject_hash_old>.0`: OpenSSL's old subject hash, the
first four bytes of MD5 over the DER-encoded subject name, read little-endian."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography import x509

CA_BASENAME = "mitmproxy"
CA_CERT_FILE = f"{CA_BASENAME}-ca-cert.pem"


def default_confdir() -> Path:
    """One CA per user, reused across runs so a device installs it once."""
    home = os.environ.get("CONSENTRY_HOME")
    return (Path(home) if home else Path.home() / ".consentry") / "mitmproxy"


def ensure_ca(confdir: Path) -> Path:
    """Create the CA in `confdir` when missing (mitmproxy's own store format); return the PEM path."""
    from mitmproxy.certs import CertStore

    confdir.mkdir(parents=True, exist_ok=True)
    CertStore.from_store(confdir, CA_BASENAME, 2048)
    return confdir / CA_CERT_FILE


def subject_hash_old(pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(pem)
    digest = hashlib.md5(cert.subject.public_bytes()).digest()
    return f"{int.from_bytes(digest[:4], 'little'):08x}"
