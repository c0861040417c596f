"""Device side on the sim device through the real adb server: global proxy, CA install, the
interception check, and a sim app's HTTPS traffic through the proxy chained to the sim internet."""

from __future__ import annotations

import threading
import time

import pytest

from analysis.pii import detect_run
from harness.capture import ProxyService
from harness.capture.ca import ensure_ca, subject_hash_old
from harness.capture.device_setup import (
    USER_STORE,
    ca_install_system,
    ca_install_user,
    check_interception,
    proxy_clear,
    proxy_get,
    proxy_set,
    sim_internet,
)
from harness.journal import Journal
from tests.capture.conftest import rows


def test_subject_hash_old_matches_openssl(tmp_path):
    import shutil
    import subprocess

    pem = ensure_ca(tmp_path / "mitm").read_bytes()
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    out = subprocess.run(["openssl", "x509", "-noout", "-subject_hash_old"], input=pem, capture_output=True, check=True)
    assert out.stdout.decode().strip() == subject_hash_old(pem)


@pytest.fixture
def sim(sim_device):
    return sim_device.adb()


def test_proxy_set_and_clear(sim):
    assert proxy_set(sim, "127.0.0.1", 8099) == "127.0.0.1:8099"
    assert proxy_get(sim) == "127.0.0.1:8099"
    proxy_clear(sim)
    assert proxy_get(sim) is None


def test_sim_app_traffic_through_the_proxy(sim, tmp_path):
    upstream, sim_ca = sim_internet(sim)
    assert upstream.startswith("http://127.0.0.1:") and sim_ca
    (tmp_path / "sim-ca.pem").write_bytes(sim_ca)
    run = tmp_path / "run"
    journal = Journal(run, writer_tag="proxy")
    svc = ProxyService(journal, run, time.time_ns(), confdir=tmp_path / "mitm", upstream=upstream,
                       upstream_ca=tmp_path / "sim-ca.pem")
    host, port = svc.start()
    try:
        installed = ca_install_user(sim, svc.ca_cert_pem)
        assert installed.ok and installed.path.startswith(USER_STORE)
        system = ca_install_system(sim, svc.ca_cert_pem)
        assert system.store == "system" and system.ok, system.detail
        proxy_set(sim, host, port)
        result = {}
        checker = threading.Thread(target=lambda: result.update(check=check_interception(sim, svc, timeout=20)))
        checker.start()
        sim.shell("am start -n com.consentry.sample.sdkearly/.SplashActivity")
        checker.join()
        check = result["check"]
        assert check.ok, check.detail
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not [r for r in rows(svc) if r.get("host") == "alog.umeng.com"]:
            time.sleep(0.1)
        flow = [r for r in rows(svc) if r.get("host") == "alog.umeng.com"][0]
        assert flow["scheme"] == "https" and flow["method"] == "POST" and flow["status"] == 200
    finally:
        proxy_clear(sim)
        svc.stop()
        journal.close()
    det = detect_run(run, identity={"android_id": "9774d56d682e549c", "mac": "02:00:00:44:55:66"})
    got = set(zip(det["key"], det["encoding"], det["where"], strict=True))
    assert ("android_id", "base64", "body") in got and ("mac", "plain", "body") in got


def test_check_says_clearly_when_nothing_arrives(sim, tmp_path):
    run = tmp_path / "run"
    journal = Journal(run, writer_tag="proxy")
    with ProxyService(journal, run, time.time_ns(), confdir=tmp_path / "mitm") as svc:
        proxy_clear(sim)
        assert "no global http_proxy" in check_interception(sim, svc, timeout=1).detail
        proxy_set(sim, "127.0.0.1", 9)  # nothing listens there
        check = check_interception(sim, svc, timeout=1)
        assert not check.ok and "nothing from" in check.detail and "10.0.2.2" in check.detail
        proxy_clear(sim)
    journal.close()
