"""Suites: apps x scenarios across devices, one run per device at a time, devices in parallel.

Resumable: a (device, app, scenario) whose run in the output folder is `complete` is skipped, so
a suite interrupted by a crash or Ctrl-C picks up where it stopped."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.device import connect_device
from harness.errors import ConsentryError, DeviceError
from harness.run.apk import ApkInfo
from harness.run.runner import RunOptions, RunResult, execute_run
from harness.scenario.model import Scenario


@dataclass(frozen=True)
class Job:
    app: ApkInfo
    scenario: Scenario


def completed_runs(out: Path) -> dict[tuple[str, str, str, str], Path]:
    """(serial, package, app sha256, scenario sha256) -> run dir of every complete run under `out`."""
    done: dict[tuple[str, str, str, str], Path] = {}
    for manifest in Path(out).glob("*/manifest.json"):
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if m.get("status") == "complete":
            key = (m.get("device", {}).get("serial", ""), m.get("app", {}).get("package", ""),
                   m.get("app", {}).get("sha256", ""), m.get("scenario", {}).get("sha256", ""))
            done[key] = manifest.parent
    return done


def run_suite(
    jobs: list[Job],
    serials: list[str],
    options: RunOptions,
    on_event: Callable[[str, str, Job, RunResult | None], None] | None = None,
) -> list[RunResult]:
    """Run every job on one of the devices; each device runs one job at a time.

    Jobs are shared by all devices (a job runs once, on whichever device is free), since the
    question is about the app, not the device. `on_event(kind, serial, job, result)` is called
    with kind `start`, `done` or `skip` for progress displays."""
    Path(options.out).mkdir(parents=True, exist_ok=True)
    done = completed_runs(options.out)
    pending: queue.Queue[Job] = queue.Queue()
    results: list[RunResult] = []
    failures: list[str] = []
    lock = threading.Lock()
    for job in jobs:
        if any(k[1] == job.app.package and k[2] == job.app.sha256 and k[3] == job.scenario.sha256 for k in done):
            if on_event:
                on_event("skip", "", job, None)
            continue
        pending.put(job)

    def worker(serial: str) -> None:
        try:
            device = connect_device(serial)
        except ConsentryError as exc:
            failures.append(f"{serial}: {exc}")
            return
        while True:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            if on_event:
                on_event("start", serial, job, None)
            try:
                result = execute_run(device, job.app, job.scenario, options)
            except ConsentryError as exc:
                # The device could not even start the run: give the job back to the others.
                pending.put(job)
                failures.append(f"{serial}: {exc}")
                if on_event:
                    on_event("lost", serial, job, None)
                return
            with lock:
                results.append(result)
            if on_event:
                on_event("done", serial, job, result)

    threads = [threading.Thread(target=worker, args=(s,), name=f"suite-{s}", daemon=True) for s in serials]
    if options.capture:
        from harness.capture import process

        process.keep_warm(len(serials))  # each run's proxy child is already past its imports
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        if options.capture:
            process.keep_warm(0)
    if not pending.empty() and failures:
        raise DeviceError("no device left to run the remaining jobs: " + "; ".join(failures))
    return results
