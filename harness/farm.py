"""Beyond one host: runs as tasks on a Dask distributed cluster.

Workers on emulator hosts declare `--resources emulator=N` and own a pool of N devices (adb serials
from `CONSENTRY_DEVICES`, or given by `assign_devices`). Each task acquires a free device from its
worker's pool, runs one (app, scenario), and sends the run directory to `out`: a local folder the
workers share, or any fsspec URL (s3://, gcs://, file://). The scheduler's resource accounting
guarantees at most N concurrent runs per worker, hence one run per device at a time."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

_POOL_LOCK = threading.Lock()
_POOL: list[str] | None = None
_BUSY: set[str] = set()


def set_device_pool(serials: list[str]) -> int:
    """Give this worker process its devices (run with `client.run(set_device_pool, [...], workers=[addr])`)."""
    global _POOL
    with _POOL_LOCK:
        _POOL = list(serials)
        _BUSY.clear()
    return len(serials)


def _acquire() -> str:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            env = os.environ.get("CONSENTRY_DEVICES", "")
            if env:
                _POOL = [s for s in env.split(",") if s]
            else:
                from harness.device import list_devices

                _POOL = list_devices()
        free = [s for s in _POOL if s not in _BUSY]
        if not free:
            from harness.errors import DeviceError

            raise DeviceError(f"no free device in this worker's pool ({_POOL}); declare `emulator=` to match it")
        _BUSY.add(free[0])
        return free[0]


def _release(serial: str) -> None:
    with _POOL_LOCK:
        _BUSY.discard(serial)


def _ship(run_dir: Path, out: str) -> str:
    """Copy the run directory to `out` when it is a remote fsspec URL; return where it lives."""
    if "://" not in out or out.startswith("file://"):
        return str(run_dir)
    import fsspec

    fs, root = fsspec.core.url_to_fs(out)
    target = f"{root.rstrip('/')}/{run_dir.name}"
    fs.put(str(run_dir), target, recursive=True)
    return f"{out.rstrip('/')}/{run_dir.name}"


def run_task(apk_name: str, apk_bytes: bytes, scenario_text: str, scenario_source: str, out: str,
             time_scale: float) -> dict[str, Any]:
    """One run on one of this worker's devices (executed on the worker)."""
    import tempfile

    from harness.device import connect_device
    from harness.run.apk import read_apk
    from harness.run.runner import RunOptions, execute_run
    from harness.scenario.loader import parse_scenario

    scenario = parse_scenario(scenario_text, scenario_source)
    work = Path(tempfile.mkdtemp(prefix="consentry-farm-"))
    apk_path = work / apk_name
    apk_path.write_bytes(apk_bytes)
    local_out = Path(out[len("file://"):]) if out.startswith("file://") else (
        Path(out) if "://" not in out else work / "runs")
    serial = _acquire()
    try:
        result = execute_run(connect_device(serial), read_apk(apk_path), scenario, RunOptions(out=local_out,
                                                                                              time_scale=time_scale))
    finally:
        _release(serial)
    return {"run_id": result.run_id, "run_dir": _ship(result.run_dir, out), "status": result.status,
            "reason": result.reason, "package": result.package, "scenario": result.scenario,
            "serial": serial, "findings": result.findings, "duration_s": result.duration_s}


def submit_jobs(client: Any, jobs: list[Any], out: str, time_scale: float) -> list[dict[str, Any]]:
    """Submit (app, scenario) jobs to the cluster; every task needs one `emulator` resource."""
    futures: list[Any] = []  # dask futures (the client is duck-typed)
    for job in jobs:
        scenario_text = Path(job.scenario.source).read_text(encoding="utf-8")
        futures.append(client.submit(
            run_task, Path(job.app.path).name, Path(job.app.path).read_bytes(), scenario_text,
            job.scenario.source, out, time_scale, resources={"emulator": 1}, pure=False,
            key=f"run-{job.app.package}-{job.scenario.name}-{len(futures)}",
        ))
    return client.gather(futures)


def submit_suite(suite: str, scheduler: str, out: str, *, time_scale: float | None = None) -> list[dict[str, Any]]:
    from distributed import Client

    from harness.run.apk import read_apk
    from harness.run.apps import expand_app_refs
    from harness.run.suite import Job
    from harness.scenario import load_suite, resolve_scenario

    spec = load_suite(suite)
    base = Path(spec.source).parent if spec.source else None
    apps = [read_apk(ref) for ref in expand_app_refs(list(spec.apps), base)]
    jobs = [Job(app, resolve_scenario(name, base)) for name in spec.scenarios for app in apps]
    with Client(scheduler) as client:
        return submit_jobs(client, jobs, out, time_scale or spec.time_scale)
