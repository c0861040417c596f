"""Frozen scenario models.

A step is one action with its argument; the YAML forms (`- home`, `- wait: 30`,
`- permissions: deny:LOCATION`, `- tap: {text: 同意}`) are normalised here so the executor has one
shape to deal with."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Action = Literal[
    "launch", "wait", "consent", "permissions", "tap", "back", "home", "resume", "text", "swipe",
    "revoke", "stop", "restart", "explore", "policy",
]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]
BARE_ACTIONS = ("launch", "back", "home", "resume", "stop", "restart", "explore", "policy")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """What a `tap` aims at: visible text, resource-id, content-desc or coordinates."""

    text: str | None = None
    resource_id: str | None = Field(default=None, alias="id")
    desc: str | None = None
    x: int | None = None
    y: int | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Target:
        if not (self.text or self.resource_id or self.desc or (self.x is not None and self.y is not None)):
            raise ValueError("tap needs text, id, desc, or x and y")
        return self


class Explore(_Frozen):
    """Bounded exploration: tap clickable elements of unseen screens, never consent or permission
    controls (those belong to explicit steps), within step and time limits."""

    max_steps: int = Field(default=15, ge=1, le=500)
    max_seconds: float = Field(default=30, gt=0, le=3600)
    settle_seconds: float = Field(default=0.5, ge=0, le=30)


class PolicyOptions(_Frozen):
    """Find, open and read the privacy policy (harness/run/policy.py, docs/policy.md).

    `where`: `notice` opens the policy link of the privacy notice on screen; `app` searches the
    app's own screens from where it stands (its main screen) and counts the taps to the policy;
    `auto` (default) does `notice` when a notice comes up within `wait_seconds`, else `app`."""

    where: Literal["auto", "notice", "app"] = "auto"
    max_taps: int = Field(default=6, ge=1, le=12)  # search depth in the app
    max_screens: int = Field(default=25, ge=1, le=200)  # screens the search may open in all
    max_scrolls: int = Field(default=12, ge=0, le=200)  # swipes to reach the end of the policy
    wait_seconds: float = Field(default=8.0, ge=0, le=120)  # for a notice to come up (auto, notice)
    settle_seconds: float = Field(default=0.6, ge=0, le=30)  # after each tap or swipe


class Step(_Frozen):
    action: Action
    seconds: float | None = Field(default=None, gt=0, le=86400)  # wait
    decision: Literal["accept", "refuse", "grant", "deny"] | None = None  # consent / permissions
    group: str | None = None  # permissions:GROUP, revoke GROUP
    target: Target | None = None  # tap
    text: str | None = None  # text
    swipe: tuple[int, int, int, int] | None = None
    explore: Explore | None = None
    policy: PolicyOptions | None = None
    optional: bool = False  # a consent/permission step whose control is absent is skipped, not failed

    @field_validator("group")
    @classmethod
    def _group_upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v

    def describe(self) -> str:
        """Short text for tables: `consent refuse`, `wait 30s`, `tap 同意`."""
        if self.action == "wait":
            return f"wait {self.seconds:g}s"
        if self.decision:
            return f"{self.action} {self.decision}" + (f":{self.group}" if self.group else "")
        if self.target:
            t = self.target
            return f"tap {t.text or t.resource_id or t.desc or f'{t.x},{t.y}'}"
        if self.action == "revoke":
            return f"revoke {self.group}"
        if self.action == "policy" and self.policy is not None and self.policy.where != "auto":
            return f"policy {self.policy.where}"
        return self.action


class Scenario(_Frozen):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    targets: tuple[str, ...] = ()  # rule ids this scenario is designed to exercise
    fresh: bool = True  # clear app data before the run (first launch)
    steps: tuple[Step, ...]
    source: str | None = None  # file it came from
    sha256: str | None = None

    @model_validator(mode="after")
    def _launch_first(self) -> Scenario:
        if not self.steps:
            raise ValueError("a scenario needs at least one step")
        return self

    def total_wait(self) -> float:
        return sum(s.seconds or 0 for s in self.steps if s.action == "wait")


class Suite(_Frozen):
    name: str
    description: str = ""
    apps: tuple[str, ...] = ()  # APK paths, installed package names, or `samples` (the sim's sample apps)
    scenarios: tuple[str, ...]  # built-in names or scenario files (relative to the suite file)
    time_scale: float = Field(default=1.0, gt=0, le=10)
    source: str | None = None
