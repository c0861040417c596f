"""The one place the farm asks `doctor` whether a device can run jobs.

`consentry doctor` grows (issue 13); pointing the farm at its new entry is a change to this file
only."""

from __future__ import annotations

from harness.errors import ConsentryError


def device_passes_doctor(serial: str) -> tuple[bool, str]:
    """(ok, why) for one device, from the same checks `consentry doctor --device SERIAL` runs."""
    from harness.run.doctor import DoctorOptions, run_doctor

    try:
        rows = run_doctor(DoctorOptions(serial=serial))
    except ConsentryError as exc:
        return False, str(exc)
    failed = [r for r in rows if not r.ok]
    if not failed:
        return True, "doctor passed"
    return False, "doctor failed: " + "; ".join(f"{r.check}: {r.detail}" for r in failed[:3])
