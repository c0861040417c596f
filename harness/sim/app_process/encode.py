"""Identity values and the encodings apps send them in (the PII detector's counterpart)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote


def identity_value(identity: dict[str, Any], key: str) -> str | None:
    v = identity.get(key)
    if v is None:
        return None
    if key == "location":
        lat, lon = v
        return f"{float(lat):.6f},{float(lon):.6f}"
    if key == "contacts" and isinstance(v, list):
        return ";".join(f"{c.get('name', '')}:{c.get('phone', '')}" for c in v if isinstance(c, dict))
    return str(v)


def encode(value: str, enc: str) -> str:
    b = value.encode()
    match enc:
        case "plain":
            return value
        case "urlencoded":
            return quote(value, safe="")
        case "base64":
            return base64.b64encode(b).decode()
        case "hex":
            return b.hex()
        case "md5":
            return hashlib.md5(b).hexdigest()
        case "sha1":
            return hashlib.sha1(b).hexdigest()
        case "sha256":
            return hashlib.sha256(b).hexdigest()
        case "sha256(md5)":
            return hashlib.sha256(hashlib.md5(b).hexdigest().encode()).hexdigest()
        case "upper":
            return value.upper()
        case "nosep":
            return value.replace(":", "").replace("-", "")
    raise ValueError(f"unknown encoding {enc!r}")
