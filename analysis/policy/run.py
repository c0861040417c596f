"""The policy a run captured (`policy/` in the run directory, written by harness/run/policy*.py).

`policy/policy.json` says what the run found: `status` is `read` (text obtained), `supplied`
(`consentry run --policy`), `unreadable` (an entry was found and opened but gave no text: a read
failure, which is not the absence of a policy), `absent` (the notice offered no policy link and a
bounded search of the app's screens found no policy entry) or `not-searched`. `taps_from_main` is
the number of taps from the app's main screen to the policy when the run measured it. The text
itself is `policy/text.txt`; the reader runs on it here, so a better reader re-reads old runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.policy.reader import PolicyReading, read_policy
from analysis.policy.text import MAX_INPUT_BYTES

POLICY_DIR = "policy"
MAX_JSON_BYTES = 1 << 20
STATUSES = ("read", "supplied", "unreadable", "absent", "not-searched")


@dataclass
class RunPolicy:
    status: str
    via: str | None = None  # notice | app | supplied
    source: dict[str, Any] = field(default_factory=dict)  # kind (url|screen|file), url, screen, file
    sha256: str | None = None
    t_ns: int | None = None
    taps_from_main: int | None = None
    search: dict[str, Any] = field(default_factory=dict)  # how the app's screens were searched
    reason: str | None = None
    text_file: str | None = None
    screenshots: list[str] = field(default_factory=list)
    reading: PolicyReading | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return self.reading is not None and self.status in ("read", "supplied")


def load_run_policy(run_dir: str | Path, *, db=None) -> RunPolicy | None:
    """The run's policy record, or None when the run has no `policy/policy.json` (runs made before
    policies were captured, or with no policy step). A malformed record is kept as `not-searched`
    with the problem noted: analysis of the rest of the run goes on."""
    d = Path(run_dir) / POLICY_DIR
    meta_path = d / "policy.json"
    if not meta_path.is_file():
        return None
    problems: list[str] = []
    try:
        if meta_path.stat().st_size > MAX_JSON_BYTES:
            raise ValueError(f"larger than {MAX_JSON_BYTES} bytes")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return RunPolicy(status="not-searched", problems=[f"{meta_path}: {exc}"])
    status = meta.get("status") if meta.get("status") in STATUSES else "not-searched"
    taps = meta.get("taps_from_main")
    rp = RunPolicy(
        status=str(status), via=_str(meta.get("via")), source=_dict(meta.get("source")),
        sha256=_str(meta.get("sha256")), t_ns=meta.get("t_ns") if isinstance(meta.get("t_ns"), int) else None,
        taps_from_main=taps if isinstance(taps, int) and not isinstance(taps, bool) else None,
        search=_dict(meta.get("search")), reason=_str(meta.get("reason")),
        text_file=_str(meta.get("text_file")),
        screenshots=[str(s) for s in meta.get("screenshots", []) if isinstance(s, str)][:50]
        if isinstance(meta.get("screenshots"), list) else [],
        problems=problems,
    )
    if rp.status in ("read", "supplied") and rp.text_file:
        text_path = (Path(run_dir) / rp.text_file).resolve()
        if Path(run_dir).resolve() not in text_path.parents:
            rp.problems.append(f"{meta_path}: text_file points outside the run directory")
            rp.status = "unreadable"
            return rp
        try:
            with text_path.open("rb") as f:
                data = f.read(MAX_INPUT_BYTES)
            rp.reading = read_policy(data, html=False, db=db)
        except OSError as exc:
            rp.problems.append(f"{text_path}: {exc.strerror or exc}")
            rp.status = "unreadable"
    return rp


def _str(value: Any) -> str | None:
    return str(value)[:2000] if value is not None else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
