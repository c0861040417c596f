"""The classifier's result types: frozen, JSON-ready, shared by the CLI, the observer and actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["consent_notice", "permission_dialog", "permission_rationale", "login_agreement", "other", "unknown"]
KINDS: tuple[str, ...] = ("consent_notice", "permission_dialog", "permission_rationale", "login_agreement", "other",
                          "unknown")
Source = Literal["hierarchy", "ocr"]

# Roles of a located control. Notices: accept, refuse, checkbox, back (a second step's "查看协议 /
# 再想想": returns to the notice, agrees to nothing). Permission prompts: the platform's
# choices (allow_always, allow_foreground, allow_once, allow, deny, deny_dont_ask).
Role = Literal["accept", "refuse", "checkbox", "back", "allow_always", "allow_foreground", "allow_once", "allow",
               "deny", "deny_dont_ask"]


@dataclass(frozen=True)
class Control:
    """A tappable thing on screen: what it says, where it is, how it is drawn."""

    text: str
    bounds: tuple[int, int, int, int]  # x1, y1, x2, y2 in screen pixels
    role: str
    resource_id: str = ""
    style: str = "button"  # button | link (text only) | checkbox
    checked: bool | None = None  # checkboxes: ticked now (None when the view does not say)
    # False while the view says enabled="false" (a notice's reading countdown): a tap there does
    # nothing, or lands on whatever comes up over it meanwhile, so the harness waits instead
    enabled: bool = True

    @property
    def center(self) -> tuple[int, int]:
        x1, y1, x2, y2 = self.bounds
        return ((x1 + x2) // 2, (y1 + y2) // 2)

    def contains(self, x: int, y: int) -> bool:
        x1, y1, x2, y2 = self.bounds
        return x1 <= x <= x2 and y1 <= y <= y2

    def brief(self) -> dict[str, Any]:
        """The `{"text", "bounds"}` object of the `ui classify --json` contract."""
        return {"text": self.text, "bounds": list(self.bounds)}

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "bounds": list(self.bounds), "role": self.role, "resource_id": self.resource_id,
                "style": self.style, "checked": self.checked}


@dataclass(frozen=True)
class Classification:
    """What one hierarchy dump shows. `accept`/`refuse` are the controls a scenario step taps:
    for a notice, agree/disagree; for a permission prompt, the preferred allow/deny choice."""

    kind: str
    reason: str
    confidence: float = 0.0
    lang: str | None = None
    accept: Control | None = None
    refuse: Control | None = None
    checkbox: Control | None = None  # consent checkbox that must be ticked before `accept` works
    precheck: bool | None = None  # the consent checkbox was already ticked (None: no checkbox / unknown)
    permission: str | None = None  # permission group (analysis.permissions), e.g. LOCATION
    refusal_confirm: bool = False  # second step of a refusal ("are you sure?" / 仍不同意)
    purpose: str | None = None  # rationale: the sentence that explains why
    package: str | None = None  # package of the window that was classified
    controls: tuple[Control, ...] = ()  # every located control (permission choices included)
    texts: tuple[str, ...] = field(default=(), repr=False)  # visible texts, capped (for the ui table)
    source: str = "hierarchy"  # what was read: the view hierarchy, or the screenshot through OCR

    def control(self, role: str) -> Control | None:
        for c in self.controls:
            if c.role == role:
                return c
        return None

    def contract(self, file: str) -> dict[str, Any]:
        """The exact object of `consentry ui classify --json` (DESIGN.md)."""
        return {
            "file": file,
            "kind": self.kind,
            "lang": self.lang,
            "accept": self.accept.brief() if self.accept else None,
            "refuse": self.refuse.brief() if self.refuse else None,
            "permission": self.permission,
            "precheck": self.precheck,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "source": self.source,
        }

    def detail(self) -> dict[str, Any]:
        """Everything else, for the `detail` column of ui.parquet."""
        return {
            "lang": self.lang, "confidence": round(self.confidence, 3), "reason": self.reason,
            "permission": self.permission, "precheck": self.precheck, "refusal_confirm": self.refusal_confirm,
            "purpose": self.purpose, "package": self.package, "controls": [c.to_dict() for c in self.controls],
            "source": self.source,
        }

    def signature(self) -> tuple[Any, ...]:
        """Equal for two dumps of the same screen state (used to detect a change)."""
        return (self.kind, self.package, self.permission, self.refusal_confirm, self.precheck,
                tuple((c.role, c.text, c.checked, c.enabled) for c in self.controls), self.texts[:12])
