"""Loading run directories into one set of typed pandas tables (`open_runs` -> `RunSet`).

Every table of every run is read through one pyarrow dataset per table (declared columns cast to
their contract types, missing ones null, extra ones kept) and tagged with the run's `run_id`, `app`
(package), `scenario` and `device`, so an analyst filters and groups across hundreds of runs with
plain pandas. Low-cardinality text columns become categoricals: they are what rules group on, and
they keep ten million events in a few hundred megabytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from analysis.errors import AnalysisInputError
from analysis.schema import TABLES

EVENT_TABLES = ("api_calls", "stacks", "flows", "ui", "consent", "steps", "events", "findings")
RUN_COLUMNS = ("run_id", "app", "scenario", "device")
MANIFEST_MAX_BYTES = 4 << 20

# What `analysis.pii.detect_run` returns (the traffic engineer's contract), cached per run as
# `detections.parquet` so that reports and re-evaluations do not scan bodies again.
DETECTIONS_SCHEMA = pa.schema(
    [
        ("flow_id", pa.string()),
        ("key", pa.string()),
        ("encoding", pa.string()),
        ("where", pa.string()),
        ("excerpt", pa.string()),
    ]
)

_CATEGORICAL = {
    "api_calls": ("layer", "hook_id", "category", "api", "stack_id", "permission", "sdk", "thread"),
    "flows": ("method", "scheme", "host", "source", "http_version"),
    "ui": ("package", "activity", "screen_kind"),
    "consent": ("subject", "state", "via"),
    "steps": ("action", "outcome"),
    "events": ("source", "kind"),
    "findings": ("rule", "severity", "category", "sdk"),
    "detections": ("key", "encoding", "where"),
}


@dataclass
class RunSet:
    """The tables of many runs, each with `run_id`, `app`, `scenario` and `device` columns.

    `manifests` has one row per run (flattened manifest.json plus `path`); `identities` maps a
    run id to its identity.json object."""

    manifests: pd.DataFrame
    api_calls: pd.DataFrame
    stacks: pd.DataFrame
    flows: pd.DataFrame
    detections: pd.DataFrame
    ui: pd.DataFrame
    consent: pd.DataFrame
    steps: pd.DataFrame
    events: pd.DataFrame
    findings: pd.DataFrame
    identities: dict[str, dict] = field(default_factory=dict)
    policies: dict[str, Any] = field(default_factory=dict)  # run id -> analysis.policy.run.RunPolicy

    @property
    def run_ids(self) -> list[str]:
        return list(self.manifests["run_id"])

    def path_of(self, run_id: str) -> Path:
        return Path(self.manifests.set_index("run_id").at[run_id, "path"])

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def to_dask(self, name: str, npartitions: int | None = None):
        """One table as a Dask DataFrame (for distributed or out-of-core follow-up work).

        For sets that do not fit in memory use `analysis.scale.read_table_dask(paths, name)`
        instead, which never materialises the whole table."""
        import dask.dataframe as dd

        frame = self.table(name)
        parts = npartitions or max(1, min(len(self.manifests), 64))
        return dd.from_pandas(frame, npartitions=parts)


def _set_aside(relative: Path) -> bool:
    """Folders named `_*` or `.*` hold runs that are not results (a farm's staging, retried attempts,
    duplicates: docs/farm.md), as pyarrow datasets and Hadoop skip such names."""
    return any(part[:1] in "._" for part in relative.parts)


def find_run_dirs(paths: Iterable[str | Path], max_depth: int = 3) -> list[Path]:
    """Run directories (holding manifest.json) given directly or found below the given folders;
    only published runs: folders starting with `_` or `.` below a given folder are skipped."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise AnalysisInputError("no such run directory", source=str(path))
        if (path / "manifest.json").is_file():
            found.append(path)
            continue
        if not path.is_dir():
            raise AnalysisInputError("not a run directory (no manifest.json)", source=str(path))
        below = sorted(
            p.parent
            for depth in range(1, max_depth + 1)
            for p in path.glob("/".join(["*"] * depth) + "/manifest.json")
            if not _set_aside(p.parent.relative_to(path))
        )
        if not below:
            raise AnalysisInputError("no run directories (manifest.json) found below it", source=str(path))
        found.extend(below)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique


