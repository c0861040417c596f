"""Factories of small, realistic screens for the classification tests (one window: an app dialog,
bottom sheet or page; or a system prompt over an app). Built with the corpus' dump serializer so
the XML is what uiautomator writes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "ui_corpus"))
from dumpkit import N, button, column, row, serialize, text  # noqa: E402

W, H = 1080, 2340


def dialog(pkg: str, title: str, body: list[str], buttons: list[str], *, checkbox: tuple[str, bool] | None = None,
           links: list[str] = (), sheet: bool = False, webview_body: bool = False, page_behind: list[str] = (),
           webview_page: list[str] = (), url: str | None = None, vertical: bool = False) -> str:
    """An app window: optional page behind (or a WebView page with an address bar), then a dialog
    (or bottom sheet) with title, body, links, an optional checkbox line and buttons (primary last)."""
    rp = f"{pkg}:id/"
    x1, x2, y = (0, W, 1200) if sheet else (90, W - 90, 600)
    items: list[tuple[N, int]] = []
    if title:
        items.append((text(title, rp + "title"), 80))
    for t in body:
        node = N(cls="android.view.View", desc=t) if webview_body else text(t, rp + "message")
        items.append((node, 60 + 44 * (len(t) // 24)))
    for ln in links:
        items.append((text(ln, rp + "link", clickable=True), 60))
    inner, y2 = column(x1 + 48, y + 48, x2 - 48, items, gap=16)
    if webview_body:
        web = N(cls="android.webkit.WebView", bounds=(x1 + 48, y + 48, x2 - 48, y2)).add(*inner)
        inner = [web]
    if checkbox:
        label, ticked = checkbox
        inner.append(N(cls="android.widget.LinearLayout", bounds=(x1 + 48, y2, x2 - 48, y2 + 90)).add(
            N(cls="android.widget.CheckBox", rid=rp + "cb", checkable=True, checked=ticked, clickable=True,
              bounds=(x1 + 48, y2, x1 + 118, y2 + 70)),
            text(label, rp + "agree_line", bounds=(x1 + 130, y2, x2 - 48, y2 + 90))))
        y2 += 110
    bn = [button(b, rp + f"btn{i}") for i, b in enumerate(buttons)]
    if vertical:
        for i, b in enumerate(reversed(bn)):
            b.bounds = (x1 + 48, y2 + i * 150, x2 - 48, y2 + i * 150 + 130)
        y2 += 150 * len(bn)
    else:
        row(x1 + 48, y2, x2 - 48, bn, 130)
        y2 += 150
    panel = N(cls="android.widget.LinearLayout", rid=rp + "panel", bounds=(x1, y, x2, y2 + 40)).add(*inner, *bn)
    content = N(rid="android:id/content", bounds=(0, 0, W, H))
    if url is not None:
        content.add(N(cls="android.widget.EditText", rid=rp + "url_bar", text=url, clickable=True, bounds=(0, 60, W, 180)))
    if webview_page:
        page_nodes, _ = column(0, 200, W, [(N(cls="android.view.View", desc=t, clickable=len(t) < 30), 90)
                                            for t in webview_page])
        content.add(N(cls="android.webkit.WebView", bounds=(0, 190, W, H)).add(*page_nodes))
    if page_behind:
        bg, _ = column(0, 200, W, [(text(t, rp + "item", clickable=True), 90) for t in page_behind])
        content.add(*bg)
    if title or body or buttons:
        content.add(panel)
    return serialize([(pkg, N(bounds=(0, 0, W, H)).add(content))])


def system_prompt(pkg: str, message: str, buttons: list[tuple[str, str]], app: str = "com.example.app") -> str:
    """A system dialog over an app: buttons as (label, resource-id suffix or "")."""
    nodes = [text(message, f"{pkg}:id/permission_message" if buttons and buttons[0][1] else "android:id/message",
                  bounds=(120, 1300, W - 120, 1460))]
    y = 1490
    for label, rid in buttons:
        nodes.append(button(label, f"{pkg}:id/{rid}" if rid else "", bounds=(90, y, W - 90, y + 130)))
        y += 140
    prompt = N(bounds=(60, 1200, W - 60, y + 40)).add(*nodes)
    under = N(bounds=(0, 0, W, H)).add(text("Home", f"{app}:id/title", bounds=(40, 100, 600, 200)))
    return serialize([(app, under), (pkg, prompt)])
