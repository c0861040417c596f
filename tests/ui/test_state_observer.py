"""The consent state through the observer, the actions and the scenario's consent step, with a
scripted device whose app raises a system prompt over its unanswered notice."""

from __future__ import annotations

import time

from scripted import ScriptedDevice

from harness.run.responder import Responder
from harness.scenario.loader import parse_scenario
from harness.ui.observer import UiObserver

NOTICE, PROMPT, MAIN = "notice_en_00.xml", "perm_en_09.xml", "neg_33.xml"
APP = ("com.example.news", "com.example.news.MainActivity")
PERMS = ("com.google.android.permissioncontroller",
         "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity")


class PromptOverNotice(ScriptedDevice):
    """The app shows its notice, then asks for location over it (on the `after`-th dump) while the
    notice is unanswered; denying the prompt shows the notice again."""

    def __init__(self, after: int = 2, **kw):
        super().__init__(NOTICE, {(PROMPT, "Deny"): NOTICE, (NOTICE, "Agree"): MAIN},
                         {NOTICE: APP, MAIN: APP, PROMPT: PERMS}, **kw)
        self.dumps = 0
        self.after = after
        self.asked = False

    def dump_hierarchy(self) -> str:
        self.dumps += 1
        if not self.asked and self.current == NOTICE and self.dumps >= self.after:
            self.asked, self.current = True, PROMPT
        return super().dump_hierarchy()


def _observer(tmp_path, device):
    return UiObserver(device, None, tmp_path, time.time_ns(), fast=0.01, slow=0.05, settle=0.3)


def test_consent_step_answers_the_prompt_over_the_notice_then_accepts_it(tmp_path):
    dev = PromptOverNotice()
    obs = _observer(tmp_path, dev)
    responder = Responder(obs, parse_scenario("name: t\nsteps:\n  - launch\n  - consent: accept\n", "t"))
    out = responder.consent("accept", 1, 10.0)
    assert out.ok, out.reason
    rows = [(t.subject, t.state, t.via) for t in obs.transitions]
    assert rows == [("privacy_notice", "shown", "observed"), ("permission:LOCATION", "shown", "observed"),
                    ("permission:LOCATION", "denied", "step"), ("privacy_notice", "accepted", "step")]
    assert obs.transitions[1].evidence["covers"] == "privacy_notice"
    agree = [t for t in dev.taps if t[3] == "Agree"]
    accepted = obs.transitions[-1]
    assert len(agree) == 1 and accepted.t_ns == out.t_ns <= agree[0][0] - obs.t0
    assert accepted.evidence["proof_t_ns"] > accepted.t_ns


def test_a_prompt_left_unanswered_keeps_the_notice_shown(tmp_path):
    dev = PromptOverNotice()
    obs = _observer(tmp_path, dev)
    for _ in range(5):
        obs.poll()
    assert obs.state("privacy_notice") == "shown" and obs.state("permission:LOCATION") == "shown"
    assert obs.current.layer == "overlay"


def test_an_agree_tap_under_a_prompt_that_came_meanwhile_is_not_made(tmp_path):
    # the prompt comes up between the dump that found the notice and the tap: no tap is sent
    dev = PromptOverNotice(after=3)
    obs = _observer(tmp_path, dev)
    obs.poll()  # dump 1: the notice
    out = obs.accept_notice(timeout=1)  # dump 2 finds the notice, dump 3 (right before the tap) the prompt
    assert out.status == "failed" and "not tapped" in out.reason
    assert dev.taps == [] and obs.state("privacy_notice") == "shown"
