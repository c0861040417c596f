"""The observer, the consent state machine and the actions, through a scripted device whose
screens are corpus dumps; the journal is the real one and is compacted into Parquet."""

from __future__ import annotations

import json
import time

import pyarrow.parquet as pq
from scripted import ScriptedDevice

from harness.journal import Journal, compact
from harness.ui.observer import UiObserver

APP = ("com.example.news", "com.example.news.MainActivity")
HOME = "neg_33.xml"
LAUNCHER = ("com.google.android.apps.nexuslauncher", "com.google.android.apps.nexuslauncher.NexusLauncherActivity")
PROMPT = ("com.google.android.permissioncontroller",
          "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity")


def _observer(tmp_path, device, journal=None):
    t0 = time.time_ns()
    return UiObserver(device, journal, tmp_path, t0, fast=0.01, slow=0.05, settle=0.3), t0


def test_accept_notice_records_tap_time(tmp_path):
    dev = ScriptedDevice("notice_zh-Hans_00.xml", {("notice_zh-Hans_00.xml", "同意"): HOME}, {})
    with Journal(tmp_path) as j:
        obs, t0 = _observer(tmp_path, dev, j)
        first = obs.poll()
        assert first.classification.kind == "consent_notice" and obs.state("privacy_notice") == "shown"
        out = obs.accept_notice(step_id=7, timeout=1)
        assert out.ok, out.reason
        assert out.state == "accepted" and out.control.text == "同意"
        tap_ns = dev.taps[-1][0] - t0
        assert first.t_ns <= out.t_ns <= tap_ns  # stamped right before `input tap`
        assert obs.state("privacy_notice") == "accepted"
    compact(tmp_path)
    consent = pq.read_table(tmp_path / "consent.parquet").to_pylist()
    assert [(r["state"], r["via"]) for r in consent] == [("shown", "observed"), ("accepted", "step")]
    ev = json.loads(consent[1]["evidence"])
    assert ev["step_id"] == 7 and ev["screenshot"].startswith("screenshots/")
    assert (tmp_path / ev["screenshot"]).exists()
    assert consent[1]["t_ns"] == out.t_ns
    ui = pq.read_table(tmp_path / "ui.parquet").to_pylist()
    assert ui[0]["screen_kind"] == "consent_notice" and "同意" in json.loads(ui[0]["texts"])
    assert ui[-1]["screen_kind"] == "other"


def test_refuse_follows_two_step_refusal(tmp_path):
    moves = {("notice_zh-Hans_00.xml", "不同意"): "notice_zh-Hans_09.xml",
             ("notice_zh-Hans_09.xml", "仍不同意"): HOME}
    dev = ScriptedDevice("notice_zh-Hans_00.xml", moves, {})
    obs, t0 = _observer(tmp_path, dev)
    out = obs.refuse_notice(step_id="s2", timeout=1)
    assert out.ok, out.reason
    assert [t[1] for t in out.taps] == ["不同意", "仍不同意"]
    assert out.t_ns == out.taps[-1][0]  # the refusal is effective at the last tap
    assert obs.state("privacy_notice") == "refused"
    assert [(t.state, t.via) for t in obs.transitions] == [("shown", "observed"), ("refused", "step")]


def test_checkbox_form_ticks_then_accepts(tmp_path):
    name = "notice_zh-Hans_07.xml"
    dev = ScriptedDevice(name, {(name, "进入应用"): HOME}, {}, requires_checked={name})
    obs, _ = _observer(tmp_path, dev)
    out = obs.accept_notice(timeout=1)
    assert out.ok, out.reason
    assert len(out.taps) == 2 and out.taps[1][1] == "进入应用"
    assert obs.state("privacy_notice") == "accepted"


def test_accept_fails_when_tap_changes_nothing(tmp_path):
    dev = ScriptedDevice("notice_en_00.xml", {}, {})
    obs, _ = _observer(tmp_path, dev)
    out = obs.accept_notice(timeout=1)
    assert out.status == "failed" and "still on screen" in out.reason
    assert obs.state("privacy_notice") == "shown"


