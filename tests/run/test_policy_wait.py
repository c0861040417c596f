"""The policy step's wait for the privacy notice counts the app's time, not the harness's: answering
the permission prompts in the way (slow on a loaded machine) must not use up the wait."""

from __future__ import annotations

import time
from types import SimpleNamespace

from harness.run import policy


class _Observer:
    """Two permission prompts, then the notice; each answer takes longer than the whole wait."""

    def __init__(self) -> None:
        self.shown = ["permission_dialog", "permission_dialog", "consent_notice"]

    def wait_for(self, kinds, timeout):
        kind = self.shown[0]
        return SimpleNamespace(classification=SimpleNamespace(kind=kind))


class _Responder:
    def __init__(self, observer: _Observer, answer_s: float) -> None:
        self.observer, self.answer_s, self.answered = observer, answer_s, 0

    def answer_pending(self, step_id, fallback=False):
        time.sleep(self.answer_s)  # adb round trips, a dump, a tap: harness time
        self.observer.shown.pop(0)
        self.answered += 1


def test_notice_under_slow_prompts_is_still_found():
    obs = _Observer()
    responder = _Responder(obs, answer_s=0.3)
    ctx = SimpleNamespace(observer=obs, responder=responder)
    found = policy._wait_notice(ctx, 1, seconds=0.2)
    assert found is not None and found.classification.kind == "consent_notice"
    assert responder.answered == 2


def test_prompts_without_end_stop_after_the_bound():
    """An app that raises prompt after prompt: the wait ends (None) once the bound of extensions is
    used, instead of answering forever."""

    class Endless(_Observer):
        def wait_for(self, kinds, timeout):
            return SimpleNamespace(classification=SimpleNamespace(kind="permission_dialog"))

    class Counting(_Responder):
        def answer_pending(self, step_id, fallback=False):
            time.sleep(self.answer_s)
            self.answered += 1

    obs = Endless()
    responder = Counting(obs, answer_s=0.1)
    ctx = SimpleNamespace(observer=obs, responder=responder)
    assert policy._wait_notice(ctx, 1, seconds=0.05) is None
    # one answer per extension, plus the ones that fit in the last window
    assert policy.MAX_PROMPTS_BEFORE_NOTICE <= responder.answered <= policy.MAX_PROMPTS_BEFORE_NOTICE + 2
