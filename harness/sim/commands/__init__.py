"""Shell commands of the sim device, one module per family; `COMMANDS` maps argv[0] to a function
`(proc, args) -> exit status`. A path that names no command (`/data/local/tmp/frida-server`) runs
the pushed file (`root.exec_file`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.sim.commands import (
    apps,
    basic,
    display,
    dumpsys,
    logcat,
    mount,
    pm,
    providers,
    root,
    screenrecord,
    sensors,
    telephony,
)


class _Commands(dict):
    def get(self, name: str, default: Any = None) -> Callable[..., int] | None:  # type: ignore[override]
        found = super().get(name)
        if found is None and "/" in name:
            return root.exec_file
        return found if found is not None else default


COMMANDS = _Commands({**basic.COMMANDS, **providers.COMMANDS, **logcat.COMMANDS, **pm.COMMANDS, **apps.COMMANDS,
                      **dumpsys.COMMANDS, **root.COMMANDS, **telephony.COMMANDS,
                      **mount.COMMANDS, **sensors.COMMANDS, **display.COMMANDS,
                      **screenrecord.COMMANDS})
