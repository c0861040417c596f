"""One attempt of one job, executed on a Dask worker.

The attempt never trusts that it is the only one: it skips a job already published, runs into its
own staging folder, and publishes with one atomic rename that only one attempt can win. Whether a
run that did not complete is the app's doing (published: it is a result) or the infrastructure's
(kept aside and retried elsewhere) is decided from evidence: the device no longer answers, or the
worker is stopping."""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConsentryError
from harness.farm.jobs import FarmJob
from harness.farm.layout import ATTEMPTS, DUPLICATES, FarmOut
from harness.farm.pool import DevicePool, device_pool
from harness.run.manifest import read_manifest, utc_now, write_manifest

EVENT_TOPIC = "consentry-farm"


@dataclass(frozen=True)
class RunSettings:
    time_scale: float = 1.0
    instrument: bool = True
    capture: bool = True
    analyse: bool = True


def run_job(job: FarmJob, out: str, settings: RunSettings, attempt: int = 1, max_attempts: int = 3,
            avoid: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run `job` once on a free device of this worker and publish it; returns the outcome record
    (`published`, `already`, `duplicate`, `retry` or `failed`)."""
    farm = FarmOut(Path(out))
    worker = worker_name()
    base = {"job_key": job.job_key, "package": job.package, "scenario": job.scenario_name, "worker": worker,
            "attempt": attempt}
    published = farm.published_run(job.job_key)
    if published is not None:  # another attempt won, or a lost worker's result is being recomputed
        return {**base, **_published_fields(published.run_dir, published.manifest), "outcome": "already"}
    pool = device_pool()
    serial = pool.acquire(set(avoid))
    if serial is None:
        return {**base, "outcome": "retry" if attempt < max_attempts else "failed", "device": None,
                "reason": f"no device left in the pool of worker {worker}", "dropped": dict(pool.dropped)}
    attempt_id = f"{utc_now().replace(':', '').replace('-', '')[:15]}-{uuid.uuid4().hex[:8]}"
    record = {**base, "attempt_id": attempt_id, "device": serial, "host": socket.gethostname(), "pid": os.getpid(),
              "started": utc_now(), "ended": None, "outcome": "running", "status": None, "reason": None}
    farm.write_attempt(record)
    pool.running[attempt_id] = lambda why: farm.write_attempt(
        {**record, "outcome": "no-result", "reason": why, "ended": utc_now()})
    emit("start", record)
    infra: str | None = None
    run_dir: Path | None = None
    try:
        run_dir, infra, device_fault = _execute(job, farm.staging_dir(attempt_id, job.job_key), serial, settings,
                                                pool)
    except Exception as exc:  # noqa: BLE001 - a harness bug: the device goes back, the attempt is recorded
        staged = sorted(farm.staging_dir(attempt_id, job.job_key).glob("*/manifest.json"))
        run_dir, infra, device_fault = (staged[0].parent if staged else None), f"internal error: {exc!r}", False
    finally:
        pool.running.pop(attempt_id, None)
    manifest = read_manifest(run_dir) if run_dir else {}
    record.update(ended=utc_now(), status=manifest.get("status") or "failed",
                  reason=infra or manifest.get("reason"), run_id=manifest.get("run_id"))
    left = pool.release(serial, failed=infra if device_fault else None)
    if left:
        _shrink_resources(pool)
        emit("drop", {"worker": worker, "device": serial, "reason": pool.dropped[serial]})
    outcome = {**base, "attempt_id": attempt_id, "device": serial, "dropped": dict(pool.dropped)}
    if infra and attempt < max_attempts or run_dir is None:
        where = farm.set_aside(attempt_id, job.job_key, ATTEMPTS)
        record["outcome"] = "retry" if attempt < max_attempts else "failed"
        record["kept"] = str(where) if where else None
        farm.write_attempt(record)
        emit("end", record)
        return {**outcome, "outcome": record["outcome"], "reason": record["reason"], "status": record["status"]}
    # The record says `publishing` until the rename is done: a worker killed in between leaves a
    # staged run and a record that does not claim a result it never published.
    record["outcome"] = "publishing"
    farm.write_attempt(record)
    history = [row for row in attempt_history(farm, job.job_key) if row["attempt_id"] != attempt_id]
    history.append({**_history_row(record), "outcome": "published"})  # true once anyone can read it
    manifest["farm"] = {"job_key": job.job_key, "suite": job.suite, "repetition": job.repetition,
                        "attempt_id": attempt_id, "worker": worker, "attempts": history}
    write_manifest(run_dir, manifest)
    won = farm.publish(attempt_id, job.job_key)
    record["outcome"] = "published" if won else "duplicate"
    farm.write_attempt(record)
    if not won:
        kept = farm.root / DUPLICATES / job.job_key / attempt_id / run_dir.name
        history[-1]["outcome"] = "duplicate"
        write_manifest(kept, manifest)
    emit("end", record)
    final = farm.published_run(job.job_key)
    fields = _published_fields(final.run_dir, final.manifest) if final else {}
    return {**outcome, **fields, "outcome": record["outcome"], "duplicate_of": None if won else fields.get("run_id")}


def _execute(job: FarmJob, staging: Path, serial: str, settings: RunSettings,
             pool: DevicePool) -> tuple[Path | None, str | None, bool]:
    """Run the job into `staging`: (run directory or None, infrastructure failure or None, whether
    the device is at fault). A run that `failed` never started, so it says nothing about the app: it
    is retried, but held against the device only when the device no longer answers."""
    from harness.device import connect_device
    from harness.run.apk import read_apk
    from harness.run.runner import RunOptions, execute_run
    from harness.scenario.loader import parse_scenario

    scenario = parse_scenario(job.scenario_text, job.scenario_source)
    apk = _APKS.get(job.app_sha256) or _APKS.setdefault(job.app_sha256, read_apk(_apk_file(job)))
    staging.mkdir(parents=True, exist_ok=True)
    try:
        device = connect_device(serial)
    except ConsentryError as exc:
        return None, f"device {serial} unusable: {exc}", True
    options = RunOptions(out=staging, time_scale=settings.time_scale, instrument=settings.instrument,
                         capture=settings.capture, analyse=settings.analyse)
    result = execute_run(device, apk, scenario, options)
    if pool.closing:
        return result.run_dir, pool.closing, False
    if result.status == "complete":
        return result.run_dir, None, False
    if not device.alive():
        return result.run_dir, f"device {serial} went away: {result.reason}", True
    if result.status == "failed":
        return result.run_dir, f"the run could not start: {result.reason}", False
    return result.run_dir, None, False  # incomplete with the device there: the app's doing (a crash), a result


_APKS: dict[str, Any] = {}  # app sha256 -> ApkInfo, read once per worker process


def _apk_file(job: FarmJob) -> Path:
    """The job's APK on this worker, written once per content hash."""
    folder = Path(tempfile.gettempdir()) / f"consentry-farm-apks-{os.getuid()}" / job.app_sha256
    path = folder / job.apk_name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{job.apk_name}.{os.getpid()}.{uuid.uuid4().hex[:6]}"
        tmp.write_bytes(job.apk_bytes)
        os.replace(tmp, path)
    return path


def attempt_history(farm: FarmOut, job_key: str) -> list[dict[str, Any]]:
    """Every attempt of the job so far, for the published manifest. An attempt still `running`
    here has no result: its worker or device went away (or it is still going, and will be kept
    aside as a duplicate)."""
    history = []
    for rec in farm.attempts(job_key):
        row = _history_row(rec)
        if row["outcome"] in ("running", "publishing"):
            row["outcome"] = "no-result"
            row["reason"] = row["reason"] or "ended without a result: its worker or device went away"
        history.append(row)
    return history


def _history_row(record: dict[str, Any]) -> dict[str, Any]:
    keep = ("attempt_id", "attempt", "worker", "device", "started", "ended", "outcome", "status", "reason")
    return {k: record.get(k) for k in keep}


def _published_fields(run_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    farm = manifest.get("farm") or {}
    return {"run_id": manifest.get("run_id"), "run_dir": str(run_dir), "status": manifest.get("status"),
            "reason": manifest.get("reason"), "published_device": (manifest.get("device") or {}).get("serial"),
            "published_worker": farm.get("worker"), "duration_s": manifest.get("duration_s"),
            "attempts": len(farm.get("attempts") or []) or 1}


def worker_name() -> str:
    try:
        from distributed import get_worker

        w = get_worker()
        return str(w.name if w.name is not None else w.address)
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def emit(kind: str, record: dict[str, Any]) -> None:
    """An event for clients watching the farm (`Client.subscribe_topic`); nothing without a worker."""
    try:
        from distributed import get_worker

        w = get_worker()
    except (ImportError, ValueError):
        return
    w.log_event(EVENT_TOPIC, {"kind": kind, **{k: v for k, v in record.items() if isinstance(v, str | int | float | None)}})


def _shrink_resources(pool: DevicePool) -> None:
    """Tell the scheduler this worker now has fewer devices; with none left the worker retires
    (the scheduler moves its tasks elsewhere: a task already assigned to it would otherwise wait
    for a device that will not come back)."""
    try:
        from distributed import get_worker

        w = get_worker()
    except (ImportError, ValueError):
        return
    if pool.size() == 0:
        w.loop.add_callback(w.close_gracefully, reason="no device left in its pool")
    else:
        w.loop.add_callback(w.set_resources, emulator=pool.size())
