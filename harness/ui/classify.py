"""`classify(xml_text) -> Classification`: what a uiautomator dump shows, as a pure function.

Order of the rules, and why: a system permission prompt is drawn by the system over the app (its
own window in multi-window dumps), so it wins; a privacy notice comes next (notices often mention
permissions, which must not make them rationales); the app's permission rationale last. Windows
are tried from the top (last in the dump) down. An unreadable or empty dump is `unknown` with the
reason, never an exception: the observer treats `unknown` as "no information", not as "the notice
went away"."""

from __future__ import annotations

import dataclasses

from harness.ui.hierarchy import Hierarchy, parse
from harness.ui.lexicon import detect_lang
from harness.ui.model import Classification
from harness.ui.notice import notice
from harness.ui.permission import rationale, system_prompt
from harness.ui.screen import screens, texts_of


def classify(xml_text: str | bytes) -> Classification:
    """Classify one hierarchy dump (see the module docstring); never raises for bad input."""
    try:
        return classify_hierarchy(parse(xml_text))
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; a bug must not stop a run
        return Classification(kind="unknown", reason=f"classifier error on this dump: {type(exc).__name__}: {exc}")


def top_window_has_no_text(h: Hierarchy) -> bool:
    """True when the screen must be read from pixels: no nodes (secure window or nothing), or the
    top window (after system bars) carries no readable label (a WebView that exposes nothing, an
    image, Flutter/Unity/game engines)."""
    if h.error is not None:
        return False
    if not h.nodes:
        return True
    wins = screens(h)
    return not wins or not wins[-1].labels


def top_window_bounds(h: Hierarchy) -> tuple[int, int, int, int] | None:
    """The bounds of the top window's root (a dialog's own box), or None when the dump has none."""
    if not h.nodes:
        return None
    last = h.nodes[-1].window
    root = next((n for n in h.nodes if n.window == last), None)
    return root.bounds if root is not None else None


def classify_screen(xml_text: str | bytes, screenshot: bytes | None = None, engine: object | None = None
                    ) -> Classification:
    """Classify a dump, and read the screenshot with OCR only when the hierarchy has no text in its
    top window. Only the top window's box is read (a dialog, not the dimmed app behind it: fewer
    pixels, so OCR is faster, and nothing of the app's own screen is mistaken for the dialog's).
    The result says `source: "ocr"` when it came from the pixels; an OCR failure gives `unknown`
    with the engine's reason (the run goes on). Never raises."""
    try:
        h = parse(xml_text)
        base = classify_hierarchy(h)
        if screenshot is None or not top_window_has_no_text(h):
            return base
        from harness.ui.ocr import OcrError, crop_png, engine_named, ocr_hierarchy

        package = h.nodes[-1].pkg if h.nodes else ""
        region = top_window_bounds(h)
        try:
            eng = engine if engine is not None else engine_named()
            image, size, offset = crop_png(screenshot, region)
            lines = eng.read(image)  # type: ignore[attr-defined]
        except OcrError as exc:
            return dataclasses.replace(base, kind="unknown", source="ocr",
                                       reason=f"{base.reason}; OCR failed: {exc}")
        if not lines:
            return dataclasses.replace(base, kind="unknown", source="ocr",
                                       reason=f"{base.reason}; OCR found no text in the screenshot")
        got = classify_hierarchy(parse(ocr_hierarchy(lines, size, package, offset)))
        return dataclasses.replace(got, source="ocr", package=package or got.package,
                                   reason=f"{got.reason} (read from the screenshot: {len(lines)} OCR lines)")
    except Exception as exc:  # noqa: BLE001
        return Classification(kind="unknown", reason=f"classifier error: {type(exc).__name__}: {exc}")


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
