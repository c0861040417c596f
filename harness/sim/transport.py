"""The adbd side of the adb transport over TCP: one asyncio task per host connection, streams
multiplexed on it, one WRTE in flight per stream waiting for the host's OKAY.

Garbage (a bad header, an unknown command, a payload over the limit) or a broken socket ends that
connection only; the server keeps serving the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from harness.sim import adb_proto as W

log = logging.getLogger(__name__)

INBOX_HIGH_WATER = 4 * 1024 * 1024  # stop acknowledging host writes above this (backpressure)

ServiceOpener = Callable[[str], Callable[["Stream"], Awaitable[None]] | None]


class StreamClosed(Exception):
    pass


class Stream:
    """One adb stream (an OPENed service) as seen by a service coroutine."""

    def __init__(self, conn: Connection, local_id: int, remote_id: int):
        self.conn = conn
        self.local_id = local_id
        self.remote_id = remote_id
        self._inbox = bytearray()
        self._data = asyncio.Event()
        self._okay = asyncio.Event()
        self._okay.set()
        self.eof = False  # the host closed its side
        self.closed = False  # we sent CLSE
        self._ack_owed = False

    # host -> device ------------------------------------------------------------------------
    def _on_write(self, data: bytes) -> None:
        self._inbox += data
        self._data.set()
        if len(self._inbox) < INBOX_HIGH_WATER:
            self.conn.send(W.A_OKAY, self.local_id, self.remote_id)
        else:
            self._ack_owed = True

    def _consumed(self) -> None:
        if self._ack_owed and len(self._inbox) < INBOX_HIGH_WATER:
            self._ack_owed = False
            self.conn.send(W.A_OKAY, self.local_id, self.remote_id)

    async def read(self, n: int = -1) -> bytes:
        """Up to n bytes (all buffered when n < 0); b'' once the host closed the stream."""
        while not self._inbox and not self.eof:
            self._data.clear()
            await self._data.wait()
        size = len(self._inbox) if n < 0 else min(n, len(self._inbox))
        out = bytes(self._inbox[:size])
        del self._inbox[:size]
        self._consumed()
        return out

    async def read_exact(self, n: int) -> bytes:
        parts = bytearray()
        while len(parts) < n:
            chunk = await self.read(n - len(parts))
            if not chunk:
                raise StreamClosed(f"stream closed after {len(parts)} of {n} bytes")
            parts += chunk
        return bytes(parts)

    # device -> host ------------------------------------------------------------------------
    async def write(self, data: bytes) -> None:
        size = self.conn.max_payload
        for start in range(0, len(data), size):
            await self._okay.wait()
            if self.closed or self.eof or self.conn.dead:
                raise StreamClosed("stream closed by the host")
            self._okay.clear()
            self.conn.send(W.A_WRTE, self.local_id, self.remote_id, data[start : start + size])
        await self._okay.wait()
        if self.eof and not self.closed and self.conn.dead:
            raise StreamClosed("connection lost")

    def _on_okay(self) -> None:
        self._okay.set()

    def _on_close(self) -> None:
        self.eof = True
        self._data.set()
        self._okay.set()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.conn.send(W.A_CLSE, self.local_id, self.remote_id)
            self.conn.streams.pop(self.local_id, None)


class Connection:
    """One host connection (the adb server's transport to this device)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 banner: bytes, opener: ServiceOpener, drop_after_s: float | None):
        self.reader = reader
        self.writer = writer
        self.banner = banner
        self.opener = opener
        self.drop_after_s = drop_after_s
        self.max_payload = 256 * 1024
        self.streams: dict[int, Stream] = {}
        self.tasks: set[asyncio.Task] = set()
        self._next_id = 1
        self.dead = False

    def send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        if not self.dead:
            self.writer.write(W.encode(command, arg0, arg1, data))

    async def _read_message(self) -> W.Message:
        raw = await self.reader.readexactly(W.HEADER.size)
        command, arg0, arg1, length = W.decode_header(raw)
        data = await self.reader.readexactly(length) if length else b""
        return W.Message(command, arg0, arg1, data)

    async def run(self) -> None:
        dropper = None
        if self.drop_after_s is not None:
            dropper = asyncio.get_running_loop().call_later(self.drop_after_s, self.writer.transport.abort)
        try:
            await self._serve()
        except (asyncio.IncompleteReadError, ConnectionError, W.ProtocolError, OSError) as exc:
            log.debug("sim adb connection ended: %s", exc)
        finally:
            if dropper:
                dropper.cancel()
            self.dead = True
            for stream in list(self.streams.values()):
                stream._on_close()
            for task in list(self.tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                self.writer.close()

    async def _serve(self) -> None:
        first = await self._read_message()
        if first.command != W.A_CNXN:
            raise W.ProtocolError(f"expected CNXN, got {first.name}")
        self.max_payload = max(4096, min(first.arg1 or W.MAX_PAYLOAD, W.MAX_PAYLOAD))
        self.send(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, self.banner)
        while True:
            msg = await self._read_message()
            await self._dispatch(msg)
            if self.writer.transport.get_write_buffer_size() > 8 * 1024 * 1024:
                await self.writer.drain()

    async def _dispatch(self, msg: W.Message) -> None:
        if msg.command == W.A_CNXN:  # host reconnect on the same socket: answer again
            self.send(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, self.banner)
        elif msg.command == W.A_OPEN:
            self._open(msg.arg0, msg.data.rstrip(b"\0").decode("utf-8", "replace"))
        elif msg.command == W.A_WRTE:
            stream = self.streams.get(msg.arg1)
            if stream is None or stream.eof:
                self.send(W.A_CLSE, 0, msg.arg0)
            else:
                stream._on_write(msg.data)
        elif msg.command == W.A_OKAY:
            stream = self.streams.get(msg.arg1)
            if stream is not None:
                if stream.remote_id == 0:
                    stream.remote_id = msg.arg0
                stream._on_okay()
        elif msg.command == W.A_CLSE:
            stream = self.streams.pop(msg.arg1, None)
            if stream is not None:
                stream._on_close()
                if not stream.closed:
                    stream.closed = True
                    self.send(W.A_CLSE, stream.local_id, stream.remote_id)
        else:
            raise W.ProtocolError(f"unexpected {msg.name} from the host")

    def _open(self, remote_id: int, service: str) -> None:
        handler = None
        try:
            handler = self.opener(service)
        except Exception:  # a bad service string must not end the connection
            log.exception("sim: opening %r failed", service)
        if handler is None or remote_id == 0:
            self.send(W.A_CLSE, 0, remote_id)
            return
        local_id = self._next_id
        self._next_id += 1
        stream = Stream(self, local_id, remote_id)
        self.streams[local_id] = stream
        self.send(W.A_OKAY, local_id, remote_id)
        task = asyncio.create_task(self._run_service(handler, stream, service))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run_service(self, handler: Callable[[Stream], Awaitable[None]], stream: Stream, name: str) -> None:
        try:
            await handler(stream)
        except (StreamClosed, ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("sim: service %r failed", name)
        finally:
            if not self.dead:
                await stream.close()
