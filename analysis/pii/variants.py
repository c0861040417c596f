"""Every way an app commonly writes an identity value on the wire, built once per identity.

A value is first turned into its *forms* (as given, upper, lower, separators removed or changed:
MAC with `-`/none/Cisco dots, IMEI in its 2-6-6-1 groups, phone numbers as digits), and each form
into its *encodings*: plain, URL-encoded, base64 (standard and URL-safe, in the three byte
alignments so that a value in the middle of a larger base64 blob is still found), hex, and the
MD5 / SHA-1 / SHA-256 digests (hex in both cases and base64) plus sha256(md5). Locations become
decimal strings at 2-6 places, rounded and truncated, and integer micro-degrees.

The result is a flat list of byte patterns with one label row each, which the scanner compiles
into a single automaton: detection is one pass over the traffic, never a loop over these."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

MIN_NEEDLE = 6  # shorter patterns (or base64 cores) give false positives in binary bodies
_SEP = re.compile(r"[:\-. _/]")


@dataclass
class NeedleSet:
    """Patterns and their labels, index-aligned. `boundary` patterns only count when not glued to
    other digits (numbers: IMEI, phone, coordinates); `coord`/`decimals` describe location ones."""

    patterns: list[bytes] = field(default_factory=list)
    rows: list[tuple[str, str, str, bool, str, int]] = field(default_factory=list)
    _seen: set[bytes] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)

    def add(self, pattern: bytes, key: str, encoding: str, form: str, *, boundary: bool = False,
            coord: str = "", decimals: int = -1, min_len: int = MIN_NEEDLE) -> None:
        if len(pattern) < min_len or pattern in self._seen or b"\x00" in pattern:
            return
        self._seen.add(pattern)
        self.patterns.append(pattern)
        self.rows.append((key, encoding, form, boundary, coord, decimals))

    def labels(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["key", "encoding", "form", "boundary", "coord", "decimals"])


def b64_cores(data: bytes, altchars: bytes | None = None) -> list[bytes]:
    """The parts of base64 output that depend only on `data`, for each of the three positions
    `data` can take relative to base64's 3-byte groups inside a larger encoded blob."""
    cores = []
    for shift in range(3):
        enc = base64.b64encode(b"\x00" * shift + data, altchars=altchars)
        start = -(-8 * shift // 6)  # chars touched by the prefix bytes
        end = (8 * (shift + len(data))) // 6  # chars fully determined by known bits
        cores.append(enc[start:end])
    return cores


def _forms(key: str, value: str) -> list[tuple[str, str]]:
    """(form name, text) pairs for one value; the first is always the value as given."""
    forms = [("plain", value), ("upper", value.upper()), ("lower", value.lower())]
    compact = _SEP.sub("", value)
    if compact != value and len(compact) >= 4:
        forms += [("nosep", compact), ("nosep-upper", compact.upper()), ("nosep-lower", compact.lower())]
    hexish = re.fullmatch(r"[0-9A-Fa-f]{12}", compact or "")
    if key in ("mac", "bluetooth_mac", "bssid") and hexish:
        pairs = [compact[i:i + 2] for i in range(0, 12, 2)]
        for sep, sep_name in ((":", "colon"), ("-", "dash")):
            for case in (str.lower, str.upper):
                forms.append((f"{sep_name}-{case.__name__}", case(sep.join(pairs))))
        forms.append(("cisco", ".".join(compact[i:i + 4] for i in range(0, 12, 4)).lower()))
    if key in ("imei", "meid") and compact.isdigit() and len(compact) == 15:
        groups = (compact[:2], compact[2:8], compact[8:14], compact[14:])
        forms += [("groups-", "-".join(groups)), ("groups ", " ".join(groups)), ("no-check-digit", compact[:14])]
    if key in ("phone_number", "contact_phone"):
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 6:
            forms += [("digits", digits), ("e164", "+" + digits)]
            if len(digits) > 10:
                forms.append(("national", digits[-10:]))
    if key in ("advertising_id", "oaid") and "-" in value:
        forms.append(("braced", "{" + value + "}"))
    seen: set[str] = set()
    out = []
    for name, text in forms:
        if text and text not in seen:
            seen.add(text)
            out.append((name, text))
    return out


def _add_value(ns: NeedleSet, key: str, value: str) -> None:
    numeric_key = key in ("imei", "meid", "imsi", "iccid", "phone_number", "contact_phone")
    for form, text in _forms(key, value):
        raw = text.encode("utf-8")
        # A digits-only needle must stand alone: "35824005111111" inside a longer number is noise.
        boundary = raw.isdigit() or (numeric_key and raw.lstrip(b"+").isdigit()) or (
            key in ("local_ip", "public_ip") and re.fullmatch(rb"[\d.]+", raw) is not None)  # 10.0.0.1 in 110.0.0.12
        ns.add(raw, key, "plain", form, boundary=boundary)
        for quoted in (urllib.parse.quote(text, safe=""), urllib.parse.quote_plus(text, safe="")):
            q = quoted.encode()
            if q != raw:
                ns.add(q, key, "urlencoded", form)
                ns.add(q.lower(), key, "urlencoded", form)  # %3a as well as %3A
        for alt, name in ((None, "base64"), (b"-_", "base64")):
            for core in b64_cores(raw, alt):
                ns.add(core, key, name, form)
        ns.add(raw.hex().encode(), key, "hex", form)
        ns.add(raw.hex().upper().encode(), key, "hex", form)
        for algo in ("md5", "sha1", "sha256"):
            digest = hashlib.new(algo, raw).digest()
            ns.add(digest.hex().encode(), key, algo, form)
            ns.add(digest.hex().upper().encode(), key, algo, form)
            ns.add(base64.b64encode(digest).rstrip(b"="), key, f"{algo}-base64", form)
            ns.add(base64.urlsafe_b64encode(digest).rstrip(b"="), key, f"{algo}-base64", form)
        md5hex = hashlib.md5(raw).hexdigest()
        for m in (md5hex, md5hex.upper()):
            ns.add(hashlib.sha256(m.encode()).hexdigest().encode(), key, "sha256(md5)", form)
            ns.add(hashlib.sha256(m.encode()).hexdigest().upper().encode(), key, "sha256(md5)", form)


def _coord_strings(value: float) -> list[tuple[str, str, int]]:
    """(form, text, decimals) for one coordinate: rounded and truncated at 2-6 places, micro-degrees."""
    out: list[tuple[str, str, int]] = []
    for d in range(6, 1, -1):
        rounded = f"{value:.{d}f}"
        scale = 10 ** d
        trunc_int = int(abs(value) * scale + 1e-9)
        trunc = ("-" if value < 0 else "") + f"{trunc_int // scale}.{trunc_int % scale:0{d}d}"
        out.append((f"{d}dp-rounded", rounded, d))
        out.append((f"{d}dp-truncated", trunc, d))
    out.append(("microdegrees", str(int(round(value * 1_000_000))), 6))
    out.append(("e7", str(int(round(value * 10_000_000))), 7))
    return out


def _add_location(ns: NeedleSet, lat: float, lon: float) -> None:
    for coord, value in (("lat", lat), ("lon", lon)):
        for form, text, decimals in _coord_strings(value):
            enc = "decimal" if "dp" in form else form
            ns.add(text.encode(), "location", enc, f"{coord}:{form}", boundary=True, coord=coord,
                   decimals=decimals, min_len=4)
    for sep in (",", ", ", "%2C", "%2c"):
        ns.add(f"{lat:.6f}{sep}{lon:.6f}".encode(), "location", "decimal", "pair:6dp", boundary=True,
               coord="pair", decimals=6)


def build_needles(identity: dict[str, Any]) -> NeedleSet:
    """All patterns for a normalised identity (see `identity.normalise_identity`)."""
    ns = NeedleSet()
    for key, value in identity.items():
        if key.startswith("_") or key in ("location", "contacts"):
            continue
        if len(value) < 4:
            ns.skipped.append(f"{key}: value shorter than 4 characters is not searched")
            continue
        _add_value(ns, key, value)
    loc = identity.get("location")
    if loc:
        _add_location(ns, loc["lat"], loc["lon"])
    for contact in identity.get("contacts", []):
        for part, key, ok in (
            ("name", "contacts", len(contact.get("name", "")) >= 4),
            ("phone", "contact_phone", len(re.sub(r"\D", "", contact.get("phone", ""))) >= 6),
        ):
            if not ok:
                continue
            first = len(ns.rows)
            _add_value(ns, key, contact[part])
            # Reported under the identity key `contacts` (DESIGN.md's key list), form says which part.
            ns.rows[first:] = [("contacts", r[1], f"{part}:{r[2]}", *r[3:]) for r in ns.rows[first:]]
    return ns
