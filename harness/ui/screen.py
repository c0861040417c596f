"""One window of a dump as the classifier sees it: visible nodes, their texts, and the short labels
that can be tapped. Control location (which node is "Agree", where to tap) lives here too."""

from __future__ import annotations

from dataclasses import dataclass

from harness.ui import lexicon as lx
from harness.ui.hierarchy import Hierarchy, Node
from harness.ui.model import Control

MAX_LABEL = 40  # longer texts are sentences, not buttons
MAX_BLOB = 30_000  # characters of screen text searched for wording
MAX_TEXTS = 60  # texts kept for the ui table


@dataclass
class Candidate:
    node: Node
    key: str  # lexicon.norm(label)
    in_clickable: bool  # the node or an ancestor is clickable


@dataclass
class Screen:
    """A window (top-level node of the dump) with what the rules need, computed once."""

    window: int
    package: str
    nodes: list[Node]
    labels: list[str]
    blob: str
    candidates: list[Candidate]
    full_screen: bool
    has_webview: bool
    has_edittext: bool
    web_dropped: bool = False  # a browser window: the web page's nodes were left out (see screens())
    low: str = ""  # blob.lower(), for the *_LC patterns of the lexicon
    size: tuple[int, int] = (0, 0)  # screen width and height in pixels

    @property
    def clickable_count(self) -> int:
        return sum(1 for c in self.candidates if c.in_clickable)

    @property
    def longest_text(self) -> int:
        return max((len(t) for t in self.labels), default=0)


def _browser_window(wnodes: list[Node], in_web: list[bool]) -> bool:
    """A browser shows web pages: a WebView beside an address bar (an editable or clickable field
    whose id or text is a URL/search box). Then what is inside the WebView is the site's, not the
    app's; what is outside (the browser's own first-run dialog) is the app's."""
    if not any(in_web[n.idx] for n in wnodes):
        return False
    if wnodes[0].pkg in lx.BROWSER_PACKAGES:
        return True
    for n in wnodes:
        if in_web[n.idx]:
            continue
        if lx.ADDRESS_BAR_RID.search(n.rid) or (n.short_cls.endswith("EditText") and lx.URL_TEXT.match(n.label)):
            return True
    return False


def screens(h: Hierarchy) -> list[Screen]:
    """Split the dump into windows in document order; system bars are dropped. In a browser
    window the nodes inside the WebView (the web page) are left out: only the app's own views can
    be the app's notice or controls."""
    nodes = h.nodes
    clk = [False] * len(nodes)
    in_web = [False] * len(nodes)
    by_window: dict[int, list[Node]] = {}
    for n in nodes:
        p = n.parent
        if p >= 0:
            clk[n.idx] = n.clickable or clk[p]
            in_web[n.idx] = in_web[p] or nodes[p].short_cls == "WebView"
        else:
            clk[n.idx] = n.clickable
        by_window.setdefault(n.window, []).append(n)
    out: list[Screen] = []
    # The display's size is what the windows' roots cover: a scrolled list's rows may lie far below it.
    roots = [b for b in (w[0].bounds for w in by_window.values()) if b]
    screen_w = max((b[2] for b in roots), default=0)
    screen_h = max((b[3] for b in roots), default=0)
    for w, wnodes in by_window.items():
        root = wnodes[0]
        pkg = root.pkg
        # Zero-area views are not drawn. Only views that say or do something are checked: parsing the
        # bounds of every layout container was a third of the rules' time.
        visible = [n for n in wnodes if (n.visible and (not (n.text or n.desc or n.clickable) or (b := n.bounds) is None
                                                        or (b[2] > b[0] and b[3] > b[1])))]
        dropped = _browser_window(wnodes, in_web)
        if dropped:
            visible = [n for n in visible if not in_web[n.idx]]
        if pkg == "com.android.systemui" and root.bounds and (
            root.bounds[3] - root.bounds[1] < screen_h * 0.15
        ):
            continue  # status bar / navigation bar window
        labels: list[str] = []
        cands: list[Candidate] = []
        size = 0
        webview = edit = False
        for n in visible:
            cls = n.cls
            if cls.endswith("Text") and cls.endswith("EditText"):
                edit = True
            elif cls.endswith("WebView") and n.short_cls == "WebView":
                webview = True
            lab = n.text or n.desc
            if not lab:
                continue
            if size < MAX_BLOB:
                labels.append(lab)
                size += len(lab) + 1
            if len(lab) <= MAX_LABEL and not n.naf and n.bounds is not None:
                cands.append(Candidate(n, lx.norm(lab), clk[n.idx]))
        b = root.bounds
        full = b is not None and bool(b) and screen_w > 0 and (b[2] - b[0]) >= screen_w * 0.95 and (b[3] - b[1]) >= screen_h * 0.85
        blob = "\n".join(labels)[:MAX_BLOB]
        out.append(Screen(w, pkg, visible, labels, blob, cands, full, webview, edit, web_dropped=dropped,
                          size=(screen_w, screen_h), low=blob.lower()))
    return out


def make_control(n: Node, role: str, *, style: str | None = None) -> Control:
    if style is None:
        style = "button" if ("Button" in n.cls or n.clickable) else "link"
    checked = n.checked if (n.checkable or style == "checkbox") else None
    return Control(text=n.label, bounds=n.bounds or (0, 0, 0, 0), role=role, resource_id=n.rid, style=style,
                   checked=checked, enabled=n.enabled)


def best(scored: list[tuple[int, Candidate]]) -> tuple[int, Candidate] | None:
    """Highest score; ties go to a clickable view, then a Button, then the lowest on screen."""
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None

    def key(s: tuple[int, Candidate]) -> tuple[int, int, int, int]:
        score, c = s
        b = c.node.bounds or (0, 0, 0, 0)
        return (score, int(c.in_clickable), int("Button" in c.node.cls), b[1])

    return max(scored, key=key)


_NEG = ("不", "しない", "しません", "안", "않", "dis", "dont", "donot", "nicht", "pas")


def accept_score(c: Candidate) -> int:
    k = c.key
    if not c.in_clickable:
        return 0
    if k in lx.ACCEPT_STRONG:
        return 3
    if len(k) <= 14 and k.startswith(("同意", "我同意", "接受", "agree", "iagree", "accept", "zustimm", "akzeptier",
                                       "accepter", "jaccepte", "acept", "동의")) and not any(x in k for x in _NEG):
        return 3
    if k in lx.ACCEPT_WEAK:
        return 1
    return 0


def refuse_score(c: Candidate) -> int:
    k = c.key
    if k in lx.REFUSE_STRONG:
        return 3
    if len(k) <= 16 and k.startswith(("不同意", "拒绝", "拒絕", "暂不同意", "disagree", "decline", "reject", "dontagree",
                                       "donotagree", "ablehn", "refuser", "rechaz", "동의하지", "同意しない", "放弃",
                                       "拒絕", "不接受")):
        return 3
    if c.in_clickable and k in lx.REFUSE_WEAK:
        return 1
    return 0


def texts_of(s: Screen) -> tuple[str, ...]:
    return tuple(t[:200] for t in s.labels[:MAX_TEXTS])
