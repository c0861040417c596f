"""`manifest.json`: what was run, where, with which tools, and how it ended.

Written at the start (status `running`) and rewritten atomically at the end, so a killed run
still says what it was; `consentry recover` finishes it as `incomplete`."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.schema import SCHEMA_VERSION


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tool_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for dist in ("consentry", "frida", "mitmproxy", "adbutils", "pandas"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    path = run_dir / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"status": "incomplete", "reason": "manifest.json was unreadable"}
    return data if isinstance(data, dict) else {}


def new_manifest(run_id: str, app: dict[str, Any], device: dict[str, Any], scenario: dict[str, Any],
                 t0_ns: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "app": app,
        "device": device,
        "scenario": scenario,
        "started": utc_now(),
        "ended": None,
        "t0_ns": t0_ns,
        "status": "running",
        "reason": None,
        "tools": tool_versions(),
        "identity": "identity.json",
        "pid": os.getpid(),
    }
