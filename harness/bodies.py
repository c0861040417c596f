"""Content-addressed storage of request/response bodies under `<run>/bodies/`.

Bodies are kept out of the tables (which stay small) and stored once per distinct content.
A body larger than the cap is truncated before hashing and flagged, so a 200 MB upload
cannot fill the disk; the proxy and the agent's TLS hook both store through here."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DEFAULT_BODY_CAP = 4 * 1024 * 1024


def store_body(run_dir: str | os.PathLike[str], data: bytes | None, cap: int = DEFAULT_BODY_CAP) -> tuple[str | None, int, bool]:
    """Store `data` (capped) and return (ref, original size, truncated). `ref` is None when empty."""
    if not data:
        return None, 0, False
    size = len(data)
    truncated = size > cap
    kept = data[:cap] if truncated else data
    ref = hashlib.sha256(kept).hexdigest()
    folder = Path(run_dir) / "bodies"
    path = folder / ref
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{ref}.{os.getpid()}.tmp")
        tmp.write_bytes(kept)
        os.replace(tmp, path)
    return ref, size, truncated


def load_body(run_dir: str | os.PathLike[str], ref: str | None) -> bytes:
    """The stored bytes of `ref` ("" when missing): analysis reads bodies through this shape too."""
    if not ref or not all(c in "0123456789abcdef" for c in ref):
        return b""
    path = Path(run_dir) / "bodies" / ref
    return path.read_bytes() if path.is_file() else b""
