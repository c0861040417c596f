"""Build hook: the wheel must carry the compiled Frida agent (harness/_agent/agent.js) and the hook
catalogue beside it. `make agent` builds both; when they are missing or older than hooks/ and this
build environment can compile (frida importable, hooks/node_modules present), build_py compiles
them here, so `pip install .` after `npm ci` in hooks/ also works. All metadata is in pyproject.toml."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
HOOKS = ROOT / "hooks"
BUNDLE = ROOT / "harness" / "_agent" / "agent.js"


def _stale() -> bool:
    if not BUNDLE.is_file():
        return True
    newest = max((p.stat().st_mtime for p in HOOKS.rglob("*") if p.is_file() and "node_modules" not in p.parts),
                 default=0.0)
    return newest > BUNDLE.stat().st_mtime


class BuildPyWithAgent(build_py):
    def run(self) -> None:
        if HOOKS.is_dir() and _stale():
            try:
                sys.path.insert(0, str(ROOT))
                from harness.agent_build import build

                build(HOOKS, BUNDLE)
            except Exception as exc:  # no frida or node_modules in this build environment
                print(f"consentry: agent not rebuilt here ({exc}); run `make agent` first", file=sys.stderr)
        if not BUNDLE.is_file():
            print("consentry: WARNING: harness/_agent/agent.js missing: the wheel will have no agent "
                  "(run `make agent`)", file=sys.stderr)
        super().run()


setup(cmdclass={"build_py": BuildPyWithAgent})
