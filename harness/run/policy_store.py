"""The run's `policy/` folder: what the policy step (or `run --policy`) found, merged over steps.

`policy.json` fields (read back by analysis/policy/run.py): `status` (read | supplied | unreadable |
absent | not-searched), `reason`, `via` (notice | app | supplied), `source` ({kind: url | screen |
file, url, screen, file}), `sha256` of the stored text, `text_file`, `html_file`, `screen_file`,
`screenshots`, `taps_from_main` (int or null), `search` (what the app search did: path, screens,
found), `t_ns` (run clock, when the policy was read), `attempts` (one entry per step that looked),
`page_windows` (run-clock spans [from, to] while a policy whose text was not a page was open: after
the run, a page whose request started in one becomes the source, `source.page_after_run`).
A scenario may look twice (the notice's link, then the app's screens): each look adds what it
learnt, and the status is derived from everything learnt so far."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

POLICY_DIR = "policy"
MAX_TEXT_CHARS = 2_000_000
MAX_HTML_BYTES = 4 << 20


@dataclass
class PolicyRecord:
    status: str = "not-searched"
    reason: str | None = None
    via: str | None = None
    source: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None
    text_file: str | None = None
    html_file: str | None = None
    screen_file: str | None = None
    screenshots: list[str] = field(default_factory=list)
    taps_from_main: int | None = None
    search: dict[str, Any] = field(default_factory=dict)
    t_ns: int | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    page_windows: list[dict[str, Any]] = field(default_factory=list)
    # what was learnt, from which the status follows
    entry_seen: bool = False  # a policy link or entry was found somewhere
    notice_checked: bool = False  # a notice was looked at for a link (or no notice ever came)
    app_searched: bool = False  # the app's screens were searched from the main screen
    supplied: bool = False


class PolicyStore:
    """Writes `policy/` of one run; thread-safe (a step writes, nothing else does)."""

    def __init__(self, run_dir: str | Path):
        self.run_dir = Path(run_dir)
        self.dir = self.run_dir / POLICY_DIR
        self.record = PolicyRecord()
        self._lock = threading.Lock()
        meta = self.dir / "policy.json"
        if meta.is_file():  # a resumed or re-entered run keeps what it learnt
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                known = {k: v for k, v in data.items() if k in PolicyRecord.__dataclass_fields__}
                self.record = PolicyRecord(**known)
            except (OSError, ValueError, TypeError):
                pass

    def _write(self, name: str, data: bytes) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(self.dir / name)
        return f"{POLICY_DIR}/{name}"

    def save_text(self, text: str, *, via: str, source: dict[str, Any], t_ns: int, html: bytes | None = None,
                  screen_text: str | None = None) -> None:
        """The policy's text (and the page it came from, and what the screen showed)."""
        with self._lock:
            r = self.record
            body = text[:MAX_TEXT_CHARS].encode("utf-8")
            r.text_file = self._write("text.txt", body)
            r.sha256 = hashlib.sha256(body).hexdigest()
            if html is not None:
                r.html_file = self._write("page.html", html[:MAX_HTML_BYTES])
            if screen_text:
                r.screen_file = self._write("screen.txt", screen_text[:MAX_TEXT_CHARS].encode("utf-8"))
            r.via, r.source, r.t_ns = via, source, t_ns
            r.entry_seen = True
            self._derive_and_flush()

    def note(self, **changes: Any) -> None:
        """Record what a look learnt (flags, taps, search, screenshots, an attempt)."""
        with self._lock:
            r = self.record
            attempt = changes.pop("attempt", None)
            window = changes.pop("page_window", None)
            if window:
                r.page_windows = (r.page_windows + [window])[-20:]
            shots = changes.pop("screenshots", None)
            for key, value in changes.items():
                if key in ("entry_seen", "notice_checked", "app_searched", "supplied"):
                    setattr(r, key, bool(getattr(r, key) or value))
                elif key == "taps_from_main":
                    if value is not None and (r.taps_from_main is None or value < r.taps_from_main):
                        r.taps_from_main = int(value)
                else:
                    setattr(r, key, value)
            if shots:
                r.screenshots = (r.screenshots + [s for s in shots if s])[:50]
            if attempt:
                r.attempts = (r.attempts + [attempt])[-20:]
            self._derive_and_flush()

    def _derive_and_flush(self) -> None:
        r = self.record
        if r.supplied:
            r.status = "supplied"
        elif r.text_file:
            r.status = "read"
        elif r.entry_seen:
            r.status = "unreadable"
            r.reason = r.reason or "a policy entry was found but gave no readable text"
        elif r.notice_checked and r.app_searched:
            r.status = "absent"
            r.reason = "no policy link on the privacy notice and no policy entry within the app search"
        else:
            r.status = "not-searched"
        data = asdict(r)
        self._write("policy.json", json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
