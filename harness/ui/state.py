"""The consent state of each subject (`privacy_notice`, `permission:<GROUP>`), as a pure machine fed
with classified screens and the harness's own taps. No device, no clock: the observer gives it times.

The screen is a stack of windows (docs/ui.md, "Consent state"): the app's own window, which may
carry the privacy notice, and windows drawn over it by the system (a permission prompt, Android's
"waiting for debugger" or ANR dialog). A dump shows the top window only (uiautomator dumps the
active window), so every dump is first placed on its layer:
- `overlay`: a system window over the app. The app's window below is unchanged: a notice covered by
  a prompt is still `shown`.
- `away`: another app (the launcher) is in front. The app's window is not visible but not gone.
- `app`: the app's own window: the only layer on which the notice can be seen to go away.

Decisions come only from evidence:
- the harness's tap on a control classified accept/refuse (`tap`), recorded at the tap's host time
  with `via='step'` once a later screen proves it took effect: the app's own window without the
  notice (accept or refuse), the app leaving the screen after a refusing tap (apps exit on refusal),
  or, for a prompt, the prompt going away (its outcome read from the package manager when known);
- the package manager's grant state for a prompt answered by someone else (`via='observed'`);
- a notice that leaves the app's window with no harness tap pending is `dismissed` (`observed`):
  gone without a decision, which is not consent;
- `revoked`: a group that was granted is found not granted any more (`check_grants`).
A tap that is disproved (the notice seen again on the app's window after another screen came in
between) is dropped: nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from analysis.permissions import PERMISSION_GROUPS
from harness.ui.lexicon import PERMISSION_PACKAGES
from harness.ui.model import Classification

NOTICE = "privacy_notice"
SYSTEM_PACKAGES_PREFIX = ("com.android.systemui", "com.android.launcher", "com.google.android.apps.nexuslauncher")
# Windows the system draws over the app (the app's window stays below them).
OVERLAY_PACKAGES = frozenset({"android", "com.android.systemui"}) | PERMISSION_PACKAGES

Layer = Literal["app", "overlay", "away"]
NOTICE_STATES = ("none", "shown", "accepted", "refused", "dismissed")
PERMISSION_STATES = ("none", "shown", "granted", "denied", "revoked")


def subject_of(c: Classification) -> str | None:
    if c.kind == "consent_notice":
        return NOTICE
    if c.kind == "permission_dialog":
        return f"permission:{c.permission or 'UNKNOWN'}"
    return None


@dataclass(frozen=True)
class Transition:
    t_ns: int
    subject: str
    state: str  # shown | accepted | refused | dismissed | granted | denied | revoked
    via: str  # step | observed
    evidence: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {"t_ns": self.t_ns, "subject": self.subject, "state": self.state, "via": self.via,
                "evidence": self.evidence}


@dataclass(frozen=True)
class PendingTap:
    """A harness tap on a consent control whose effect no screen has proven yet."""

    t_ns: int
    subject: str
    state: str  # what the tapped control means: accepted | refused | granted | denied
    evidence: dict[str, Any]
    covered: bool = False  # another window was seen since the tap


GrantResolver = Callable[[str, str], bool | None]  # (app package, group) -> granted? None if unknown


class ConsentTracker:
    def __init__(self, *, app_package: str | None = None, resolver: GrantResolver | None = None):
        self.app_package = app_package
        self.resolver = resolver
        self.states: dict[str, str] = {}
        self.notice_up = False  # the app's window carries the notice (as last seen; it may be covered now)
        self.prompt: str | None = None  # the permission prompt on top now
        self.layer: Layer | None = None  # layer of the last informative dump
        self.pending: dict[str, PendingTap] = {}
        self.dropped: list[PendingTap] = []  # taps a later screen disproved (for the journal)
        self.history: list[Transition] = []

    def _emit(self, t: Transition) -> Transition:
        self.states[t.subject] = t.state
        self.history.append(t)
        return t

    # --- the window stack -------------------------------------------------------------------

    def layer_of(self, c: Classification, fg_pkg: str) -> Layer:
        """Which window of the stack a dump shows (module docstring)."""
        # The dump's own package is the direct evidence: the focus is read by a second command, and
        # a prompt raised between the two makes them disagree (the dump still shows the notice).
        if c.kind == "permission_dialog" or c.package in OVERLAY_PACKAGES or (not c.package and fg_pkg in OVERLAY_PACKAGES):
            return "overlay"
        pkg = fg_pkg or c.package or ""  # the focused window's package, else the dumped window's
        if self.app_package is None and pkg and not pkg.startswith(SYSTEM_PACKAGES_PREFIX):
            self.app_package = pkg
        if not pkg or pkg == self.app_package:
            return "app"
        return "away"

    def observe(self, t_ns: int, c: Classification, foreground: tuple[str, str],
                evidence: dict[str, Any] | None = None) -> list[Transition]:
        """Feed one classified dump. `unknown` screens change nothing (no information)."""
        if c.kind == "unknown":
            return []
        fg_pkg = foreground[0] if foreground else ""
        ev = dict(evidence or {})
        layer = self.layer_of(c, fg_pkg)
        self.layer = layer
        out: list[Transition] = []
        subject = subject_of(c) if layer == "overlay" and c.kind == "permission_dialog" else None
        if self.prompt is not None and subject != self.prompt:
            out += self._prompt_gone(t_ns, ev)
        if layer == "overlay":
            self._cover()
            if subject is not None and subject != self.prompt:
                self.prompt = subject
                shown = dict(ev, covers=NOTICE if self.notice_up else None)
                out.append(self._emit(Transition(t_ns, subject, "shown", "observed", shown)))
            return out
        if layer == "away":
            tap = self.pending.get(NOTICE)
            if tap is not None and tap.state == "refused" and self.notice_up:
                self.notice_up = False
                out.append(self._prove(tap, t_ns, dict(ev, proof="the app left the screen after the refusing tap")))
            else:
                self._cover()
            return out
        return out + self._app_window(t_ns, c, ev)

    def _cover(self) -> None:
        for subject, tap in list(self.pending.items()):
            if not tap.covered:
                self.pending[subject] = replace(tap, covered=True)

    def _app_window(self, t_ns: int, c: Classification, ev: dict[str, Any]) -> list[Transition]:
        tap = self.pending.get(NOTICE)
        if c.kind == "consent_notice":
            if tap is not None and tap.covered and not c.refusal_confirm:
                self.dropped.append(self.pending.pop(NOTICE))  # the notice is back: the tap did not take
            if self.notice_up:
                return []
            self.notice_up = True
            return [self._emit(Transition(t_ns, NOTICE, "shown", "observed", ev))]
        if not self.notice_up:
            return []
        self.notice_up = False
        if tap is not None:
            return [self._prove(tap, t_ns, dict(ev, proof=f"the app's window without the notice ({c.kind})"))]
        gone = dict(ev, reason="the notice left the app's window with no tap by the harness")
        return [self._emit(Transition(t_ns, NOTICE, "dismissed", "observed", gone))]

    def _prove(self, tap: PendingTap, t_seen: int, proof: dict[str, Any], state: str | None = None) -> Transition:
        self.pending.pop(tap.subject, None)
        evidence = dict(tap.evidence, proof_t_ns=t_seen, proof=proof)
        return self._emit(Transition(tap.t_ns, tap.subject, state or tap.state, "step", evidence))

    def _granted(self, subject: str) -> bool | None:
        group = subject.split(":", 1)[1] if ":" in subject else "UNKNOWN"
        if self.resolver is None or not self.app_package or group == "UNKNOWN":
            return None
        return self.resolver(self.app_package, group)

    def _prompt_gone(self, t_ns: int, ev: dict[str, Any]) -> list[Transition]:
        """The prompt on top went away (or another replaced it): its outcome is the harness's tap,
        as the package manager confirms it, else the package manager's grant state alone."""
        subject, self.prompt = self.prompt, None
        assert subject is not None
        tap = self.pending.get(subject)
        if self.states.get(subject) != "shown" and tap is None:
            return []
        granted = self._granted(subject)
        if tap is not None:
            state = tap.state if granted is None else ("granted" if granted else "denied")
            proof = {"grant_state": granted, "tapped": tap.state}
            return [self._prove(tap, t_ns, proof, state)]
        if granted is None:
            return []
        gone = dict(ev, reason="prompt answered outside the harness; outcome from the package manager")
        return [self._emit(Transition(t_ns, subject, "granted" if granted else "denied", "observed", gone))]

    # --- the harness's taps -----------------------------------------------------------------

    def tap(self, t_ns: int, subject: str, state: str, evidence: dict[str, Any]) -> PendingTap:
        """The harness tapped a control meaning `state` for `subject` at `t_ns` (host time taken
        right before `input tap`). Recorded once a later screen proves it (module docstring)."""
        pending = PendingTap(t_ns, subject, state, evidence)
        self.pending[subject] = pending
        return pending

    def drop(self, subject: str) -> PendingTap | None:
        """The tap on `subject` had no effect (the same screen stayed): forget it."""
        tap = self.pending.pop(subject, None)
        if tap is not None:
            self.dropped.append(tap)
        return tap

    def decision_since(self, subject: str, t_ns: int) -> Transition | None:
        """The last decision recorded for `subject` by a harness tap made at or after `t_ns`."""
        for t in reversed(self.history):
            if t.subject == subject and t.via == "step" and t.t_ns >= t_ns:
                return t
        return None

    def check_grants(self, t_ns: int, grants: dict[str, bool]) -> list[Transition]:
        """Compare a grant snapshot (`android.permission.X` -> granted) with the known states:
        a group granted before and granted no more is `revoked`."""
        by_group: dict[str, bool] = {}
        for perm, granted in grants.items():
            g = PERMISSION_GROUPS.get(perm)
            if g:
                by_group[g] = by_group.get(g, False) or granted
        out = []
        for g, granted in by_group.items():
            subject = f"permission:{g}"
            if self.states.get(subject) == "granted" and not granted:
                out.append(self._emit(Transition(t_ns, subject, "revoked", "observed", {"reason": "grant removed"})))
        return out
