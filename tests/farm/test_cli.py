"""`consentry farm` as users type it: bad input is one clear line and exit 2, before any work."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _farm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli.main", "farm", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_an_object_store_out_is_refused_with_the_reason():
    r = _farm("demo", "--scheduler", "tcp://127.0.0.1:1", "--out", "s3://bucket/farm")
    assert r.returncode == 2, r.stderr
    assert "--out: s3://bucket/farm" in r.stderr and "atomic rename" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_missing_suite_names_the_file():
    r = _farm("no-such-suite.yaml", "--scheduler", "tcp://127.0.0.1:1", "--out", "x")
    assert r.returncode == 2 and "no-such-suite.yaml" in r.stderr and "Traceback" not in r.stderr
