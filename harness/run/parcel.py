"""Decoding what `service call SERVICE CODE ...` prints: the reply Parcel as 32-bit words.

Two layouts exist: short replies on one line, `Result: Parcel(00000000 ffffffff   '........')`,
longer ones as a hex dump, one `0xOFFSET: w w w w 'ascii'` line per 16 bytes. The words are
little-endian int32s; the ASCII column is only a rendering (it turns bytes that are not printable
into dots, so a string containing '.' cannot be read back from it) and is ignored. A String reply
is `writeNoException()` (0) then `writeString()` (int32 length in UTF-16 units, -1 for null, then
UTF-16LE characters); a non-zero first word is an exception code followed by its message."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

_WORD = re.compile(r"\b[0-9a-fA-F]{8}\b")


@dataclass(frozen=True)
class ParcelString:
    value: str | None  # None: null string, or an exception
    exception: str | None = None  # "code N: message" when the call threw


def parcel_words(text: str) -> list[int] | None:
    """The 32-bit words of a `service call` reply, None when `text` is not one."""
    start = text.find("Result: Parcel(")
    if start < 0:
        return None
    words: list[int] = []
    for line in text[start + len("Result: Parcel("):].splitlines():
        body = line.split("'", 1)[0]  # drop the ASCII column
        body = re.sub(r"^\s*0x[0-9a-fA-F]+:", "", body)  # and the offset of a hex-dump line
        words += [int(w, 16) for w in _WORD.findall(body)]
        if "')" in line or line.rstrip().endswith(")"):
            break
    return words


def parse_parcel_string(text: str) -> ParcelString | None:
    """The String a `service call` returned, or the exception it threw; None if unreadable."""
    words = parcel_words(text)
    if not words:
        return None
    raw = b"".join(struct.pack("<I", w) for w in words)
    status = struct.unpack_from("<i", raw, 0)[0]

    def string_at(offset: int) -> str | None:
        if len(raw) < offset + 4:
            return None
        n = struct.unpack_from("<i", raw, offset)[0]
        if n < 0 or len(raw) < offset + 4 + 2 * n:
            return None
        return raw[offset + 4: offset + 4 + 2 * n].decode("utf-16-le", "replace")

    if status != 0:
        return ParcelString(None, f"code {status}: {string_at(4) or ''}".strip())
    return ParcelString(string_at(4))
