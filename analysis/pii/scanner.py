"""The multi-pattern scan: every part of every request against every identity variant, in one pass.

All patterns (see `variants.build_needles`) are compiled once into one multi-literal matcher
(`engine.compile_patterns`: Hyperscan, or the `ahocorasick_rs` DFA where Hyperscan is missing).
Requests are cut into segments (host, path, query, each header,
cookie, decoded body views), segments of many requests are joined with a separator into one
buffer of a few tens of MB, and that buffer is searched once. Match positions are mapped back to
segments with `searchsorted`; filtering (number boundaries, the location rule, overlaps, label
rewriting) is done on the match DataFrame. Per-request Python work is only cutting segments and
decoding bodies; nothing loops over variants.

Detections columns (stable, the analysis engineer builds the `detections` table from them):
flow_id, key, encoding, form, where, view, start, end, count, matched, excerpt."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.pii.decode import DEFAULT_OUT_CAP, decompress, secondary_views
from analysis.pii.engine import compile_patterns
from analysis.pii.variants import build_needles

DETECTION_COLUMNS = ["flow_id", "key", "encoding", "form", "where", "view", "start", "end", "count",
                     "matched", "excerpt"]
NOTE_COLUMNS = ["flow_id", "where", "note"]
SEP = b"\n\x00\n"
EXCERPT_CONTEXT = 32
EXCERPT_CAP = 200
BATCH_BYTES = 8 * 1024 * 1024
LOADED_BODY_GUESS = 64 * 1024  # chunking estimate for a body read through the loader
_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[48:58] = True
_COORD_PREV = _DIGITS.copy()
_COORD_PREV[[ord("."), ord("-")]] = True

# A hit in a re-decoded view is reported with the encoding that view undid.
_VIEW_LABEL = {"urldecoded": "urlencoded", "jsonescaped": "json-escaped", "base64": "base64"}

BodyLoader = Callable[[str], bytes]


@dataclass
class ScanResult:
    detections: pd.DataFrame
    notes: pd.DataFrame


def _headers(value: Any) -> list[tuple[str, str]]:
    """req_headers as stored (JSON list of [name, value]) or already a list/dict."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return []
    if isinstance(value, dict):
        value = list(value.items())
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
    return out


def _text(v: Any) -> bytes:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return b""
    return v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape")


def escape_excerpt(data: bytes) -> str:
    """Printable, single-line, capped: bodies are hostile and land in terminals and HTML."""
    text = data.decode("utf-8", "backslashreplace")
    if not text.isprintable():  # the per-character rewrite only when something needs it
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                       for c in text)
    return text if len(text) <= EXCERPT_CAP else text[:EXCERPT_CAP] + "..."


