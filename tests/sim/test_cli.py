"""`consentry sim start --detach`, `consentry devices --json`, `consentry sim stop` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def _cli(*args: str, home, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSENTRY_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "harness.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def test_detached_sim_lifecycle(adb_server, tmp_path):
    r = _cli("sim", "start", "--detach", "--apps", "none", home=tmp_path)
    assert r.returncode == 0, r.stderr
    serial = r.stdout.strip().splitlines()[-1]
    assert serial.startswith("127.0.0.1:")
    (record,) = (tmp_path / "sims").glob("*.json")
    pid = json.loads(record.read_text())["pid"]
    try:
        rows = json.loads(_cli("devices", "--json", home=tmp_path).stdout)
        mine = next(r for r in rows if r["serial"] == serial)
        assert mine == {"serial": serial, "state": "device", "model": "sdk_gphone64_x86_64", "sdk": 34,
                        "abi": "x86_64", "kind": "sim"}
    finally:
        stop = _cli("sim", "stop", serial, home=tmp_path)
    assert stop.returncode == 0 and f"stopped {serial}" in stop.stdout
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the detached sim process is still alive")
    assert not list((tmp_path / "sims").glob("*.json"))
    assert not list((tmp_path / "sims").glob("state-*"))


def test_bad_input_is_one_line(tmp_path):
    r = _cli("sim", "stop", home=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().startswith("consentry: ") and "Traceback" not in r.stderr
    r = _cli("sim", "start", "--apps", "no-such-app", home=tmp_path)
    assert r.returncode in (2, 3) and r.stderr.startswith("consentry: ") and "Traceback" not in r.stderr
    assert "unknown sim app 'no-such-app'" in r.stderr or "sample sim apps could not be built" in r.stderr
