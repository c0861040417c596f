"""The agent builds from hooks/ with frida.Compiler into one bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.agent_build import HOOKS_DIR, build
from harness.errors import AgentError


@pytest.mark.skipif(not (HOOKS_DIR / "node_modules").is_dir(), reason="run `make agent` (npm ci in hooks/)")
def test_bundle_compiles(tmp_path: Path):
    out = build(HOOKS_DIR, tmp_path / "agent.js")
    text = out.read_text()
    assert "events:batch" in text and "on_enter_raw" in text  # the CModule source travels inside
    assert (tmp_path / "catalogue.yaml").is_file()


def test_missing_entry_is_an_agent_error(tmp_path: Path):
    with pytest.raises(AgentError, match="agent entry not found"):
        build(tmp_path, tmp_path / "agent.js")
