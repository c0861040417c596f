"""The adb transport through Debian's real adb server: connect, concurrency, garbage, faults."""

from __future__ import annotations

import socket
import struct
import time

from harness.sim import adb_proto as W
from harness.sim.interfaces import SimFaults
from tests.conftest import adb_cli


def _bare(make_sim_device, **kw):
    return make_sim_device(apps=[], internet=False, runtime_factory=lambda c, a: None, **kw)


def test_adb_lists_sim_as_device(make_sim_device):
    h = _bare(make_sim_device)
    out = adb_cli("devices", "-l").stdout
    line = next(x for x in out.splitlines() if x.startswith(h.serial))
    assert line.split()[1] == "device"
    assert "model:sdk_gphone64_x86_64" in line


def test_banner_announces_only_implemented_features(make_sim_device):
    h = _bare(make_sim_device, connect=False)
    with socket.create_connection(("127.0.0.1", h.device.port), timeout=5) as s:
        s.sendall(W.encode(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, b"host::features=shell_v2\0"))
        cmd, _a0, _a1, length = W.decode_header(_recv_exact(s, 24))
        banner = _recv_exact(s, length).decode()
    assert cmd == W.A_CNXN
    assert banner.startswith("device::ro.product.name=")
    features = set(banner.split("features=")[1].rstrip(";").split(","))
    assert features == set(W.FEATURES)
    assert "ls_v2" not in features


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        assert chunk, "connection closed"
        buf += chunk
    return buf


def test_garbage_ends_that_connection_only(make_sim_device):
    h = _bare(make_sim_device)
    d = h.adb()
    for junk in (b"\x00" * 24, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + b"A" * 100,
                 struct.pack("<6I", W.A_WRTE, 1, 1, 10**9, 0, W.A_WRTE ^ 0xFFFFFFFF)):
        with socket.create_connection(("127.0.0.1", h.device.port), timeout=5) as s:
            s.sendall(junk)
            s.settimeout(5)
            try:
                assert s.recv(100) == b""  # the sim closed it
            except ConnectionResetError:
                pass
    # a client that connects, handshakes, opens a stream and vanishes mid-way
    s = socket.create_connection(("127.0.0.1", h.device.port), timeout=5)
    s.sendall(W.encode(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, b"host::\0") + W.encode(W.A_OPEN, 7, 0, b"shell:logcat\0"))
    s.close()
    assert d.shell("echo still-here") == "still-here"


def test_two_sim_devices_at_once(make_sim_device):
    a = _bare(make_sim_device, identity=None)
    from harness.sim.interfaces import SimIdentity

    b = _bare(make_sim_device, identity=SimIdentity(model="Pixel 8", serial="SIMB0000002", android_id="aaaabbbbccccdddd"))
    assert a.serial != b.serial and a.state_dir != b.state_dir
    assert a.adb().shell("getprop ro.product.model") == "sdk_gphone64_x86_64"
    assert b.adb().shell("getprop ro.product.model") == "Pixel 8"
    assert b.adb().shell("settings get secure android_id") == "aaaabbbbccccdddd"
    states = {line.split()[0]: line.split()[1] for line in adb_cli("devices").stdout.splitlines()[1:] if line.strip()}
    assert states[a.serial] == states[b.serial] == "device"


def test_concurrent_streams_on_one_connection(make_sim_device):
    h = _bare(make_sim_device)
    d = h.adb()
    stream = d.shell("logcat", stream=True)  # stays open
    try:
        assert d.shell("echo a && echo b") == "a\nb"
        h.device.state.logcat("SimTest", "marker-123")
        buf = b""
        stream.conn.settimeout(10)
        while b"marker-123" not in buf:
            chunk = stream.conn.recv(4096)
            assert chunk
            buf += chunk
    finally:
        stream.close()
    assert b" I SimTest : marker-123" in buf or b" I SimTest: marker-123" in buf


def test_shell_v2_exit_codes_and_stderr(make_sim_device):
    h = _bare(make_sim_device)
    r = h.adb().shell2("echo out; nosuchcmd", v2=True, rstrip=False)
    assert r.returncode == 127
    assert r.stdout == "out\n"
    assert r.stderr == "/system/bin/sh: nosuchcmd: not found\n"
    assert h.adb().shell2("nosuchcmd 2>/dev/null || true", v2=True).returncode == 0
    cli = h.adb_cli("shell", "false")
    assert cli.returncode == 1


def test_root_service(make_sim_device):
    h = _bare(make_sim_device)
    assert h.adb().root().strip() == "adbd is already running as root"
    assert h.adb_cli("root").stdout.strip() == "adbd is already running as root"


def test_forward_to_host_port(make_sim_device):
    h = _bare(make_sim_device)
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    d = h.adb()
    local = d.forward_port(port)
    try:
        c = socket.create_connection(("127.0.0.1", local), timeout=5)
        conn, _ = srv.accept()
        c.sendall(b"ping")
        assert conn.recv(4) == b"ping"
        conn.sendall(b"pong")
        assert c.recv(4) == b"pong"
        c.close()
        conn.close()
        # adbutils' create_connection speaks tcp: directly
        s = d.create_connection("tcp", port)
        conn, _ = srv.accept()
        conn.sendall(b"hello")
        s.settimeout(5)
        assert s.recv(5) == b"hello"
        s.close()
        conn.close()
    finally:
        adb_cli("forward", "--remove", f"tcp:{local}")
        srv.close()


def test_fault_drop_after_closes_the_connection(make_sim_device):
    h = _bare(make_sim_device, faults=SimFaults(drop_after_s=1.0))
    with socket.create_connection(("127.0.0.1", h.device.port), timeout=10) as s:
        s.sendall(W.encode(W.A_CNXN, W.A_VERSION, W.MAX_PAYLOAD, b"host::\0"))
        W.decode_header(_recv_exact(s, 24))
        start = time.monotonic()
        s.settimeout(10)
        data = b"x"
        while data:
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                break
        assert time.monotonic() - start < 9  # closed by the sim, not by our timeout


def test_setprop_fault_switch_drops_adb_device(make_sim_device):
    h = _bare(make_sim_device)
    d = h.adb()
    d.shell("setprop consentry.fault.drop_after_s 0.5")
    assert h.device.faults.drop_after_s == 0.5
    h.device.drop_connections()
    deadline = time.monotonic() + 10
    state = "device"
    while time.monotonic() < deadline and state == "device":
        time.sleep(0.2)
        state = adb_cli("-s", h.serial, "get-state").stdout.strip()
    assert state != "device"
