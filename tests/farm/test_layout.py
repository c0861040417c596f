"""Publishing under a job key: of many attempts that finish together exactly one is published, the
others are kept aside, and analysis reads only what is published."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from analysis.load import find_run_dirs
from harness.farm.layout import DUPLICATES, FarmOut

JOB = "com.example.app-baseline-r0-0123456789abcdef"


def _stage(farm: FarmOut, attempt_id: str, job_key: str = JOB) -> Path:
    run = farm.staging_dir(attempt_id, job_key) / f"20261207T000000000-{attempt_id}"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({"run_id": run.name, "status": "complete"}))
    return run


def test_of_attempts_publishing_at_once_exactly_one_wins(tmp_path):
    farm = FarmOut(tmp_path)
    attempts = [f"a{i}" for i in range(8)]
    for a in attempts:
        _stage(farm, a)
    barrier = threading.Barrier(len(attempts))
    won: dict[str, bool] = {}

    def publish(attempt_id: str) -> None:
        barrier.wait()  # all renames at once (os.rename releases the GIL: the kernel arbitrates)
        won[attempt_id] = FarmOut(tmp_path).publish(attempt_id, JOB)

    threads = [threading.Thread(target=publish, args=(a,)) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    won_list = [won[a] for a in attempts]
    assert sum(won_list) == 1
    winner = attempts[won_list.index(True)]
    published = farm.published_run(JOB)
    assert published is not None and published.run_dir.name.endswith(winner)
    assert len(list(farm.job_dir(JOB).iterdir())) == 1
    assert sorted(p.parent.name for p in farm.duplicates()) == sorted(a for a in attempts if a != winner)
    assert not (tmp_path / "_staging").exists() or not any((tmp_path / "_staging").iterdir())
    # analysis sees the published run only, never the duplicates nor anything staged
    _stage(farm, "still-running")
    assert find_run_dirs([tmp_path]) == [published.run_dir.resolve()]


def test_set_aside_keeps_a_failed_attempt_out_of_the_results(tmp_path):
    farm = FarmOut(tmp_path)
    run = _stage(farm, "a1")
    kept = farm.set_aside("a1", JOB, DUPLICATES)
    assert kept is not None and (kept / run.name / "manifest.json").exists()
    assert farm.published_run(JOB) is None
    assert list(farm.published()) == []


def test_attempt_records_are_read_oldest_first_and_a_torn_one_is_skipped(tmp_path):
    farm = FarmOut(tmp_path)
    farm.write_attempt({"job_key": JOB, "attempt_id": "b", "started": "2026-12-07T00:00:02Z"})
    farm.write_attempt({"job_key": JOB, "attempt_id": "a", "started": "2026-12-07T00:00:01Z"})
    farm.attempt_record(JOB, "torn").write_text('{"job_key": ')
    assert [r["attempt_id"] for r in farm.attempts(JOB)] == ["a", "b"]
