"""Scenario actions on consent screens: find the control, tap it, register the tap with the consent
tracker, and say what happened.

The decision is recorded (at the host time of the tap, taken right before `input tap` is sent, with
`via='step'`) only when a later screen proves it (harness.ui.state): the app's window without the
notice, the prompt gone. A tap after which the same screen stays is a `failed` outcome and is
dropped; a tap after which a system window (a permission prompt) or another app covers the app is
`pending`: the decision is recorded when the app's window is seen again without the notice, and
dropped if the notice is still there."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from harness.errors import DeviceError
from harness.ui.model import Classification, Control
from harness.ui.state import NOTICE

if TYPE_CHECKING:
    from harness.ui.observer import Observation, UiObserver



@dataclass(frozen=True)
class ActionOutcome:
    status: str  # ok | pending | not-found | failed
    reason: str
    subject: str | None = None
    state: str | None = None  # the state recorded (accepted, refused, granted, denied)
    t_ns: int | None = None  # host time of the deciding tap (run clock)
    control: Control | None = None
    taps: tuple[tuple[int, str], ...] = ()  # (t_ns, control text) of every tap made

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def row(self) -> dict[str, Any]:
        """Fields for the runner's steps table (`outcome`, `error`, `target`)."""
        return {"outcome": "ok" if self.ok else "failed", "error": None if self.ok else f"{self.status}: {self.reason}",
                "target": self.control.text if self.control else None}


# A control the view says is disabled (a notice's reading countdown) is not tapped: the tap would do
# nothing, or land on a prompt that comes up over the notice as the countdown ends (the app asks for
# permissions in the same instant), answering it with no record. The caller polls again.
_NOT_ENABLED = "the notice's {!r} control is not enabled yet (a reading countdown?)"


def _tap(obs: UiObserver, control: Control) -> int:
    x, y = control.center
    t = obs.now()
    obs.device.tap(x, y)
    return t


def _evidence(step_id: Any, shot: str | None, control: Control, taps: list[tuple[int, str]],
              observation: Observation) -> dict[str, Any]:
    return {"step_id": step_id, "screenshot": shot, "control": control.brief(), "package": observation.package,
            "taps": [{"t_ns": t, "text": s} for t, s in taps]}


def _unchanged(obs: UiObserver, seen: Observation) -> Observation | None:
    """A fresh dump right before a tap: the same screen as `seen` (then the tap goes where it was
    meant to), or None. A prompt that came up meanwhile would take the tap at the same place."""
    fresh = obs.poll()
    c, before = fresh.classification, seen.classification
    same = c.kind == before.kind and c.signature() == before.signature() and fresh.package == seen.package
    return fresh if same else None


def _moved(subject: str | None, taps: list[tuple[int, str]]) -> ActionOutcome:
    return ActionOutcome("failed", "the screen changed right before the tap: not tapped", subject, taps=tuple(taps))


def _notice_decided(obs: UiObserver, since: int, state: str) -> Any:
    t = obs.tracker.decision_since(NOTICE, since)
    return t if t is not None and t.state == state else None


def _after_notice_tap(obs: UiObserver, before: Observation, notice: Classification, control: Control, state: str,
                      verb: str, taps: list[tuple[int, str]]) -> tuple[Observation, ActionOutcome | None]:
    """Watch the screen after a tap on `control` of `notice`: (new screen, outcome) where the outcome
    is `ok` (a later screen proved the decision; the tracker recorded it at the tap's time), `failed`
    (the same notice stayed: the tap is dropped), `pending` (a system window or another app covers
    the app: the decision waits for a screen that proves it), or None: the next step of a refusal."""
    t = taps[-1][0]
    after = obs.wait_change(before, obs.settle)
    done = _notice_decided(obs, t, state)
    if done is not None:
        return after, ActionOutcome("ok", f"{verb} tapped, notice gone", NOTICE, state, done.t_ns, control, tuple(taps))
    ac = after.classification
    if ac.kind == "consent_notice" and (not after.changed or ac.signature() == notice.signature()):
        obs.drop_tap(NOTICE)
        return after, ActionOutcome("failed", f"the notice is still on screen after tapping {verb}", NOTICE,
                                    control=control, taps=tuple(taps))
    if ac.kind == "consent_notice" and after.layer == "app":
        return after, None
    where = ac.reason if ac.kind == "unknown" else f"{after.layer or 'unknown'} window {after.package or ac.package}"
    return after, ActionOutcome("pending", f"{verb} tapped; the app is covered ({where}): the decision is recorded "
                                "when a later screen shows the notice gone", NOTICE, state, t, control, tuple(taps))


