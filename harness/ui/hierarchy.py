"""Parse a uiautomator hierarchy dump into a flat list of nodes, safely and in bounded time.

Why not ElementTree: the dump is hostile input (app text, device replies, files from users), and
it can be huge (a recycler with thousands of rows). We run expat with defusedxml's guards (a
DOCTYPE, an entity declaration or an external reference raises, as in defusedxml), and take the
start/end callbacks ourselves: no tree is built, node and text sizes are capped, and
parsing stops at `MAX_NODES`. Real dump quirks handled here: numeric character references (emoji),
single-quoted attributes, `bounds="[x1,y1][x2,y2]"`, `NAF="true"`, `visible-to-user="false"`,
several top-level windows (uiautomator2's multi-window dumps), trailing junk such as
`UI hierchary dumped to: /dev/tty` after `uiautomator dump /dev/tty`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat as _expat
from xml.parsers.expat import ExpatError

MAX_BYTES = 48 * 1024 * 1024  # refuse larger inputs outright
MAX_NODES = 60_000  # stop parsing after this many nodes
MAX_TEXT = 4_000  # characters kept of one text / content-desc

# Control characters are not allowed in XML 1.0 but real dumps carry them (raw or as char refs).
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-fA-F]));")
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")

SYSTEM_BARS = frozenset({"com.android.systemui"})


class Node:
    """One view of the dump. A plain slotted class: a dump has thousands, so no dataclass.

    The fields every rule reads (text, content-desc, class, package, clickable, bounds) are taken
    when the node is parsed; the rarely read flags (checkable, checked, enabled, NAF, visible,
    password, focusable) and the bounds are read from the node's attributes on first use, since most
    nodes of a real dump are layout containers nobody asks about (half the parse time went there)."""

    __slots__ = ("idx", "parent", "depth", "window", "text", "desc", "rid", "cls", "pkg", "clickable", "_a", "_b")

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        self.idx = 0
        self.parent = -1
        self.depth = 0
        self.window = 0
        self.text = ""
        self.desc = ""
        self.rid = ""
        self.cls = ""
        self.pkg = ""
        self.clickable = False
        self._a: dict[str, str] = attrs if attrs is not None else {}
        self._b: tuple[int, int, int, int] | None | bool = False  # False: not parsed yet

    @property
    def bounds(self) -> tuple[int, int, int, int] | None:
        b = self._b
        if b is False:
            b = self._b = _parse_bounds(self._a.get("bounds"))
        return b  # type: ignore[return-value]

    @bounds.setter
    def bounds(self, value: tuple[int, int, int, int] | None) -> None:
        self._b = value

    @property
    def checkable(self) -> bool:
        return self._a.get("checkable") == "true"

    @property
    def checked(self) -> bool:
        return self._a.get("checked") == "true"

    @property
    def enabled(self) -> bool:
        return self._a.get("enabled") != "false"

    @property
    def naf(self) -> bool:
        return self._a.get("NAF") == "true"

    @property
    def visible(self) -> bool:
        return self._a.get("visible-to-user") != "false"

    @property
    def password(self) -> bool:
        return self._a.get("password") == "true"

    @property
    def focusable(self) -> bool:
        return self._a.get("focusable") == "true"

    @property
    def label(self) -> str:
        """What a user reads on the view: its text, else its content-desc (WebView text lives there)."""
        return self.text or self.desc

    @property
    def short_cls(self) -> str:
        return self.cls.rsplit(".", 1)[-1]

    @property
    def area(self) -> int:
        b = self.bounds
        return 0 if b is None else max(0, b[2] - b[0]) * max(0, b[3] - b[1])

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Node({self.idx}, {self.short_cls}, {self.label[:30]!r}, {self.bounds})"


@dataclass(frozen=True)
class Hierarchy:
    """The parsed dump: nodes in document order, and why it may be unusable."""

    nodes: tuple[Node, ...]
    error: str | None = None  # set when the dump could not be read (then nodes may be partial)
    capped: bool = False  # MAX_NODES reached; the rest of the dump was not read

    @property
    def ok(self) -> bool:
        return self.error is None

    def windows(self) -> dict[int, list[Node]]:
        out: dict[int, list[Node]] = {}
        for n in self.nodes:
            out.setdefault(n.window, []).append(n)
        return out


class _Stop(Exception):
    pass


class _Refused(Exception):
    """A DTD, entity declaration or external reference: refused as defusedxml refuses them."""


def _refuse_dtd(name: str, *args: object) -> None:
    raise _Refused("DTDForbidden")


def _refuse_entity(*args: object) -> None:
    raise _Refused("EntitiesForbidden")


def _refuse_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise _Refused("ExternalReferenceForbidden")


def _parse_bounds(value: str | None) -> tuple[int, int, int, int] | None:
    if not value:
        return None
    try:  # "[x1,y1][x2,y2]": split is several times cheaper than the regex on thousands of nodes
        a, b = value[1:-1].split("][")
        x1, y1 = a.split(",")
        x2, y2 = b.split(",")
        return (int(x1), int(y1), int(x2), int(y2))
    except ValueError:
        m = _BOUNDS.match(value)
        return tuple(map(int, m.groups())) if m else None  # type: ignore[return-value]


def _clean(text: str | None) -> str:
    if not text:
        return ""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    return text.strip()


def _strip_envelope(data: str) -> str:
    """Drop what surrounds the XML in real command output (a banner before, a status line after)."""
    start = data.find("<?xml")
    if start < 0:
        start = data.find("<hierarchy")
    if start > 0:
        data = data[start:]
    end = data.rfind("</hierarchy>")
    if end >= 0:
        data = data[: end + len("</hierarchy>")]
    return data


def parse(data: str | bytes) -> Hierarchy:
    """Parse a dump; never raises for bad content (the error is returned in `Hierarchy.error`)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return Hierarchy((), f"dump too large ({len(data)} bytes > {MAX_BYTES})")
        data = data.decode("utf-8", errors="replace")
    if len(data) > MAX_BYTES:
        return Hierarchy((), f"dump too large ({len(data)} chars > {MAX_BYTES})")
    data = _strip_envelope(data)
    if not data.strip():
        return Hierarchy((), "empty dump")
    if "<hierarchy" not in data[:4096] and "<node" not in data[:4096]:
        return Hierarchy((), f"not a uiautomator hierarchy: {data.strip()[:80]!r}")

    h = _parse(data)
    if h.error is not None and "invalid token" in h.error and _CTRL.search(data):
        # Control characters are rare: scrub them only when the fast path tripped on one.
        h = _parse(_CTRL.sub(" ", data))
    return h


