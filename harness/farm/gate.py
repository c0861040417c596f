"""The one place the farm asks `doctor` whether a device can run jobs.

`consentry doctor` grows (issue 13); pointing the farm at its new entry is a change to this file
only."""

from __future__ import annotations

from harness.errors import ConsentryError


def device_passes_doctor(serial: str) -> tuple[bool, str]:
    """(ok, why) for one device, from the same checks `consentry doctor --device SERIAL` runs."""
    from harness.run.doctor import run_doctor

    try:
        code = run_doctor(serial)
    except ConsentryError as exc:
        return False, str(exc)
    return code == 0, "doctor passed" if code == 0 else f"doctor failed (exit {code}): see its table above"