def accept_notice(obs: UiObserver, *, step_id: Any = None, timeout: float = 10.0) -> ActionOutcome:
    seen = obs.wait_for(("consent_notice",), timeout)
    if seen is None:
        last = obs.current.classification if obs.current else None
        why = f"no privacy notice within {timeout:g}s" + (f" (screen: {last.kind}, {last.reason})" if last else "")
        return ActionOutcome("not-found", why, NOTICE)
    c = seen.classification
    if c.accept is None:
        return ActionOutcome("not-found", f"notice without an agree control ({c.reason})", NOTICE)
    if not c.accept.enabled:
        return ActionOutcome("not-found", _NOT_ENABLED.format(c.accept.text), NOTICE)
    taps: list[tuple[int, str]] = []
    try:
        with obs.lock:
            if c.checkbox is not None and c.checkbox.checked is not True:
                taps.append((_tap(obs, c.checkbox), c.checkbox.text or "checkbox"))
                time.sleep(obs.fast)
                seen = obs.poll()
                if seen.classification.kind == "consent_notice" and seen.classification.accept is not None:
                    c = seen.classification
            accept = c.accept
            assert accept is not None
            shot = obs.evidence_shot("accept")
            if _unchanged(obs, seen) is None:
                return _moved(NOTICE, taps)
            taps.append((_tap(obs, accept), accept.text))
            obs.record_tap(taps[-1][0], NOTICE, "accepted", _evidence(step_id, shot, accept, taps, seen))
            after, outcome = _after_notice_tap(obs, seen, c, accept, "accepted", "agree", taps)
            if outcome is None:  # another notice screen (a second page): agree there too
                return ActionOutcome("pending", "another notice screen came after tapping agree", NOTICE,
                                     "accepted", taps[-1][0], accept, tuple(taps))
            return outcome
    except DeviceError as exc:
        obs.drop_tap(NOTICE)
        return ActionOutcome("failed", str(exc), NOTICE, taps=tuple(taps))


def refuse_notice(obs: UiObserver, *, step_id: Any = None, timeout: float = 10.0, max_steps: int = 4) -> ActionOutcome:
    """Tap the refuse control, and keep refusing through "are you sure?" screens until the notice is
    gone (or the app has exited). The decision time is the last refusing tap."""
    seen = obs.wait_for(("consent_notice",), timeout)
    if seen is None:
        return ActionOutcome("not-found", f"no privacy notice within {timeout:g}s", NOTICE)
    if seen.classification.refuse is None:
        return ActionOutcome("not-found", f"notice without a refuse control ({seen.classification.reason})", NOTICE)
    taps: list[tuple[int, str]] = []
    try:
        with obs.lock:
            first_shot = obs.evidence_shot("refuse")
            current = seen
            for _ in range(max_steps):
                c = current.classification
                refuse = c.refuse
                if refuse is None:
                    obs.drop_tap(NOTICE)
                    return ActionOutcome("not-found", f"refusal step without a refuse control ({c.reason})", NOTICE,
                                         taps=tuple(taps))
                if not refuse.enabled:
                    if not taps:
                        return ActionOutcome("not-found", _NOT_ENABLED.format(refuse.text), NOTICE)
                    current = obs.wait_change(current, obs.settle)
                    continue
                if _unchanged(obs, current) is None:
                    obs.drop_tap(NOTICE)
                    return _moved(NOTICE, taps)
                taps.append((_tap(obs, refuse), refuse.text))
                obs.record_tap(taps[-1][0], NOTICE, "refused", _evidence(step_id, first_shot, refuse, taps, seen))
                after, outcome = _after_notice_tap(obs, current, c, refuse, "refused", "refuse", taps)
                if outcome is not None:
                    if outcome.ok:
                        return replace(outcome, reason=f"refused in {len(taps)} step(s)")
                    return outcome
                current = after  # a second step ("are you sure?"): refuse again
            obs.drop_tap(NOTICE)
            return ActionOutcome("failed", f"still asked after {max_steps} refusals", NOTICE, taps=tuple(taps))
    except DeviceError as exc:
        obs.drop_tap(NOTICE)
        return ActionOutcome("failed", str(exc), NOTICE, taps=tuple(taps))