def _parse(data: str) -> Hierarchy:
    nodes: list[Node] = []
    stack: list[int] = []
    new_node = object.__new__
    window_counter = [-1]
    capped = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name != "node":
            return
        if len(nodes) >= MAX_NODES:
            capped[0] = True
            raise _Stop
        n = new_node(Node)  # every slot is set below: no __init__ call per node
        n._a = attrs
        n._b = False
        n.idx = len(nodes)
        if stack:
            parent = nodes[stack[-1]]
            n.parent = parent.idx
            n.window = parent.window
            n.depth = len(stack)
        else:
            window_counter[0] += 1
            n.window = window_counter[0]
            n.parent = -1
            n.depth = 0
        get = attrs.get
        t = get("text")
        n.text = _clean(t) if t else ""
        d = get("content-desc")
        n.desc = _clean(d) if d else ""
        n.rid = get("resource-id") or ""
        n.cls = get("class") or ""
        n.pkg = get("package") or ""
        n.clickable = get("clickable") == "true"
        nodes.append(n)
        stack.append(n.idx)

    def end(name: str) -> None:
        if name == "node" and stack:
            stack.pop()

    # A bare expat parser with defusedxml's guards (any DOCTYPE, entity declaration or external
    # reference raises): the same protection without building an ElementTree parser per dump.
    expat = _expat.ParserCreate("utf-8")  # the text is ours, already decoded: its declaration does not matter
    expat.StartDoctypeDeclHandler = _refuse_dtd
    expat.EntityDeclHandler = _refuse_entity
    expat.UnparsedEntityDeclHandler = _refuse_entity
    expat.ExternalEntityRefHandler = _refuse_external
    expat.ordered_attributes = False
    expat.StartElementHandler = start
    expat.EndElementHandler = end
    expat.CharacterDataHandler = None  # text between tags is whitespace in dumps: skip the callbacks
    expat.CommentHandler = None
    try:
        expat.Parse(data.encode("utf-8", "replace"), True)  # bytes: expat reads them faster than a str
    except _Stop:
        pass
    except _Refused as exc:
        return Hierarchy(tuple(nodes), f"refused unsafe XML ({exc})")
    except ExpatError as exc:
        return Hierarchy(tuple(nodes), f"truncated or invalid XML: {exc}")
    except (ValueError, RecursionError) as exc:  # pragma: no cover - defensive
        return Hierarchy(tuple(nodes), f"unreadable dump: {exc}")
    return Hierarchy(tuple(nodes), None, capped[0])
