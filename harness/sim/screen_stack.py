"""The screen half of the sim's app runtime: the foreground task and its screen stack, windows
(app, launcher, "waiting for debugger", the system permission dialog), hierarchy dumps,
screenshots, and input. `SimAppRuntime` (runtime.py) mixes it in; process handling stays there."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from analysis.permissions import group_of  # the platform's groups, as the system dialog names them
from harness.sim.interfaces import DeviceContext
from harness.sim.model import Action, AppModel
from harness.sim.screens import View, Window, dump_xml, render_png, view_from_element, walk
from harness.sim.screens.hierarchy import activity_root
from harness.sim.screens.system import (
    BUTTONS,
    LAUNCHER_ACTIVITY,
    LAUNCHER_PACKAGE,
    debugger_window,
    launcher_window,
    permission_window,
    starting_window,
)

KEYCODE_HOME, KEYCODE_BACK, KEYCODE_APP_SWITCH = 3, 4, 187
MAX_DENIALS = 2  # Android 11+: after two denials the request is refused without a dialog


@dataclass
class ScreenInstance:
    screen_id: str
    checked: dict[str, bool] = field(default_factory=dict)
    gen: int = 0




class ScreensMixin:
    """Foreground, windows, dumps, screenshots, input and the permission dialog (see module doc).

    The state below is created by `SimAppRuntime.__init__`; the methods declared at the end are
    the runtime's (process and preference handling) that screens need."""

    ctx: DeviceContext
    _lock: threading.RLock
    _procs: dict[str, Any]
    _tasks: dict[str, list[ScreenInstance]]
    _fg: str | None
    _dialogs: list[tuple[str, str, tuple[str, ...]]]
    _gen: int

    def _log(self, tag: str, msg: str, level: str = "I", pid: int = 0) -> None: ...
    def _model(self, package: str) -> AppModel:
        raise NotImplementedError

    def _prefs(self, package: str) -> dict[str, Any]:
        raise NotImplementedError

    def _save_prefs(self, package: str, prefs: dict[str, Any]) -> None: ...
    def _push_state(self, package: str) -> None: ...
    @staticmethod
    def _uid(package: str) -> int:
        raise NotImplementedError

    def _set_fg(self, package: str | None) -> None:
        old, self._fg = self._fg, package
        for p in {old, package} - {None}:
            self._push_state(p)  # type: ignore[arg-type]

    def _top_component(self, package: str) -> str:
        model = self._procs[package].model if package in self._procs else self._model(package)
        task = self._tasks.get(package)
        return model.component(model.screen(task[-1].screen_id).activity) if task else model.component(model.launcher)

    def _screen_changed(self, package: str) -> None:
        """A new top screen: record a shown notice, tell the process. A screen's `auto:` advance is
        timed by the app process itself (app_process/scheduler.py), from when the app runs."""
        task = self._tasks.get(package)
        proc = self._procs.get(package)
        if not task or proc is None:
            return
        top = task[-1]
        self._gen += 1
        top.gen = self._gen
        screen = proc.model.screen(top.screen_id)
        if screen.notice:
            prefs = self._prefs(package)
            if prefs.get("consent", "none") == "none":
                prefs["consent"] = "shown"
                self._save_prefs(package, prefs)
        self._push_state(package)

    def _windows(self) -> list[Window]:
        """The window stack, bottom to top."""
        pkg = self._fg
        if pkg is None or pkg not in self._procs or not self._tasks.get(pkg):
            return [launcher_window()]
        proc = self._procs[pkg]
        model = proc.model
        wins: list[Window] = []
        for inst in self._tasks[pkg][-2:]:
            s = model.screen(inst.screen_id)
            content = tuple(view_from_element(e, pkg, inst.checked) for e in s.elements)
            comp = model.component(s.activity)
            if s.dialog is not None:
                root = View("android.widget.FrameLayout", pkg, s.dialog, children=(
                    View("android.widget.FrameLayout", pkg, s.dialog, resource_id="android:id/content", children=content),))
                wins.append(Window(pkg, comp, root, dialog=True, meta={"screen": s.id}))
            else:
                wins = [Window(pkg, comp, activity_root(pkg, content), meta={"screen": s.id})]
        if proc.gated:
            wins.append(debugger_window(model.label, pkg))
        elif proc.binding:
            top = model.screen(self._tasks[pkg][-1].screen_id)
            wins = [starting_window(model.label, pkg, model.component(top.activity))]
        else:
            d = next((d for d in self._dialogs if d[0] == pkg), None)
            if d is not None:
                wins.append(permission_window(model.label, d[1]))
        return wins

    def foreground(self) -> tuple[str, str]:
        with self._lock:
            top = self._windows()[-1]
            if top.package == LAUNCHER_PACKAGE:
                return LAUNCHER_PACKAGE, LAUNCHER_ACTIVITY
            return top.package, top.activity

    def dump_hierarchy(self) -> str:
        with self._lock:
            return dump_xml(self._windows()[-1])

    def screenshot_png(self) -> bytes:
        with self._lock:
            wins = self._windows()
        return render_png(wins)

    # -- input -------------------------------------------------------------------------------
    def input_tap(self, x: int, y: int) -> None:
        with self._lock:
            top = self._windows()[-1]
            hit = _hit(top.root, x, y)
            if top.package == "com.google.android.permissioncontroller":
                if hit is not None:
                    rid = hit.resource_id.rsplit("/", 1)[-1]
                    if rid in BUTTONS:
                        self._answer_dialog(BUTTONS[rid][1] == "grant")
                return
            if top.package == "android" or top.package == LAUNCHER_PACKAGE or hit is None or top.meta.get("starting"):
                return
            pkg = top.package
            inst = self._tasks[pkg][-1]
            screen = self._procs[pkg].model.screen(inst.screen_id)
            if hit.element_id and hit.element_id in screen.on_tap:
                self._apply(pkg, screen.on_tap[hit.element_id])
            elif hit.checkable and hit.element_id:
                inst.checked[hit.element_id] = not hit.checked

    def input_swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int) -> None:
        return None  # the sim's screens do not scroll

    def input_text(self, text: str) -> None:
        return None  # no text fields take input in the sim's apps

    def input_keyevent(self, code: int) -> None:
        with self._lock:
            if code in (KEYCODE_HOME, KEYCODE_APP_SWITCH):
                self._set_fg(None)
            elif code == KEYCODE_BACK:
                pkg = self._fg
                if pkg is None or pkg not in self._procs:
                    return
                if self._procs[pkg].gated or self._procs[pkg].binding:
                    return
                if any(d[0] == pkg for d in self._dialogs):
                    self._answer_dialog(False)  # back on the permission dialog denies
                    return
                task = self._tasks.get(pkg)
                if not task:
                    return
                screen = self._procs[pkg].model.screen(task[-1].screen_id)
                self._apply(pkg, screen.on_back or Action(back=True))

    def _apply(self, pkg: str, a: Action) -> None:
        task = self._tasks.get(pkg)
        if not task:
            return
        top = task[-1]
        if a.requires_checked and not top.checked.get(a.requires_checked, self._default_checked(pkg, top, a.requires_checked)):
            self._log("Toast", "Please read and agree to the terms first", pid=self._procs[pkg].pid)
            return
        if a.consent:
            prefs = self._prefs(pkg)
            prefs["consent"] = a.consent
            self._save_prefs(pkg, prefs)
        if a.check:
            top.checked[a.check] = not top.checked.get(a.check, self._default_checked(pkg, top, a.check))
        if a.request_permissions:
            self._request_permissions(pkg, a.request_permissions)
        changed = False
        if a.back:
            if len(task) > 1:
                task.pop()
                changed = True
            else:  # Android 12+: back on the root activity moves the task to the background
                self._set_fg(None)
        if a.goto:
            task.append(ScreenInstance(a.goto))
            changed = True
        if a.replace:
            task[-1] = ScreenInstance(a.replace)
            changed = True
        if a.finish:
            self._set_fg(None)
        if changed:
            self._screen_changed(pkg)
        else:
            self._push_state(pkg)

    def _default_checked(self, pkg: str, inst: ScreenInstance, element_id: str) -> bool:
        from harness.sim.model import _walk

        screen = self._procs[pkg].model.screen(inst.screen_id)
        return next((e.checked for e in _walk(screen.elements) if e.id == element_id), False)

    # -- runtime permissions -------------------------------------------------------------------
    def _request_permissions(self, pkg: str, perms: tuple[str, ...]) -> None:
        by_group: dict[str, list[str]] = {}
        for p in perms:
            g = group_of(p)
            if g is not None and not self.ctx.permission_granted(pkg, p):
                by_group.setdefault(g, []).append(p)
        prefs = self._prefs(pkg)
        for g, ps in by_group.items():
            if any(d[0] == pkg and d[1] == g for d in self._dialogs):
                continue
            if prefs["denials"].get(g, 0) >= MAX_DENIALS:
                self._log("GrantPermissionsActivity", f"{pkg}: {g} denied without prompt (denied {MAX_DENIALS} times)", "W")
                continue
            self._dialogs.append((pkg, g, tuple(ps)))
            self._log("ActivityTaskManager", "START u0 {act=android.content.pm.action.REQUEST_PERMISSIONS "
                      "pkg=com.google.android.permissioncontroller cmp=com.google.android.permissioncontroller/"
                      f"com.android.permissioncontroller.permission.ui.GrantPermissionsActivity}} from uid {self._uid(pkg)}")

    def _answer_dialog(self, grant: bool) -> None:
        pkg = self._fg
        d = next((d for d in self._dialogs if d[0] == pkg), None)
        if d is None or pkg is None:
            return
        self._dialogs.remove(d)
        prefs = self._prefs(pkg)
        for p in d[2]:
            self.ctx.set_permission(pkg, p, grant)
            prefs["asked"][p] = "granted" if grant else "denied"
        if not grant:
            prefs["denials"][d[1]] = prefs["denials"].get(d[1], 0) + 1
        self._save_prefs(pkg, prefs)
        self._push_state(pkg)


def _hit(root: View, x: int, y: int) -> View | None:
    """The deepest clickable or checkable view under (x, y), as touch dispatch finds it."""
    best = None
    for v in walk(root):
        x1, y1, x2, y2 = v.bounds
        if x1 <= x < x2 and y1 <= y < y2 and (v.clickable or v.checkable) and v.enabled:
            best = v
    return best
