"""Frida instrumentation of one run: the agent (built from hooks/) in the app, its events in the
journal. See core.Instrument; messages.py mirrors the agent's message schema."""

from harness.instrument.config import DEFAULT_PATHS, AgentOptions
from harness.instrument.core import Instrument, resolve_device
from harness.instrument.messages import Detach, InstrumentSummary

__all__ = ["AgentOptions", "DEFAULT_PATHS", "Detach", "Instrument", "InstrumentSummary", "resolve_device"]
