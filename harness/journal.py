"""The run's append-only journal: every source (agent, proxy, UI observer, runner) appends rows
here while the run is in progress, and `compact` turns it into the Parquet tables at the end.

Why a journal and not Parquet directly: a run can be killed at any moment (device lost, harness
killed, power cut). Lines of JSON flushed in batches survive that; `consentry recover` compacts
whatever is there, losing at most the last unflushed batch and ignoring a torn last line.

Layout: `journal/<table>.<writer>.jsonl`, one writer tag per process so that a separate proxy
process never interleaves with the runner. A line is either one row (a JSON object) or a batch
(a JSON array of row objects), so a batch from the agent can be written as received."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

# pandas and pyarrow are imported by the functions that build tables (compact, read), not here: the
# capture proxy's child process and every writer only append JSON lines, and importing them cost
# each per-run proxy child about a CPU second.

JOURNAL_DIR = "journal"


def _dumps(row: Any) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str)


class _TableWriter:
    """Buffered, lock-protected appender for one table's file."""

    def __init__(self, path: Path, flush_rows: int):
        self.path = path
        self.flush_rows = flush_rows
        self.lock = threading.Lock()
        self.pending: list[str] = []
        self.pending_rows = 0
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.rows_written = 0
        self.error: str | None = None  # the first write error (disk full): later rows are dropped, counted
        self.rows_dropped = 0

    def add(self, line: str, rows: int) -> None:
        with self.lock:
            self.pending.append(line)
            self.pending_rows += rows
            if self.pending_rows >= self.flush_rows:
                self._flush_locked()

    def _flush_locked(self) -> None:
        if not self.pending:
            return
        if self.error is None:
            try:
                self.fh.write("\n".join(self.pending) + "\n")
                self.fh.flush()
                self.rows_written += self.pending_rows
            except OSError as exc:  # disk full, I/O error: what reached the file stays readable
                self.error = f"{self.path.name}: {exc.strerror or exc}"
                self.rows_dropped += self.pending_rows
        else:
            self.rows_dropped += self.pending_rows
        self.pending.clear()
        self.pending_rows = 0

    def flush(self, fsync: bool = False) -> None:
        with self.lock:
            self._flush_locked()
            if fsync and self.error is None:
                try:
                    os.fsync(self.fh.fileno())
                except OSError as exc:
                    self.error = f"{self.path.name}: {exc.strerror or exc}"

    def close(self) -> None:
        with self.lock:
            self._flush_locked()
            try:
                os.fsync(self.fh.fileno())
            except OSError:
                pass
            try:
                self.fh.close()
            except OSError as exc:  # the buffered tail could not be written
                self.error = self.error or f"{self.path.name}: {exc.strerror or exc}"


