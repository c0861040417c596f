"""Loading and checking a run's `identity.json` (keys in DESIGN.md, "Machine-readable interfaces").

The file comes from the run directory or from an analyst, so it is treated as input from outside:
anything that is not the documented shape is refused with the file and the key named, and values
are normalised once here (strings stripped, location to two floats, contacts to name/phone pairs)
so that variant building never has to second-guess types."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

STRING_KEYS = (
    "android_id", "imei", "meid", "imsi", "iccid", "serial", "mac", "bluetooth_mac",
    "advertising_id", "oaid", "phone_number", "email", "ssid", "bssid", "clipboard", "app_canary",
    # the device's IP addresses, kept apart: its own address on the local network (Wi-Fi, private or
    # link-local) and the public address servers see (category ip_address)
    "local_ip", "public_ip",
)
MAX_IDENTITY_BYTES = 1_000_000
MAX_CONTACTS = 1000


class PiiInputError(ValueError):
    """A capture or identity file that cannot be used; the message names the file and place."""

    def __init__(self, message: str, *, source: str | os.PathLike[str] | None = None, where: str | None = None):
        self.source = None if source is None else str(source)
        self.where = where
        prefix = ""
        if source is not None:
            prefix = f"{source}" + (f": {where}" if where else "") + ": "
        super().__init__(prefix + message)


def normalise_identity(raw: Any, *, source: str = "identity") -> dict[str, Any]:
    """Check and normalise an identity mapping; unknown keys are kept aside under `_unknown`."""
    if not isinstance(raw, dict):
        raise PiiInputError("identity must be a JSON object", source=source)
    out: dict[str, Any] = {}
    for key in STRING_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise PiiInputError(f"expected a string, got {type(value).__name__}", source=source, where=key)
        if value.strip():
            out[key] = value.strip()
    loc = raw.get("location")
    if loc is not None:
        if not isinstance(loc, dict) or "lat" not in loc or "lon" not in loc:
            raise PiiInputError('expected {"lat": float, "lon": float}', source=source, where="location")
        try:
            lat, lon = float(loc["lat"]), float(loc["lon"])
        except (TypeError, ValueError) as exc:
            raise PiiInputError(f"not a number: {exc}", source=source, where="location") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            raise PiiInputError("latitude/longitude out of range", source=source, where="location")
        out["location"] = {"lat": lat, "lon": lon}
    contacts = raw.get("contacts")
    if contacts is not None:
        if not isinstance(contacts, list):
            raise PiiInputError("expected a list of {name, phone}", source=source, where="contacts")
        clean = []
        for i, c in enumerate(contacts[:MAX_CONTACTS]):
            if not isinstance(c, dict):
                raise PiiInputError("expected an object", source=source, where=f"contacts[{i}]")
            name, phone = c.get("name"), c.get("phone")
            for field, v in (("name", name), ("phone", phone)):
                if v is not None and not isinstance(v, str):
                    raise PiiInputError("expected a string", source=source, where=f"contacts[{i}].{field}")
            clean.append({"name": (name or "").strip(), "phone": (phone or "").strip()})
        out["contacts"] = clean
    unknown = sorted(set(raw) - set(STRING_KEYS) - {"location", "contacts"})
    if unknown:
        out["_unknown"] = unknown
    return out


def load_identity(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and normalise an identity file; raises PiiInputError naming the file on any problem."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PiiInputError(f"cannot read: {exc.strerror}", source=p) from None
    if size > MAX_IDENTITY_BYTES:
        raise PiiInputError(f"too large ({size} bytes)", source=p)
    try:
        raw = json.loads(p.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PiiInputError(f"not UTF-8 at byte {exc.start}", source=p) from None
    except json.JSONDecodeError as exc:
        raise PiiInputError(f"not JSON ({exc.msg})", source=p, where=f"line {exc.lineno} column {exc.colno}") from None
    return normalise_identity(raw, source=str(p))
