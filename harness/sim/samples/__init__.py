"""The sample sim apps: models in `*.yaml` here, built into `.apk` zips on demand.

Each model's `expect` is the end-to-end ground truth: the findings a correct analysis reports for
that app under each built-in scenario (baseline, refuse, accept, accept-grant, background)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from harness.sim.model import AppModel, build_apk, parse_app_model

HERE = Path(__file__).parent


def sample_models() -> dict[str, AppModel]:
    """name (file stem) -> validated model."""
    return {p.stem: parse_app_model(p.read_bytes(), p.name) for p in sorted(HERE.glob("*.yaml"))}


def sample_app_paths(cache_dir: str | Path | None = None) -> dict[str, Path]:
    """name -> path of the built `.apk`, rebuilt only when the YAML changed (content-addressed)."""
    base = Path(cache_dir) if cache_dir else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "consentry" / "sim-apps"
    out: dict[str, Path] = {}
    for p in sorted(HERE.glob("*.yaml")):
        data = p.read_bytes()
        model = parse_app_model(data, p.name)
        apk = base / hashlib.sha256(data).hexdigest()[:12] / f"{model.package}.apk"
        if not apk.exists():
            build_apk(data, apk)
        out[p.stem] = apk
    return out
