"""The sim's adb protocol server on random and truncated packets: the connection may be dropped,
but the server never raises out of a handler and keeps serving the next host."""

from __future__ import annotations

import logging
import socket
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.sim import adb_proto as W
from tests.fuzz.conftest import bounded

pytestmark = pytest.mark.fuzz

SERVICES = ["shell:getprop ro.product.model", "shell,v2,raw:echo hi", "shell:", "sync:", "exec:cat /proc/version",
            "framebuffer:", "host:features", "shell,v2,pty:ls /", "reverse:list-forward", "jdwp:1", "tcp:80",
            "shell:uiautomator dump /sdcard/x.xml", "shell:dumpsys window", "shell:logcat -d -t 5", "\x00\xff", ""]
COMMANDS = sorted(W.KNOWN_COMMANDS)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    from harness.sim.server import SimDevice

    dev = SimDevice(tmp_path_factory.mktemp("fuzz-sim"), apps=[])
    dev.start()
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    yield dev, errors
    logging.getLogger().removeHandler(errors)
    dev.stop()


def _cnxn() -> bytes:
    return W.encode(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, b"host::features=shell_v2\0")


def _exchange(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.settimeout(2)
        try:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            out = b""
            while len(out) < 1 << 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
            return out
        except (TimeoutError, ConnectionError, OSError):
            return b""


def _still_serves(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.settimeout(10)
        s.sendall(_cnxn())
        head = b""
        while len(head) < 24:
            chunk = s.recv(24 - len(head))
            assert chunk, "the sim closed a well-formed connection"
            head += chunk
        assert struct.unpack("<I", head[:4])[0] == W.A_CNXN


messages = st.one_of(
    st.builds(lambda c, a0, a1, d: W.encode(c, a0, a1, d), st.sampled_from(COMMANDS), st.integers(0, 2**32 - 1),
              st.integers(0, 2**32 - 1), st.binary(max_size=300)),
    st.builds(lambda a0, svc: W.encode(W.A_OPEN, a0, 0, svc.encode("utf-8", "surrogatepass") + b"\0"),
              st.integers(1, 50), st.sampled_from(SERVICES)),
    st.binary(max_size=64),
)


@given(st.booleans(), st.lists(messages, max_size=8), st.integers(0, 4000))
def test_random_and_truncated_packets(sim, handshake, msgs, cut):
    dev, errors = sim
    payload = (_cnxn() if handshake else b"") + b"".join(msgs)
    bounded(lambda: _exchange(dev.port, payload[:cut] if cut < len(payload) else payload), cpu_s=5)
    _still_serves(dev.port)
    assert not errors.records, [r.getMessage() for r in errors.records]


def test_lying_headers(sim):
    dev, errors = sim
    huge = W.HEADER.pack(W.A_WRTE, 1, 1, W.MAX_PAYLOAD + 1, 0, W.A_WRTE ^ 0xFFFFFFFF)
    short = W.HEADER.pack(W.A_OPEN, 1, 0, 1000, 0, W.A_OPEN ^ 0xFFFFFFFF) + b"shell:"
    bad_magic = W.HEADER.pack(W.A_CNXN, 0, 0, 0, 0, 0)
    for payload in (huge, _cnxn() + huge, _cnxn() + short, bad_magic, _cnxn()[:10]):
        _exchange(dev.port, payload)
        _still_serves(dev.port)
    assert not errors.records, [r.getMessage() for r in errors.records]
