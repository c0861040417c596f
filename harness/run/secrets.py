"""Identity values and canaries never reach a log.

A run reads or plants the device's identity values (identity.json). They belong in the run
directory, as evidence; they must not leak into the harness's own log lines (stderr, CI logs,
files outside the run directory) through an error message that quotes a shell command or a URL.
`protect(identity)` registers a run's values; from then on every log record made in this process
is masked (a log-record factory, so no handler or logger can be missed), and `mask(text)` does
the same for the run's own diagnostic events and the reason written in its manifest.

Values are masked in every form analysis.report.redact knows (case, separators, URL-encoding,
base64, digests), as `[key]`."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from analysis.report.redact import forms

_lock = threading.Lock()
_forms: dict[str, str] = {}
_pattern: re.Pattern[str] | None = None
_installed = False


def protect(identity: dict[str, Any]) -> None:
    """Register `identity`'s values: masked in every log record and `mask()` from now on."""
    global _pattern
    new = forms(identity)
    with _lock:
        if not new.keys() - _forms.keys():
            return
        _forms.update(new)
        _pattern = re.compile("|".join(re.escape(k) for k in sorted(_forms, key=len, reverse=True)), re.IGNORECASE)
    _install()


def mask(text: str) -> str:
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: f"[{_forms.get(m.group(0).lower(), 'identity')}]", text)


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _pattern is not None:
                try:
                    message = record.getMessage()
                except Exception:  # noqa: BLE001 - a malformed record is logging's business
                    return record
                masked = mask(message)
                if masked != message:
                    record.msg, record.args = masked, None
                exc = record.exc_info[1] if record.exc_info else None
                if exc is not None and mask(str(exc)) != str(exc):
                    # the traceback would quote the value: keep the masked message and the error's type
                    record.msg = f"{record.msg} ({type(exc).__name__}: {mask(str(exc))})"
                    record.args, record.exc_info, record.exc_text = None, None, None
            return record

        logging.setLogRecordFactory(factory)
