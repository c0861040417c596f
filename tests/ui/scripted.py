"""A scripted `UiDevice` for observer tests: its screens are corpus dumps, and tapping a labelled
view moves to the next screen as a real app would (checkboxes toggle in the XML)."""

from __future__ import annotations

import re
import time

from ui_paths import corpus_dump

from harness.ui.hierarchy import parse

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class ScriptedDevice:
    def __init__(self, start: str, moves: dict[tuple[str, str], str], foreground: dict[str, tuple[str, str]],
                 requires_checked: set[str] = frozenset()):
        self.screens: dict[str, str] = {}
        self.current = start
        self.moves = moves
        self.fg = foreground
        self.requires_checked = requires_checked
        self.taps: list[tuple[int, int, int, str]] = []  # (time_ns, x, y, label hit)
        self.grants: dict[str, bool] = {}
        self.keys: list[int] = []

    def _xml(self, name: str) -> str:
        if name not in self.screens:
            self.screens[name] = corpus_dump(name) if name.endswith(".xml") else name
        return self.screens[name]

    def dump_hierarchy(self) -> str:
        return self._xml(self.current)

    def screenshot_png(self) -> bytes:
        return PNG

    def foreground(self) -> tuple[str, str]:
        return self.fg.get(self.current, ("com.example.app", "com.example.app.MainActivity"))

    def keyevent(self, code: int) -> None:
        self.keys.append(code)

    def granted_permissions(self, package: str) -> dict[str, bool]:
        return dict(self.grants)

    def _checked_boxes(self, xml: str) -> bool:
        return any(n.checkable and n.checked for n in parse(xml).nodes)

    def tap(self, x: int, y: int) -> None:
        xml = self._xml(self.current)
        hits = [n for n in parse(xml).nodes if n.bounds and n.bounds[0] <= x <= n.bounds[2]
                and n.bounds[1] <= y <= n.bounds[3]]
        hit = min(hits, key=lambda n: n.area) if hits else None
        label = hit.label if hit else ""
        self.taps.append((time.time_ns(), x, y, label))
        if hit is not None and (hit.checkable or hit.short_cls in ("CheckBox", "ImageView")) and not label:
            x1, y1, x2, y2 = hit.bounds
            b = f"[{x1},{y1}][{x2},{y2}]"
            i = xml.index(f'bounds="{b}"')
            s = xml.rindex("<node", 0, i)
            e = xml.index(">", i)
            tag = re.sub(r'checked="(true|false)"', lambda m: 'checked="%s"' % ("false" if m.group(1) == "true" else "true"),
                         xml[s:e])
            tag = tag.replace('checkable="false"', 'checkable="true"')
            self.screens[self.current] = xml[:s] + tag + xml[e:]
            return
        nxt = self.moves.get((self.current, label))
        if nxt is None:
            return
        if self.current in self.requires_checked and not self._checked_boxes(xml):
            return
        self.current = nxt
