"""Shell commands of the sim device, one module per family; `COMMANDS` maps argv[0] to a function
`(proc, args) -> exit status`."""

from __future__ import annotations

from harness.sim.commands import apps, basic, dumpsys, logcat, pm, providers

COMMANDS = {**basic.COMMANDS, **providers.COMMANDS, **logcat.COMMANDS, **pm.COMMANDS, **apps.COMMANDS,
            **dumpsys.COMMANDS}
