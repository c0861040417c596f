"""`service` (binder calls from the shell) and `cmd clipboard`: the interfaces through which a
harness reads a real device's telephony identifiers and plants a clipboard value.

`service call iphonesubinfo CODE [i32 N | s16 STR ...]` answers as Android's `service` tool does:
the reply Parcel printed as 32-bit little-endian words with an ASCII column (`Result: Parcel(...)`).
A String reply is `writeNoException()` (int32 0) then `writeString()` (int32 length in UTF-16 units,
the UTF-16LE characters, a NUL, padding to 4 bytes); a refusal is an exception header (int32 code,
e.g. -1 for SecurityException, then the message string). As on Android 10+, the shell user may not
read IMEI/IMSI/ICCID (READ_PRIVILEGED_PHONE_STATE); root may. Transaction codes follow the
IPhoneSubInfo.aidl method order of the API level the device claims (`SUBINFO_CODES`)."""

from __future__ import annotations

import struct

from harness.sim.commands.root import uid_of
from harness.sim.shell_exec import Proc

# code -> identity field, by API level range: (min_sdk, max_sdk, {code: field}).
SUBINFO_CODES: tuple[tuple[int, int, dict[int, str]], ...] = (
    (21, 28, {1: "imei", 7: "imsi", 11: "iccid", 13: "phone_number"}),
    (29, 36, {1: "imei", 7: "imsi", 12: "iccid", 15: "phone_number"}),
)
PRIVILEGED = ("imei", "imsi", "iccid")
SERVICES = ("iphonesubinfo", "phone", "clipboard", "package", "activity", "window", "settings", "wifi",
            "location", "bluetooth_manager", "connectivity", "telephony.registry")


def subinfo_codes(sdk: int) -> dict[int, str]:
    for lo, hi, table in SUBINFO_CODES:
        if lo <= sdk <= hi:
            return table
    return SUBINFO_CODES[-1][2]


def parcel_string(value: str | None) -> bytes:
    """A Parcel holding writeNoException() + writeString(value)."""
    if value is None:
        return struct.pack("<ii", 0, -1)
    data = value.encode("utf-16-le") + b"\x00\x00"
    data += b"\x00" * (-len(data) % 4)
    return struct.pack("<ii", 0, len(value)) + data


def parcel_exception(code: int, message: str) -> bytes:
    data = message.encode("utf-16-le") + b"\x00\x00"
    data += b"\x00" * (-len(data) % 4)
    return struct.pack("<ii", code, len(message)) + data + struct.pack("<i", 0)


def format_parcel(data: bytes) -> str:
    """`service call`'s rendering of a reply Parcel."""
    words = [struct.unpack_from("<I", data, i)[0] for i in range(0, len(data), 4)]

    def ascii_of(chunk: bytes) -> str:
        return "".join(chr(b) if 32 <= b < 127 and b != 39 else "." for b in chunk)

    if len(data) <= 16:
        hexes = " ".join(f"{w:08x}" for w in words)
        return f"Result: Parcel({hexes} '{ascii_of(data)}')\n"
    lines = ["Result: Parcel("]
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join(f"{w:08x}" for w in words[off // 4: off // 4 + 4])
        tail = "')" if off + 16 >= len(data) else "'"
        lines.append(f"  0x{off:08x}: {hexes:<35} '{ascii_of(chunk):<16}{tail}")
    return "\n".join(lines) + "\n"


def service(p: Proc, args: list[str]) -> int:
    if args[:1] == ["list"]:
        p.out(f"Found {len(SERVICES)} services:\n")
        p.out("".join(f"{n}\t{name}: []\n" for n, name in enumerate(SERVICES)))
        return 0
    if args[:1] == ["check"] and len(args) > 1:
        p.out(f"Service {args[1]}: {'found' if args[1] in SERVICES else 'not found'}\n")
        return 0
    if args[:1] != ["call"] or len(args) < 3 or not args[2].isdigit():
        p.err("Usage: service [-h|-?]\n       service list\n       service check SERVICE\n"
              "       service call SERVICE CODE [i32 N | i64 N | f N | d N | s16 STR | null | fd f] ...\n")
        return 1
    name, code = args[1], int(args[2])
    if name not in SERVICES:
        p.err(f"service: Service {name} does not exist\n")
        return 0
    if name != "iphonesubinfo":
        p.out(format_parcel(parcel_exception(-1, "transaction not modelled by the sim")))
        return 0
    field = subinfo_codes(int(p.device.getprop("ro.build.version.sdk") or 34)).get(code)
    if field is None:
        p.out(format_parcel(parcel_string(None)))
        return 0
    sdk = int(p.device.getprop("ro.build.version.sdk") or 34)
    if field in PRIVILEGED and sdk >= 29 and uid_of(p) != 0:
        p.out(format_parcel(parcel_exception(
            -1, "getDeviceId: The user 2000 does not meet the requirements to access device identifiers.")))
        return 0
    p.out(format_parcel(parcel_string(str(getattr(p.device.identity, field)))))
    return 0


def clipboard(p: Proc, args: list[str]) -> int:
    """`cmd clipboard get|set TEXT` on the device's primary clip."""
    if args[:1] == ["get"]:
        clip = p.device.settings_get("consentry_clipboard", "primary")
        p.out((clip if clip is not None else "null") + "\n")
        return 0
    if args[:1] == ["set"] and len(args) > 1:
        p.device.settings_put("consentry_clipboard", "primary", " ".join(args[1:]))
        return 0
    p.err("Clipboard service commands:\n  get: print the primary clip\n  set TEXT: set the primary clip\n")
    return 255


COMMANDS = {"service": service}
