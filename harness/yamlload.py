"""YAML parsing through libyaml when PyYAML has it (Debian's and PyPI's wheels do).

The pure-Python loader took 0.4 s of CPU for the hook catalogue and most of a sim app's start for
its model: a few seconds of every suite run's CPU. The C loader builds the same Python objects
(checked on the catalogue, the sample apps and the scenarios) and raises the same MarkedYAMLError
subclasses with line marks, so error messages that name a line are unchanged."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str | bytes) -> Any:
    """`yaml.safe_load`, through libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