def answer_permission(obs: UiObserver, grant: bool, group: str | None = None, *, step_id: Any = None,
                      timeout: float = 10.0) -> ActionOutcome:
    """Answer the system permission prompt: grant (While using the app / Allow / 允许 ...) or deny
    (Deny / Don't allow / 拒绝 / 禁止). With `group`, only a prompt for that group is answered. The
    state recorded is the package manager's when the device tells it (else the tapped choice's)."""
    seen = obs.wait_for(("permission_dialog",), timeout)
    want = group.upper() if group else None
    if seen is None:
        return ActionOutcome("not-found", f"no permission prompt within {timeout:g}s",
                             f"permission:{want}" if want else None)
    c = seen.classification
    subject = f"permission:{c.permission or 'UNKNOWN'}"
    if want and c.permission and c.permission != want:
        return ActionOutcome("not-found", f"the prompt asks for {c.permission}, not {want}", subject)
    control = c.accept if grant else c.refuse
    if control is None:
        return ActionOutcome("not-found", f"prompt without a {'grant' if grant else 'deny'} choice ({c.reason})", subject)
    state = "granted" if grant else "denied"
    try:
        with obs.lock:
            shot = obs.evidence_shot("permission")
            if _unchanged(obs, seen) is None:
                return _moved(subject, [])
            t = _tap(obs, control)
            obs.record_tap(t, subject, state, _evidence(step_id, shot, control, [(t, control.text)], seen))
            obs.wait_change(seen, obs.settle)
            done = obs.tracker.decision_since(subject, t)
            if done is None:
                obs.drop_tap(subject)
                return ActionOutcome("failed", "the prompt is still on screen after the tap", subject, control=control,
                                     taps=((t, control.text),))
            return ActionOutcome("ok", f"{control.text} tapped", subject, done.state, t, control, ((t, control.text),))
    except DeviceError as exc:
        obs.drop_tap(subject)
        return ActionOutcome("failed", str(exc), subject)


def note_tap(obs: UiObserver, x: int, y: int, t_ns: int, step_id: Any = None) -> ActionOutcome | None:
    """A tap made by another step (raw coordinates): when it hit a consent control of the screen
    last seen, register it as the harness's tap, recorded at its time once a later screen proves it
    (`pending` outcome). Returns None when it hit nothing relevant."""
    cur = obs.current
    if cur is None:
        return None
    c = cur.classification
    mapping = {"consent_notice": (NOTICE, "accepted", "refused"),
               "permission_dialog": (f"permission:{c.permission or 'UNKNOWN'}", "granted", "denied")}
    if c.kind not in mapping:
        return None
    subject, yes, no = mapping[c.kind]
    for control, state in ((c.accept, yes), (c.refuse, no)):
        if control is not None and control.contains(x, y):
            obs.record_tap(t_ns, subject, state, {"step_id": step_id, "control": control.brief(), "tap": [x, y],
                                                  "taps": [{"t_ns": t_ns, "text": control.text}]})
            return ActionOutcome("pending", "tap hit a consent control: recorded when a later screen proves it",
                                 subject, state, t_ns, control, ((t_ns, control.text),))
    return None