class Journal:
    """Thread-safe journal of one run. Rows are flushed when `flush_rows` accumulate for a table,
    and at least every `flush_interval` seconds by a background thread."""

    def __init__(
        self,
        run_dir: str | os.PathLike[str],
        *,
        writer_tag: str | None = None,
        flush_rows: int = 2000,
        flush_interval: float = 0.2,
    ):
        self.run_dir = Path(run_dir)
        self.dir = self.run_dir / JOURNAL_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tag = writer_tag or str(os.getpid())
        self.flush_rows = flush_rows
        self._writers: dict[str, _TableWriter] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._ticker = threading.Thread(target=self._tick, args=(flush_interval,), daemon=True,
                                        name="journal-flush")
        self._ticker.start()

    def _writer(self, table: str) -> _TableWriter:
        w = self._writers.get(table)
        if w is None:
            with self._lock:
                w = self._writers.get(table)
                if w is None:
                    if self._closed.is_set():
                        raise RuntimeError("journal is closed")
                    w = _TableWriter(self.dir / f"{table}.{self.tag}.jsonl", self.flush_rows)
                    self._writers[table] = w
        return w

    def append(self, table: str, row: Mapping[str, Any]) -> None:
        """Append one row."""
        self._writer(table).add(_dumps(row), 1)

    def extend(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Append many rows as one batch line."""
        rows = list(rows)
        if rows:
            self._writer(table).add(_dumps(rows), len(rows))

    def append_raw(self, table: str, json_array: str, rows: int) -> None:
        """Append a batch already serialised as one JSON array (e.g. an agent message), unparsed."""
        if "\n" in json_array:
            json_array = json_array.replace("\n", " ")
        self._writer(table).add(json_array, rows)

    @property
    def error(self) -> str | None:
        """The first write error of any table (e.g. no space left on device), else None. After it
        that table's rows are dropped and counted (`rows_dropped`); rows written before stay."""
        for w in list(self._writers.values()):
            if w.error:
                return w.error
        return None

    def rows_dropped(self) -> dict[str, int]:
        return {t: w.rows_dropped for t, w in self._writers.items() if w.rows_dropped}

    def rows_written(self) -> dict[str, int]:
        return {t: w.rows_written + w.pending_rows for t, w in self._writers.items()}

    def flush(self, fsync: bool = False) -> None:
        for w in list(self._writers.values()):
            w.flush(fsync)

    def _tick(self, interval: float) -> None:
        while not self._closed.wait(interval):
            try:
                self.flush()
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._ticker.join(timeout=2)
        for w in list(self._writers.values()):
            w.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_journal_rows(run_dir: str | os.PathLike[str], table: str) -> tuple[list[dict[str, Any]], int]:
    """All rows of one table from the journal, in file order; returns (rows, torn_lines).
    A line that does not parse (the torn last line of a killed writer) is counted, not fatal."""
    rows: list[dict[str, Any]] = []
    torn = 0
    jdir = Path(run_dir) / JOURNAL_DIR
    for path in sorted(jdir.glob(f"{table}.*.jsonl")):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    torn += 1
                    continue
                if isinstance(value, list):
                    rows.extend(v for v in value if isinstance(v, dict))
                elif isinstance(value, dict):
                    rows.append(value)
    return rows, torn


def _to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    import pandas as pd
    import pyarrow as pa

    from analysis.schema import TABLES, conform, empty_table

    if not rows:
        return empty_table(table)
    frame = pd.DataFrame.from_records(rows)
    schema = TABLES[table]
    for field in schema:
        if field.name not in frame.columns:
            continue
        if pa.types.is_string(field.type) and frame[field.name].dtype == object:
            col = frame[field.name]
            nonstr = col.map(lambda v: not (v is None or isinstance(v, str)))
            if nonstr.any():
                frame.loc[nonstr, field.name] = col[nonstr].map(_dumps)
    # Unknown extra columns holding mixed objects are kept as JSON text.
    for name in frame.columns:
        if name not in schema.names and frame[name].dtype == object:
            frame[name] = frame[name].map(lambda v: v if v is None or isinstance(v, str) else _dumps(v))
    if "t_ns" in frame.columns:
        frame = frame.sort_values("t_ns", kind="stable")
    if table == "stacks":
        frame = frame.drop_duplicates("stack_id")
    return conform(table, pa.Table.from_pandas(frame, preserve_index=False))


def compact(run_dir: str | os.PathLike[str], *, remove_journal: bool = True) -> dict[str, int]:
    """Write every journal table as `<table>.parquet` (atomically) and return row counts.
    Existing Parquet rows of a table (a previous partial compaction) are merged, not lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.schema import JOURNAL_TABLES, conform

    run_dir = Path(run_dir)
    counts: dict[str, int] = {}
    torn_total = 0
    for table in JOURNAL_TABLES:
        rows, torn = read_journal_rows(run_dir, table)
        torn_total += torn
        arrow = _to_arrow(table, rows)
        target = run_dir / f"{table}.parquet"
        if target.exists() and rows:
            previous = conform(table, pq.read_table(target))
            arrow = pa.concat_tables([previous, arrow], promote_options="permissive")
        elif target.exists():
            counts[table] = pq.read_metadata(target).num_rows
            continue
        tmp = target.with_suffix(".parquet.tmp")
        pq.write_table(arrow, tmp)
        os.replace(tmp, target)
        counts[table] = arrow.num_rows
    if remove_journal:
        jdir = run_dir / JOURNAL_DIR
        for path in jdir.glob("*.jsonl"):
            path.unlink()
        try:
            jdir.rmdir()
        except OSError:
            pass
    counts["_torn_lines"] = torn_total
    return counts
