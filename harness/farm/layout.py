"""The farm's output folder: what is published, what is kept aside, and the one atomic step between.

```
OUT/
  runs/<job_key>/<run_id>/        published: the job's one run (a normal run directory)
  _staging/<attempt_id>/<job_key>/<run_id>/   an attempt in progress (or abandoned by a dead worker)
  _attempts/<job_key>/<attempt_id>.json       one record per attempt: worker, device, outcome, reason
  _attempts/<job_key>/<attempt_id>/<run_id>/  the run of an attempt ended by an infrastructure failure
  _duplicates/<job_key>/<attempt_id>/<run_id>/  a second run of a published job (not in the result set)
```

Publishing is `rename(_staging/<attempt>/<job_key>, runs/<job_key>)`: rename(2) of a directory
onto a path that is missing (or an empty directory) is atomic, and fails when the target is a
non-empty directory, so of two attempts of one job that finish together exactly one wins and the
other sees that it lost. Folders starting with `_` or `.` are never part of the result set (the
convention pyarrow datasets and Hadoop use), which is how `analysis.load` skips them."""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNS, STAGING, ATTEMPTS, DUPLICATES = "runs", "_staging", "_attempts", "_duplicates"


@dataclass(frozen=True)
class Published:
    """A job's published run."""

    job_key: str
    run_dir: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class FarmOut:
    """The farm's output folder (a local folder, shared by the workers when they are on other hosts)."""

    root: Path

    def job_dir(self, job_key: str) -> Path:
        return self.root / RUNS / job_key

    def staging_dir(self, attempt_id: str, job_key: str) -> Path:
        return self.root / STAGING / attempt_id / job_key

    def attempt_record(self, job_key: str, attempt_id: str) -> Path:
        return self.root / ATTEMPTS / job_key / f"{attempt_id}.json"

    def is_published(self, job_key: str) -> bool:
        return self.published_run(job_key) is not None

    def published_run(self, job_key: str) -> Published | None:
        """The job's published run, or None. A job folder holds exactly one run directory."""
        for manifest in sorted(self.job_dir(job_key).glob("*/manifest.json")):
            return Published(job_key, manifest.parent, read_json(manifest))
        return None

    def published(self) -> Iterator[Published]:
        """Every published run, in job-key order."""
        runs = self.root / RUNS
        if not runs.is_dir():
            return
        for job in sorted(runs.iterdir()):
            if job.name[:1] in "._" or not job.is_dir():
                continue
            found = self.published_run(job.name)
            if found is not None:
                yield found

    def publish(self, attempt_id: str, job_key: str) -> bool:
        """Move the attempt's staged run to `runs/<job_key>` in one rename. False when the job was
        already published by another attempt (the staged run is then kept aside as a duplicate)."""
        staged = self.staging_dir(attempt_id, job_key)
        target = self.job_dir(job_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staged, target)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            self.set_aside(attempt_id, job_key, DUPLICATES)
            return False
        _remove_empty(staged.parent)
        return True

    def set_aside(self, attempt_id: str, job_key: str, where: str) -> Path | None:
        """Move a staged attempt out of staging into `_attempts/` or `_duplicates/`; its new folder."""
        staged = self.staging_dir(attempt_id, job_key)
        if not staged.exists():
            return None
        target = self.root / where / job_key / attempt_id
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, target)
        _remove_empty(staged.parent)
        return target

    def duplicates(self) -> list[Path]:
        """Run directories kept aside because their job had been published by another attempt."""
        return sorted(p.parent for p in (self.root / DUPLICATES).glob("*/*/*/manifest.json"))

    def attempts(self, job_key: str) -> list[dict[str, Any]]:
        """Every attempt record of a job, oldest first."""
        records = [read_json(p) for p in (self.root / ATTEMPTS / job_key).glob("*.json")]
        return sorted((r for r in records if r), key=lambda r: (str(r.get("started", "")), str(r.get("attempt_id"))))

    def write_attempt(self, record: dict[str, Any]) -> None:
        write_json(self.attempt_record(record["job_key"], record["attempt_id"]), record)

    def clear_staging(self, attempt_id: str) -> None:
        shutil.rmtree(self.root / STAGING / attempt_id, ignore_errors=True)


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object, or {} when the file is missing or unreadable (a record cut by a kill)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write-then-rename, so a reader never sees half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _remove_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
