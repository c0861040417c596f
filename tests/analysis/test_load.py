"""open_runs and the timeline joins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_factories import RunBuilder, consent_flow_run
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
from analysis.errors import AnalysisInputError
from analysis.timeline import asof_index, consent_intervals


def test_open_runs_spans_runs_with_run_columns(tmp_path):
    consent_flow_run("r1", "accept").write(tmp_path)
    other = RunBuilder("r2", package="com.other.app", scenario="refuse", device="sim-2")
    other.flow(1.0, "api.other.example", detections=[("android_id", "md5", "header:X-Id", "X-Id: abc")])
    other.write(tmp_path)
    runs = analysis.open_runs(tmp_path)
    assert sorted(runs.run_ids) == ["r1", "r2"]
    for name in ("api_calls", "stacks", "flows", "detections", "ui", "consent", "steps", "events", "findings"):
        frame = getattr(runs, name)
        assert {"run_id", "app", "scenario", "device"} <= set(frame.columns), name
    assert runs.api_calls["t_ns"].dtype == np.int64 and isinstance(runs.api_calls["category"].dtype, pd.CategoricalDtype)
    assert set(runs.flows["app"]) == {"com.other.app"} and runs.detections["key"].tolist() == ["android_id"]
    assert runs.identities["r1"]["imei"] == "867530912345678"
    assert runs.to_dask("api_calls").compute().shape[0] == len(runs.api_calls)


def test_open_runs_errors_name_the_file(tmp_path):
    with pytest.raises(AnalysisInputError, match="no such run directory"):
        analysis.open_runs(tmp_path / "nope")
    run_dir = consent_flow_run("r1").write(tmp_path)
    (run_dir / "manifest.json").write_text("{not json")
    with pytest.raises(AnalysisInputError) as err:
        analysis.open_runs(run_dir)
    assert "manifest.json" in str(err.value) and "line 1" in str(err.value)


def test_write_findings_round_trip(tmp_path):
    consent_flow_run("r1", before=4.9).write(tmp_path)
    runs = analysis.open_runs(tmp_path)
    findings = analysis.evaluate(runs)
    analysis.write_findings(runs, findings)
    again = analysis.open_runs(tmp_path)
    assert set(again.findings["rule"]) == set(findings["rule"]) and len(again.findings) == len(findings)


def test_consent_intervals():
    consent = pd.DataFrame({"run_id": ["r", "r", "r"], "subject": ["privacy_notice"] * 3, "t_ns": [1, 5, 9],
                            "state": ["shown", "accepted", "refused"], "via": ["observed", "step", "step"]})
    iv = consent_intervals(consent)
    assert iv["state"].tolist() == ["shown", "accepted", "refused"]
    assert iv["end_ns"].tolist()[:2] == [5, 9] and pd.isna(iv["end_ns"].iloc[2])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000)), min_size=0, max_size=15),
       st.sampled_from(["backward", "forward"]))
def test_asof_index_matches_merge_asof(left, right, direction):
    lg, lt = map(np.array, zip(*left, strict=True))
    rg, rt = (map(np.array, zip(*right, strict=True)) if right else (np.array([], int), np.array([], int)))
    got = asof_index(lg, lt, rg, rt, direction=direction)
    lf = pd.DataFrame({"g": lg, "t": lt, "i": range(len(lt))}).sort_values("t")
    rf = pd.DataFrame({"g": rg, "t": rt, "j": range(len(rt))}).sort_values("t", kind="stable")
    m = pd.merge_asof(lf, rf, on="t", by="g", direction=direction).sort_values("i")
    expected_t = rt[m["j"].fillna(-1).astype(int).to_numpy()] if len(rt) else None
    for k, (gi, ji) in enumerate(zip(got, m["j"].fillna(-1).astype(int), strict=True)):
        assert (gi >= 0) == (ji >= 0)
        if gi >= 0:  # ties may pick a different row with the same group and time
            assert rg[gi] == lg[k] and rt[gi] == expected_t[k]


def test_scale_paths(tmp_path):
    from analysis.scale import evaluate_chunked, read_table_dask

    for i in range(3):
        consent_flow_run(f"r{i}", before=4.9).write(tmp_path)
    lazy = read_table_dask([tmp_path], "api_calls")
    assert lazy.npartitions == 3 and len(lazy.compute()) == 6
    chunked = evaluate_chunked([tmp_path], chunk_runs=2)
    whole = analysis.evaluate(analysis.open_runs(tmp_path))
    assert sorted(chunked["rule"] + chunked["run_id"]) == sorted(whole["rule"] + whole["run_id"])


def test_detections_come_from_the_pii_detector_when_not_cached(tmp_path):
    run = consent_flow_run("r1", before=None, after=None)
    run.flow(2.0, "alog.umeng.com", scheme="http", query="imei=867530912345678", body='{"aid":"9774d56d682e549c"}')
    run_dir = run.write(tmp_path, detections_file=False)
    runs = analysis.open_runs(tmp_path)
    assert {"imei", "android_id"} <= set(runs.detections["key"].astype(str))
    assert (run_dir / "detections.parquet").is_file()  # cached for the next load
    rules = set(analysis.evaluate(runs)["rule"])
    assert {"collect-before-consent", "pi-cleartext", "pi-to-third-party"} <= rules


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000)), min_size=60, max_size=200),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000)), min_size=1, max_size=6),
       st.sampled_from(["backward", "forward"]), st.booleans())
def test_asof_index_sorted_events_path_matches_merge_asof(left, right, direction, exact):
    """Many events sorted by (run, time) and few consent rows take the counting path, not the
    binary search: both must give merge_asof's answer."""
    left = sorted(left)
    lg, lt = map(np.array, zip(*left, strict=True))
    rg, rt = map(np.array, zip(*right, strict=True))
    got = asof_index(lg, lt, rg, rt, direction=direction, allow_exact=exact)
    lf = pd.DataFrame({"g": lg, "t": lt, "i": range(len(lt))}).sort_values("t", kind="stable")
    rf = pd.DataFrame({"g": rg, "t": rt, "j": range(len(rt))}).sort_values("t", kind="stable")
    m = pd.merge_asof(lf, rf, on="t", by="g", direction=direction, allow_exact_matches=exact).sort_values("i")
    for k, (gi, ji) in enumerate(zip(got, m["j"].fillna(-1).astype(int), strict=True)):
        assert (gi >= 0) == (ji >= 0), (k, gi, ji)
        if gi >= 0:
            assert rg[gi] == lg[k] and rt[gi] == rt[ji]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.text(min_size=1).map(lambda s: s * 400), st.integers(),
                          st.none(), st.just('quote " back \\ nl \n tab \t nul \x00 é 中文')), max_size=20))
def test_evidence_encoder_is_json_dumps_of_the_capped_value(values):
    import json

    from analysis.evidence import _encode_values, cap

    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    got = _encode_values(arr)
    assert list(got) == [json.dumps(cap(v), ensure_ascii=False, default=str) for v in values]
