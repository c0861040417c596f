"""The HTML pages the app loaded while the policy was open, from the capture proxy's journal.

The proxy (a separate process) appends flow rows to `journal/flows.<tag>.jsonl` and stores response
bodies under `bodies/` (harness/bodies.py). Reading them here while the run goes on is safe: a line
still being written fails to parse and is skipped; only HTML responses in the time window count."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from harness.bodies import load_body

MAX_LINES = 200_000
MAX_PAGE_BYTES = 8 << 20


@dataclass(frozen=True)
class HtmlPage:
    url: str
    t_ns: int
    body: bytes


def _rows(path: Path):
    try:
        with path.open("r", encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f):
                if n >= MAX_LINES:
                    return
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue  # the line being written
                yield from (obj if isinstance(obj, list) else [obj])
    except OSError:
        return


def _content_type(headers: object) -> str:
    try:
        pairs = json.loads(headers) if isinstance(headers, str) else headers
    except ValueError:
        return ""
    if isinstance(pairs, dict):
        pairs = list(pairs.items())
    if not isinstance(pairs, list):
        return ""
    for pair in pairs:
        if isinstance(pair, list | tuple) and len(pair) == 2 and str(pair[0]).lower() == "content-type":
            return str(pair[1]).lower()
    return ""


def html_pages(run_dir: str | Path, t_from: int, t_to: int) -> list[HtmlPage]:
    """HTML responses whose request started in [t_from, t_to] (run clock), oldest first."""
    run_dir = Path(run_dir)
    pages = []
    for path in sorted((run_dir / "journal").glob("flows.*.jsonl")):
        for row in _rows(path):
            if not isinstance(row, dict):
                continue
            t = row.get("t_ns")
            ref = row.get("resp_body_ref")
            if not isinstance(t, int) or not (t_from <= t <= t_to) or not ref or row.get("status") != 200:
                continue
            if "html" not in _content_type(row.get("resp_headers")):
                continue
            try:
                body = load_body(run_dir, ref)
            except (OSError, ValueError):
                continue
            host, path_ = row.get("host") or "", row.get("path") or "/"
            pages.append(HtmlPage(f"{row.get('scheme') or 'https'}://{host}{path_}", t, body))
    return sorted(pages, key=lambda p: p.t_ns)


def decoded_body(page: HtmlPage) -> bytes:
    """The page's bytes, inflated when the stored body is still gzip/deflate encoded; at most
    MAX_PAGE_BYTES come out (a hostile page can be a decompression bomb)."""
    body = page.body
    wbits = 16 + zlib.MAX_WBITS if body[:2] == b"\x1f\x8b" else zlib.MAX_WBITS if body[:1] == b"\x78" else None
    if wbits is None:
        return body
    try:
        return zlib.decompressobj(wbits).decompress(body, MAX_PAGE_BYTES)
    except zlib.error:
        return body


def best_page(pages: list[HtmlPage]) -> tuple[HtmlPage, str, bytes] | None:
    """The page with the most policy text: (page, its text, its decoded HTML), or None when no page
    has text (a redirect stub, an empty shell a script fills in)."""
    from analysis.policy.text import policy_text

    best = None
    for page in pages:
        body = decoded_body(page)
        text = policy_text(body, html=True).text
        if best is None or len(text) > len(best[1]):
            best = (page, text, body)
    return best if best is not None and best[1].strip() else None
