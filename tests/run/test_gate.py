"""`--fail-on`: rule ids and severities over findings.parquet files, and unknown rules refused early."""

import pandas as pd
import pytest

from analysis.errors import AnalysisInputError
from harness.run.gate import check_fail_on, matched_findings


def _run(tmp_path, name, rows):
    d = tmp_path / name
    d.mkdir()
    pd.DataFrame(rows, columns=["rule", "severity"]).to_parquet(d / "findings.parquet")
    return d


def test_rules_and_severities(tmp_path):
    a = _run(tmp_path, "a", [("collect-before-consent", "high"), ("third-party-sdk", "info")])
    b = _run(tmp_path, "b", [("excessive-frequency", "medium")])
    empty = tmp_path / "no-findings-yet"
    empty.mkdir()
    runs = [a, b, empty]
    assert matched_findings(runs, None) == 0
    assert matched_findings(runs, "high") == 1
    assert matched_findings(runs, "medium") == 2
    assert matched_findings(runs, "info") == 3
    assert matched_findings(runs, "third-party-sdk,excessive-frequency") == 2
    assert matched_findings(runs, "pi-cleartext") == 0


def test_unknown_rule_is_refused_before_running():
    check_fail_on("high,collect-before-consent")
    with pytest.raises(AnalysisInputError, match="unknown rule 'nope'"):
        check_fail_on("nope")
