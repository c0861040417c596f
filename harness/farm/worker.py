"""`consentry farm worker`: a Dask worker that owns the devices of its host.

It finds its devices (adb, or the serials given), keeps those that pass `doctor`, declares one
`emulator` resource per device and one thread per device, and serves until stopped. On SIGTERM or
SIGINT it records each run in progress as ended by the worker's stop (so the published run's
manifest says why an attempt was lost), leaves the scheduler, which gives those jobs to other
workers, and exits without waiting for the runs' threads."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from rich.console import Console

from harness.errors import DeviceError
from harness.farm.gate import device_passes_doctor
from harness.farm.pool import device_pool, set_device_pool
from harness.run.gate import EXIT_INFRA, EXIT_OK

console = Console(stderr=True)


def discover(devices: str) -> list[str]:
    """`auto`: every device the adb server lists; else comma-separated serials."""
    if devices.strip() == "auto":
        from harness.device import list_devices

        return list_devices()
    return [s.strip() for s in devices.split(",") if s.strip()]


def checked_devices(serials: list[str], doctor: bool = True) -> list[str]:
    """The devices that pass doctor; the others are reported and left out."""
    kept = []
    for serial in serials:
        ok, why = device_passes_doctor(serial) if doctor else (True, "not checked")
        if ok:
            kept.append(serial)
        else:
            console.print(f"[red]device {serial} left out[/]: {why}")
    return kept


def serve_worker(scheduler: str, devices: str = "auto", *, name: str | None = None, host: str | None = None,
                 doctor: bool = True) -> int:
    serials = checked_devices(discover(devices), doctor)
    if not serials:
        raise DeviceError(f"no device for this worker ({devices}) passed doctor: nothing to offer the farm")
    set_device_pool(serials)
    import harness.run.runner  # noqa: F401 - imported now, not in the first task's run time
    import harness.scenario.loader  # noqa: F401
    from harness.capture import process

    process.keep_warm(len(serials))  # each run's proxy child is already past its imports, as in `suite`
    console.print(f"farm worker {name or ''} offering {len(serials)} device(s): {', '.join(serials)}")
    stopped_by = asyncio.run(_serve(scheduler, len(serials), name, host))
    pool = device_pool()
    for serial, why in pool.dropped.items():
        console.print(f"[red]device {serial} taken out of the pool[/]: {why}")
    sys.stdout.flush()
    sys.stderr.flush()
    if stopped_by:
        os._exit(0)  # the runs' threads were abandoned on purpose; do not wait for them
    if pool.size() == 0:
        console.print("farm worker: no device left, left the farm")
        return EXIT_INFRA
    return EXIT_OK


async def _serve(scheduler: str, n: int, name: str | None, host: str | None) -> str | None:
    from distributed import Worker

    worker = await Worker(scheduler, nthreads=n, resources={"emulator": n}, name=name, host=host)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    why: list[str] = []

    def on_signal(sig: signal.Signals) -> None:
        why.append(sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    finished = asyncio.ensure_future(worker.finished())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait([finished, stopping], return_when=asyncio.FIRST_COMPLETED)
    if not why:
        return None
    reason = f"worker {worker.name} stopped by {why[0]} mid-run"
    device_pool().stop(reason)
    console.print(f"farm worker {worker.name}: {why[0]}, leaving the scheduler")
    await worker.close(timeout=10, executor_wait=False, reason=reason)
    return why[0]
