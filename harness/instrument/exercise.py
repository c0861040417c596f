"""`consentry hooks exercise`: every Java catalogue entry, every overload, called once on a JVM with
the agent in, and judged by what the agent recorded.

The program (harness/sim/java: generated framework + Calls.java) is spawned suspended through
Frida, the agent waits for the JVM (JNI_CreateJavaVM) and installs every Java entry plus one
marker hook (`consentry.exercise.Probe.mark(int)`) before main(). Each planned call is preceded
by mark(i), so the rows between two marks are the events one app-level call produced. An entry
is `ok` only when it installed and gave exactly one event for each of its calls; the JVM is
killed at the end (unloading hooks from a running JVM can crash it)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.catalogue import Catalogue, Hook, load_catalogue
from harness.errors import AgentError

PROBE = Hook.model_validate({
    "id": "exercise.mark", "layer": "java", "class": "consentry.exercise.Probe", "method": "mark",
    "overloads": [["int"]], "category": "ui", "pi": False, "stack": False,
})
INSTALL_WARNINGS = ("class-missing", "method-missing", "overload-missing", "hook-failed", "java-unavailable")


@dataclass
class EntryResult:
    """One line of the report (DESIGN.md: `consentry hooks exercise --json`)."""

    id: str
    cls: str
    method: str
    overload: str
    status: str  # ok | failed | skipped
    events_per_call: int | None = None
    fields: Any = None
    top_frame: str | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "class": self.cls, "method": self.method, "overload": self.overload,
                "status": self.status, "events_per_call": self.events_per_call, "fields": self.fields,
                "top_frame": self.top_frame, "reason": self.reason}


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise AgentError("java not found: install openjdk-17-jdk-headless (make setup does)")
    return os.path.realpath(java)


def _windows(rows: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Split the api rows (in the agent's order) at the marker rows: (call index, its rows)."""
    current: int | None = None
    bucket: list[dict[str, Any]] = []
    for r in rows:
        if r["hook_id"] == PROBE.id:
            if current is not None:
                yield current, bucket
            args = json.loads(r["args"]) if isinstance(r["args"], str) else r["args"]
            current = int(args[0]) if isinstance(args, list) and args else None
            if current == -1:
                current = None
            bucket = []
        elif current is not None:
            bucket.append(r)
    if current is not None:
        yield current, bucket


def _top_frame(frames: list[str] | None, method: str) -> str | None:
    """The app-level caller: the first frame below the agent's Throwable and the hooked method
    itself (which shows as a native frame, as hooked methods do on ART)."""
    own = f".{'<init>' if method == '$init' else method}("
    rest = [f for f in frames or [] if not f.startswith(("java.lang.Throwable.", "java.lang.Exception."))]
    if rest and own in rest[0]:
        rest = rest[1:]
    return rest[0] if rest else None


