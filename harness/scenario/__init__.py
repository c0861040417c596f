"""Scenarios: YAML parsed once at the edge into frozen models; the runner only sees models."""

from harness.scenario.loader import builtin_scenarios, load_scenario, load_suite, resolve_scenario
from harness.scenario.model import Scenario, Step, Suite

__all__ = ["Scenario", "Step", "Suite", "builtin_scenarios", "load_scenario", "load_suite", "resolve_scenario"]
