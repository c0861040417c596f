"""Captures to scan: consentry run directories, HAR files and mitmproxy flow files.

Each reader turns its input into a flows DataFrame with the columns the scanner reads
(flow_id, host, path, query, req_headers as a JSON list of [name, value], and either
req_body_ref + a body loader or the body inline in `_body`). Files from other tools are hostile
input: a file that is not what it claims raises `PiiInputError` naming it; a damaged entry inside
an otherwise good file becomes a note and the rest is still read."""

from __future__ import annotations

import base64
import binascii
import json
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.pii.identity import PiiInputError, load_identity
from analysis.pii.scanner import NOTE_COLUMNS, Scanner

FLOW_COLUMNS = ["flow_id", "t_ns", "method", "scheme", "host", "port", "path", "query", "req_headers",
                "req_body_ref", "req_body_truncated"]


@dataclass
class Capture:
    """One input, ready for `Scanner.scan`."""

    source: str
    kind: str  # run | har | flows
    flows: pd.DataFrame
    body_loader: Callable[[str], bytes] | None = None
    notes: list[tuple[str, str, str]] = field(default_factory=list)


def _split_url(url: str) -> tuple[str, str, str, int | None, str]:
    """(scheme, host, path, port, query); a URL that does not split (an unclosed IPv6 bracket) is
    kept whole as the path, so its text is still scanned."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        path, _, query = url.partition("?")
        return "", "", path, None, query
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, parts.hostname or "", parts.path, port, parts.query


def run_body_loader(run_dir: Path) -> Callable[[str], bytes]:
    folder = run_dir / "bodies"

    def load(ref: str) -> bytes:
        if not ref or not all(c in "0123456789abcdef" for c in ref):
            return b""
        path = folder / ref
        return path.read_bytes() if path.is_file() else b""

    return load


def _journal_flows(run_dir: Path) -> list[dict[str, Any]]:
    """Rows of an unfinished run (journal not yet compacted); a torn last line is skipped."""
    rows: list[dict[str, Any]] = []
    for path in sorted((run_dir / "journal").glob("flows.*.jsonl")):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    continue
                rows.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict))
    return rows


def read_run(run_dir: str | os.PathLike[str]) -> Capture:
    run = Path(run_dir)
    table = run / "flows.parquet"
    if table.is_file():
        try:
            flows = pd.read_parquet(table)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a damaged file
            raise PiiInputError(f"cannot read Parquet: {exc}", source=table) from None
    elif (run / "journal").is_dir():
        flows = pd.DataFrame.from_records(_journal_flows(run))
    else:
        raise PiiInputError("not a run directory (no flows.parquet, no journal/)", source=run)
    for col in FLOW_COLUMNS:
        if col not in flows.columns:
            flows[col] = None
    return Capture(str(run_dir), "run", flows, run_body_loader(run))


def _as_list(value: Any) -> list[Any]:
    """A HAR field that should be a list; anything else (a damaged file) counts as empty."""
    return value if isinstance(value, list) else []


def _har_body(post: Any) -> bytes | None:
    if not isinstance(post, dict):
        return None
    text = post.get("text")
    if isinstance(text, str) and text:
        if post.get("encoding") == "base64":
            try:
                return base64.b64decode(text)
            except (binascii.Error, ValueError):
                return text.encode("utf-8", "surrogateescape")
        return text.encode("utf-8", "surrogateescape")
    params = post.get("params")
    if isinstance(params, list) and params:
        pairs = [(str(p.get("name", "")), str(p.get("value", ""))) for p in params if isinstance(p, dict)]
        return urllib.parse.urlencode(pairs).encode()
    return None


def read_har(path: str | os.PathLike[str]) -> Capture:
    p = Path(path)
    try:
        doc = json.loads(p.read_bytes())
    except OSError as exc:
        raise PiiInputError(f"cannot read: {exc.strerror}", source=p) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else None
        raise PiiInputError("not a HAR file: not valid JSON (truncated or damaged?)", source=p, where=where) from None
    entries = doc.get("log", {}).get("entries") if isinstance(doc, dict) and isinstance(doc.get("log"), dict) else None
    if not isinstance(entries, list):
        raise PiiInputError("not a HAR file: no log.entries list", source=p)
    rows, notes = [], []
    for i, entry in enumerate(entries):
        req = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(req, dict) or not isinstance(req.get("url"), str):
            notes.append((str(i), "entry", "skipped: no request.url"))
            continue
        scheme, host, upath, port, query = _split_url(req["url"])
        headers = [[str(h.get("name", "")), str(h.get("value", ""))] for h in _as_list(req.get("headers"))
                   if isinstance(h, dict)]
        cookies = [c for c in _as_list(req.get("cookies")) if isinstance(c, dict)]
        if not any(h[0].lower() == "cookie" for h in headers) and cookies:
            headers.append(["cookie", "; ".join(f"{c.get('name')}={c.get('value')}" for c in cookies)])
        method = req.get("method")
        rows.append({"flow_id": str(i), "t_ns": None, "method": method if isinstance(method, str) else None, "scheme": scheme, "host": host,
                     "port": port, "path": upath, "query": query, "req_headers": json.dumps(headers),
                     "req_body_ref": None, "req_body_truncated": False, "_body": _har_body(req.get("postData"))})
    return Capture(str(path), "har", pd.DataFrame(rows, columns=[*FLOW_COLUMNS, "_body"]), None, notes)


def read_flowfile(path: str | os.PathLike[str]) -> Capture:
    """A mitmproxy flow file (`mitmdump -w`). Bodies are taken as on the wire (still compressed)."""
    from mitmproxy import exceptions, http, io

    p = Path(path)
    rows, notes = [], []
    try:
        with open(p, "rb") as fh:
            try:
                for flow in io.FlowReader(fh).stream():
                    if not isinstance(flow, http.HTTPFlow):
                        continue
                    req = flow.request
                    upath, _, query = req.path.partition("?")
                    rows.append({"flow_id": flow.id, "t_ns": int(req.timestamp_start * 1e9), "method": req.method,
                                 "scheme": req.scheme, "host": req.pretty_host, "port": req.port, "path": upath,
                                 "query": query, "req_headers": json.dumps([[k, v] for k, v in req.headers.items(True)]),
                                 "req_body_ref": None, "req_body_truncated": False, "_body": req.raw_content or b""})
            except (exceptions.FlowReadException, ValueError, KeyError, TypeError, AttributeError, IndexError,
                    UnicodeError, OverflowError, RecursionError) as exc:
                # mitmproxy validates a flow's state as it rebuilds it: a damaged file raises any of these
                why = f"{type(exc).__name__}: {exc}" if not isinstance(exc, exceptions.FlowReadException) else str(exc)
                if not rows:
                    raise PiiInputError(f"not a mitmproxy flow file ({why[:200]})", source=p) from None
                notes.append(("", "file", f"stopped after {len(rows)} flows: {why[:200]}"))
    except OSError as exc:
        raise PiiInputError(f"cannot read: {exc.strerror}", source=p) from None
    return Capture(str(path), "flows", pd.DataFrame(rows, columns=[*FLOW_COLUMNS, "_body"]), None, notes)


def read_capture(path: str | os.PathLike[str]) -> Capture:
    """Dispatch on what the input is: a directory is a run; a file starting with `{` is HAR;
    anything else is tried as a mitmproxy flow file."""
    p = Path(path)
    if p.is_dir():
        return read_run(p)
    if not p.exists():
        raise PiiInputError("no such file or directory", source=p)
    try:
        with open(p, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise PiiInputError(f"cannot read: {exc.strerror}", source=p) from None
    if head.startswith(b"{") or p.suffix.lower() == ".har":
        return read_har(p)
    return read_flowfile(p)


def detect_run(run_dir: str | os.PathLike[str], identity: dict[str, Any] | None = None) -> pd.DataFrame:
    """Detections of one run: reads identity.json, flows (Parquet, or the journal of an unfinished
    run) and bodies/. Columns: DETECTION_COLUMNS plus t_ns, host, scheme of the flow."""
    run = Path(run_dir)
    if identity is None:
        identity = load_identity(run / "identity.json")
    cap = read_run(run)
    result = Scanner(identity).scan(cap.flows, cap.body_loader)
    det = result.detections
    extra = cap.flows[["flow_id", "t_ns", "host", "scheme"]].drop_duplicates("flow_id")
    extra = extra.assign(flow_id=extra["flow_id"].astype(str))
    det = det.merge(extra, on="flow_id", how="left")
    det.attrs["notes"] = pd.DataFrame(result.notes, columns=NOTE_COLUMNS)
    return det
