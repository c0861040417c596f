"""The consent state machine (harness.ui.state) over a stack of windows: decisions only from the
harness's taps proven by a later screen, or from the package manager; never from a window going
away. Screens are real classifications of corpus dumps (the classifier is not mocked)."""

from __future__ import annotations

import dataclasses

import pytest
from ui_paths import corpus_dump

from harness.ui.classify import classify
from harness.ui.state import NOTICE, ConsentTracker

APP = ("com.example.news", "com.example.news.MainActivity")
PROMPT = ("com.google.android.permissioncontroller",
          "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity")
LAUNCHER = ("com.google.android.apps.nexuslauncher", "com.google.android.apps.nexuslauncher.NexusLauncherActivity")
LOCATION = "permission:LOCATION"


@pytest.fixture(scope="module")
def screens():
    out = {"notice": classify(corpus_dump("notice_en_00.xml")), "confirm": classify(corpus_dump("notice_zh-Hans_09.xml")),
           "prompt": classify(corpus_dump("perm_en_09.xml")), "main": classify(corpus_dump("neg_33.xml"))}
    assert out["notice"].kind == "consent_notice" and out["prompt"].kind == "permission_dialog"
    assert out["confirm"].refusal_confirm and out["main"].kind == "other"
    assert out["prompt"].permission == "LOCATION"
    return out


def _rows(tracker: ConsentTracker) -> list[tuple[int, str, str, str]]:
    return [(t.t_ns, t.subject, t.state, t.via) for t in tracker.history]


