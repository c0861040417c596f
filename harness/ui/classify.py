"""`classify(xml_text) -> Classification`: what a uiautomator dump shows, as a pure function.

Order of the rules, and why: a system permission prompt is drawn by the system over the app (its
own window in multi-window dumps), so it wins; a privacy notice comes next (notices often mention
permissions, which must not make them rationales); the app's permission rationale last. Windows
are tried from the top (last in the dump) down. An unreadable or empty dump is `unknown` with the
reason, never an exception: the observer treats `unknown` as "no information", not as "the notice
went away"."""

from __future__ import annotations

from harness.ui.hierarchy import Hierarchy, parse
from harness.ui.lexicon import detect_lang
from harness.ui.model import Classification
from harness.ui.notice import notice
from harness.ui.permission import rationale, system_prompt
from harness.ui.screen import screens, texts_of


def classify(xml_text: str | bytes) -> Classification:
    """Classify one hierarchy dump (see the module docstring); never raises for bad input."""
    return classify_hierarchy(parse(xml_text))


def classify_hierarchy(h: Hierarchy) -> Classification:
    if h.error is not None:
        return Classification(kind="unknown", reason=h.error)
    if not h.nodes:
        return Classification(kind="unknown", reason="empty hierarchy (secure window or nothing on screen)")
    wins = screens(h)
    if not any(s.labels for s in wins):
        return Classification(
            kind="unknown", reason="no readable text in the hierarchy (secure window, WebView not exposed, or loading)",
            package=wins[0].package if wins else h.nodes[0].pkg)
    langs = {s.window: detect_lang(s.blob[:3000]) for s in wins}
    top_first = list(reversed(wins))
    negatives: list[str] = []
    for s in top_first:
        r = system_prompt(s, langs[s.window])
        if isinstance(r, Classification):
            return r
        if isinstance(r, str):
            negatives.append(r)
    for s in top_first:
        if not s.labels:
            continue
        r2 = notice(s, langs[s.window])
        if isinstance(r2, Classification):
            return r2
        negatives.append(r2)
    for s in top_first:
        r3 = rationale(s, langs[s.window])
        if r3 is not None:
            return r3
    main = max(wins, key=lambda s: len(s.labels))
    reason = next((n for n in negatives if n not in ("no consent wording", "no consent notice")), None)
    suffix = " (capped: dump larger than the node limit)" if h.capped else ""
    return Classification(kind="other", reason=(reason or "no consent notice or permission prompt") + suffix,
                          confidence=0.8 if reason else 0.9, lang=langs[main.window], package=main.package,
                          texts=texts_of(main))
