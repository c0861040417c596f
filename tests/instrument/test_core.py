"""Instrument end to end: real Frida, real local processes, real journal."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from harness.bodies import load_body
from harness.instrument import AgentOptions, Instrument
from harness.journal import compact
from tests.instrument.conftest import TICK, catalogue_with, wait_for

pytestmark = pytest.mark.usefixtures("agent_bundle")


def _tables(run: Path) -> dict[str, list[dict]]:
    compact(run)
    return {t: pq.read_table(run / f"{t}.parquet").to_pylist() for t in ("api_calls", "events", "stacks", "flows")}


def test_loads_reports_java_unavailable_and_captures_native_calls(target, journal, native_lib, tmp_path):
    """One attach: ready says Java is absent, native hooks see open / getaddrinfo / connect /
    __system_property_get, and the t_ns of each lies between the host times around the call."""
    fs = tmp_path / "x" / "fs" / "sys" / "class" / "net" / "wlan0"
    fs.mkdir(parents=True)
    (fs / "address").write_text("02:00:00:44:55:66\n")
    arp = tmp_path / "x" / "fs" / "proc" / "net" / "arp"  # matches a later glob of the list
    arp.parent.mkdir(parents=True)
    arp.write_text("IP address       HW type     Flags       HW address\n")
    t0 = time.time_ns()
    inst = Instrument(journal, journal.run_dir, t0, categories={"device_id", "network", "wifi_info", "location"})
    inst.attach(target.pid)
    ready = inst.writer.ready[target.pid] if inst.writer.ready_event.wait(10) else None
    assert ready is not None and ready["java"]["available"] is False
    assert ready["installed"]["native"] >= 5
    before = time.time_ns() - t0
    target.run(f"open({str(fs / 'address')!r}).read()")
    target.run(f"open({str(arp)!r}).read()")
    target.run("open('/etc/hostname').close() if __import__('os').path.exists('/etc/hostname') else None")
    target.run("import socket; socket.getaddrinfo('localhost', 8080)")
    target.run("s = socket.socket(); s.settimeout(1)\ntry:\n s.connect(('127.0.0.1', 9))\nexcept OSError: pass")
    target.run(f"import ctypes; lib = ctypes.CDLL({str(native_lib)!r}); buf = ctypes.create_string_buffer(92)")
    target.run("lib.__system_property_get(b'ro.serialno', buf)")
    after = time.time_ns() - t0
    summary = inst.stop()
    assert summary.dropped == 0
    assert any(w["code"] == "java-unavailable" for w in summary.warnings)
    rows = _tables(journal.run_dir)
    calls = rows["api_calls"]
    by_hook: dict[str, list[dict]] = {}
    for r in calls:
        by_hook.setdefault(r["hook_id"], []).append(r)

    opens = [r for r in calls if r["hook_id"].startswith("libc.open") and "wlan0/address" in r["args"]]
    assert len(opens) == 1 and opens[0]["category"] == "wifi_info" and opens[0]["pi"] is True
    # Every glob of the list is active, not only the first (a packing bug once left one).
    arps = [r for r in calls if r["hook_id"].startswith("libc.open") and "proc/net/arp" in r["args"]]
    assert len(arps) == 1 and arps[0]["category"] == "network_info"
    assert not any("/etc/hostname" in r["args"] for r in calls)  # not an identifier path: filtered in C
    gai = [json.loads(r["args"]) for r in by_hook["libc.getaddrinfo"]]
    assert {"node": "localhost", "service": "8080"} in gai
    conn = [json.loads(r["args"]) for r in by_hook["libc.connect"]]
    assert any(c["ip"] == "127.0.0.1" and c["port"] == 9 for c in conn)
    props = [r for r in by_hook["sysprop.__system_property_get"]]
    serial = [json.loads(r["args"]) for r in props if "ro.serialno" in r["args"]]
    assert serial == [{"name": "ro.serialno", "value": "EMULATOR34X1X1X0"}]
    assert all(r["pi"] for r in props if "ro.serialno" in r["args"])
    # host-relative time: within the host times around the calls, up to the offset's own uncertainty
    slack = summary.clock[target.pid]["start_rtt_ns"]
    for r in calls:
        assert before - slack <= r["t_ns"] <= after + slack, r
        assert r["pid"] == target.pid
    # every stack id used is defined once, with the calling module
    defined = {s["stack_id"]: s["frames"] for s in rows["stacks"]}
    assert all(r["stack_id"] in defined for r in calls if r["stack_id"])
    assert any("libconsentrytest.so" not in f[0] for f in defined.values())
    kinds = {e["kind"] for e in rows["events"]}
    assert {"agent:ready", "agent:warning", "clock"} <= kinds


def test_tls_plaintext_becomes_a_flow(target, journal, tls_server):
    t0 = time.time_ns()
    inst = Instrument(journal, journal.run_dir, t0, categories={"tls"})
    inst.attach(target.pid)
    body = '{"imei":"358240051111110","lat":31.2304}'
    target.run("import ssl, http.client; ctx = ssl._create_unverified_context()")
    target.run(f"c = http.client.HTTPSConnection('127.0.0.1', {tls_server}, context=ctx, timeout=10)")
    target.run(f"c.request('POST', '/collect?v=1', body={body!r}, headers={{'Content-Type': 'application/json'}})")
    target.run("r = c.getresponse(); r.read(); c.close()")
    summary = inst.stop()
    assert summary.flows == 1
    flows = _tables(journal.run_dir)["flows"]
    assert len(flows) == 1
    f = flows[0]
    assert (f["source"], f["method"], f["path"], f["query"], f["status"]) == ("tls-hook", "POST", "/collect", "v=1", 200)
    assert f["host"] == "127.0.0.1" and f["port"] == tls_server
    assert load_body(journal.run_dir, f["req_body_ref"]).decode() == body
    assert ["Content-Type", "application/json"] in json.loads(f["req_headers"])
    assert f["t_ns"] <= f["t_resp_ns"]


def test_100k_events_arrive_none_lost(target, journal, native_lib):
    t0 = time.time_ns()
    inst = Instrument(journal, journal.run_dir, t0, catalogue=catalogue_with([TICK]), hook_ids={TICK.id},
                      options=AgentOptions(ring_slots=4096))  # small ring: back-pressure, not loss
    target.run(f"import ctypes; lib = ctypes.CDLL({str(native_lib)!r})")
    inst.attach(target.pid)
    target.run("lib.consentry_loop(100000)")
    summary = inst.stop()
    assert summary.dropped == 0
    assert summary.events == 100_000
    calls = _tables(journal.run_dir)["api_calls"]
    values = sorted(json.loads(r["args"])[0] for r in calls)
    assert values == list(range(100_000))


def test_rate_cap_folds_calls_into_counts(target, journal, native_lib):
    t0 = time.time_ns()
    tick = TICK.model_copy(update={"cap": 100})
    inst = Instrument(journal, journal.run_dir, t0, catalogue=catalogue_with([tick]), hook_ids={TICK.id})
    target.run(f"import ctypes; lib = ctypes.CDLL({str(native_lib)!r})")
    inst.attach(target.pid)
    target.run("lib.consentry_loop(50000)")
    summary = inst.stop()
    assert summary.calls == 50_000  # every call counted
    assert summary.events < 1_000  # but few rows
    calls = _tables(journal.run_dir)["api_calls"]
    assert sum(r["count"] for r in calls) == 50_000
    assert any(r["count"] > 1 for r in calls)


def test_killed_target_is_a_detach_with_reason(target, journal):
    inst = Instrument(journal, journal.run_dir, time.time_ns(), categories={"network"})
    inst.attach(target.pid)
    os.kill(target.pid, signal.SIGKILL)
    assert wait_for(lambda: any(s.detached for s in inst._sessions.values()))
    summary = inst.stop()
    assert [(d.pid, d.reason) for d in summary.detaches] == [(target.pid, "process-terminated")]
    events = _tables(journal.run_dir)["events"]
    detach = [json.loads(e["detail"]) for e in events if e["kind"] == "detach"]
    assert detach == [{"pid": target.pid, "reason": "process-terminated"}]


def test_a_process_that_stops_answering_does_not_hold_stop(target, journal):
    """A process that hangs while it dies neither answers the agent's RPCs nor gets reported as
    gone (seen: a crashed JVM whose error handler never returned). stop() must still return,
    record which agent did not answer, and leave the journal readable. Here the agent's JS thread
    is kept busy for real: a second script in the same session spins on it."""
    inst = Instrument(journal, journal.run_dir, time.time_ns(), categories={"network"})
    inst.rpc_deadline_s = 1.0
    inst.attach(target.pid)
    session = inst._sessions[target.pid].session
    spinner = session.create_script("setTimeout(() => { for (;;) {} }, 0);")
    spinner.load()
    summary = inst.stop()
    assert [u.split(":")[0] for u in inst.unanswered()] == [f"the agent in pid {target.pid}"]
    assert summary.detaches == ()
    events = _tables(journal.run_dir)["events"]
    unanswered = [json.loads(e["detail"]) for e in events if e["kind"] == "agent:unanswered"]
    assert [(u["pid"], u["at"]) for u in unanswered] == [(target.pid, "stop")]
    assert not [e for e in events if e["kind"] == "clock" and json.loads(e["detail"])["when"] == "end"]


def test_missing_bundle_is_a_clear_error(monkeypatch, tmp_path, journal):
    import harness._agent as agent
    from harness.errors import AgentError

    monkeypatch.setattr(agent, "BUNDLE", tmp_path / "nope.js")
    with pytest.raises(AgentError, match="make agent"):
        Instrument(journal, journal.run_dir, time.time_ns())