def run_exercise(catalogue: Catalogue | None = None, *, timeout: float = 180.0,
                 work: Path | None = None) -> list[EntryResult]:
    """Build (when stale) and run the exercise program; one result per planned call or skip."""
    import pyarrow.parquet as pq

    from harness.instrument import Instrument
    from harness.journal import Journal, compact
    from harness.sim.java.build import JavaBuildError, build

    catalogue = catalogue or load_catalogue()
    try:
        jars = build()
    except JavaBuildError as exc:
        raise AgentError(f"cannot build the exercise program: {exc}") from exc
    plan = json.loads(jars.calls.read_text(encoding="utf-8"))
    java_hooks = [h for h in catalogue.hooks if h.layer == "java"]
    cat = Catalogue(version=catalogue.version, paths=catalogue.paths, refs=catalogue.refs,
                    hooks=(*java_hooks, PROBE))
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="consentry-exercise-")) if work is None else work
    run_dir = work / "run"
    out = work / "errors.tsv"
    journal = Journal(run_dir, writer_tag="exercise")
    t0 = time.time_ns()
    inst = Instrument(journal, run_dir, t0, catalogue=cat, hook_ids={h.id for h in cat.hooks})
    pid = None
    try:
        pid = inst.spawn_and_attach([_java(), "-Xshare:auto", "-cp", jars.classpath, "consentry.exercise.Main",
                                     str(out)])
        inst.resume()
        done = Path(str(out) + ".done")
        deadline = time.monotonic() + timeout
        while not done.exists():
            if time.monotonic() > deadline:
                raise AgentError(f"the exercise JVM (pid {pid}) did not finish within {timeout:.0f} s")
            if not _alive(pid):
                raise AgentError(f"the exercise JVM (pid {pid}) exited before finishing; see {out}")
            time.sleep(0.05)
        inst.flush()
    finally:
        if pid is not None and _alive(pid):
            os.kill(pid, signal.SIGKILL)  # kill, never unload hooks from a live JVM
        inst.stop()
        journal.close()
    compact(run_dir)
    calls = pq.read_table(run_dir / "api_calls.parquet").to_pylist() if (run_dir / "api_calls.parquet").exists() else []
    stacks = {}
    if (run_dir / "stacks.parquet").exists():
        stacks = {r["stack_id"]: r["frames"] for r in pq.read_table(run_dir / "stacks.parquet").to_pylist()}
    errors = _errors(out)
    results = _judge(plan, calls, stacks, errors, inst.writer.warnings, inst.writer.java_ready)
    if own:
        shutil.rmtree(work, ignore_errors=True)
    return results


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        wpid, _ = os.waitpid(pid, os.WNOHANG)
        return wpid == 0
    except ChildProcessError:
        return True


def _errors(path: Path) -> dict[int, str]:
    out: dict[int, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            i, _, msg = line.partition("\t")
            if i.strip().lstrip("-").isdigit():
                out[int(i)] = msg[:300]
    return out


def _judge(plan: list[dict[str, Any]], calls: list[dict[str, Any]], stacks: dict[str, list[str]],
           errors: dict[int, str], warnings: list[dict[str, Any]], java_ready: dict[int, Any]) -> list[EntryResult]:
    calls = sorted(calls, key=lambda r: r["t_ns"])  # stable: rows of one batch keep the agent's order
    by_call = dict(_windows(calls))
    install: dict[str, list[str]] = {}
    for w in warnings:
        if w.get("code") in INSTALL_WARNINGS:
            for i in w.get("ids") or []:
                install.setdefault(i, []).append(f"{w['code']}: {w.get('detail')}")
    out: list[EntryResult] = []
    for p in plan:
        r = EntryResult(p["id"], p["cls"], p["method"], p["overload"], "skipped", reason=p.get("reason", ""))
        if p["status"] == "skipped":
            out.append(r)
            continue
        rows = by_call.get(p["index"], [])
        mine = [x for x in rows if x["hook_id"] == p["id"]]
        others = sorted({x["hook_id"] for x in rows if x["hook_id"] != p["id"]})
        r.events_per_call = len(mine)
        if mine:
            first = mine[0]
            r.fields = {"args": _loads(first.get("args")), "ret": _loads(first.get("ret")),
                        "category": first.get("category")}
            r.top_frame = _top_frame(stacks.get(first.get("stack_id") or ""), p["method"])
        problems = []
        if not java_ready:
            problems.append("the agent's Java hooks never went in (no agent:java message)")
        problems += install.get(p["id"], [])
        if p["index"] in errors:
            problems.append(f"the call threw {errors[p['index']]}")
        if len(mine) != 1:
            problems.append(f"{len(mine)} events for one app-level call")
        if others:
            problems.append(f"the call also recorded {', '.join(others)}")
        r.status = "failed" if problems else "ok"
        r.reason = "; ".join(problems)
        out.append(r)
    return out


def _loads(v: Any) -> Any:
    if isinstance(v, float) and v != v:  # NaN: a missing value in the table
        return None
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v
