"""The client side of the farm: submit what is left, retry infrastructure failures elsewhere, and
account for every job.

Each outcome is taken from its future as soon as it completes and the future released, so no
result sits in a worker's memory for Dask to recompute when that worker goes away. A job is
resubmitted (bounded by `max_attempts`) only when its attempt reports an infrastructure failure
or its worker died under it; the retry prefers other workers and, on the same worker, other
devices."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.farm.jobs import FarmJob
from harness.farm.layout import FarmOut, Published
from harness.farm.task import EVENT_TOPIC, RunSettings, run_job


@dataclass
class FarmState:
    """What the progress display and the summary read; updated from two threads."""

    total: int
    skipped: int = 0  # published before this client started
    published: int = 0
    retried: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # job key -> why it has no published run
    duplicates: int = 0
    running: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # job key -> (worker, device, label)
    dropped: dict[str, str] = field(default_factory=dict)  # "worker device" -> why
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> int:
        return self.skipped + self.published + len(self.failed)


@dataclass(frozen=True)
class FarmResult:
    jobs: list[FarmJob]
    published: dict[str, Published]  # job key -> its run (this suite's jobs only)
    state: FarmState
    elapsed_s: float

    def run_dirs(self) -> list[Path]:
        return sorted(p.run_dir for p in self.published.values())


def run_farm(client: Any, jobs: list[FarmJob], out: Path, settings: RunSettings, *, max_attempts: int = 3,
             state: FarmState | None = None, on_change: Callable[[FarmState], None] | None = None) -> FarmResult:
    """Run every job not yet published under `out` on the cluster behind `client`; `state` (given
    to show progress) is kept up to date and `on_change` called after each change."""
    from distributed import as_completed

    started = time.monotonic()
    farm = FarmOut(Path(out))
    state = state or FarmState(total=len(jobs))
    todo = [j for j in jobs if not farm.is_published(j.job_key)]
    state.skipped = len(jobs) - len(todo)
    notify = on_change or (lambda s: None)
    client.subscribe_topic(EVENT_TOPIC, lambda event: _on_event(state, event[1], notify))
    queue = as_completed()
    submitted: dict[str, tuple[FarmJob, int, tuple[str, ...], tuple[str, ...]]] = {}

    def submit(job: FarmJob, attempt: int, avoid: tuple[str, ...], avoid_workers: tuple[str, ...]) -> None:
        restrict: dict[str, Any] = {}
        if avoid_workers:
            others = [addr for addr, w in client.scheduler_info(n_workers=-1)["workers"].items()
                      if str(w.get("name")) not in avoid_workers and addr not in avoid_workers]
            if others:
                restrict = {"workers": others, "allow_other_workers": True}
        future = client.submit(run_job, job, str(out), settings, attempt, max_attempts, avoid,
                               key=f"consentry-farm-{job.job_key}-a{attempt}", resources={"emulator": 1},
                               pure=False, **restrict)
        submitted[future.key] = (job, attempt, avoid, avoid_workers)
        queue.add(future)

    for job in todo:
        submit(job, 1, (), ())
    notify(state)
    for future in queue:
        job, attempt, avoid, avoid_workers = submitted.pop(future.key)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, a worker's error: an attempt without result
            outcome = {"outcome": "retry" if attempt < max_attempts else "failed",
                       "reason": f"{type(exc).__name__}: {exc}", "worker": None, "device": None}
        future.release()
        kind = outcome.get("outcome")
        with state.lock:
            state.running.pop(job.job_key, None)
            for serial, why in (outcome.get("dropped") or {}).items():
                state.dropped[f"{outcome.get('worker')} {serial}"] = why
            if kind == "retry":
                state.retried += 1
            elif kind in ("published", "already", "duplicate"):
                state.published += 1
                state.duplicates += kind == "duplicate"
            else:
                state.failed[job.job_key] = str(outcome.get("reason"))
        if kind == "retry":
            device, worker = outcome.get("device"), outcome.get("worker")
            submit(job, attempt + 1, avoid + ((device,) if device else ()),
                   avoid_workers + ((str(worker),) if worker else ()))
        notify(state)
    published = {j.job_key: p for j in jobs if (p := farm.published_run(j.job_key)) is not None}
    for key in published:
        state.failed.pop(key, None)  # published by an attempt this client lost track of
    return FarmResult(jobs, published, state, time.monotonic() - started)


def _on_event(state: FarmState, msg: Any, notify: Callable[[FarmState], None]) -> None:
    if not isinstance(msg, dict):
        return
    with state.lock:
        if msg.get("kind") == "start":
            label = f"{msg.get('package')}/{msg.get('scenario')}"
            state.running[str(msg.get("job_key"))] = (str(msg.get("worker")), str(msg.get("device")), label)
        elif msg.get("kind") == "end":
            current = state.running.get(str(msg.get("job_key")))
            if current and current[1] == str(msg.get("device")):
                state.running.pop(str(msg.get("job_key")), None)
        elif msg.get("kind") == "drop":
            state.dropped[f"{msg.get('worker')} {msg.get('device')}"] = str(msg.get("reason"))
    notify(state)
