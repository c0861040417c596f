"""The sim's textless notice (sample `webview_notice`): its dump carries no text, its screenshot does,
and OCR of that screenshot finds the notice and places Agree / Disagree inside the views the sim
routes taps to. The same path the observer takes on a device (tests/run/test_e2e_sim.py runs it end
to end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.sim.model import parse_app_model
from harness.sim.screens import View, Window, dump_xml, render_png, view_from_element
from harness.sim.screens.hierarchy import activity_root, walk
from harness.ui.classify import classify, classify_screen, top_window_has_no_text
from harness.ui.hierarchy import parse

SAMPLE = Path(__file__).resolve().parents[2] / "harness" / "sim" / "samples" / "webview_notice.yaml"

try:
    import rapidocr_onnxruntime  # noqa: F401
    HAVE_RAPID = True
except ImportError:  # pragma: no cover - the dependency is in pyproject
    HAVE_RAPID = False


def _notice_over_main() -> tuple[list[Window], dict[str, View]]:
    """The window stack the sim shows at launch: the main screen under the notice dialog."""
    model = parse_app_model(SAMPLE.read_bytes(), SAMPLE.name)
    pkg = model.package
    main = model.screen("main")
    notice = model.screen("notice")
    assert notice.dialog is not None
    under = Window(pkg, "main", activity_root(pkg, tuple(view_from_element(e, pkg, {}) for e in main.elements)))
    content = tuple(view_from_element(e, pkg, {}) for e in notice.elements)
    root = View("android.widget.FrameLayout", pkg, notice.dialog, children=(
        View("android.widget.FrameLayout", pkg, notice.dialog, resource_id="android:id/content", children=content),))
    by_id = {v.element_id: v for v in walk(root) if v.element_id}
    return [under, Window(pkg, "notice", root, dialog=True)], by_id


def test_drawn_text_is_in_the_screenshot_only():
    wins, by_id = _notice_over_main()
    xml = dump_xml(wins[-1])
    assert "Agree" not in xml and "Privacy" not in xml
    assert top_window_has_no_text(parse(xml))
    assert classify(xml).kind == "unknown"
    assert by_id["agree"].drawn_text == "Agree" and by_id["agree"].clickable


@pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime missing")
def test_ocr_finds_the_notice_and_its_controls_where_the_sim_routes_taps():
    wins, by_id = _notice_over_main()
    c = classify_screen(dump_xml(wins[-1]), render_png(wins))
    assert c.kind == "consent_notice" and c.source == "ocr", c.reason
    for control, element in ((c.accept, "agree"), (c.refuse, "disagree")):
        assert control is not None, element
        x, y = control.center
        x1, y1, x2, y2 = by_id[element].bounds
        assert x1 <= x < x2 and y1 <= y < y2, (element, control)
