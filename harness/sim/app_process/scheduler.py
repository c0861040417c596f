"""When behaviours fire: conditions over the state the runtime pushes, then a delay, optionally
repeating. One worker thread per firing; a behaviour never overlaps itself."""

from __future__ import annotations

import threading
import time
from typing import Any

from harness.sim.app_process.actions import Actions
from harness.sim.app_process.channel import Channel

TICK_S = 0.05


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


class _Armed:
    def __init__(self, b: dict[str, Any]):
        self.b = b
        self.fired = 0
        self.times = b.get("times") or (1 if not b.get("every_s") else 10**9)
        self.due: float | None = None
        self.running = threading.Event()


def run(behaviours: list[dict[str, Any]], actions: Actions, chan: Channel) -> None:
    """The app's main loop (never returns; the process ends by signal or when stdin closes)."""
    armed = [_Armed(b) for b in behaviours]
    while True:
        now = time.monotonic()
        with chan.cond:
            state = dict(chan.state)
        for a in armed:
            if a.fired >= a.times:
                continue
            if not holds(a.b.get("when", {}), state):
                a.due = None
                continue
            if a.due is None:
                a.due = now + float(a.b.get("when", {}).get("after_s", 0.0))
            if now >= a.due and not a.running.is_set():
                a.fired += 1
                a.due = now + float(a.b["every_s"]) if a.b.get("every_s") else float("inf")
                a.running.set()
                threading.Thread(target=_fire, args=(a, actions), name=f"b:{a.b['id']}", daemon=True).start()
        with chan.cond:
            chan.cond.wait(TICK_S)


def _fire(a: _Armed, actions: Actions) -> None:
    try:
        for step in a.b["steps"]:
            actions.run(step, a.b.get("sdk"))
    finally:
        a.running.clear()
