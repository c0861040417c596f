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
import shutil
import tempfile
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
    from harness.instrument.jvm import run_jvm
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
    out = work / "errors.tsv"
    run = run_jvm(cat, jars.classpath, "consentry.exercise.Main", [str(out)], Path(str(out) + ".done"),
                  work / "run", timeout=timeout)
    errors = _errors(out)
    results = _judge(plan, run.rows, run.stacks, errors, run.warnings, run.java_ready)
    if own:
        shutil.rmtree(work, ignore_errors=True)
    return results


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
    install: dict[str, list[str]] = {}  # entry id -> "code: detail" of its install warnings
    stack_failed: dict[str, list[str]] = {}  # entry id -> why its stack could not be taken
    for w in warnings:
        code = w.get("code")
        for i in w.get("ids") or []:
            if code in INSTALL_WARNINGS:
                install.setdefault(i, []).append(f"{code}: {w.get('detail')}")
            elif code == "stack-failed":
                stack_failed.setdefault(i, []).append(str(w.get("detail")))
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
            if r.top_frame is None:  # why, so a missing caller is diagnosable from the report alone
                sid = first.get("stack_id")
                r.reason = (f"stack {sid} never arrived" if sid and sid not in stacks else
                            "stack without an app-level frame" if sid else
                            "no stack: " + ("; ".join(stack_failed.get(p["id"], [])) or "none taken"))
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
        r.reason = "; ".join(problems) or r.reason
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
