"""A real mitmproxy on 127.0.0.1 carrying HTTP and HTTPS, a pinned client, addon failure."""

from __future__ import annotations

import json
import ssl
import time

import pytest

from harness.capture import ProxyService
from harness.capture.tlsfail import NO_REQUEST_AFTER_HANDSHAKE
from harness.errors import ProxyError
from harness.journal import Journal
from tests.capture.conftest import rows
from tests.capture.origin import http_via_proxy, https_via_proxy


def _wait_rows(svc, pred, table="flows", timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r for r in rows(svc, table) if pred(r)]
        if found:
            return found
        time.sleep(0.05)
    return []


def test_http_and_https_are_recorded(proxy, origin):
    addr = proxy.address
    status, body = http_via_proxy(addr, "127.0.0.1", origin.http_port, "/plain?uid=abc", b"hello=1",
                                  {"content-type": "application/x-www-form-urlencoded"})
    assert status == 200 and body.startswith(b"ok POST /plain")
    status, body = https_via_proxy(addr, "localhost", origin.https_port, "/secure?x=1", proxy.ca_cert_path,
                                   b'{"k": "v"}')
    assert status == 200 and body == b"ok POST /secure?x=1 10"
    plain = _wait_rows(proxy, lambda r: r.get("path") == "/plain")[0]
    assert plain["scheme"] == "http" and plain["query"] == "uid=abc" and plain["status"] == 200
    assert plain["source"] == "proxy" and plain["method"] == "POST" and plain["client_ip"] == "127.0.0.1"
    assert (proxy.cap.run_dir / "bodies" / plain["req_body_ref"]).read_bytes() == b"hello=1"
    assert ["content-type", "application/x-www-form-urlencoded"] in json.loads(plain["req_headers"])
    secure = _wait_rows(proxy, lambda r: r.get("path") == "/secure")[0]
    assert secure["scheme"] == "https" and secure["host"] == "localhost" and secure["sni"] == "localhost"
    assert secure["t_ns"] > 0 and secure["t_resp_ns"] >= secure["t_ns"]
    assert (proxy.cap.run_dir / "bodies" / secure["req_body_ref"]).read_bytes() == b'{"k": "v"}'


def test_pinned_client_gives_tls_error_then_passthrough(proxy, origin):
    addr = proxy.address
    # The pinned client trusts only the origin's CA: it refuses the proxy's certificate.
    # (127.0.0.1: no DNS here for invented names; without SNI the host is the CONNECT target.)
    with pytest.raises(ssl.SSLError):
        https_via_proxy(addr, "127.0.0.1", origin.https_port, "/pinned", origin.ca)
    failed = _wait_rows(proxy, lambda r: r.get("tls_error"))
    assert failed and failed[0]["host"] == "127.0.0.1" and failed[0]["source"] == "proxy"
    assert failed[0]["port"] == origin.https_port and "trust" in failed[0]["tls_error"].lower()
    assert "127.0.0.1" in proxy.pinned_hosts
    # Later connections to that host go through untouched: the same client now works end to end.
    status, body = https_via_proxy(addr, "127.0.0.1", origin.https_port, "/pinned", origin.ca)
    assert status == 200 and body == b"ok GET /pinned 0"
    passed = _wait_rows(proxy, lambda r: r.get("kind") == "proxy:passthrough", table="events")
    assert json.loads(passed[0]["detail"])["host"] == "127.0.0.1"
    assert not [r for r in rows(proxy) if r.get("path") == "/pinned"]  # not decrypted
    # Other hosts are still intercepted.
    status, _ = https_via_proxy(addr, "localhost", origin.https_port, "/after", proxy.ca_cert_path)
    assert status == 200 and _wait_rows(proxy, lambda r: r.get("path") == "/after")


def test_client_hanging_up_after_handshake_is_evidence(proxy, origin):
    import socket

    ctx = ssl.create_default_context(cafile=str(proxy.ca_cert_path))
    raw = socket.create_connection(proxy.address)
    target = f"localhost:{origin.https_port}".encode()
    raw.sendall(b"CONNECT " + target + b" HTTP/1.1\r\nHost: " + target + b"\r\n\r\n")
    assert raw.recv(4096).startswith(b"HTTP/1.1 200")
    tls = ctx.wrap_socket(raw, server_hostname="localhost")  # handshake OK, then no request
    tls.close()
    found = _wait_rows(proxy, lambda r: r.get("tls_error") == NO_REQUEST_AFTER_HANDSHAKE)
    assert found and found[0]["sni"] == "localhost"
    assert "localhost" in proxy.pinned_hosts


class _Broken:
    def request(self, flow):
        raise RuntimeError("addon bug")


def test_failing_addon_does_not_take_the_proxy_down(run_dir, origin, tmp_path):
    journal = Journal(run_dir, writer_tag="proxy")
    svc = ProxyService(journal, run_dir, time.time_ns(), confdir=tmp_path / "mitm", extra_addons=[_Broken()])
    with svc:
        for i in range(3):
            status, _ = http_via_proxy(svc.address, "127.0.0.1", origin.http_port, f"/n{i}")
            assert status == 200
        assert svc.alive()
        errors = _wait_rows(svc, lambda r: r.get("kind") == "proxy:error", table="events")
        assert "addon bug" in errors[0]["detail"]
        assert len(_wait_rows(svc, lambda r: str(r.get("path", "")).startswith("/n"))) == 3
    assert not svc.alive()
    journal.close()


def test_second_in_process_proxy_and_port_in_use_are_clear_errors(proxy, run_dir, tmp_path):
    journal = Journal(run_dir, writer_tag="other")
    with pytest.raises(ProxyError, match="in-process"):
        ProxyService(journal, run_dir, 0, confdir=tmp_path / "mitm").start()
    journal.close()


def test_port_in_use(run_dir, tmp_path):
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    journal = Journal(run_dir, writer_tag="proxy")
    svc = ProxyService(journal, run_dir, 0, confdir=tmp_path / "mitm", listen_port=busy.getsockname()[1])
    with pytest.raises(ProxyError, match="failed to start"):
        svc.start()
    busy.close()
    journal.close()
    assert not svc.alive()
