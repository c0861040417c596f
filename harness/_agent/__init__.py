"""The compiled Frida agent (`agent.js`, built from hooks/ by `make agent`; not in git)."""

from __future__ import annotations

from pathlib import Path

from harness.errors import AgentError

BUNDLE = Path(__file__).resolve().parent / "agent.js"


def bundle_source() -> str:
    """The bundle's text; a clear AgentError when it was never built."""
    if not BUNDLE.is_file():
        raise AgentError(f"{BUNDLE} is missing: build the Frida agent with `make agent`")
    return BUNDLE.read_text(encoding="utf-8")


def bundle_status() -> tuple[bool, str]:
    """(ok, detail) for `consentry doctor`: whether the compiled agent is present."""
    if not BUNDLE.is_file():
        return False, f"{BUNDLE} missing: run `make agent`"
    return True, f"{BUNDLE} ({BUNDLE.stat().st_size // 1024} KB)"
