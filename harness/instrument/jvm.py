"""Run one Java program on HotSpot under the agent, spawn-gated, and collect what it recorded.

The program is spawned suspended through Frida; the agent waits for the JVM (JNI_CreateJavaVM)
and installs the Java entries before main(). The program signals the end of its work by creating
a file; the host then flushes the agent and kills the JVM (unloading hooks from a running JVM can
crash it). Used by `consentry hooks exercise` and by tests of Java apps on the generated framework."""

from __future__ import annotations

import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.catalogue import Catalogue
from harness.errors import AgentError


@dataclass
class JvmRun:
    rows: list[dict[str, Any]]  # api_calls rows, in time order
    stacks: dict[str, list[str]]
    warnings: list[dict[str, Any]]
    java_ready: dict[int, Any]
    run_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)


def java_binary() -> str:
    java = shutil.which("java")
    if java is None:
        raise AgentError("java not found: install openjdk-17-jdk-headless (make setup does)")
    return os.path.realpath(java)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        wpid, _ = os.waitpid(pid, os.WNOHANG)
        return wpid == 0
    except ChildProcessError:
        return True


def run_jvm(catalogue: Catalogue, classpath: str, main: str, args: list[str], done: Path, run_dir: Path, *,
            timeout: float = 180.0, env: dict[str, str] | None = None) -> JvmRun:
    """Spawn `java -cp classpath main args` with every entry of `catalogue` hooked; wait for
    `done` to exist; return the rows. Raises AgentError when the JVM dies or times out first."""
    import pyarrow.parquet as pq

    from harness.instrument import Instrument
    from harness.journal import Journal, compact

    journal = Journal(run_dir, writer_tag="jvm")
    inst = Instrument(journal, run_dir, time.time_ns(), catalogue=catalogue, hook_ids={h.id for h in catalogue.hooks})
    pid = None
    old_env = {k: os.environ.get(k) for k in (env or {})}
    try:
        os.environ.update(env or {})
        pid = inst.spawn_and_attach([java_binary(), "-Xshare:auto", "-cp", classpath, main, *args])
        inst.resume()
        deadline = time.monotonic() + timeout
        while not done.exists():
            if time.monotonic() > deadline:
                raise AgentError(f"the JVM (pid {pid}, {main}) did not finish within {timeout:.0f} s")
            if not alive(pid):
                raise AgentError(f"the JVM (pid {pid}, {main}) exited before finishing")
            time.sleep(0.05)
        inst.flush()
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if pid is not None and alive(pid):
            os.kill(pid, signal.SIGKILL)  # kill, never unload hooks from a live JVM
        inst.stop()
        journal.close()
    compact(run_dir)
    rows: list[dict[str, Any]] = []
    if (run_dir / "api_calls.parquet").exists():
        rows = sorted(pq.read_table(run_dir / "api_calls.parquet").to_pylist(), key=lambda r: r["t_ns"])
    stacks: dict[str, list[str]] = {}
    if (run_dir / "stacks.parquet").exists():
        stacks = {r["stack_id"]: r["frames"] for r in pq.read_table(run_dir / "stacks.parquet").to_pylist()}
    return JvmRun(rows, stacks, list(inst.writer.warnings), dict(inst.writer.java_ready), run_dir)