def read_json_file(path: Path, *, required: bool) -> dict:
    """A JSON object from a run directory, capped in size; errors name the file and place."""
    if not path.is_file():
        if required:
            raise AnalysisInputError("missing", source=str(path))
        return {}
    if path.stat().st_size > MANIFEST_MAX_BYTES:
        raise AnalysisInputError(f"larger than {MANIFEST_MAX_BYTES} bytes", source=str(path))
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        raise AnalysisInputError(f"not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})",
                                 source=str(path), where=where) from exc
    if not isinstance(obj, dict):
        raise AnalysisInputError("expected a JSON object", source=str(path))
    return obj


def manifest_row(run_dir: Path, manifest: dict) -> dict:
    """The flattened manifest fields analysis uses (everything else stays in `manifest`)."""
    def sub(key: str) -> dict:
        value = manifest.get(key)
        return value if isinstance(value, dict) else {}

    app, device, scenario = sub("app"), sub("device"), sub("scenario")
    run_id = str(manifest.get("run_id") or run_dir.name)
    raw_sdks, raw_perms = app.get("sdks"), app.get("permissions")
    sdks = raw_sdks if isinstance(raw_sdks, list) else []
    perms = raw_perms if isinstance(raw_perms, list) else []
    fresh = scenario.get("fresh")
    return {
        "run_id": run_id,
        "app": str(app.get("package") or ""),
        "app_version": str(app.get("version") or ""),
        "scenario": str(scenario.get("name") or ""),
        "device": str(device.get("serial") or device.get("model") or ""),
        "device_kind": str(device.get("kind") or ""),
        "status": str(manifest.get("status") or ""),
        "started": str(manifest.get("started") or ""),
        "ended": str(manifest.get("ended") or ""),
        "fresh": bool(fresh) if isinstance(fresh, bool) else None,
        "sdks": [str(s) for s in sdks][:2000],
        "permissions": [str(p) for p in perms][:2000],
        "path": str(run_dir),
        "manifest": json.dumps(manifest, ensure_ascii=False, default=str)[:MANIFEST_MAX_BYTES],
    }


def _table_schema(name: str) -> pa.Schema:
    return DETECTIONS_SCHEMA if name == "detections" else TABLES[name]


