"""The `sync:` service (adb push/pull/ls/stat) on the sim's file tree.

Requests are [id:4][len:4][path]; SEND streams DATA chunks then DONE(mtime); RECV answers DATA
chunks then DONE. STA2/LST2 (stat_v2) are served because the banner announces them; LIS2 is not
(ls_v2 is not announced)."""

from __future__ import annotations

import errno
import os
import stat as st
import struct
from typing import TYPE_CHECKING

from harness.sim.transport import Stream

if TYPE_CHECKING:
    from harness.sim.device import DeviceState

SYNC_DATA_MAX = 64 * 1024
MAX_PATH = 1024
STAT_V2 = struct.Struct("<4sIQQIIIIQqqq")


def _stat_v1(path: os.PathLike) -> bytes:
    try:
        s = os.stat(path)
        return b"STAT" + struct.pack("<III", s.st_mode & 0xFFFFFFFF, s.st_size & 0xFFFFFFFF, int(s.st_mtime))
    except OSError:
        return b"STAT" + bytes(12)


def _stat_v2(ident: bytes, path: os.PathLike, follow: bool) -> bytes:
    try:
        s = os.stat(path) if follow else os.lstat(path)
    except OSError as exc:
        return STAT_V2.pack(ident, exc.errno or errno.ENOENT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    return STAT_V2.pack(ident, 0, s.st_dev, s.st_ino, s.st_mode, s.st_nlink, 0, 0, s.st_size,
                        int(s.st_atime), int(s.st_mtime), int(s.st_ctime))


def _fail(message: str) -> bytes:
    data = message.encode()
    return b"FAIL" + struct.pack("<I", len(data)) + data


async def serve_sync(stream: Stream, device: DeviceState) -> None:
    while True:
        try:
            header = await stream.read_exact(8)
        except Exception:
            return
        ident, length = header[:4], struct.unpack("<I", header[4:])[0]
        if length > MAX_PATH:
            await stream.write(_fail(f"path too long: {length}"))
            return
        arg = (await stream.read_exact(length)).decode("utf-8", "replace") if length else ""
        if ident == b"QUIT":
            return
        if ident == b"STAT":
            await stream.write(_stat_v1(device.host_path(arg)))
        elif ident in (b"STA2", b"LST2"):
            await stream.write(_stat_v2(ident, device.host_path(arg), follow=ident == b"STA2"))
        elif ident == b"LIST":
            await _list(stream, device, arg)
        elif ident == b"SEND":
            if not await _send(stream, device, arg):
                return
        elif ident == b"RECV":
            await _recv(stream, device, arg)
        else:
            await stream.write(_fail(f"unknown sync command {ident!r}"))
            return


async def _list(stream: Stream, device: DeviceState, path: str) -> None:
    host = device.host_path(path)
    out = bytearray()
    try:
        names = sorted(os.listdir(host)) if host.is_dir() else []
    except OSError:
        names = []
    for name in [".", "..", *names]:
        try:
            s = os.lstat(host / name)
        except OSError:
            continue
        raw = name.encode()
        out += b"DENT" + struct.pack("<IIII", s.st_mode, s.st_size & 0xFFFFFFFF, int(s.st_mtime), len(raw)) + raw
    out += b"DONE" + bytes(16)
    await stream.write(bytes(out))


async def _send(stream: Stream, device: DeviceState, arg: str) -> bool:
    """Receive a file; returns False when the stream must end (protocol violation)."""
    path, _, mode_s = arg.rpartition(",")
    if not path:
        path, mode_s = arg, "33188"
    try:
        mode = int(mode_s)
    except ValueError:
        mode = 0o100644
    host = device.host_path(path)
    error = None
    if st.S_ISLNK(mode):
        error = "symlinks are not supported by the sim"
    tmp = host.with_name(host.name + ".sim-partial")
    fh = None
    try:
        host.parent.mkdir(parents=True, exist_ok=True)
        if host.is_dir():
            error = f"{path}: Is a directory"
        else:
            fh = open(tmp, "wb")  # noqa: SIM115 - closed below on every path
    except OSError as exc:
        error = f"{path}: {exc.strerror}"
    try:
        while True:
            head = await stream.read_exact(8)
            ident, size = head[:4], struct.unpack("<I", head[4:])[0]
            if ident == b"DATA":
                if size > SYNC_DATA_MAX:
                    await stream.write(_fail("data chunk too large"))
                    return False
                chunk = await stream.read_exact(size)
                if fh is not None:
                    fh.write(chunk)
            elif ident == b"DONE":
                mtime = size
                break
            else:
                await stream.write(_fail(f"expected DATA or DONE, got {ident!r}"))
                return False
    finally:
        if fh is not None:
            fh.close()
    if error is None:
        os.replace(tmp, host)
        os.chmod(host, (mode & 0o777) or 0o644)
        os.utime(host, (mtime, mtime))
        await stream.write(b"OKAY" + bytes(4))
    else:
        if tmp.exists():
            tmp.unlink()
        await stream.write(_fail(error))
    return True


async def _recv(stream: Stream, device: DeviceState, path: str) -> None:
    host = device.host_path(path)
    try:
        fh = open(host, "rb")  # noqa: SIM115
    except OSError as exc:
        await stream.write(_fail(f"open failed: {exc.strerror}"))
        return
    batch = bytearray()  # several DATA messages per WRTE: one OKAY round trip per max_payload
    with fh:
        while chunk := fh.read(SYNC_DATA_MAX):
            batch += b"DATA" + struct.pack("<I", len(chunk)) + chunk
            if len(batch) + SYNC_DATA_MAX + 8 > stream.conn.max_payload:
                await stream.write(bytes(batch))
                batch.clear()
    await stream.write(bytes(batch) + b"DONE" + bytes(4))
