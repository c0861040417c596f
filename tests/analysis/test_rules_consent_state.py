"""The analysis reads the observer's consent states: `dismissed` (a notice gone without a decision)
is not consent, a prompt over the unanswered notice is asked before consent with the tap that
decided the notice named, and a pre-ticked login agreement is pre-ticked consent."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from analysis_factories import UMENG_IMEI, RunBuilder

import analysis
from analysis.timeline import STATES, ConsentStates

S = 1_000_000_000


def _rules(tmp_path, run: RunBuilder) -> pd.DataFrame:
    run.write(tmp_path)
    return analysis.evaluate(analysis.open_runs(tmp_path))


def _notice_dismissed(tmp_path=None) -> RunBuilder:
    run = RunBuilder("r1", scenario="baseline")
    run.step("launch", 0.0, 0.5)
    run.screen(0.8, "consent_notice")
    run.consent("privacy_notice", "shown", 0.8, via="observed")
    run.screen(3.0, "other")
    run.consent("privacy_notice", "dismissed", 3.0, via="observed")
    return run


def test_collection_after_a_dismissed_notice_is_collection_before_consent(tmp_path):
    run = _notice_dismissed()
    run.api(4.0, "device_id", frames=UMENG_IMEI)
    found = _rules(tmp_path, run)
    row = found[found["rule"] == "collect-before-consent"]
    assert len(row) == 1
    assert json.loads(row["evidence"].iloc[0])["consent"]["privacy_notice"] == "dismissed"


def test_dismissed_is_not_a_decision(tmp_path):
    # dismissed, then shown again, then accepted: state by time; a refusal is not undone by a later dismissal
    c = pd.DataFrame({"run_id": "r1", "subject": "privacy_notice",
                      "t_ns": np.array([1, 2, 3, 4, 5, 6, 7], dtype=np.int64) * S,
                      "state": ["shown", "dismissed", "shown", "refused", "shown", "dismissed", "accepted"],
                      "via": "observed"})
    states = ConsentStates(c, pd.Index(["r1"]))
    t = (np.array([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]) * S).astype(np.int64)
    got = [STATES[i] for i in states.notice_at(np.zeros(len(t), dtype=np.int64), t)]
    assert got == ["none", "shown", "dismissed", "shown", "refused", "refused", "refused", "accepted"]


def test_a_prompt_over_the_unanswered_notice_names_the_tap_that_decided_it(tmp_path):
    run = RunBuilder("r1", scenario="accept")
    run.step("launch", 0.0, 0.5)
    run.screen(0.8, "consent_notice")
    run.consent("privacy_notice", "shown", 0.8, via="observed")
    run.screen(2.0, "permission_dialog", permission="LOCATION")
    run.consent("permission:LOCATION", "shown", 2.0, via="observed")
    run.consent("permission:LOCATION", "denied", 2.5)
    run.screen(2.6, "consent_notice")
    run.rows["consent"].append({"t_ns": int(3.25 * S), "subject": "privacy_notice", "state": "accepted", "via": "step",
                                "evidence": json.dumps({"step_id": 1, "taps": [{"t_ns": int(3.25 * S), "text": "同意"}]})})
    run.screen(3.4, "other")
    found = _rules(tmp_path, run)
    row = found[found["rule"] == "permission-before-consent"]
    assert len(row) == 1 and row["category"].iloc[0] == "permission:LOCATION"
    detail = json.loads(row["evidence"].iloc[0])["detail"]
    assert detail["notice_state"] == "shown" and detail["prompt_t_ns"] == 2 * S
    assert detail["notice_decision"] == {"state": "accepted", "t_ns": int(3.25 * S), "via": "step", "step_id": 1,
                                         "after_prompt_ms": 1250.0}


def test_a_prompt_after_a_dismissed_notice_is_before_consent(tmp_path):
    run = _notice_dismissed()
    run.screen(4.0, "permission_dialog", permission="CAMERA")
    run.consent("permission:CAMERA", "shown", 4.0, via="observed")
    found = _rules(tmp_path, run)
    row = found[found["rule"] == "permission-before-consent"]
    detail = json.loads(row["evidence"].iloc[0])["detail"]
    assert detail["notice_state"] == "dismissed" and detail["notice_decision"] is None


def test_a_preticked_login_agreement_is_preticked_consent(tmp_path):
    run = RunBuilder("r1", scenario="accept")
    run.step("launch", 0.0, 0.5)
    run.screen(0.8, "other")
    run.screen(2.0, "login_agreement", precheck=True)
    found = _rules(tmp_path, run)
    row = found[found["rule"] == "preticked-consent"]
    assert row["category"].tolist() == ["login_agreement"]
    assert json.loads(row["evidence"].iloc[0])["detail"] == {"precheck": True, "screen": "login_agreement"}


def test_an_unticked_login_agreement_is_not(tmp_path):
    run = RunBuilder("r1", scenario="accept")
    run.step("launch", 0.0, 0.5)
    run.screen(2.0, "login_agreement", precheck=False)
    assert "preticked-consent" not in set(_rules(tmp_path, run)["rule"])


def test_collection_after_refusal_by_the_app_itself_in_api_and_traffic(tmp_path):
    # No SDK anywhere (the app's own reads and its own host): the api and flow parts of one finding
    # have no sdk; combining them must still work (it raised on the all-missing key).
    run = RunBuilder("r1", scenario="refuse")
    run.step("launch", 0.0, 0.5)
    run.screen(0.8, "consent_notice")
    run.consent("privacy_notice", "shown", 0.8, via="observed")
    run.consent("privacy_notice", "refused", 1.0)
    run.api(2.0, "device_id")  # no stack: no SDK
    run.flow(2.1, "api.shop.example", detections=[("android_id", "plain", "body", "aid=...")])
    found = _rules(tmp_path, run)
    row = found[found["rule"] == "collect-after-refusal"]
    assert len(row) == 1 and row["count"].iloc[0] == 2 and row["sdk"].iloc[0] is None
    assert json.loads(row["evidence"].iloc[0])["detail"] == {"refused": "privacy_notice refused"}


def test_combining_api_and_flow_hits_without_any_sdk():
    # As a real run gave them: the api part's sdk a categorical with no (float) categories, the flow
    # part's sdk None objects. Merging the detail back on the keys raised (float64 vs object).
    from analysis.rules.base import HIT_COLUMNS, combine

    def part(sdk, count, t, detail):
        frame = pd.DataFrame({"run": [0], "category": ["device_id"], "sdk": sdk, "first_t_ns": [t], "last_t_ns": [t],
                              "count": [count], "first_api": [-1], "last_api": [-1], "first_flow": [-1],
                              "last_flow": [-1], "detail": [detail]})
        return frame[list(HIT_COLUMNS)]

    api = part(pd.Categorical([np.nan], categories=pd.Index([], dtype="float64")), 1, 5, {"from": "api"})
    flow = part(pd.Series([None], dtype=object), 4, 3, {"from": "flow"})
    out = combine(api, flow)
    assert len(out) == 1 and out["count"].iloc[0] == 5 and out["first_t_ns"].iloc[0] == 3
    assert out["detail"].iloc[0] == {"from": "flow"}  # the earliest part's