def read_table(name: str, run_dirs: list[Path], run_ids: list[str]) -> pa.Table:
    """One table of many runs through one pyarrow dataset, with an int32 `_run` index column."""
    declared = _table_schema(name)
    files = [(i, d / f"{name}.parquet") for i, d in enumerate(run_dirs)]
    files = [(i, f) for i, f in files if f.is_file()]
    if not files:
        return declared.empty_table().append_column("_run", pa.array([], pa.int32()))
    schemas = [declared]
    for _, f in files:
        try:
            schemas.append(pq.read_schema(f))
        except (pa.ArrowInvalid, OSError) as exc:
            raise AnalysisInputError(f"unreadable Parquet ({exc})", source=str(f)) from exc
    extras = [fld for s in schemas[1:] for fld in s if fld.name not in declared.names]
    seen: dict[str, pa.Field] = {}
    for fld in extras:
        seen.setdefault(fld.name, fld)
    schema = pa.schema(list(declared) + list(seen.values()))
    index_of = {str(f): i for i, f in files}
    dataset = ds.dataset([str(f) for _, f in files], schema=schema, format="parquet")
    parts = []
    for fragment in dataset.get_fragments():
        try:
            tbl = fragment.to_table(schema=schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
            raise AnalysisInputError(f"columns do not match the contract ({exc})", source=fragment.path) from exc
        run_index = index_of[fragment.path]
        parts.append(tbl.append_column("_run", pa.array([run_index] * len(tbl), pa.int32())))
    return pa.concat_tables(parts) if parts else schema.empty_table().append_column("_run", pa.array([], pa.int32()))


def tag_runs(frame: pd.DataFrame, manifests: pd.DataFrame, run_index: pd.Series) -> pd.DataFrame:
    """Add the run columns (categoricals sharing one category list per column) in front."""
    tagged = {}
    for col in RUN_COLUMNS:
        cats = pd.Index(manifests[col].unique())
        codes = cats.get_indexer(manifests[col]).astype("int32")[run_index.to_numpy()]
        tagged[col] = pd.Categorical.from_codes(codes, categories=cats)
    front = pd.DataFrame(tagged, index=frame.index)
    return pd.concat([front, frame.drop(columns=[c for c in RUN_COLUMNS if c in frame.columns])], axis=1)


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract types in pandas: categoricals for grouping columns, int64 for times."""
    for col in _CATEGORICAL.get(name, ()):
        if col in frame.columns:
            frame[col] = frame[col].astype("category")
    return frame


def _detections_for(run_dir: Path) -> pa.Table | None:
    """Run the traffic engineer's detector when a run has no cached detections.parquet."""
    if (run_dir / "detections.parquet").is_file() or not (run_dir / "flows.parquet").is_file():
        return None
    try:
        from analysis.pii import detect_run  # type: ignore[attr-defined]
    except ImportError:
        return None
    frame = detect_run(run_dir)
    if frame is not None:
        frame.attrs = {}  # detect_run attaches notes (a DataFrame) that pandas cannot compare in concat
    if frame is None or len(frame) == 0:
        return DETECTIONS_SCHEMA.empty_table()
    keep = [c for c in DETECTIONS_SCHEMA.names if c in frame.columns]
    tbl = pa.table({c: pa.array([None if pd.isna(v) else str(v) for v in frame[c].astype(object)], pa.string())
                    for c in keep})  # detections: a handful per flow
    return tbl


def open_runs(*paths: str | Path, detect: bool = True) -> RunSet:
    """Load run directories (or folders holding them) into one `RunSet`.

    `detect`: compute PII detections with `analysis.pii.detect_run` for runs that have no cached
    `detections.parquet` (and cache them). Raises `AnalysisInputError` naming the file at fault."""
    run_dirs = find_run_dirs(paths)
    rows = [manifest_row(d, read_json_file(d / "manifest.json", required=True)) for d in run_dirs]
    manifests = pd.DataFrame(rows)
    dup = manifests["run_id"].duplicated()
    if dup.any():
        raise AnalysisInputError("run_id given twice", source=str(manifests.loc[dup, "path"].iloc[0]))
    identities = {r["run_id"]: read_json_file(d / "identity.json", required=False) for r, d in zip(rows, run_dirs, strict=True)}
    from analysis.policy.run import load_run_policy

    policies = {r["run_id"]: p for r, d in zip(rows, run_dirs, strict=True) if (p := load_run_policy(d)) is not None}
    if detect:
        for d in run_dirs:
            tbl = _detections_for(d)
            if tbl is not None:
                pq.write_table(tbl, d / "detections.parquet")
    run_ids = list(manifests["run_id"])
    tables = {}
    for name in (*EVENT_TABLES, "detections"):
        arrow = read_table(name, run_dirs, run_ids)
        frame = arrow.to_pandas()
        run_index = frame.pop("_run").astype("int32")
        frame = tag_runs(typed(name, frame), manifests, run_index)
        tables[name] = frame
    for col in RUN_COLUMNS:
        manifests[col] = manifests[col].astype(str)
    return RunSet(manifests=manifests, identities=identities, policies=policies, **tables)


def from_frames(manifests: pd.DataFrame, identities: dict | None = None, policies: dict | None = None,
                **tables: pd.DataFrame) -> RunSet:
    """A RunSet from in-memory tables (benchmarks, notebooks): missing tables are empty, and the
    run columns are filled from `manifests` by `run_id` when a table lacks them."""
    manifests = manifests.copy()
    for col, default in (("app", ""), ("scenario", ""), ("device", ""), ("path", ""), ("fresh", None)):
        if col not in manifests:
            manifests[col] = default
    for col in ("sdks", "permissions"):
        if col not in manifests:
            manifests[col] = [[] for _ in range(len(manifests))]
    out = {}
    for name in (*EVENT_TABLES, "detections"):
        frame = tables.get(name)
        if frame is None:
            frame = _table_schema(name).empty_table().to_pandas()
            frame["run_id"] = pd.Series([], dtype=object)
        if "run_id" in frame and not {"app", "scenario", "device"} <= set(frame.columns):
            ids = pd.Index(manifests["run_id"])
            run_index = pd.Series(ids.get_indexer(frame["run_id"].astype(str)), index=frame.index)
            if (run_index < 0).any():
                raise AnalysisInputError(f"{name}: run_id not in manifests")
            frame = tag_runs(frame.drop(columns=["run_id"]), manifests, run_index)
        out[name] = frame
    return RunSet(manifests=manifests, identities=identities or {}, policies=policies or {}, **out)
