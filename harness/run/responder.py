"""Standing answers to consent screens, as a person using the app keeps giving them.

After `consent: refuse`, a notice that comes back is refused again (that is what makes nagging
visible); after `permissions: deny`, every later prompt is denied (`deny:LOCATION`: only that
group's). Before any `permissions:` step, a prompt standing in the way of a consent step gets the
scenario's first permission decision (deny when it has none), so that apps asking for permissions
before their notice can still be driven to the notice."""

from __future__ import annotations

import time
from typing import Any

from harness.scenario.model import Scenario

TICK_POLL_S = 0.3
ACT_WAIT_S = 0.5  # the consent step has just seen the notice when it acts
PROGRESS_CAP = 4  # the consent step's deadline moves with progress, up to this many times its timeout


def _first_permission_decision(scenario: Scenario) -> bool:
    for step in scenario.steps:
        if step.action == "permissions":
            return step.decision == "grant"
    return False


class Responder:
    def __init__(self, observer: Any, scenario: Scenario):
        self.observer = observer
        self.default_grant = _first_permission_decision(scenario)
        self.notice: str | None = None  # accept | refuse, once a consent step ran
        self.permissions: dict[str | None, bool] = {}  # group (None: any) -> grant
        self._last_poll = 0.0

    def set_permission_policy(self, grant: bool, group: str | None) -> None:
        self.permissions[group] = grant

    def _grant_for(self, group: str | None) -> bool | None:
        if group in self.permissions:
            return self.permissions[group]
        return self.permissions.get(None)

    def answer_pending(self, step_id: Any = None, *, wait_s: float = 0.0, fallback: bool = False) -> Any:
        """Answer the consent screen showing now (waiting up to `wait_s` for one) if a standing
        answer covers it; return the action outcome, or None when there was nothing to answer."""
        obs = self.observer.current
        if wait_s > 0:
            obs = self.observer.wait_for({"consent_notice", "permission_dialog"}, wait_s)
        if obs is None:
            return None
        c = obs.classification
        if c.kind == "permission_dialog":
            grant = self._grant_for(c.permission)
            if grant is None and fallback:
                grant = self.default_grant
            if grant is None:
                return None
            return self.observer.answer_permission(grant, c.permission, step_id=step_id, timeout=5.0)
        if c.kind == "consent_notice" and self.notice:
            action = self.observer.accept_notice if self.notice == "accept" else self.observer.refuse_notice
            return action(step_id=step_id, timeout=5.0)
        return None

    def consent(self, decision: str, step_id: Any, timeout_s: float) -> Any:
        """Answer the privacy notice with `decision` (accept | refuse); later notices get the same
        answer. Permission prompts in the way (over the notice, or raised by the app after the
        tap) get the standing answer, else the scenario's first permission decision. The step is
        done when a screen proves the decision (harness.ui.state); a tap that did not take is
        tried again. The step gives up `timeout_s` after the last progress (a prompt answered, a tap
        made), and after `PROGRESS_CAP` times `timeout_s` in all."""
        from harness.ui.actions import ActionOutcome
        from harness.ui.state import NOTICE

        wanted = "accepted" if decision == "accept" else "refused"
        act = self.observer.accept_notice if decision == "accept" else self.observer.refuse_notice
        tracker = self.observer.tracker
        self.notice = decision  # later notices get the same answer, whatever this one does
        start = time.monotonic()
        deadline = start + timeout_s
        last: Any = None
        while time.monotonic() < min(deadline, start + PROGRESS_CAP * timeout_s):
            if last is not None and last.t_ns is not None:
                done = tracker.decision_since(NOTICE, last.t_ns)
                if done is not None and done.state == wanted:
                    return ActionOutcome("ok", f"{last.reason}; proven by a later screen", NOTICE, wanted, done.t_ns,
                                         last.control, last.taps)
            obs = self.observer.poll()
            kind = obs.classification.kind
            if kind == "permission_dialog":
                if self.answer_pending(step_id, fallback=True) is not None:
                    deadline = time.monotonic() + timeout_s  # progress: the prompt in the way is answered
                continue
            if kind == "consent_notice":
                # The notice is on screen now: the action must not wait for it (a prompt coming up
                # meanwhile is this loop's to answer).
                outcome = act(step_id=step_id, timeout=ACT_WAIT_S)
                if outcome.ok:
                    return outcome
                if outcome.taps:
                    deadline = time.monotonic() + timeout_s
                if outcome.status != "not-found" or last is None or last.status == "not-found":
                    last = outcome  # a notice not ready yet (no control) keeps a pending tap's outcome
                if outcome.status == "failed" and outcome.taps:
                    # The tap changed nothing (a button not enabled yet): try again once the screen
                    # changes, not blindly, since a prompt may come up where the next tap would land.
                    current = self.observer.current
                    if current is not None:
                        self.observer.wait_change(current, self.observer.settle)
                if outcome.status != "not-found":
                    continue
            time.sleep(self.observer.fast)
        if last is not None:
            return last
        return ActionOutcome("not-found", f"no privacy notice appeared within {timeout_s:.0f}s")

    def tick(self) -> None:
        """Called between actions and during waits: apply standing answers to what shows now.

        With a standing answer in force the screen is polled here too, at least every
        `TICK_POLL_S`: the observer slows down on a stable screen, and a prompt raised after a
        rationale must be answered before the next step (HOME would otherwise dismiss it)."""
        if self.notice is None and not self.permissions:
            return
        now = time.monotonic()
        if now - self._last_poll >= TICK_POLL_S:
            self._last_poll = now
            obs = self.observer.poll()
        else:
            obs = self.observer.current
        if obs is not None and obs.classification.kind in ("consent_notice", "permission_dialog"):
            self.answer_pending()
