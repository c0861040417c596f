"""A tiny AppRuntime for the device half's tests: app processes are real `sleep` processes (so
pidof gives a live PID) and the UI is one notice screen whose Accept button leads to a home screen."""

from __future__ import annotations

import io
import signal
import subprocess
import time

from harness.sim.interfaces import LaunchResult

NOTICE = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">"
          '<node index="0" text="Privacy notice" resource-id="{pkg}:id/title" class="android.widget.TextView" '
          'package="{pkg}" content-desc="" checkable="false" checked="false" clickable="false" enabled="true" '
          'focusable="false" focused="false" scrollable="false" long-clickable="false" password="false" '
          'selected="false" bounds="[0,0][1080,200]" />'
          '<node index="1" text="Accept" resource-id="{pkg}:id/accept" class="android.widget.Button" '
          'package="{pkg}" content-desc="" checkable="false" checked="false" clickable="true" enabled="true" '
          'focusable="true" focused="false" scrollable="false" long-clickable="false" password="false" '
          'selected="false" bounds="[100,1000][500,1100]" /></hierarchy>')
HOME = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">"
        '<node index="0" text="Home" resource-id="{pkg}:id/home" class="android.widget.TextView" package="{pkg}" '
        'content-desc="" checkable="false" checked="false" clickable="false" enabled="true" focusable="false" '
        'focused="false" scrollable="false" long-clickable="false" password="false" selected="false" '
        'bounds="[0,0][1080,200]" /></hierarchy>')


class FakeRuntime:
    def __init__(self, ctx, internet):
        self.ctx = ctx
        self.procs: dict[str, subprocess.Popen] = {}
        self.top: tuple[str, str] | None = None
        self.accepted: set[str] = set()
        self.keys: list[int] = []

    def launch(self, package, activity=None, *, wait_debugger=False):
        start = time.monotonic()
        proc = self.procs.get(package)
        cold = proc is None or proc.poll() is not None
        if cold:
            self.procs[package] = subprocess.Popen(["sleep", "300"])
        act = activity or self.ctx.packages[package].launcher_activity
        self.top = (package, act)
        self.ctx.logcat("ActivityTaskManager", f"START u0 {{cmp={package}/{act}}}", pid=512)
        return LaunchResult(self.procs[package].pid, f"{package}/{act}", int((time.monotonic() - start) * 1000) + 1, cold)

    def force_stop(self, package):
        proc = self.procs.pop(package, None)
        if proc is not None:
            proc.kill()
            proc.wait()
        if self.top and self.top[0] == package:
            self.top = None

    def clear_data(self, package):
        self.accepted.discard(package)

    def pid_of(self, package):
        proc = self.procs.get(package)
        return proc.pid if proc is not None and proc.poll() is None else None

    def processes(self):
        return [(p.pid, name) for name, p in self.procs.items() if p.poll() is None]

    def signal(self, pid, signum):
        for p in list(self.procs.values()):
            if p.pid == pid and p.poll() is None:
                p.send_signal(signum)
                if signum in (signal.SIGKILL, signal.SIGTERM):
                    p.wait()
                return True
        return False

    def foreground(self):
        return self.top or ("com.google.android.apps.nexuslauncher", ".NexusLauncherActivity")

    def dump_hierarchy(self):
        pkg = self.foreground()[0]
        return (HOME if pkg in self.accepted else NOTICE).format(pkg=pkg)

    def screenshot_png(self):
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (108, 240), (255, 255, 255)).save(buf, "PNG")
        return buf.getvalue()

    def input_tap(self, x, y):
        if self.top and 100 <= x <= 500 and 1000 <= y <= 1100:
            self.accepted.add(self.top[0])

    def input_swipe(self, x1, y1, x2, y2, duration_ms):
        pass

    def input_text(self, text):
        pass

    def input_keyevent(self, code):
        self.keys.append(code)
        if code == 3:
            self.top = None

    def shutdown(self):
        for name in list(self.procs):
            self.force_stop(name)