def test_a_prompt_over_the_unanswered_notice_leaves_it_shown(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.observe(200, screens["prompt"], PROMPT)
    assert tr.states[NOTICE] == "shown" and tr.states[LOCATION] == "shown"
    assert tr.history[-1].evidence["covers"] == NOTICE
    tr.tap(250, LOCATION, "denied", {"step_id": 1})
    tr.observe(300, screens["notice"], APP)  # the prompt is answered: the notice is there again
    assert _rows(tr) == [(100, NOTICE, "shown", "observed"), (200, LOCATION, "shown", "observed"),
                         (250, LOCATION, "denied", "step")]
    tr.tap(400, NOTICE, "accepted", {"step_id": 2})
    assert tr.states[NOTICE] == "shown"  # a tap alone proves nothing
    tr.observe(500, screens["main"], APP)
    assert _rows(tr)[-1] == (400, NOTICE, "accepted", "step")  # at the tap's time, proven by the screen
    assert tr.history[-1].evidence["proof_t_ns"] == 500


def test_a_notice_that_goes_away_by_itself_is_dismissed(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.observe(200, screens["main"], APP)
    assert _rows(tr)[-1] == (200, NOTICE, "dismissed", "observed")
    tr.observe(300, screens["notice"], APP)  # asked again later: shown again
    assert tr.states[NOTICE] == "shown"


def test_a_notice_under_a_prompt_that_is_gone_afterwards_is_dismissed_not_accepted(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.observe(200, screens["prompt"], PROMPT)
    tr.observe(300, screens["main"], APP)
    assert tr.states[NOTICE] == "dismissed"
    assert "accepted" not in tr.states.values()


def test_a_tap_covered_by_a_prompt_waits_for_proof_and_is_dropped_when_the_notice_is_back(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.tap(150, NOTICE, "accepted", {})
    tr.observe(180, screens["notice"], APP)  # the app has not reacted yet: still pending
    assert NOTICE in tr.pending
    tr.observe(200, screens["prompt"], PROMPT)
    tr.observe(300, screens["notice"], APP)  # after the prompt, the notice is still there
    assert NOTICE not in tr.pending and [t.subject for t in tr.dropped] == [NOTICE]
    assert tr.states[NOTICE] == "shown"
    tr.tap(400, NOTICE, "accepted", {})
    tr.observe(450, screens["prompt"], PROMPT)  # the app asks for a permission right after agreeing
    tr.observe(600, screens["main"], APP)
    assert (400, NOTICE, "accepted", "step") in _rows(tr)


def test_background_and_back_is_neither_a_decision_nor_a_new_showing(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.observe(200, screens["main"], LAUNCHER)
    tr.observe(300, screens["notice"], APP)
    assert _rows(tr) == [(100, NOTICE, "shown", "observed")]


def test_a_refusing_tap_is_proven_by_the_app_leaving_and_two_steps_end_at_the_last_tap(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.tap(150, NOTICE, "refused", {})
    tr.observe(200, screens["confirm"], APP)  # "are you sure?": the refusal is under way
    assert NOTICE in tr.pending
    tr.tap(250, NOTICE, "refused", {})
    tr.observe(300, screens["main"], LAUNCHER)  # the app exits
    assert _rows(tr)[-1] == (250, NOTICE, "refused", "step")
    # an accepting tap followed by the app leaving proves nothing
    tr2 = ConsentTracker(app_package=APP[0])
    tr2.observe(100, screens["notice"], APP)
    tr2.tap(150, NOTICE, "accepted", {})
    tr2.observe(200, screens["main"], LAUNCHER)
    assert tr2.states[NOTICE] == "shown" and NOTICE in tr2.pending


def test_prompt_outcome_comes_from_the_package_manager(screens):
    grants: dict[str, bool | None] = {"LOCATION": None}
    tr = ConsentTracker(app_package=APP[0], resolver=lambda pkg, group: grants[group])
    tr.observe(100, screens["prompt"], PROMPT)
    tr.observe(200, screens["main"], APP)
    assert tr.states[LOCATION] == "shown"  # unknown grant state: nothing inferred
    tr.observe(300, screens["prompt"], PROMPT)
    grants["LOCATION"] = True
    tr.tap(350, LOCATION, "denied", {})  # the harness meant to deny, the package manager says granted
    tr.observe(400, screens["main"], APP)
    last = tr.history[-1]
    assert (last.t_ns, last.state, last.via) == (350, "granted", "step")
    assert last.evidence["proof"] == {"grant_state": True, "tapped": "denied"}


def test_a_prompt_replaced_by_another_group_is_answered(screens):
    camera = dataclasses.replace(screens["prompt"], permission="CAMERA")
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["prompt"], PROMPT)
    tr.tap(150, LOCATION, "denied", {})
    tr.observe(200, camera, PROMPT)
    assert _rows(tr)[-2:] == [(150, LOCATION, "denied", "step"), (200, "permission:CAMERA", "shown", "observed")]


def test_unknown_screens_and_system_windows_change_nothing(screens):
    tr = ConsentTracker(app_package=APP[0])
    tr.observe(100, screens["notice"], APP)
    tr.observe(150, dataclasses.replace(screens["main"], kind="unknown"), APP)
    tr.observe(200, dataclasses.replace(screens["main"], package="android"), ("android", "android.Debugger"))
    tr.observe(300, screens["notice"], APP)
    assert _rows(tr) == [(100, NOTICE, "shown", "observed")]


def test_a_notice_dump_read_while_the_focus_already_says_prompt_is_the_notice(screens):
    """The dump and the focus come from two commands: a prompt raised between them makes the focus
    name the permission controller while the dump still shows the app's notice (seen on the sim
    under load). The dump is the evidence; nothing is mistaken for a prompt, nothing raises."""
    tr = ConsentTracker(app_package=APP[0])
    notice = dataclasses.replace(screens["notice"], package=APP[0])
    tr.observe(100, notice, APP)
    assert tr.observe(150, notice, PROMPT) == []  # still the notice: no new showing, no prompt subject
    tr.observe(200, screens["prompt"], PROMPT)
    tr.observe(300, notice, PROMPT)  # the prompt was answered; the focus lags behind the dump
    assert tr.states[NOTICE] == "shown" and set(tr.states) == {NOTICE, LOCATION}
