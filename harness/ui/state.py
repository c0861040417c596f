"""The consent state of each subject (`privacy_notice`, `permission:<GROUP>`), as a pure machine fed
with classified screens and decisions. No device, no clock: the observer gives it times.

Transitions and who records them:
- shown: a notice or prompt appears (observed, on the first dump that shows it);
- accepted / refused / granted / denied: by a scenario step at the host time of its tap (`step`),
  or, when the screen went away after a tap the observer did not make, `observed` at the time the
  disappearance was seen: a notice that goes away while its app stays in front was accepted, one
  that goes away with the app (exit) was refused; a permission prompt's outcome is read from the
  grant state when a resolver is given;
- revoked: a group that was granted is found not granted any more (`check_grants`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from analysis.permissions import PERMISSION_GROUPS
from harness.ui.lexicon import PERMISSION_PACKAGES
from harness.ui.model import Classification

NOTICE = "privacy_notice"
SYSTEM_PACKAGES_PREFIX = ("com.android.systemui", "com.android.launcher", "com.google.android.apps.nexuslauncher")


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
    state: str  # shown | accepted | refused | granted | denied | revoked
    via: str  # step | observed
    evidence: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {"t_ns": self.t_ns, "subject": self.subject, "state": self.state, "via": self.via,
                "evidence": self.evidence}


GrantResolver = Callable[[str, str], bool | None]  # (app package, group) -> granted? None if unknown


class ConsentTracker:
    def __init__(self, *, app_package: str | None = None, resolver: GrantResolver | None = None):
        self.app_package = app_package
        self.resolver = resolver
        self.states: dict[str, str] = {}
        self.visible: str | None = None  # subject currently on screen
        self.visible_pkg: str | None = None
        self.handled: set[str] = set()  # subjects a step is answering right now
        self.history: list[Transition] = []

    def _emit(self, t: Transition) -> Transition:
        self.states[t.subject] = t.state
        self.history.append(t)
        return t

    def observe(self, t_ns: int, c: Classification, foreground: tuple[str, str],
                evidence: dict[str, Any] | None = None) -> list[Transition]:
        """Feed one classified dump. `unknown` screens change nothing (no information)."""
        if c.kind == "unknown":
            return []
        fg_pkg = foreground[0] if foreground else ""
        if (self.app_package is None and fg_pkg and c.kind != "permission_dialog"
                and not fg_pkg.startswith(SYSTEM_PACKAGES_PREFIX) and fg_pkg not in PERMISSION_PACKAGES):
            self.app_package = fg_pkg
        out: list[Transition] = []
        subject = subject_of(c)
        if self.visible is not None and subject != self.visible:
            out += self._gone(t_ns, self.visible, fg_pkg, evidence or {})
            self.visible = None
        if subject is not None and subject != self.visible:
            self.visible = subject
            self.visible_pkg = c.package
            out.append(self._emit(Transition(t_ns, subject, "shown", "observed", dict(evidence or {}))))
        return out

    def _gone(self, t_ns: int, subject: str, fg_pkg: str, evidence: dict[str, Any]) -> list[Transition]:
        if subject in self.handled or self.states.get(subject) != "shown":
            return []
        ev = dict(evidence, reason="screen went away after a tap the observer did not make")
        if subject == NOTICE:
            app = self.visible_pkg or self.app_package
            # Gone while the app stays in front (or asks for a permission next): accepted. Gone
            # with the app (launcher or another app in front): refused.
            left = bool(fg_pkg) and fg_pkg != app and fg_pkg not in PERMISSION_PACKAGES
            state = "refused" if left else "accepted"
            ev["foreground"] = fg_pkg
            return [self._emit(Transition(t_ns, subject, state, "observed", ev))]
        group = subject.split(":", 1)[1]
        if self.resolver is not None and self.app_package and group != "UNKNOWN":
            granted = self.resolver(self.app_package, group)
            if granted is not None:
                return [self._emit(Transition(t_ns, subject, "granted" if granted else "denied", "observed", ev))]
        return []

    def begin_step(self, subject: str) -> None:
        """A scenario step is answering `subject`: its disappearance is not an observed decision."""
        self.handled.add(subject)

    def end_step(self, subject: str) -> None:
        self.handled.discard(subject)

    def record_step(self, t_ns: int, subject: str, state: str, evidence: dict[str, Any]) -> Transition:
        self.handled.discard(subject)
        if self.visible == subject:
            self.visible = None
        return self._emit(Transition(t_ns, subject, state, "step", evidence))

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
