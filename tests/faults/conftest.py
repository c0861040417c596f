"""The fault matrix's machinery: one real run (real adb server, sim device, Frida, mitmproxy,
UI observer) of a steady test app, one fault injected once every source has flushed rows, and
an outcome that says what the run ended as, what it kept, and what it left behind.

    outcome = fault_run(inject=lambda run: os.kill(run.ctx.pid, signal.SIGKILL))
    outcome.status, outcome.reason, outcome.rows_before, outcome.rows_kept, outcome.leftovers

Each outcome is also appended as one JSON line to $CONSENTRY_FAULT_RESULTS when it is set
(`make faults`), from which docs/reliability.md's table is written (tests/faults/table.py)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.journal import read_journal_rows
from harness.run import runner as runner_mod
from harness.run.context import RunContext

DATA = Path(__file__).resolve().parent / "data"
TABLES = ("api_calls", "flows", "ui", "steps", "consent")


@dataclass
class Outcome:
    fault: str
    status: str
    reason: str | None
    rows_before: dict[str, int]  # flushed to the journal when the fault was injected
    rows_kept: dict[str, int]  # in the run directory's tables at the end
    leftovers: list[str] = field(default_factory=list)
    run_dir: Path | None = None
    seconds: float = 0.0

    def lost(self) -> dict[str, int]:
        """Rows flushed before the fault but missing at the end (must be none)."""
        return {t: n - self.rows_kept.get(t, 0) for t, n in self.rows_before.items() if self.rows_kept.get(t, 0) < n}

    def record(self) -> None:
        target = os.environ.get("CONSENTRY_FAULT_RESULTS")
        if target:
            row = asdict(self) | {"run_dir": str(self.run_dir), "lost": self.lost()}
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")


@dataclass
class LiveRun:
    """What an injector can reach while the run goes on."""

    ctx: RunContext
    sim: Any  # tests.conftest.SimHandle


def journal_counts(run_dir: Path) -> dict[str, int]:
    return {t: len(read_journal_rows(run_dir, t)[0]) for t in TABLES}


def kept_counts(run_dir: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    out = {}
    for t in TABLES:
        p = run_dir / f"{t}.parquet"
        out[t] = pq.read_metadata(p).num_rows if p.exists() else 0
    # an interrupted compaction leaves journal rows: they are kept too (`consentry recover` compacts them)
    if (run_dir / "journal").is_dir():
        for t, n in journal_counts(run_dir).items():
            out[t] += n
    return out


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not a leftover that runs
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def leftovers(ctx: RunContext, sim: Any, out: Path, run_dir: Path, tmp: Path) -> list[str]:
    """What the run left behind: app or proxy processes, Frida sessions, the device's proxy
    setting, files outside the run directory (in --out and in the run's temporary directory)."""
    found = []
    if _pid_alive(ctx.pid):
        found.append(f"app process {ctx.pid} still running")
    proc = getattr(ctx.proxy, "_proc", None) if ctx.proxy is not None else None
    if proc is not None and proc.poll() is None:
        found.append(f"proxy process {proc.pid} still running")
    inst = ctx.instrument
    if inst is not None:
        live = [s.pid for s in inst._sessions.values() if s.detached is None]
        if live:
            found.append(f"Frida sessions still attached to {live}")
    if sim.device.state is not None and getattr(sim.device, "_loop", None) is not None:
        try:
            value = sim.device.state.settings_get("global", "http_proxy")
        except Exception:  # noqa: BLE001 - a stopped sim has no settings to read
            value = None
        if value not in (None, "", ":0", "null"):
            found.append(f"device global http_proxy left at {value!r}")
    if run_dir.stat().st_mode & 0o077:
        found.append(f"run directory readable by others (mode {run_dir.stat().st_mode & 0o777:o})")
    if (run_dir / ".space-reserve").exists():
        found.append("the run's space reserve was not given back")
    strays = [p.name for p in out.iterdir() if p != run_dir]
    if strays:
        found.append(f"files beside the run directory: {strays}")
    # Frida's own runtime directories (frida-*, idun-*) live as long as the frida library in this
    # process, whatever the runs: they are not a run's leftovers
    tmp_left = [p.name for p in tmp.iterdir() if not p.name.startswith(("frida-", "idun-"))]
    if tmp_left:
        found.append(f"temporary files left: {tmp_left}")
    return found


@pytest.fixture
def fault_run(make_sim_device, tmp_path, monkeypatch) -> Callable[..., Outcome]:
    """`fault_run(name, inject, scenario=..., when=..., sim_kwargs=..., options=...) -> Outcome`.

    `inject(LiveRun)` runs once `when(LiveRun)` holds (default: the app runs and API calls, flows
    and screens have been flushed to the journal), on a thread beside the run."""
    from harness.device import connect_device
    from harness.run.apk import read_apk
    from harness.run.runner import RunOptions, execute_run
    from harness.scenario.loader import parse_scenario
    from harness.sim.model import build_apk

    apk = read_apk(build_apk((DATA / "steady.yaml").read_bytes(), tmp_path / "steady.apk"))
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))

    def default_when(live: LiveRun) -> bool:
        c = journal_counts(live.ctx.run_dir)
        return live.ctx.pid is not None and c["api_calls"] > 0 and c["flows"] > 0 and c["ui"] > 0

    def run(name: str, inject: Callable[[LiveRun], None], *, scenario: str = "launch\n  - wait: 25",
            when: Callable[[LiveRun], bool] = default_when, sim_kwargs: dict | None = None,
            options: dict | None = None, out: Path | None = None, sim: Any = None) -> Outcome:
        sim = sim or make_sim_device(apps=[], **(sim_kwargs or {}))
        out = out or tmp_path / "runs"
        sc = parse_scenario(f"name: fault\nsteps:\n  - {scenario}\n", f"{name}.yaml")
        captured: dict[str, Any] = {}
        real_run_steps = runner_mod.run_steps

        def spy(ctx, scenario_, monitor):
            captured["ctx"] = ctx
            return real_run_steps(ctx, scenario_, monitor)

        monkeypatch.setattr(runner_mod, "run_steps", spy)
        before: dict[str, int] = {}
        errors: list[BaseException] = []

        def injector() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                ctx = captured.get("ctx")
                if ctx is not None and when(LiveRun(ctx, sim)):
                    before.update(journal_counts(ctx.run_dir))
                    try:
                        inject(LiveRun(ctx, sim))
                    except BaseException as exc:  # noqa: BLE001 - reported by the test
                        errors.append(exc)
                    return
                time.sleep(0.05)
            errors.append(TimeoutError("the run never reached the point of the fault"))

        thread = threading.Thread(target=injector, daemon=True)
        thread.start()
        started = time.monotonic()
        result = execute_run(connect_device(sim.serial), apk, sc, RunOptions(out=out, **(options or {})))
        seconds = time.monotonic() - started
        thread.join(timeout=30)
        assert not errors, errors
        ctx = captured["ctx"]
        outcome = Outcome(name, result.status, result.reason, before, kept_counts(result.run_dir),
                          leftovers(ctx, sim, out, result.run_dir, private_tmp), result.run_dir, round(seconds, 1))
        outcome.record()
        return outcome

    return run
