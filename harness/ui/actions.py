"""Scenario actions on consent screens: find the control, tap it, record the decision at the host
time of the tap (`via='step'`), and say what happened.

A decision is recorded only when the screen actually changed after the tap (the notice or prompt
went away, or the next step of a refusal appeared): a tap that did nothing is a `failed` outcome,
not a consent. The time recorded is still the tap's, taken right before `input tap` is sent."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import DeviceError
from harness.ui.model import Classification, Control
from harness.ui.state import NOTICE

if TYPE_CHECKING:
    from harness.ui.observer import Observation, UiObserver



@dataclass(frozen=True)
class ActionOutcome:
    status: str  # ok | not-found | failed
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


def _tap(obs: UiObserver, control: Control) -> int:
    x, y = control.center
    t = obs.now()
    obs.device.tap(x, y)
    return t


def _evidence(step_id: Any, shot: str | None, control: Control, taps: list[tuple[int, str]],
              observation: Observation) -> dict[str, Any]:
    return {"step_id": step_id, "screenshot": shot, "control": control.brief(), "package": observation.package,
            "taps": [{"t_ns": t, "text": s} for t, s in taps]}


def _gone(after: Observation, kind: str, before_sig: tuple[Any, ...]) -> bool:
    """The prompt went away, or the next prompt (another group) replaced it."""
    c = after.classification
    return c.kind not in (kind, "unknown") or (c.kind == kind and c.signature() != before_sig)


def _tap_past_notice(obs: UiObserver, control: Control, before: Observation, notice: Classification,
                     verb: str, taps: list[tuple[int, str]]) -> tuple[int, Observation, ActionOutcome | None]:
    """Tap `control` of `notice` and observe the screen after it: (tap time, new screen, None), or a
    failed outcome when the same notice is still there or the screen became unreadable."""
    t = _tap(obs, control)
    taps.append((t, control.text))
    after = obs.wait_change(before, obs.settle)
    ac = after.classification
    if ac.kind == "unknown" or (ac.kind == "consent_notice" and ac.signature() == notice.signature()):
        why = f"the notice is still on screen after tapping {verb}" if ac.kind != "unknown" else \
            f"screen unreadable after the tap ({ac.reason})"
        return t, after, ActionOutcome("failed", why, NOTICE, control=control, taps=tuple(taps))
    return t, after, None


def accept_notice(obs: UiObserver, *, step_id: Any = None, timeout: float = 10.0) -> ActionOutcome:
    seen = obs.wait_for(("consent_notice",), timeout)
    if seen is None:
        last = obs.current.classification if obs.current else None
        why = f"no privacy notice within {timeout:g}s" + (f" (screen: {last.kind}, {last.reason})" if last else "")
        return ActionOutcome("not-found", why, NOTICE)
    c = seen.classification
    if c.accept is None:
        return ActionOutcome("not-found", f"notice without an agree control ({c.reason})", NOTICE)
    taps: list[tuple[int, str]] = []
    obs.tracker.begin_step(NOTICE)
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
            shot = obs.screenshot(obs.now(), "accept")
            t, _, failed = _tap_past_notice(obs, accept, seen, c, "agree", taps)
            if failed is not None:
                return failed
            obs.record_step(t, NOTICE, "accepted", _evidence(step_id, shot, accept, taps, seen))
            return ActionOutcome("ok", "agree tapped, notice gone", NOTICE, "accepted", t, accept, tuple(taps))
    except DeviceError as exc:
        return ActionOutcome("failed", str(exc), NOTICE, taps=tuple(taps))
    finally:
        obs.tracker.end_step(NOTICE)


def refuse_notice(obs: UiObserver, *, step_id: Any = None, timeout: float = 10.0, max_steps: int = 4) -> ActionOutcome:
    """Tap the refuse control, and keep refusing through "are you sure?" screens until the notice is
    gone (or the app has exited). The decision time is the last refusing tap."""
    seen = obs.wait_for(("consent_notice",), timeout)
    if seen is None:
        return ActionOutcome("not-found", f"no privacy notice within {timeout:g}s", NOTICE)
    if seen.classification.refuse is None:
        return ActionOutcome("not-found", f"notice without a refuse control ({seen.classification.reason})", NOTICE)
    taps: list[tuple[int, str]] = []
    obs.tracker.begin_step(NOTICE)
    try:
        with obs.lock:
            first_shot = obs.screenshot(obs.now(), "refuse")
            current = seen
            for _ in range(max_steps):
                c = current.classification
                refuse = c.refuse
                if refuse is None:
                    return ActionOutcome("not-found", f"refusal step without a refuse control ({c.reason})", NOTICE,
                                         taps=tuple(taps))
                t, after, failed = _tap_past_notice(obs, refuse, current, c, "refuse", taps)
                if failed is not None:
                    return failed
                ac = after.classification
                if ac.kind != "consent_notice":
                    obs.record_step(t, NOTICE, "refused", _evidence(step_id, first_shot, refuse, taps, seen))
                    return ActionOutcome("ok", f"refused in {len(taps)} step(s)", NOTICE, "refused", t, refuse,
                                         tuple(taps))
                current = after  # a second step ("are you sure?"): refuse again
            return ActionOutcome("failed", f"still asked after {max_steps} refusals", NOTICE, taps=tuple(taps))
    except DeviceError as exc:
        return ActionOutcome("failed", str(exc), NOTICE, taps=tuple(taps))
    finally:
        obs.tracker.end_step(NOTICE)


def answer_permission(obs: UiObserver, grant: bool, group: str | None = None, *, step_id: Any = None,
                      timeout: float = 10.0) -> ActionOutcome:
    """Answer the system permission prompt: grant (While using the app / Allow / 允许 ...) or deny
    (Deny / Don't allow / 拒绝 / 禁止). With `group`, only a prompt for that group is answered."""
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
    obs.tracker.begin_step(subject)
    try:
        with obs.lock:
            shot = obs.screenshot(obs.now(), "permission")
            t = _tap(obs, control)
            after = obs.wait_change(seen, obs.settle)
            if not _gone(after, "permission_dialog", c.signature()):
                return ActionOutcome("failed", "the prompt is still on screen after the tap", subject, control=control,
                                     taps=((t, control.text),))
            obs.record_step(t, subject, state, _evidence(step_id, shot, control, [(t, control.text)], seen))
            return ActionOutcome("ok", f"{control.text} tapped", subject, state, t, control, ((t, control.text),))
    except DeviceError as exc:
        return ActionOutcome("failed", str(exc), subject)
    finally:
        obs.tracker.end_step(subject)


def note_tap(obs: UiObserver, x: int, y: int, t_ns: int, step_id: Any = None) -> ActionOutcome | None:
    """A tap made by another step (raw coordinates): when it hit a consent control of the screen
    last seen, record the decision it made at its time. Returns None when it hit nothing relevant."""
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
            obs.record_step(t_ns, subject, state, {"step_id": step_id, "control": control.brief(), "tap": [x, y]})
            return ActionOutcome("ok", "tap hit a consent control", subject, state, t_ns, control, ((t_ns, control.text),))
    return None
