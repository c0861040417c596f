"""`consentry report` on corrupted run directories: reports, or an input error naming the file
(exit 2), never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisInputError
from analysis.report import write_reports
from tests.analysis.factories import consent_flow_run
from tests.fuzz.conftest import examples, expect

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    b = consent_flow_run("r1")
    b.screen(2.0, "other", texts=["hello"])
    b.flow(3.0, "alog.umeng.com", scheme="http", query="imei=867530912345678", body='{"a": 1}',
           detections=[("imei", "plain", "query", "imei=867530912345678")])
    return b.write(tmp_path_factory.mktemp("pristine"))


FILES = ["manifest.json", "identity.json", "api_calls.parquet", "flows.parquet", "ui.parquet", "consent.parquet",
         "steps.parquet", "stacks.parquet", "detections.parquet"]
corruptions = st.lists(st.tuples(st.sampled_from(FILES), st.sampled_from(["truncate", "flip", "garbage", "delete",
                                                                          "empty", "json"]),
                                 st.integers(0, 10_000), st.binary(min_size=1, max_size=200)), min_size=1, max_size=3)
JSON_JUNK = [b"[]", b"null", b'{"run_id": 5, "status": []}', b'{"app": "x", "scenario": {"name": null}}', b'"s"',
             b'{"location": "here", "contacts": 3}']


def _corrupt(run: Path, plan) -> None:
    for name, op, pos, junk in plan:
        f = run / name
        if not f.exists():
            continue
        data = bytearray(f.read_bytes())
        if op == "truncate":
            f.write_bytes(bytes(data[:pos % max(len(data), 1)]))
        elif op == "flip" and data:
            for i in range(0, len(junk), 2):
                data[(pos + i * 97) % len(data)] ^= junk[i] or 1
            f.write_bytes(bytes(data))
        elif op == "garbage":
            f.write_bytes(junk)
        elif op == "delete":
            f.unlink()
        elif op == "empty":
            f.write_bytes(b"")
        else:
            f.write_bytes(JSON_JUNK[pos % len(JSON_JUNK)])


@settings(max_examples=examples(2.0))
@given(corruptions)
def test_report_on_corrupted_runs(pristine, plan):
    with tempfile.TemporaryDirectory() as d:
        run = Path(d) / "r1"
        shutil.copytree(pristine, run)
        _corrupt(run, plan)
        got = expect(lambda: write_reports([run], Path(d) / "report", "html,json,xlsx,junit"), AnalysisInputError)
        if isinstance(got, AnalysisInputError):
            assert str(run) in str(got) or run.name in str(got), got


def test_cli_names_the_damaged_file_without_traceback(pristine, tmp_path):
    run = tmp_path / "r1"
    shutil.copytree(pristine, run)
    (run / "flows.parquet").write_bytes(b"PAR1 not really")
    proc = subprocess.run([sys.executable, "-m", "harness", "report", str(run), "--out", str(tmp_path / "rep")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "flows.parquet" in proc.stderr
