from __future__ import annotations

import time

import pytest

from harness.capture import ProxyService
from harness.journal import Journal, read_journal_rows
from tests.capture.origin import Origin


@pytest.fixture
def origin(tmp_path):
    o = Origin(tmp_path / "origin")
    yield o
    o.close()


@pytest.fixture
def run_dir(tmp_path):
    d = tmp_path / "run"
    d.mkdir()
    return d


@pytest.fixture
def proxy(run_dir, origin, tmp_path):
    journal = Journal(run_dir, writer_tag="proxy")
    svc = ProxyService(journal, run_dir, time.time_ns(), confdir=tmp_path / "mitm", upstream_ca=origin.ca)
    svc.start()
    yield svc
    svc.stop()
    journal.close()


def rows(svc: ProxyService, table: str = "flows") -> list[dict]:
    svc.cap.journal.flush()
    return read_journal_rows(svc.cap.run_dir, table)[0]
