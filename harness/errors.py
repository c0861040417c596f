"""One exception tree for the harness, split by source.

Messages name the file, key or device so that a user can act on them; the CLI turns any
`ConsentryError` into a one-line message and exit code 2 (bad input) or 3 (infrastructure)."""

from __future__ import annotations


class ConsentryError(Exception):
    """Base of every error the harness raises on purpose."""

    exit_code = 3


class InputError(ConsentryError):
    """Bad input from outside: a file, a YAML key, a CLI argument. Names the file and place."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, where: str | None = None):
        self.source = source
        self.where = where
        prefix = ""
        if source:
            prefix = f"{source}"
            if where:
                prefix += f": {where}"
            prefix += ": "
        super().__init__(prefix + message)


class ScenarioError(InputError):
    """A scenario file that does not parse or validate."""


class DeviceError(ConsentryError):
    """The device (adb, emulator, sim) refused, vanished or answered something unexpected."""


class DeviceLost(DeviceError):
    """The device disappeared while in use: the run ends `incomplete`."""


class AgentError(ConsentryError):
    """The Frida agent could not be built, loaded or attached, or it detached."""


class AttachTimedOut(AgentError):
    """Frida's attach did not sync up with its agent in time (a starved CPU): the process may hold
    a half-injected agent, so the caller starts a fresh process rather than attach again."""


class ProxyError(ConsentryError):
    """The capture proxy failed to start or died."""


class SimError(ConsentryError):
    """The simulated device failed (server side)."""
