"""Run sets larger than memory.

Findings are per run, so a large set is evaluated chunk by chunk of runs (optionally in parallel
with Dask, one task per chunk); a single table across all runs is a lazy Dask DataFrame with one
partition per run directory, never materialised whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.load import (
    RUN_COLUMNS,
    find_run_dirs,
    manifest_row,
    read_json_file,
    read_table,
    tag_runs,
    typed,
)


def _one(run_dir: str, name: str) -> pd.DataFrame:
    d = Path(run_dir)
    manifests = pd.DataFrame([manifest_row(d, read_json_file(d / "manifest.json", required=True))])
    frame = read_table(name, [d], [manifests.at[0, "run_id"]]).to_pandas()
    run_index = frame.pop("_run").astype("int32")
    frame = tag_runs(typed(name, frame), manifests, run_index)
    for col in RUN_COLUMNS:  # partitions must agree on dtypes: plain strings across runs
        frame[col] = frame[col].astype(str)
    return frame


def read_table_dask(paths, name: str):
    """One table of every run under `paths` as a Dask DataFrame (a partition per run)."""
    import dask.dataframe as dd

    dirs = [str(d) for d in find_run_dirs(paths)]
    meta = _one(dirs[0], name).iloc[0:0]
    return dd.from_map(_one, dirs, name=name, meta=meta, enforce_metadata=False) if len(dirs) > 1 else \
        dd.from_pandas(_one(dirs[0], name), npartitions=1)


def evaluate_chunked(paths, config=None, *, chunk_runs: int = 100, client=None, write: bool = False) -> pd.DataFrame:
    """Findings of every run under `paths`, `chunk_runs` runs in memory at a time.

    With a `dask.distributed` client the chunks run as tasks on the cluster; `write` also stores
    findings.parquet in each run directory."""
    dirs = find_run_dirs(paths)
    chunks = [dirs[i:i + chunk_runs] for i in range(0, len(dirs), chunk_runs)]

    def work(chunk):
        from analysis.findings import evaluate, write_findings
        from analysis.load import open_runs

        runs = open_runs(*chunk)
        found = evaluate(runs, config)
        if write:
            write_findings(runs, found)
        return found

    if client is not None:
        parts = client.gather(client.map(work, chunks))
    else:
        parts = [work(c) for c in chunks]
    parts = [p for p in parts if len(p)]
    if not parts:
        from analysis.findings import empty_findings

        return empty_findings()
    return pd.concat(parts, ignore_index=True)
