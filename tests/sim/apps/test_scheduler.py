"""The sim app scheduler's order: what decides whether a sample app behaves the same on an idle
and on a loaded machine (issue 15: a splash's permission request lost to its own auto-advance)."""

from __future__ import annotations

from typing import Any

from harness.sim.app_process.scheduler import _Armed, auto_behaviours, due_now, fire

SPLASH = {"consent": "none", "permissions": {}, "foreground": True, "screen": "splash"}


class RecordingActions:
    """Records the order steps were run in, and on which thread kind (the test only needs order)."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, Any]] = []

    def run(self, step: dict[str, Any], sdk: str | None) -> None:
        kind, arg = next((k, v) for k, v in step.items() if v is not None)
        self.ran.append((kind, arg))


def _armed() -> list[_Armed]:
    ask = {"id": "ask-early", "when": {"screen": "splash", "after_s": 0.2},
           "steps": [{"request_permissions": ["android.permission.CAMERA"]}]}
    behaviours = [ask] + auto_behaviours([{"screen": "splash", "after_s": 1.0}])
    return [_Armed(b, i) for i, b in enumerate(behaviours)]


def test_times_count_from_when_the_app_sees_the_screen_not_from_launch() -> None:
    armed = _armed()
    assert due_now(armed, SPLASH, now=100.0) == []  # first sight: both armed, none due
    assert [a.b["id"] for a in due_now(armed, SPLASH, now=100.2)] == ["ask-early"]


def test_events_due_in_one_pass_fire_by_due_time_then_declared_order() -> None:
    """A scheduler pass delayed by load past both due times still fires the request first."""
    armed = _armed()
    due_now(armed, SPLASH, now=100.0)
    late = due_now(armed, SPLASH, now=105.0)
    assert [a.b["id"] for a in late] == ["ask-early", "auto:splash"]
    acts = RecordingActions()
    for a in late:
        fire(a, acts)  # type: ignore[arg-type]
    assert acts.ran == [("request_permissions", ["android.permission.CAMERA"]), ("screen_auto", "splash")]


def test_ties_keep_declared_order() -> None:
    b = [{"id": f"b{i}", "when": {"after_s": 0.5}, "steps": [{"log": str(i)}]} for i in range(5)]
    armed = [_Armed(x, i) for i, x in enumerate(b)]
    due_now(armed, SPLASH, now=0.0)
    assert [a.b["id"] for a in due_now(armed, SPLASH, now=1.0)] == ["b0", "b1", "b2", "b3", "b4"]


def test_leaving_the_screen_disarms_its_advance() -> None:
    armed = _armed()
    due_now(armed, SPLASH, now=0.0)
    assert due_now(armed, dict(SPLASH, screen="notice"), now=0.5) == []
    assert all(a.due is None for a in armed)


def test_a_once_countdown_left_before_it_fires_never_fires() -> None:
    """`auto: {once: true}`: covering the screen (the user opened its policy link) ends the
    countdown for good; without `once` it restarts when the screen is on top again."""
    for once, fires in ((True, False), (False, True)):
        armed = [_Armed(b, 0) for b in auto_behaviours([{"screen": "splash", "after_s": 1.0, "once": once}])]
        due_now(armed, SPLASH, now=0.0)
        due_now(armed, dict(SPLASH, screen="policy"), now=0.5)  # covered before it fired
        due_now(armed, SPLASH, now=10.0)  # back on top
        assert bool(due_now(armed, SPLASH, now=11.5)) is fires, once