class Scanner:
    """Compiled identity patterns; `scan(flows, body_loader)` finds them in a flows table."""

    def __init__(self, identity: dict[str, Any], *, body_out_cap: int = DEFAULT_OUT_CAP,
                 batch_bytes: int = BATCH_BYTES, workers: int | None = None, engine: str | None = None):
        self.identity = identity
        self.needles = build_needles(identity)
        self.labels = self.needles.labels()
        self.body_out_cap = body_out_cap
        self.batch_bytes = batch_bytes
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self._engine = compile_patterns(self.needles.patterns, engine) if self.needles.patterns else None
        self._boundary = self.labels["boundary"].to_numpy(bool)
        self._is_coord = self.labels["coord"].isin(["lat", "lon", "pair"]).to_numpy()
        self._lenient_tail = (self.labels["encoding"].eq("decimal") & self.labels["decimals"].ge(6)).to_numpy()

    # -- segments ------------------------------------------------------------------------
    def segments(self, row: dict[str, Any], body_loader: BodyLoader | None,
                 notes: list[tuple[str, str, str]]) -> Iterator[tuple[str, str, bytes]]:
        """(where, view, bytes) for one request; decoding problems go to `notes`."""
        fid = str(row.get("flow_id"))
        host = _text(row.get("host"))
        if host:
            yield "url", "raw", host
        for where, key in (("path", "path"), ("query", "query")):
            part = _text(row.get(key))
            if part:
                yield where, "raw", part
                for view, data in secondary_views(part):
                    yield where, view, data
        encoding = ""
        for name, value in _headers(row.get("req_headers")):
            lname = name.lower()
            if lname == "content-encoding":
                encoding = value
            where = "cookie" if lname == "cookie" else f"header:{lname}"
            data = _text(value)
            yield where, "raw", data
            for view, extra in secondary_views(data):
                yield where, view, extra
        body = row.get("_body")
        ref = row.get("req_body_ref")
        if body is None and body_loader is not None and isinstance(ref, str) and ref:
            try:
                body = body_loader(ref)
            except OSError as exc:
                notes.append((fid, "body", f"unreadable:{exc}"))
                body = b""
        if row.get("req_body_truncated") is True:
            notes.append((fid, "body", "stored-truncated"))
        if body:
            data, view, body_notes = decompress(body, encoding, self.body_out_cap)
            notes.extend((fid, "body", n) for n in body_notes)
            yield "body", view, data
            for extra_view, extra in secondary_views(data):
                yield "body", extra_view, extra

    # -- scanning ------------------------------------------------------------------------
    def scan(self, flows: pd.DataFrame | Iterable[dict[str, Any]], body_loader: BodyLoader | None = None) -> ScanResult:
        rows = flows.to_dict("records") if isinstance(flows, pd.DataFrame) else flows
        notes: list[tuple[str, str, str]] = []
        frames: list[pd.DataFrame] = []
        # Whole chunks of requests (decode, cut, join, search) run on worker threads: decompression,
        # the automaton and most numpy passes release the GIL, so both cores work. Chunks are
        # cut by the bytes already known (inline bodies), or by count when bodies come from a loader.
        for frame, chunk_notes in self._scan_chunks(self._chunks(rows, body_loader), body_loader):
            frames.append(frame)
            notes.extend(chunk_notes)
        frames = [f for f in frames if len(f)]
        raw = pd.concat(frames, ignore_index=True) if frames else self._empty_raw()
        return ScanResult(self._finish(raw), pd.DataFrame(notes, columns=NOTE_COLUMNS))

    def _scan_chunks(self, chunks: Iterable[list[dict[str, Any]]], body_loader: BodyLoader | None
                     ) -> Iterator[tuple[pd.DataFrame, list[tuple[str, str, str]]]]:
        """Results in input order; with one worker, or a single chunk, no thread is started."""
        rest = iter(chunks)
        head = list(itertools.islice(rest, 2))
        if len(head) < 2 or self.workers <= 1:
            for chunk in itertools.chain(head, rest):
                yield self._scan_chunk(chunk, body_loader)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: list[Future[tuple[pd.DataFrame, list[tuple[str, str, str]]]]] = []
            for chunk in itertools.chain(head, rest):
                pending.append(pool.submit(self._scan_chunk, chunk, body_loader))
                if len(pending) > 2 * self.workers:  # bound memory: wait for the oldest, in order
                    yield pending.pop(0).result()
            for fut in pending:
                yield fut.result()

    def _chunks(self, rows: Iterable[dict[str, Any]], body_loader: BodyLoader | None) -> Iterator[list[dict[str, Any]]]:
        chunk: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            chunk.append(row)
            body = row.get("_body")
            size += len(body) if isinstance(body, (bytes, bytearray)) else LOADED_BODY_GUESS
            if size >= self.batch_bytes:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _scan_chunk(self, chunk: list[dict[str, Any]], body_loader: BodyLoader | None
                    ) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
        notes: list[tuple[str, str, str]] = []
        batch = [(str(row.get("flow_id")), where, view, data)
                 for row in chunk for where, view, data in self.segments(row, body_loader, notes)]
        return self._search(batch), notes

    def scan_flows(self, flows_df: pd.DataFrame, body_loader: BodyLoader | None = None) -> pd.DataFrame:
        """Detections for a flows table (columns as in analysis/schema.py's `flows`)."""
        return self.scan(flows_df, body_loader).detections

    def _empty_raw(self) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ["flow_id", "where", "view", "pat", "start", "end", "matched", "excerpt"]})

    def _search(self, batch: list[tuple[str, str, str, bytes]]) -> pd.DataFrame:
        if self._engine is None:
            return self._empty_raw()
        parts = [b[3] for b in batch]
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        seg_start = np.concatenate(([0], np.cumsum(lengths + len(SEP))[:-1]))
        m = self._engine.find_parts(parts, SEP)
        if not len(m):
            return self._empty_raw()
        pat, s, e = m[:, 0], m[:, 1], m[:, 2]
        seg = np.searchsorted(seg_start, s, side="right") - 1
        base = seg_start[seg]
        ls, le = (s - base).tolist(), (e - base).tolist()
        datas = [parts[i] for i in seg.tolist()]
        # Bytes around each match, from its own part (a part's edge reads as the separator's "\n").
        prev = np.fromiter((d[a - 1] if a else 10 for d, a in zip(datas, ls, strict=True)), dtype=np.uint8,
                           count=len(datas))
        nxt = np.fromiter((d[b] if b < len(d) else 10 for d, b in zip(datas, le, strict=True)), dtype=np.uint8,
                          count=len(datas))
        coord = self._is_coord[pat]
        bad_prev = np.where(coord, _COORD_PREV[prev], _DIGITS[prev])
        bad_next = _DIGITS[nxt] & ~self._lenient_tail[pat]
        keep = ~(self._boundary[pat] & (bad_prev | bad_next))
        rows = np.flatnonzero(keep).tolist()
        return pd.DataFrame({
            "flow_id": [batch[seg[i]][0] for i in rows],
            "where": [batch[seg[i]][1] for i in rows],
            "view": [batch[seg[i]][2] for i in rows],
            "pat": pat[keep],
            "start": np.asarray(ls, dtype=np.int64)[keep],
            "end": np.asarray(le, dtype=np.int64)[keep],
            "matched": [escape_excerpt(datas[i][ls[i]:le[i]]) for i in rows],
            "excerpt": [escape_excerpt(datas[i][max(ls[i] - EXCERPT_CONTEXT, 0):le[i] + EXCERPT_CONTEXT])
                        for i in rows],
        })

    def _finish(self, raw: pd.DataFrame) -> pd.DataFrame:
        if raw.empty:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in DETECTION_COLUMNS})
        lab = self.labels.iloc[raw["pat"].to_numpy(np.int64)].reset_index(drop=True)
        df = pd.concat([raw.reset_index(drop=True), lab], axis=1)
        df["start"] = df["start"].astype("int64")
        df["end"] = df["end"].astype("int64")
        # A match inside a longer match of the same key at the same place is the same occurrence
        # ("15555215554" inside "+15555215554", a latitude inside a "lat,lon" pair).
        df = df.sort_values(["flow_id", "where", "view", "key", "start", "end"], ascending=[1, 1, 1, 1, 1, 0],
                            kind="stable")
        grp = df.groupby(["flow_id", "where", "view", "key"], sort=False)["end"]
        reach = grp.cummax().groupby([df["flow_id"], df["where"], df["view"], df["key"]], sort=False).shift(1)
        df = df[~(reach.notna() & (df["end"] <= reach))]
        df = self._location_rule(df)
        # Views: the same finding in the raw part wins over a re-decoded view of it.
        order = {"urldecoded": 1, "jsonescaped": 2, "base64": 3}
        df = df.assign(_prio=df["view"].map(order).fillna(0))
        df = df.sort_values(["_prio"], kind="stable")
        dedupe = ["flow_id", "key", "encoding", "form", "where"]
        counts = df.groupby(dedupe, sort=False)["start"].transform("size")
        df = df.assign(count=counts.astype("int64")).drop_duplicates(dedupe)
        wrap = df["view"].isin(list(order))
        outer = df.loc[wrap, "view"].map(_VIEW_LABEL)
        inner = df.loc[wrap, "encoding"]
        df.loc[wrap, "encoding"] = np.where(inner == "plain", outer, outer + "(" + inner + ")")
        df = df.drop_duplicates(dedupe)
        df = df.sort_values(["flow_id", "where", "start"], kind="stable").reset_index(drop=True)
        return df[DETECTION_COLUMNS]

    @staticmethod
    def _location_rule(df: pd.DataFrame) -> pd.DataFrame:
        """A coordinate alone is too short to be evidence: keep location hits when the flow also
        carries the other coordinate (or the pair), or when the lone one has >= 5 decimals."""
        loc = df["key"].eq("location")
        if not loc.any():
            return df
        sub = df[loc]
        has = sub.groupby("flow_id")["coord"].agg(lambda c: {"lat", "lon"} <= set(c) or "pair" in set(c))
        both = sub["flow_id"].map(has).fillna(False).astype(bool)
        ok = both | sub["decimals"].ge(5)
        return df.drop(index=sub.index[~ok])
