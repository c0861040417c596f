"""When behaviours fire: conditions over the state the runtime pushes, then a delay, optionally
repeating. A behaviour never overlaps itself.

Determinism is the point of this module. Everything the app does by time (its declared behaviours
and its screens' `auto:` advances, such as a splash that gives way to the notice) is armed here, on
one clock, from the moment the app itself sees the conditions hold. So:
- time counts from when the app process runs, never from launch: a process held at the debugger
  gate or slow to start on a loaded machine does not lose its splash screen's 0.2 s;
- events due in the same pass fire in the order (due time, declared order), and the steps that only
  talk to the system (ask for permissions, show or advance a screen, start an app, log) go out
  synchronously from this thread, so their messages reach the device in that order. Only the
  remaining steps (reads, DNS, HTTP) run on a worker thread, because they block.
On Android the same holds for the same reason: a splash activity's `requestPermissions` in
`onCreate` and its `postDelayed` advance run on one looper, in order."""

from __future__ import annotations

import threading
import time
from typing import Any

from harness.sim.app_process.actions import Actions
from harness.sim.app_process.channel import Channel

TICK_S = 0.05
# Steps that only send a message to the system: cheap, non-blocking, order-sensitive.
SYSTEM_STEPS = frozenset({"request_permissions", "show_screen", "screen_auto", "start_app", "log"})


def holds(when: dict[str, Any], state: dict[str, Any]) -> bool:
    perms = state.get("permissions", {})
    if when.get("consent") is not None and state.get("consent") not in when["consent"]:
        return False
    if any(perms.get(p) != "granted" for p in when.get("granted", ())):
        return False
    if any(perms.get(p) != "denied" for p in when.get("denied", ())):
        return False
    if when.get("foreground") is not None and bool(state.get("foreground")) != when["foreground"]:
        return False
    if when.get("screen") is not None and (state.get("screen") != when["screen"] or not state.get("foreground")):
        return False
    return True


def auto_behaviours(autos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A screen's `auto:` advance as a behaviour: on that screen, in front, after `after_s`."""
    return [{"id": f"auto:{a['screen']}", "when": {"screen": a["screen"], "after_s": float(a["after_s"])},
             "steps": [{"screen_auto": a["screen"]}], "cancel_when_left": bool(a.get("once"))} for a in autos]


def step_kind(step: dict[str, Any]) -> str:
    return next(k for k, v in step.items() if v is not None)


class _Armed:
    def __init__(self, b: dict[str, Any], order: int):
        self.b = b
        self.order = order
        self.fired = 0
        self.times = b.get("times") or (1 if not b.get("every_s") else 10**9)
        self.due: float | None = None
        self.running = threading.Event()


def due_now(armed: list[_Armed], state: dict[str, Any], now: float) -> list[_Armed]:
    """Arm or disarm each behaviour against `state`; return those due at `now`, in firing order."""
    due: list[_Armed] = []
    for a in armed:
        if a.fired >= a.times:
            continue
        if not holds(a.b.get("when", {}), state):
            if a.due is not None and a.b.get("cancel_when_left"):
                a.fired = a.times  # a `once` countdown left before it fired: never again
            a.due = None
            continue
        if a.due is None:
            a.due = now + float(a.b.get("when", {}).get("after_s", 0.0))
        if now >= a.due and not a.running.is_set():
            due.append(a)
    due.sort(key=lambda a: (a.due, a.order))
    return due


def run(behaviours: list[dict[str, Any]], actions: Actions, chan: Channel,
        autos: list[dict[str, Any]] | None = None) -> None:
    """The app's main loop (never returns; the process ends by signal or when stdin closes)."""
    armed = [_Armed(b, i) for i, b in enumerate(list(behaviours) + auto_behaviours(autos or []))]
    while True:
        now = time.monotonic()
        with chan.cond:
            state = dict(chan.state)
        for a in due_now(armed, state, now):
            a.fired += 1
            a.due = now + float(a.b["every_s"]) if a.b.get("every_s") else float("inf")
            fire(a, actions)
        with chan.cond:
            chan.cond.wait(TICK_S)


def fire(a: _Armed, actions: Actions) -> None:
    """Run the leading system steps here, in order; the rest on a worker thread."""
    steps = list(a.b["steps"])
    sdk = a.b.get("sdk")
    head = 0
    while head < len(steps) and step_kind(steps[head]) in SYSTEM_STEPS:
        actions.run(steps[head], sdk)
        head += 1
    rest = steps[head:]
    if not rest:
        return
    a.running.set()
    threading.Thread(target=_run_rest, args=(a, rest, actions), name=f"b:{a.b['id']}", daemon=True).start()


def _run_rest(a: _Armed, steps: list[dict[str, Any]], actions: Actions) -> None:
    try:
        for step in steps:
            actions.run(step, a.b.get("sdk"))
    finally:
        a.running.clear()
