"""Content-addressed storage of request/response bodies under `<run>/bodies/`.

Bodies are kept out of the tables (which stay small) and stored once per distinct content.
A body larger than the cap is truncated before hashing and flagged, so a 200 MB upload
cannot fill the disk; the proxy and the agent's TLS hook both store through here."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DEFAULT_BODY_CAP = 4 * 1024 * 1024


def store_body(run_dir: str | os.PathLike[str], data: bytes | None, cap: int = DEFAULT_BODY_CAP,
               stored: set[str] | None = None) -> tuple[str | None, int, bool]:
    """Store `data` (capped) and return (ref, original size, truncated). `ref` is None when empty.

    `stored`: the refs this writer already stored in this run. Apps send the same bodies again and
    again (heartbeats, config fetches, "ok" answers); remembering them spares a stat per body on the
    proxy's per-flow path, where it was the largest single cost of the addons."""
    if not data:
        return None, 0, False
    size = len(data)
    truncated = size > cap
    kept = data[:cap] if truncated else data
    ref = hashlib.sha256(kept).hexdigest()
    if stored is not None and ref in stored:
        return ref, size, truncated
    folder = os.path.join(run_dir, "bodies")
    path = os.path.join(folder, ref)
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{ref}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(kept)
        os.replace(tmp, path)
    if stored is not None:
        stored.add(ref)
    return ref, size, truncated


def load_body(run_dir: str | os.PathLike[str], ref: str | None) -> bytes:
    """The stored bytes of `ref` ("" when missing): analysis reads bodies through this shape too."""
    if not ref or not all(c in "0123456789abcdef" for c in ref):
        return b""
    path = Path(run_dir) / "bodies" / ref
    return path.read_bytes() if path.is_file() else b""
