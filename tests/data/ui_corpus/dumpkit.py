"""Build realistic uiautomator dumps from small layout descriptions (used by generate.py).

The serializer reproduces what real producers write: the attribute order of `uiautomator dump`
on Android 6-9 (`old`), 10+ (`new`: drawing-order, hint), and uiautomator2's multi-window
pretty-printed form (`u2`: visible-to-user, display-id); single-line or indented output; `&#10;`
for newlines, numeric character references for emoji, single-quoted attributes when a value holds
a double quote, and `NAF="true"` on unlabeled clickable views."""

from __future__ import annotations

from dataclasses import dataclass, field

Bounds = tuple[int, int, int, int]


@dataclass
class N:
    cls: str = "android.widget.FrameLayout"
    text: str = ""
    rid: str = ""
    desc: str = ""
    bounds: Bounds = (0, 0, 0, 0)
    clickable: bool = False
    checkable: bool = False
    checked: bool = False
    enabled: bool = True
    focusable: bool = False
    scrollable: bool = False
    password: bool = False
    naf: bool = False
    visible: bool = True
    pkg: str = ""  # inherited from the window when empty
    children: list[N] = field(default_factory=list)

    def add(self, *kids: N) -> N:
        self.children.extend(kids)
        return self


def _esc(value: str, quote: str) -> str:
    out = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#10;")
    out = "".join(f"&#{ord(c)};" if ord(c) > 0xFFFF else c for c in out)
    if quote == '"':
        out = out.replace('"', "&quot;")
    else:
        out = out.replace("'", "&apos;")
    return out


def _attr(name: str, value: str) -> str:
    quote = "'" if '"' in value and "'" not in value else '"'
    return f"{name}={quote}{_esc(value, quote)}{quote}"


def _b(v: bool) -> str:
    return "true" if v else "false"


def _node_attrs(n: N, index: int, pkg: str, style: str, order: int) -> str:
    x1, y1, x2, y2 = n.bounds
    parts = []
    if n.naf:
        parts.append('NAF="true"')
    parts += [
        f'index="{index}"', _attr("text", n.text), _attr("resource-id", n.rid), _attr("class", n.cls),
        _attr("package", n.pkg or pkg), _attr("content-desc", n.desc), f'checkable="{_b(n.checkable)}"',
        f'checked="{_b(n.checked)}"', f'clickable="{_b(n.clickable)}"', f'enabled="{_b(n.enabled)}"',
        f'focusable="{_b(n.focusable or n.clickable)}"', 'focused="false"', f'scrollable="{_b(n.scrollable)}"',
        'long-clickable="false"', f'password="{_b(n.password)}"', 'selected="false"',
    ]
    if style == "u2":
        parts.append(f'visible-to-user="{_b(n.visible)}"')
    parts.append(f'bounds="[{x1},{y1}][{x2},{y2}]"')
    if style in ("new", "u2"):
        parts += [f'drawing-order="{order}"', 'hint=""']
    if style == "u2":
        parts.append('display-id="0"')
    return " ".join(parts)


def serialize(windows: list[tuple[str, N]], *, style: str = "new", pretty: bool = False, rotation: int = 0) -> str:
    """XML text of a dump. `windows` = [(package, root node)], bottom-most first."""
    lines: list[str] = []

    def emit(n: N, index: int, depth: int, pkg: str) -> None:
        pad = "  " * (depth + 1) if pretty else ""
        attrs = _node_attrs(n, index, pkg, style, index)
        if n.children:
            lines.append(f"{pad}<node {attrs}>")
            for i, c in enumerate(n.children):
                emit(c, i, depth + 1, n.pkg or pkg)
            lines.append(f"{pad}</node>")
        else:
            lines.append(f"{pad}<node {attrs} />")

    for i, (pkg, root) in enumerate(windows):
        emit(root, i, 0, pkg)
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
    sep = "\n" if pretty else ""
    return head + sep + f'<hierarchy rotation="{rotation}">' + sep + sep.join(lines) + sep + "</hierarchy>" + (
        "\n" if pretty else "")


# --- layout helpers -------------------------------------------------------------------------------

SCREENS = [(1080, 1920), (1080, 2340), (720, 1280), (1440, 3120), (1080, 2400)]


def column(x1: int, y: int, x2: int, items: list[tuple[N, int]], gap: int = 24) -> tuple[list[N], int]:
    """Stack nodes vertically from y; each item is (node, height). Returns (nodes, next y)."""
    out = []
    for node, h in items:
        node.bounds = (x1, y, x2, y + h)
        out.append(node)
        y += h + gap
    return out, y


def row(x1: int, y: int, x2: int, nodes: list[N], h: int, gap: int = 24) -> list[N]:
    """Lay nodes side by side, equal widths."""
    if not nodes:
        return []
    w = (x2 - x1 - gap * (len(nodes) - 1)) // len(nodes)
    for i, n in enumerate(nodes):
        n.bounds = (x1 + i * (w + gap), y, x1 + i * (w + gap) + w, y + h)
    return nodes


def text(t: str, rid: str = "", cls: str = "android.widget.TextView", **kw: object) -> N:
    return N(cls=cls, text=t, rid=rid, **kw)  # type: ignore[arg-type]


def button(t: str, rid: str = "", cls: str = "android.widget.Button", **kw: object) -> N:
    return N(cls=cls, text=t, rid=rid, clickable=True, **kw)  # type: ignore[arg-type]


def status_bar(w: int) -> tuple[str, N]:
    return ("com.android.systemui", N(rid="com.android.systemui:id/status_bar_container", bounds=(0, 0, w, 72)).add(
        N(cls="android.widget.TextView", text="9:41", rid="com.android.systemui:id/clock", bounds=(40, 10, 140, 62))))


def nav_bar(w: int, h: int) -> tuple[str, N]:
    return ("com.android.systemui", N(rid="com.android.systemui:id/navigation_bar_frame", bounds=(0, h - 126, w, h)).add(
        N(cls="android.widget.ImageView", desc="Back", rid="com.android.systemui:id/back", clickable=True,
          bounds=(100, h - 120, 300, h - 6)),
        N(cls="android.widget.ImageView", desc="Home", rid="com.android.systemui:id/home", clickable=True,
          bounds=(440, h - 120, 640, h - 6))))
