"""`UiObserver`: during a run, poll the screen, classify it, keep the foreground app, maintain the
consent state of each subject, and write the journal tables `ui` and `consent` with screenshots as
evidence (`<run>/screenshots/`).

Polling is adaptive: right after a change or an action the next dump comes `fast`; while the
screen stays the same the interval grows by half up to `slow`. One lock serialises polls and
actions, so a scenario step (`accept_notice`, ...) never races the background loop; the step's tap
time is taken on the host right before `input tap` is sent (DESIGN.md, Clocks)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.permissions import PERMISSION_GROUPS
from harness.errors import DeviceError
from harness.ui.classify import classify, classify_screen, top_window_has_no_text
from harness.ui.device import UiDevice
from harness.ui.hierarchy import parse
from harness.ui.model import Classification
from harness.ui.state import ConsentTracker, Transition

log = logging.getLogger(__name__)

RELEVANT = ("consent_notice", "permission_dialog", "permission_rationale", "login_agreement")


@dataclass(frozen=True)
class Observation:
    t_ns: int
    package: str
    activity: str
    classification: Classification
    screenshot: str | None  # path relative to the run directory
    changed: bool
    layer: str | None = None  # app | overlay | away (harness.ui.state), None when unknown


class UiObserver:
    """Construct with the device (anything implementing `UiDevice`, e.g. `AdbUiDevice(adb_device)`),
    the run's `Journal` (or None), the run directory and the run's `t0` (host `time.time_ns()` at
    start). `start()` runs the polling thread; `poll()` does one round synchronously."""

    def __init__(self, device: UiDevice, journal: Any | None, run_dir: str | Path, t0: int, *,
                 app_package: str | None = None, fast: float = 0.2, slow: float = 1.5,
                 screenshots: bool = True, save_dumps: bool = False, settle: float = 4.0,
                 ocr: bool = True, ocr_every: float = 5.0, clock: Callable[[], int] = time.time_ns):
        self.device = device
        self.journal = journal
        self.run_dir = Path(run_dir)
        self.t0 = t0
        self.fast = fast
        self.slow = slow
        self.screenshots = screenshots
        self.save_dumps = save_dumps
        self.settle = settle  # how long a tap may take to change the screen
        self.ocr = ocr  # read textless screens (WebView, Flutter, images) from the screenshot
        self.ocr_every = ocr_every  # at most one OCR per this many seconds on an unchanged dump
        self._ocr_last: tuple[Any, str, float, Classification] | None = None  # (dump sig, png sha1, at, result)
        self.clock = clock
        self.interval = fast
        self.lock = threading.RLock()
        self.tracker = ConsentTracker(app_package=app_package, resolver=self._resolve_grant)
        self.current: Observation | None = None
        self.errors = 0
        self._signature: tuple[Any, ...] | None = None
        self._shots: tuple[tuple[Any, ...] | None, str | None] = (None, None)  # (screen signature, screenshot)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- time and evidence -------------------------------------------------------------------

    def now(self) -> int:
        return self.clock() - self.t0

    def screenshot(self, t_ns: int, tag: str) -> str | None:
        """Save a screenshot as evidence; None when disabled or the device cannot take one."""
        if not self.screenshots:
            return None
        try:
            png = self.device.screenshot_png()
        except (DeviceError, OSError) as exc:
            self._event("ui:screenshot-failed", {"error": str(exc)})
            return None
        rel = f"screenshots/{t_ns:016d}_{tag}.png"
        path = self.run_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return rel

    def evidence_shot(self, tag: str) -> str | None:
        """A screenshot of the screen on display now: the one taken when it appeared, if the screen
        has not changed since (an action then taps without waiting for a new capture), else a new one."""
        sig, shot = self._shots
        if shot is not None and sig == self._signature:
            return shot
        return self.screenshot(self.now(), tag)

    def _event(self, kind: str, detail: dict[str, Any]) -> None:
        if self.journal is not None:
            self.journal.append("events", {"t_ns": self.now(), "source": "ui", "kind": kind,
                                           "detail": json.dumps(detail, ensure_ascii=False)})

    def _write_transitions(self, transitions: list[Transition]) -> None:
        if self.journal is None:
            return
        for t in transitions:
            row = t.row()
            row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
            self.journal.append("consent", row)

    def _resolve_grant(self, package: str, group: str) -> bool | None:
        fn = getattr(self.device, "granted_permissions", None)
        if fn is None:
            return None
        try:
            grants = fn(package)
        except DeviceError:
            return None
        perms = [p for p, g in PERMISSION_GROUPS.items() if g == group and p in grants]
        if not perms:
            return None
        return any(grants[p] for p in perms)

    # --- polling ------------------------------------------------------------------------------

    def poll(self) -> Observation:
        """Dump, classify, update the state, journal what changed. Device errors give an
        `unknown` observation (recorded once as an event), never an exception."""
        with self.lock:
            t_ns = self.now()
            try:
                xml = self.device.dump_hierarchy()
                fg = self.device.foreground()
            except DeviceError as exc:
                self.errors += 1
                self._event("ui:dump-failed", {"error": str(exc)})
                c = Classification(kind="unknown", reason=f"device error: {exc}")
                obs = Observation(t_ns, "", "", c, None, False)
                self.current = obs
                return obs
            c = classify(xml)
            if c.kind == "unknown" and self.ocr and c.source == "hierarchy" and self.screenshots:
                c = self._read_pixels(xml, fg, c)
            sig = (fg, c.signature())
            changed = sig != self._signature
            self._signature = sig
            shot = None
            if changed and c.kind in RELEVANT:
                shot = self.screenshot(t_ns, c.kind)
                self._shots = (sig, shot)
            evidence = {"screenshot": shot, "package": c.package, "reason": c.reason} if shot or c.kind in RELEVANT \
                else {"foreground": fg[0], "kind": c.kind}
            transitions = self.tracker.observe(t_ns, c, fg, evidence)
            layer = self.tracker.layer if c.kind != "unknown" else None
            obs = Observation(t_ns, fg[0], fg[1], c, shot, changed, layer)
            self.current = obs
            if changed:
                self.interval = self.fast
                self._write_ui(obs, xml)
            else:
                self.interval = min(self.slow, self.interval * 1.5)
            self._write_transitions(transitions)
            self._report_dropped()
            return obs

    def _read_pixels(self, xml: str, fg: tuple[str, str], c: Classification) -> Classification:
        """A dump with no readable text in its top window: classify the screenshot with OCR
        (`source: "ocr"`). OCR costs seconds, so an unchanged dump is read again at most every
        `ocr_every` seconds, and only when its pixels changed; a failed engine or screenshot keeps
        `unknown` with the reason (the run goes on)."""
        if not top_window_has_no_text(parse(xml)):
            return c  # unreadable or empty for another reason (garbage, an error text): no pixels to read
        dump_sig = (fg, hashlib.sha1(xml.encode("utf-8", "replace")).hexdigest())
        last = self._ocr_last
        if last is not None and last[0] == dump_sig and time.monotonic() - last[2] < self.ocr_every:
            return last[3]
        try:
            png = self.device.screenshot_png()
        except DeviceError as exc:
            return dataclasses.replace(c, reason=f"{c.reason}; no screenshot for OCR: {exc}")
        png_sig = hashlib.sha1(png).hexdigest()
        if last is not None and last[0] == dump_sig and last[1] == png_sig:
            self._ocr_last = (dump_sig, png_sig, time.monotonic(), last[3])
            return last[3]
        got = classify_screen(xml, png)
        self._ocr_last = (dump_sig, png_sig, time.monotonic(), got)
        if got.source == "ocr":
            self._event("ui:ocr", {"kind": got.kind, "reason": got.reason[:300]})
        return got

    def _report_dropped(self) -> None:
        """Journal the taps a later screen disproved (nothing is recorded in `consent` for them)."""
        while self.tracker.dropped:
            tap = self.tracker.dropped.pop(0)
            self._event("ui:tap-without-effect", {"t_ns": tap.t_ns, "subject": tap.subject, "meant": tap.state,
                                                   "step_id": tap.evidence.get("step_id")})

    def _write_ui(self, obs: Observation, xml: str) -> None:
        if self.journal is None:
            return
        dump_rel = None
        if self.save_dumps:
            dump_rel = f"ui/{obs.t_ns:016d}.xml"
            p = self.run_dir / dump_rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(xml, encoding="utf-8")
        c = obs.classification
        self.journal.append("ui", {
            "t_ns": obs.t_ns, "package": obs.package, "activity": obs.activity, "screen_kind": c.kind,
            "texts": json.dumps(list(c.texts), ensure_ascii=False), "screenshot": obs.screenshot, "dump": dump_rel,
            "detail": json.dumps(c.detail(), ensure_ascii=False),
        })

    def wait_for(self, kinds: tuple[str, ...] | set[str], timeout: float) -> Observation | None:
        """Poll until the screen is one of `kinds` (or `timeout` seconds pass)."""
        deadline = time.monotonic() + timeout
        while True:
            obs = self.poll()
            if obs.classification.kind in kinds:
                return obs
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.fast)

    def wait_change(self, before: Observation, timeout: float) -> Observation:
        """Poll until the screen differs from `before` (a tap took effect) or timeout."""
        deadline = time.monotonic() + timeout
        obs = before
        while time.monotonic() < deadline:
            time.sleep(self.fast)
            obs = self.poll()
            if obs.changed and obs.classification.kind != "unknown":
                return obs
        return obs

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 - the observer must never take the run down
                self.errors += 1
                self._event("ui:observer-error", {"error": repr(exc)})
                self.interval = self.slow
            self._stop.wait(self.interval)

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="ui-observer", daemon=True)
            self._thread.start()

    def stop(self, final: bool = False) -> None:
        """Stop polling. `final`: then look at the screen once more, so the screen the run ended on
        is recorded however late it came: a prompt that appears during the scenario's last wait,
        while a slow dump (seconds on a loaded machine) is in flight, would otherwise end the run
        unseen. The runner asks for it when the device is still there."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if final:
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 - teardown goes on; the failure is data
                log.warning("final UI observation failed: %s", exc)

    def __enter__(self) -> UiObserver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- state and actions ---------------------------------------------------------------------

    def state(self, subject: str) -> str | None:
        return self.tracker.states.get(subject)

    @property
    def transitions(self) -> list[Transition]:
        return list(self.tracker.history)

    def check_grants(self) -> list[Transition]:
        """Read the app's grant state now; record `revoked` for groups granted before and not now."""
        fn = getattr(self.device, "granted_permissions", None)
        pkg = self.tracker.app_package
        if fn is None or not pkg:
            return []
        with self.lock:
            out = self.tracker.check_grants(self.now(), fn(pkg))
            self._write_transitions(out)
            return out

    def record_tap(self, t_ns: int, subject: str, state: str, evidence: dict[str, Any]) -> None:
        """The harness tapped a consent control at `t_ns`: the decision is recorded (at that time)
        when a later screen proves it (harness.ui.state)."""
        with self.lock:
            self.tracker.tap(t_ns, subject, state, evidence)
            self.interval = self.fast

    def drop_tap(self, subject: str) -> None:
        with self.lock:
            self.tracker.drop(subject)
            self._report_dropped()

    def accept_notice(self, step_id: int | str | None = None, timeout: float = 10.0) -> Any:
        from harness.ui.actions import accept_notice

        return accept_notice(self, step_id=step_id, timeout=timeout)

    def refuse_notice(self, step_id: int | str | None = None, timeout: float = 10.0) -> Any:
        from harness.ui.actions import refuse_notice

        return refuse_notice(self, step_id=step_id, timeout=timeout)

    def answer_permission(self, grant: bool, group: str | None = None, step_id: int | str | None = None,
                          timeout: float = 10.0) -> Any:
        from harness.ui.actions import answer_permission

        return answer_permission(self, grant, group, step_id=step_id, timeout=timeout)
