"""Thresholds of the findings rules, in one frozen record that a lab can override from a file.

Defaults follow what Chinese app stores and the MIIT special campaigns enforce: more than 3 reads of
one kind of personal information in a run, or more than 1 per second, is excessive; a permission
prompt needs an in-app explanation shortly before it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import AnalysisInputError
from analysis.timeline import OVERLAY_PACKAGES
from harness.yamlload import safe_load as yaml_safe_load


@dataclass(frozen=True)
class RuleConfig:
    # excessive-frequency (MIIT 4.4)
    max_reads_per_run: int = 3
    max_reads_per_second: float = 1.0
    rate_window_s: float = 1.0
    # permission-without-rationale (MIIT 2.3): an in-app rationale screen at most this long before
    rationale_window_s: float = 10.0
    # renag-after-refusal (MIIT 3.2): asks tolerated after a refusal (1 = one second-chance dialog)
    renag_max_repeats: int = 1
    # sensitive-without-permission-flow: catalogue categories that need a runtime permission prompt
    sensitive_categories: tuple[str, ...] = ("location", "contacts", "camera", "microphone")
    # background-collection: reads this soon after going to the background are tolerated
    background_grace_s: float = 0.0
    # a UI dump this soon after a launch/home/resume step may show the previous screen
    ui_settle_s: float = 1.5
    # asks of a permission (dialog rows, consent rows) closer than this are one prompt
    ask_merge_s: float = 3.0
    overlay_packages: tuple[str, ...] = OVERLAY_PACKAGES
    # policy-hard-to-reach (MIIT 1.3): more than this many taps from the main screen to the policy
    policy_max_taps: int = 4
    # forced-consent: the app leaving the screen this soon after a refusal is the refusal's effect
    forced_exit_window_s: float = 3.0
    # permission-bundle: prompts this close together are one request; this many groups is a bundle
    bundle_gap_s: float = 5.0
    bundle_min_groups: int = 2
    # evaluate only these rule ids (None: all)
    rules: tuple[str, ...] | None = None

    @property
    def rate_window_ns(self) -> int:
        return int(self.rate_window_s * 1e9)

    def with_overrides(self, **changes) -> RuleConfig:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise AnalysisInputError(f"unknown rule option(s) {unknown}; known: {sorted(known)}")
        clean: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
        try:
            cfg = replace(self, **clean)
        except TypeError as exc:
            raise AnalysisInputError(str(exc)) from exc
        cfg.validate()
        return cfg

    def validate(self) -> None:
        numbers = ("max_reads_per_run", "max_reads_per_second", "rate_window_s", "rationale_window_s",
                   "renag_max_repeats", "background_grace_s", "ui_settle_s", "ask_merge_s", "policy_max_taps",
                   "forced_exit_window_s", "bundle_gap_s", "bundle_min_groups")
        for name in numbers:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise AnalysisInputError(f"{name} must be a number >= 0, got {value!r}")
        if self.rate_window_s <= 0:
            raise AnalysisInputError("rate_window_s must be > 0")

    @classmethod
    def from_file(cls, path: str | Path) -> RuleConfig:
        """YAML or JSON mapping of option -> value (see docs/rules.md)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
            data = json.loads(text) if p.suffix == ".json" else yaml_safe_load(text)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise AnalysisInputError(f"cannot read rule config ({exc})", source=str(p)) from exc
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise AnalysisInputError("expected a mapping of option: value", source=str(p))
        try:
            return cls().with_overrides(**data)
        except AnalysisInputError as exc:
            raise AnalysisInputError(str(exc), source=str(p)) from exc

    def to_dict(self) -> dict:
        return asdict(self)
