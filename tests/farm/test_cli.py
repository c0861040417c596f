"""`consentry farm` as users type it: an output folder it cannot publish to atomically is one clear
line and exit 2, before any work."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_object_store_out_is_refused_with_the_reason():
    r = subprocess.run([sys.executable, "-m", "harness.cli.main", "farm", "demo", "--scheduler", "tcp://127.0.0.1:1",
                        "--out", "s3://bucket/farm"], capture_output=True, text=True, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "--out: s3://bucket/farm" in r.stderr and "atomic rename" in r.stderr
    assert "Traceback" not in r.stderr