def test_not_found_outcomes(tmp_path):
    dev = ScriptedDevice(HOME, {}, {})
    obs, _ = _observer(tmp_path, dev)
    out = obs.accept_notice(timeout=0.05)
    assert out.status == "not-found" and "no privacy notice" in out.reason
    out = obs.answer_permission(False, timeout=0.05)
    assert out.status == "not-found" and "no permission prompt" in out.reason


def test_answer_permission_deny_and_group_check(tmp_path):
    name = "perm_en_09.xml"
    dev = ScriptedDevice(name, {(name, "Deny"): HOME}, {name: ("com.google.android.permissioncontroller",
                                                              "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity")})
    obs, _ = _observer(tmp_path, dev)
    wrong = obs.answer_permission(True, "CAMERA", timeout=0.5)
    assert wrong.status == "not-found" and "LOCATION" in wrong.reason
    out = obs.answer_permission(False, "location", step_id=3, timeout=0.5)
    assert out.ok and out.state == "denied" and out.subject == "permission:LOCATION"
    assert obs.state("permission:LOCATION") == "denied"


def test_notice_closed_by_a_tap_the_harness_did_not_make_is_dismissed_not_accepted(tmp_path):
    # Someone else taps Agree: the harness cannot know what was tapped, so the notice is `dismissed`
    # (gone without a decision). The prompt that follows is answered outside the harness too: its
    # outcome is the package manager's grant state.
    moves = {("notice_en_00.xml", "Agree"): "perm_en_09.xml", ("perm_en_09.xml", "While using the app"): HOME}
    fg = {"notice_en_00.xml": APP, HOME: APP, "perm_en_09.xml": PROMPT}
    dev = ScriptedDevice("notice_en_00.xml", moves, fg)
    obs, _ = _observer(tmp_path, dev)
    c = obs.poll().classification
    dev.tap(*c.accept.center)
    obs.poll()
    assert obs.state("privacy_notice") == "shown"  # covered by the prompt: nothing known yet
    assert obs.state("permission:LOCATION") == "shown"
    dev.grants = {"android.permission.ACCESS_FINE_LOCATION": True}
    dev.tap(*obs.current.classification.accept.center)
    obs.poll()
    assert obs.state("permission:LOCATION") == "granted"
    assert obs.state("privacy_notice") == "dismissed"
    vias = {(t.subject, t.state): t.via for t in obs.transitions}
    assert vias == {("privacy_notice", "shown"): "observed", ("permission:LOCATION", "shown"): "observed",
                    ("permission:LOCATION", "granted"): "observed", ("privacy_notice", "dismissed"): "observed"}
    dev.grants = {"android.permission.ACCESS_FINE_LOCATION": False}
    assert [t.state for t in obs.check_grants()] == ["revoked"]


def test_notice_gone_with_the_app_stays_shown(tmp_path):
    # The app leaves the screen (exit, HOME) with its notice unanswered: the notice is not gone from
    # the app's window, and nobody decided anything.
    dev = ScriptedDevice("notice_en_00.xml", {("notice_en_00.xml", "Disagree"): HOME},
                         {"notice_en_00.xml": APP, HOME: LAUNCHER})
    obs, _ = _observer(tmp_path, dev)
    c = obs.poll().classification
    dev.tap(*c.refuse.center)
    obs.poll()
    assert obs.state("privacy_notice") == "shown"
    assert obs.current.layer == "away"


def test_unknown_screens_change_nothing(tmp_path):
    dev = ScriptedDevice("notice_en_00.xml", {}, {})
    obs, _ = _observer(tmp_path, dev)
    obs.poll()
    dev.current = "unk_truncated.xml"
    obs.poll()
    assert obs.state("privacy_notice") == "shown" and len(obs.transitions) == 1


def test_background_loop_adapts_and_stops(tmp_path):
    dev = ScriptedDevice(HOME, {}, {})
    obs, _ = _observer(tmp_path, dev)
    with obs:
        deadline = time.monotonic() + 10
        while obs.current is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
    assert obs.current is not None and obs.current.classification.kind == "other"
    assert obs.interval == obs.slow  # stable screen: slowest interval
    assert obs._thread is None
