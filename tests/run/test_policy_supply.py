"""`run --policy` and the run's policy/ record: supplied files and URLs (from a loopback server),
the status the store derives from what the looks learnt, and the analysis side reading it back."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from analysis.policy.run import load_run_policy
from harness.errors import InputError
from harness.run.policy import read_supplied, supply_policy
from harness.run.policy_store import PolicyStore

ROOT = Path(__file__).resolve().parents[2]
HTML = "<html><body><p>我们会收集您的位置信息。</p><table><tr><th>SDK名称</th><th>提供方</th></tr>" \
       "<tr><td>高德定位SDK</td><td>高德软件有限公司</td></tr></table></body></html>"


@pytest.fixture
def policy_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            body = HTML.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/privacy.html"
    server.shutdown()


def test_a_supplied_file_becomes_the_runs_policy(tmp_path):
    f = tmp_path / "privacy.html"
    f.write_text(HTML, encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    supply_policy(run_dir, f, 123)
    rp = load_run_policy(run_dir)
    assert rp is not None and rp.status == "supplied" and rp.source["kind"] == "file"
    assert rp.reading.categories == ["location"] and rp.reading.sdk_ids == {"amap-location"}
    assert (run_dir / "policy" / "page.html").read_text(encoding="utf-8") == HTML


def test_a_url_file_is_fetched_once(tmp_path, policy_server):
    f = tmp_path / "policy.url"
    f.write_text(policy_server + "\n")
    assert read_supplied(f, fetch=False)[0] == b""
    data, source = read_supplied(f)
    assert source == {"kind": "url", "url": policy_server, "file": str(f)} and "高德定位SDK" in data.decode()


def test_bad_supplied_policies_name_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.html"):
        read_supplied(tmp_path / "missing.html")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(InputError, match="empty.txt: empty"):
        read_supplied(empty)
    dead = tmp_path / "dead.url"
    dead.write_text("http://127.0.0.1:9/none")
    with pytest.raises(InputError, match="cannot fetch"):
        read_supplied(dead)
    proc = subprocess.run([sys.executable, "-m", "harness", "run", "--device", "127.0.0.1:1", "--app", "x.apk",
                           "--scenario", "accept", "--policy", str(empty)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2 and "empty.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_status_follows_what_the_looks_learnt(tmp_path):
    store = PolicyStore(tmp_path)
    store.note(notice_checked=True)
    assert store.record.status == "not-searched"  # the app was not searched yet
    store.note(app_searched=True, taps_from_main=None)
    assert store.record.status == "absent"
    store = PolicyStore(tmp_path / "b")
    store.note(notice_checked=True, entry_seen=True)
    assert store.record.status == "unreadable"  # found but not read: not absent
    store.note(app_searched=True, taps_from_main=5)
    store.note(taps_from_main=3)  # the shortest path counts
    assert store.record.status == "unreadable" and store.record.taps_from_main == 3
    store.save_text("隐私政策", via="app", source={"kind": "screen"}, t_ns=1)
    again = PolicyStore(tmp_path / "b")  # a later step of the same run picks up the record
    assert again.record.status == "read" and again.record.sha256 and again.record.text_file == "policy/text.txt"
