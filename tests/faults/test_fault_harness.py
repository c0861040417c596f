"""Faults of the harness itself: SIGKILLed mid-run (then `consentry recover`), and a run
directory on a full disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import DATA, Outcome, journal_counts, kept_counts

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_harness_sigkilled_then_recovered(make_sim_device, tmp_path):
    from harness.sim.model import build_apk

    sim = make_sim_device(apps=[])
    apk = build_apk((DATA / "steady.yaml").read_bytes(), tmp_path / "steady.apk")
    scenario = tmp_path / "long.yaml"
    scenario.write_text("name: long\nsteps:\n  - launch\n  - wait: 60\n", encoding="utf-8")
    out = tmp_path / "runs"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "harness", "run", "--device", sim.serial, "--app", str(apk),
                             "--scenario", str(scenario), "--out", str(out)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    run_dir, before = None, {}
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            found = list(out.glob("*/journal"))
            if found:
                counts = journal_counts(found[0].parent)
                if counts["api_calls"] and counts["flows"] and counts["ui"]:
                    run_dir = found[0].parent
                    break
            time.sleep(0.2)
        children = _children(proc.pid)
        before = journal_counts(run_dir) if run_dir else {}
        os.kill(proc.pid, signal.SIGKILL)  # the harness only, as the OOM killer would: its children are orphans now
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert run_dir is not None, "the run never journalled API calls, flows and screens"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    left = [f"harness child {c} still running" for c in children if _alive(c)]
    for c in children:
        if _alive(c):
            os.kill(c, signal.SIGKILL)
    rec = subprocess.run([sys.executable, "-m", "harness", "recover", str(run_dir)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert rec.returncode == 0, rec.stderr
    manifest = json.loads((run_dir / "manifest.json").read_text())
    o = Outcome("harness SIGKILLed, then `consentry recover`", manifest["status"], manifest.get("reason"), before,
                kept_counts(run_dir), left, run_dir)
    o.record()
    assert o.status == "incomplete" and "recovered" in o.reason
    assert not o.lost(), (o.rows_before, o.rows_kept)
    assert not o.leftovers, o.leftovers


def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "consentry-fault-tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")


def test_run_directory_disk_full(fault_run, tmp_path):
    disk = tmp_path / "small-disk"
    _mount_tmpfs(disk, "4m")
    filler = disk / "filler"
    try:
        def fill(run) -> None:  # take what is left of the disk once the run has flushed rows
            # unbuffered: a buffered file kept the bytes the full disk refused and raised ENOSPC
            # again from close(), outside the loop (a failure of the test, not of the run)
            with open(filler, "wb", buffering=0) as fh:
                try:
                    while True:
                        fh.write(b"\0" * 65536)
                except OSError:
                    pass

        o = fault_run("run directory's disk full", fill, out=disk / "runs")
        assert o.status == "incomplete" and "space" in (o.reason or "").lower(), o
        assert not o.lost(), (o.rows_before, o.rows_kept)
        assert not o.leftovers, o.leftovers
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    assert not os.path.ismount(disk)
