"""Security defaults of a run: where the proxy listens, identity values kept out of log lines."""

from __future__ import annotations

import logging

from harness.run.parts import proxy_addresses


def test_the_proxy_listens_only_where_the_device_reaches_it():
    assert proxy_addresses("sim", None) == ("127.0.0.1", "127.0.0.1")
    # emulators and phones reach the host's loopback through `adb reverse` by default
    assert proxy_addresses("emulator", None) == ("127.0.0.1", "127.0.0.1")
    # an emulator's 10.0.2.2 is the host's loopback: no need to listen on every interface
    assert proxy_addresses("emulator", "10.0.2.2") == ("127.0.0.1", "10.0.2.2")
    # a phone dialling one of this host's addresses: that address only
    assert proxy_addresses("device", "192.168.1.20") == ("192.168.1.20", "192.168.1.20")
    # widened only when asked
    assert proxy_addresses("emulator", "10.0.2.2", "0.0.0.0") == ("0.0.0.0", "10.0.2.2")


def test_identity_values_never_reach_a_log_line(caplog):
    from harness.run.secrets import mask, protect

    protect({"imei": "867530912345678", "android_id": "9774d56d682e549c",
             "contacts": [{"name": "Canary Zhang", "phone": "+8613900139000"}]})
    log = logging.getLogger("consentry.test")
    with caplog.at_level(logging.INFO, logger="consentry.test"):
        log.warning("shell failed: content insert --bind data1:s:%s", "Canary Zhang")
        log.info("GET http://t.example/?imei=867530912345678&aid=9774D56D682E549C")
        try:
            raise RuntimeError("device said 867530912345678")
        except RuntimeError:
            log.exception("step failed")
    text = caplog.text
    assert "867530912345678" not in text and "9774d56d682e549c" not in text.lower() and "Canary Zhang" not in text
    assert "[imei]" in text and "[contacts]" in text and "RuntimeError" in text
    assert mask("aid=9774d56d682e549c") == "aid=[android_id]"
