"""The adb transport protocol's wire format (what adbd speaks to the host's adb server).

Every message is a 24-byte little-endian header (command, arg0, arg1, data length, byte-sum of
the data, command ^ 0xffffffff) followed by the data. The sim answers CNXN without AUTH, so the
host never sees a key prompt; it announces only features it implements."""

from __future__ import annotations

import struct
from dataclasses import dataclass

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_AUTH = 0x48545541
A_STLS = 0x534C5453

KNOWN_COMMANDS = frozenset({A_SYNC, A_CNXN, A_OPEN, A_OKAY, A_CLSE, A_WRTE, A_AUTH, A_STLS})

A_VERSION = 0x01000001  # skips checksums on both sides
MAX_PAYLOAD = 1024 * 1024
HEADER = struct.Struct("<6I")

# Features this sim implements; the host adapts its requests to them.
FEATURES = ("shell_v2", "cmd", "stat_v2", "fixed_push_mkdir")


class ProtocolError(Exception):
    """The peer sent something that is not the adb transport protocol: end that connection."""


@dataclass(frozen=True)
class Message:
    command: int
    arg0: int
    arg1: int
    data: bytes

    @property
    def name(self) -> str:
        return struct.pack("<I", self.command).decode("ascii", "replace")


def encode(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    return HEADER.pack(command, arg0, arg1, len(data), sum(data) & 0xFFFFFFFF, command ^ 0xFFFFFFFF) + data


def decode_header(raw: bytes) -> tuple[int, int, int, int]:
    """Validate a header and return (command, arg0, arg1, data length); raise on garbage."""
    command, arg0, arg1, length, _checksum, magic = HEADER.unpack(raw)
    if command not in KNOWN_COMMANDS or magic != command ^ 0xFFFFFFFF:
        raise ProtocolError(f"bad adb header {raw.hex()}")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes exceeds {MAX_PAYLOAD}")
    return command, arg0, arg1, length


def banner(props: dict[str, str]) -> bytes:
    """The CNXN banner: `device::ro.product.name=..;ro.product.model=..;ro.product.device=..;features=..`"""
    keys = ("ro.product.name", "ro.product.model", "ro.product.device")
    parts = [f"{k}={props.get(k, '')}" for k in keys]
    parts.append("features=" + ",".join(FEATURES))
    return ("device::" + ";".join(parts) + ";").encode()


# Shell protocol v2 packet ids ([id:1][len:4 LE][data]).
SHELL_STDIN, SHELL_STDOUT, SHELL_STDERR, SHELL_EXIT, SHELL_CLOSE_STDIN, SHELL_WINDOW = 0, 1, 2, 3, 4, 5


def shell_packet(packet_id: int, data: bytes) -> bytes:
    return struct.pack("<BI", packet_id, len(data)) + data
