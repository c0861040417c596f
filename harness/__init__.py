"""consentry harness: drives a device through a scenario while the agent, the proxy and the
UI observer record what the app does. Analysis lives in the separate `analysis` package."""

__version__ = "0.1.0"
