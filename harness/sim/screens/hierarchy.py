"""View trees and their uiautomator XML, byte for byte as `uiautomator dump` writes it on Android 14:
one line, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, attributes in the dumper's
order (with `drawing-order` and `hint`), attribute escaping as Android's KXmlSerializer does it
(`&amp; &lt; &gt; &quot;`, newlines as `&#10;`, characters outside the BMP as `&#N;`), self-closed
leaves written `<node ... />`. Only the active window is dumped, as uiautomator does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from harness.sim.model import Element

DISPLAY = (1080, 2400)
_FOCUSABLE = ("Button", "EditText", "CheckBox", "Switch", "RadioButton", "ImageButton")


@dataclass(frozen=True)
class View:
    cls: str
    package: str
    bounds: tuple[int, int, int, int]
    text: str = ""
    resource_id: str = ""
    content_desc: str = ""
    checkable: bool = False
    checked: bool = False
    clickable: bool = False
    enabled: bool = True
    focusable: bool = False
    scrollable: bool = False
    password: bool = False
    element_id: str | None = None  # the model's element id (not dumped)
    drawn_text: str = ""  # drawn in the screenshot only, never dumped (a WebView/canvas without accessibility)
    children: tuple[View, ...] = ()


@dataclass(frozen=True)
class Window:
    """One window: an activity (full screen) or a dialog (only its own bounds)."""

    package: str
    activity: str  # component "pkg/.Act"
    root: View
    dialog: bool = False
    meta: dict = field(default_factory=dict, compare=False)


def view_from_element(e: Element, package: str, checked: dict[str, bool]) -> View:
    is_checked = checked.get(e.id, e.checked) if e.id else e.checked
    short = e.cls.rsplit(".", 1)[-1]
    return View(
        cls=e.cls, package=e.package or package, bounds=e.bounds, text=e.text, resource_id=e.resource_id,
        content_desc=e.content_desc, checkable=e.checkable, checked=is_checked and e.checkable,
        clickable=e.clickable, enabled=e.enabled, focusable=e.clickable or short in _FOCUSABLE,
        scrollable=e.scrollable, password=e.password, element_id=e.id, drawn_text=e.drawn_text,
        children=tuple(view_from_element(c, package, checked) for c in e.children),
    )


def walk(v: View) -> Iterator[View]:
    yield v
    for c in v.children:
        yield from walk(c)


def _esc(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch in "\n\r\t" or o > 0xFFFF:
            out.append(f"&#{o};")
        elif o < 0x20 or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append("?")  # not representable in XML 1.0
        else:
            out.append(ch)
    return "".join(out)


def _b(x: bool) -> str:
    return "true" if x else "false"


def _node(v: View, index: int, order: int, out: list[str]) -> None:
    x1, y1, x2, y2 = v.bounds
    out.append(
        f'<node index="{index}" text="{_esc(v.text)}" resource-id="{_esc(v.resource_id)}" class="{_esc(v.cls)}" '
        f'package="{_esc(v.package)}" content-desc="{_esc(v.content_desc)}" checkable="{_b(v.checkable)}" '
        f'checked="{_b(v.checked)}" clickable="{_b(v.clickable)}" enabled="{_b(v.enabled)}" '
        f'focusable="{_b(v.focusable)}" focused="false" scrollable="{_b(v.scrollable)}" '
        f'long-clickable="false" password="{_b(v.password)}" selected="false" '
        f'bounds="[{x1},{y1}][{x2},{y2}]" drawing-order="{order}" hint=""'
    )
    if not v.children:
        out.append(" />")
        return
    out.append(">")
    for i, c in enumerate(v.children):
        _node(c, i, i + 1, out)
    out.append("</node>")


def dump_xml(window: Window | None, rotation: int = 0) -> str:
    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<hierarchy rotation="{rotation}">']
    if window is not None:
        _node(window.root, 0, 0, out)
    out.append("</hierarchy>")
    return "".join(out)


def activity_root(package: str, content: tuple[View, ...], bounds: tuple[int, int, int, int] | None = None) -> View:
    """The decor view chain every activity window has around its content."""
    b = bounds or (0, 0, *DISPLAY)
    inner = View("android.widget.FrameLayout", package, b, resource_id="android:id/content", children=content)
    return View("android.widget.FrameLayout", package, b,
                children=(View("android.widget.LinearLayout", package, b, children=(inner,)),))
