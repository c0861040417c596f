"""A policy page that completes after the policy step has read the screen still becomes the policy's
source: it is associated by when its request started (while the policy was open), once the proxy has
stopped, not by how long the step waited for it. Under load the sim internet answered 5.7 s after the
tap and the step, which waited 5 s, kept the screen's text instead of the page."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from harness.bodies import store_body
from harness.run.policy import attach_late_page
from harness.run.policy_store import PolicyStore

PAGE = "<html><body><h1>隐私政策</h1><table><tr><td>友盟统计SDK</td><td>设备标识符</td></tr></table></body></html>"


def _journal_flow(run_dir: Path, t_ns: int, html: str, path: str = "/privacy.html") -> None:
    ref, size, _ = store_body(run_dir, html.encode())
    row = {"t_ns": t_ns, "scheme": "https", "host": "www.app.example", "path": path, "status": 200,
           "resp_headers": json.dumps([["Content-Type", "text/html; charset=utf-8"]]), "resp_body_ref": ref}
    journal = run_dir / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    with (journal / "flows.proxy.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def _screen_read(run_dir: Path, t_from: int, t_to: int) -> PolicyStore:
    store = PolicyStore(run_dir)
    store.note(page_window={"via": "notice", "from": t_from, "to": t_to})
    store.save_text("隐私政策 (screen)", via="notice", t_ns=t_to, screen_text="隐私政策 (screen)",
                    source={"kind": "screen", "url": None, "screen": "app/.PolicyActivity", "text_from": "screen"})
    return store


def test_a_page_requested_while_the_policy_was_open_replaces_the_screen_text(tmp_path):
    _screen_read(tmp_path, 1_000, 5_000)
    _journal_flow(tmp_path, 4_000, PAGE)
    assert attach_late_page(tmp_path) == "https://www.app.example/privacy.html"
    meta = json.loads((tmp_path / "policy" / "policy.json").read_text())
    assert meta["source"]["kind"] == "url" and meta["source"]["page_after_run"] is True
    assert meta["source"]["screen"] == "app/.PolicyActivity" and meta["via"] == "notice"
    assert "友盟统计SDK" in (tmp_path / meta["text_file"]).read_text()
    assert (tmp_path / meta["html_file"]).read_text() == PAGE
    assert (tmp_path / meta["screen_file"]).read_text() == "隐私政策 (screen)"  # what the screen showed stays


def test_a_page_requested_outside_the_window_is_not_the_policy(tmp_path):
    _screen_read(tmp_path, 1_000, 5_000)
    _journal_flow(tmp_path, 6_000, PAGE)  # after the policy was closed: another page of the app
    _journal_flow(tmp_path, 500, PAGE, "/before.html")  # before the tap
    assert attach_late_page(tmp_path) is None
    meta = json.loads((tmp_path / "policy" / "policy.json").read_text())
    assert meta["source"]["kind"] == "screen" and not meta["html_file"]


def test_a_policy_read_unreadable_becomes_read_from_its_late_page(tmp_path):
    store = PolicyStore(tmp_path)
    store.note(entry_seen=True, page_window={"via": "app", "from": 10, "to": 20})
    assert store.record.status == "unreadable"
    _journal_flow(tmp_path, 15, PAGE)
    attach_late_page(tmp_path)
    meta = json.loads((tmp_path / "policy" / "policy.json").read_text())
    assert meta["status"] == "read" and meta["via"] == "app" and meta["source"]["url"].endswith("/privacy.html")


def test_no_policy_folder_and_bad_windows_are_harmless(tmp_path):
    assert attach_late_page(tmp_path) is None
    store = PolicyStore(tmp_path)
    store.note(entry_seen=True, page_window={"from": "x"})
    _journal_flow(tmp_path, 15, PAGE)
    assert attach_late_page(tmp_path) is None


def test_a_slow_policy_page_is_the_runs_policy_end_to_end(tmp_path, make_sim_device):
    """Through the real runner, adb, Frida, mitmproxy and the sim: the policy sample's page answers
    6 s after its request, after the policy step has read the screen and gone back to the notice."""
    from harness.device import connect_device
    from harness.run.apk import read_apk
    from harness.run.runner import RunOptions, execute_run
    from harness.scenario.loader import parse_scenario
    from harness.sim.model import build_apk
    from harness.sim.samples import HERE as SAMPLES_DIR

    model = yaml.safe_load((SAMPLES_DIR / "policy_full.yaml").read_text(encoding="utf-8"))
    for page in model["pages"]:
        page["delay_s"] = 6
    apk = build_apk(yaml.safe_dump(model, allow_unicode=True).encode(), tmp_path / "slow_policy.apk")
    sim = make_sim_device(apps=[apk])
    scenario = parse_scenario("name: slow-page\nsteps:\n  - launch\n  - policy\n  - wait: 8\n", "slow-page")
    result = execute_run(connect_device(sim.serial), read_apk(apk), scenario, RunOptions(out=tmp_path / "runs"))
    assert result.status == "complete", result.reason
    meta = json.loads((result.run_dir / "policy" / "policy.json").read_text())
    assert meta["status"] == "read", meta
    assert meta["source"]["kind"] == "url" and meta["source"].get("page_after_run") is True, meta
    assert meta["html_file"] and "友盟统计SDK" in (result.run_dir / meta["text_file"]).read_text()


def test_a_compressed_page_is_inflated_and_a_bomb_is_capped():
    import gzip
    import zlib

    from harness.run.policy_flows import MAX_PAGE_BYTES, HtmlPage, decoded_body

    assert decoded_body(HtmlPage("u", 0, gzip.compress(PAGE.encode()))) == PAGE.encode()
    assert decoded_body(HtmlPage("u", 0, zlib.compress(PAGE.encode()))) == PAGE.encode()
    assert decoded_body(HtmlPage("u", 0, b"\x1f\x8bnot gzip")) == b"\x1f\x8bnot gzip"  # kept as it came
    bomb = gzip.compress(b"\0" * (4 * MAX_PAGE_BYTES))
    assert len(decoded_body(HtmlPage("u", 0, bomb))) == MAX_PAGE_BYTES
