"""The journal survives kills: rows flushed before a kill are compacted, a torn line is skipped."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pyarrow.parquet as pq

from harness.journal import Journal, compact, read_journal_rows


def test_rows_batches_and_raw_arrays_compact_to_typed_parquet(tmp_path):
    with Journal(tmp_path, flush_rows=10) as j:
        j.append("api_calls", {"t_ns": 5, "layer": "native", "category": "device_id", "api": "open",
                               "args": {"path": "/sys/class/net/wlan0/address"}, "pid": 42})
        j.extend("api_calls", [{"t_ns": i, "layer": "java", "api": "getDeviceId", "pid": 42} for i in range(3)])
        j.append_raw("api_calls", json.dumps([{"t_ns": 100, "api": "raw", "count": 7}]), rows=1)
        j.append("stacks", {"stack_id": "s1", "frames": ["a", "b"]})
        j.append("stacks", {"stack_id": "s1", "frames": ["a", "b"]})
    counts = compact(tmp_path)
    assert counts["api_calls"] == 5 and counts["stacks"] == 1
    table = pq.read_table(tmp_path / "api_calls.parquet")
    assert table.schema.field("t_ns").type == "int64"
    rows = table.to_pylist()
    assert [r["t_ns"] for r in rows] == [0, 1, 2, 5, 100]  # sorted by time
    assert json.loads(rows[3]["args"]) == {"path": "/sys/class/net/wlan0/address"}  # dict stored as JSON text
    assert rows[4]["count"] == 7
    assert not (tmp_path / "journal").exists()
    # Tables with no rows exist with their declared columns.
    assert "flow_id" in pq.read_table(tmp_path / "flows.parquet").column_names


def test_torn_last_line_is_counted_not_fatal(tmp_path):
    jdir = tmp_path / "journal"
    jdir.mkdir()
    (jdir / "events.1.jsonl").write_text('{"t_ns": 1, "kind": "a"}\n{"t_ns": 2, "ki', encoding="utf-8")
    rows, torn = read_journal_rows(tmp_path, "events")
    assert [r["t_ns"] for r in rows] == [1] and torn == 1
    counts = compact(tmp_path)
    assert counts["events"] == 1 and counts["_torn_lines"] == 1


def test_a_killed_writer_loses_at_most_the_unflushed_batch(tmp_path):
    """A separate process appends rows and is SIGKILLed: what it flushed is all there."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from harness.journal import Journal
        j = Journal({str(tmp_path)!r}, flush_rows=100, flush_interval=0.05)
        i = 0
        while True:
            j.append("events", {{"t_ns": i, "kind": "tick"}})
            i += 1
            if i % 1000 == 0:
                time.sleep(0.01)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    # kill it once it has flushed some thousand rows (not after a fixed time: on a loaded machine
    # the child may still be importing), mid-stream
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        files = list((tmp_path / "journal").glob("events.*.jsonl"))
        if files and files[0].stat().st_size > 60_000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    counts = compact(tmp_path)
    table = pq.read_table(tmp_path / "events.parquet").to_pandas()
    assert counts["events"] > 1000
    # Rows are a gap-free prefix 0..n-1: nothing in the middle was lost.
    assert list(table["t_ns"]) == list(range(len(table)))


def test_compact_twice_merges_instead_of_overwriting(tmp_path):
    with Journal(tmp_path) as j:
        j.append("steps", {"step_id": 0, "t_start_ns": 1, "t_end_ns": 2, "action": "launch", "outcome": "ok"})
    compact(tmp_path)
    with Journal(tmp_path) as j:
        j.append("steps", {"step_id": 1, "t_start_ns": 3, "t_end_ns": 4, "action": "wait", "outcome": "ok"})
    compact(tmp_path)
    assert pq.read_table(tmp_path / "steps.parquet").column("step_id").to_pylist() == [0, 1]
