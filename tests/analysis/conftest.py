"""tests/analysis: make the factories importable under a unique name.

tests/analysis has no __init__.py on purpose (a package named `analysis` would shadow the real
one), so the factories module is registered as `analysis_factories` for the test modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "analysis_factories"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).with_name("factories.py"))
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)
