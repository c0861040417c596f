"""HAR files, mitmproxy flow files and run directories, through `consentry pii scan`."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.pii import PiiInputError, detect_run, load_identity, read_capture
from harness.bodies import store_body
from harness.cli.main import app

IDENTITY = {"android_id": "9774d56d682e549c", "imei": "358240051111110", "email": "canary.user@example.com"}


@pytest.fixture
def identity_file(tmp_path):
    p = tmp_path / "identity.json"
    p.write_text(json.dumps(IDENTITY))
    return p


def _har(tmp_path):
    entries = [
        {"request": {"method": "GET", "url": "https://t.example.com/c?aid=9774d56d682e549c", "headers": []}},
        {"request": {"method": "POST", "url": "https://t.example.com/u", "headers": [{"name": "X-E", "value": "x"}],
                     "postData": {"mimeType": "application/json", "text": '{"imei":"358240051111110"}'}}},
        {"bogus": True},
    ]
    p = tmp_path / "cap.har"
    p.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return p


def _flowfile(tmp_path, n=3):
    from mitmproxy import io
    from mitmproxy.test import tflow

    p = tmp_path / "dump.mitm"
    with open(p, "wb") as fh:
        w = io.FlowWriter(fh)
        for i in range(n):
            f = tflow.tflow(resp=True)
            f.request.headers["content-encoding"] = "gzip"
            f.request.raw_content = gzip.compress(f"email=canary.user%40example.com&i={i}".encode())
            w.add(f)
    return p


def _run(tmp_path):
    run = tmp_path / "run1"
    run.mkdir()
    ref, size, trunc = store_body(run, b'{"id":"9774D56D682E549C"}')
    pd.DataFrame([{"flow_id": "a1", "t_ns": 5, "host": "h.example", "scheme": "https", "path": "/p", "query": None,
                   "req_headers": "[]", "req_body_ref": ref, "req_body_size": size, "req_body_truncated": trunc}]
                 ).to_parquet(run / "flows.parquet")
    (run / "identity.json").write_text(json.dumps(IDENTITY))
    return run


def test_har_json_lines(tmp_path, identity_file):
    har = _har(tmp_path)
    res = CliRunner().invoke(app, ["pii", "scan", "--identity", str(identity_file), str(har), "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert {(d["entry"], d["key"], d["where"]) for d in lines} == {(0, "android_id", "query"), (1, "imei", "body")}
    assert set(lines[0]) == {"capture", "entry", "key", "encoding", "where", "excerpt"}
    assert lines[0]["capture"] == str(har)


def test_flow_file_and_run_dir_table(tmp_path, identity_file):
    flows, run = _flowfile(tmp_path), _run(tmp_path)
    res = CliRunner().invoke(app, ["pii", "scan", "-i", str(identity_file), str(flows), str(run), "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert sum(d["capture"] == str(flows) and d["key"] == "email" and d["encoding"] == "urlencoded"
               for d in lines) == 3
    assert [(d["entry"], d["key"]) for d in lines if d["capture"] == str(run)] == [("a1", "android_id")]
    table = CliRunner().invoke(app, ["pii", "scan", "-i", str(identity_file), str(run)])
    assert table.exit_code == 0 and "android_id" in table.stdout


def test_bad_files_are_named_and_the_rest_is_scanned(tmp_path, identity_file):
    not_json = tmp_path / "broken.har"
    not_json.write_text('{"log": {"entries": [')
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 definitely not a flow file")
    truncated = _flowfile(tmp_path, n=5)
    truncated.write_bytes(truncated.read_bytes()[:-40])
    har = _har(tmp_path)
    res = CliRunner().invoke(app, ["pii", "scan", "-i", str(identity_file), str(not_json), str(garbage),
                                   str(truncated), str(har), "--json"])
    assert res.exit_code == 2
    assert f"{not_json}: line 1" in res.stderr and "not valid JSON" in res.stderr
    assert str(garbage) in res.stderr and "not a mitmproxy flow file" in res.stderr
    assert f"{truncated}" in res.stderr and "stopped after 4 flows" in res.stderr
    got = [json.loads(x) for x in res.stdout.splitlines()]
    assert {d["capture"] for d in got} == {str(truncated), str(har)}


def test_bad_identity_is_input_error(tmp_path):
    bad = tmp_path / "identity.json"
    bad.write_text('{"imei": 3582400, "location": {"lat": "north"}}')
    with pytest.raises(PiiInputError, match="location"):
        load_identity(bad)
    res = CliRunner().invoke(app, ["pii", "scan", "-i", str(bad), str(tmp_path)])
    assert res.exit_code != 0 and "identity.json" in str(res.exception or res.stderr)


def test_detect_run_columns(tmp_path):
    det = detect_run(_run(tmp_path))
    assert list(det.columns[:11]) == ["flow_id", "key", "encoding", "form", "where", "view", "start", "end",
                                      "count", "matched", "excerpt"]
    assert det[["flow_id", "key", "encoding", "form", "where", "t_ns", "host"]].values.tolist() == [
        ["a1", "android_id", "plain", "upper", "body", 5, "h.example"]]


def test_missing_path(tmp_path):
    with pytest.raises(PiiInputError, match="no such file"):
        read_capture(tmp_path / "nope.har")
