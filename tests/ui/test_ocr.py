"""OCR when the hierarchy has no text: a real RapidOCR run on a notice rendered from real wording
(Pillow + Debian's Noto CJK font), the tap targets it yields, and the failure paths (no engine,
broken PNG, hierarchy with text: OCR must not run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ui_paths import CORPUS, corpus_dump

from harness.ui.classify import classify_screen
from harness.ui.ocr import Line, OcrError, RapidOcr, ocr_hierarchy

sys.path.insert(0, str(CORPUS))
from render_shots import FONT, render  # noqa: E402

NO_TEXT = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" package="com.example.flutter" text="" '
           'bounds="[0,0][1080,2340]"><node class="io.flutter.embedding.android.FlutterView" package="com.example.flutter" '
           'text="" bounds="[0,0][1080,2340]"/></node></hierarchy>')

try:
    import rapidocr_onnxruntime  # noqa: F401
    HAVE_RAPID = FONT.exists()
except ImportError:  # pragma: no cover - the dependency is in pyproject
    HAVE_RAPID = False


class _Failing:
    name = "broken"

    def read(self, png: bytes) -> list[Line]:
        raise OcrError("engine crashed")


class _Counting:
    name = "counting"
    calls = 0

    def read(self, png: bytes) -> list[Line]:
        _Counting.calls += 1
        return []


@pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime or fonts-noto-cjk missing")
def test_notice_without_text_is_read_from_the_screenshot():
    # wording of a real first-run notice (notice-texts: the common 审慎阅读 template), real button labels
    shot = render("温馨提示", "请你务必审慎阅读、充分理解《服务协议》和《隐私政策》各条款。点击同意即表示您已阅读并同意全部条款。",
                  ["不同意", "同意"], "zh", "t")
    c = classify_screen(NO_TEXT, shot.png, RapidOcr())
    assert c.kind == "consent_notice" and c.source == "ocr", c.reason
    assert c.package == "com.example.flutter"
    for control, label in ((c.accept, "同意"), (c.refuse, "不同意")):
        box = dict(shot.buttons)[label]
        x, y = control.center
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3], (label, control, box)


def test_failed_engine_gives_unknown_with_reason():
    png = render("", "x", ["OK"], "en", "t").png if FONT.exists() else b"\x89PNG"
    c = classify_screen(NO_TEXT, png, _Failing())
    assert c.kind == "unknown" and c.source == "ocr" and "engine crashed" in c.reason


def test_broken_screenshot_gives_unknown():
    c = classify_screen(NO_TEXT, b"\x89PNG\r\n\x1a\nnot really", RapidOcr())
    assert c.kind == "unknown" and "cannot read screenshot" in c.reason


def test_ocr_runs_only_when_the_hierarchy_has_no_text():
    _Counting.calls = 0
    c = classify_screen(corpus_dump("notice_zh-Hans_00.xml"), b"unused", _Counting())
    assert c.kind == "consent_notice" and c.source == "hierarchy" and _Counting.calls == 0
    classify_screen(NO_TEXT, _blank_png(), _Counting())
    assert _Counting.calls == 1


def _blank_png(size: tuple[int, int] = (1080, 2340)) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(buf, format="PNG")
    return buf.getvalue()


class _Recording:
    """Records the size of the image it was given and answers one line at a fixed place in it."""

    name = "recording"
    sizes: list[tuple[int, int]] = []

    def read(self, png: bytes) -> list[Line]:
        import io

        from PIL import Image

        _Recording.sizes.append(Image.open(io.BytesIO(png)).size)
        return [Line("Agree", (10, 20, 110, 60), 0.99)]


def test_only_the_top_window_is_read_and_boxes_come_back_in_screen_pixels():
    dialog = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" package="com.example.web" text="" '
              'bounds="[63,640][1017,1760]"><node class="android.webkit.WebView" package="com.example.web" text="" '
              'bounds="[63,640][1017,1760]"/></node></hierarchy>')
    _Recording.sizes = []
    c = classify_screen(dialog, _blank_png((1080, 2400)), _Recording())
    assert _Recording.sizes == [(954, 1120)]  # the dialog's box, not the dimmed app behind it
    assert c.source == "ocr" and "Agree" in c.texts
    from harness.ui.ocr import crop_png

    _, size, offset = crop_png(_blank_png((1080, 2400)), (63, 640, 1017, 1760))
    assert size == (1080, 2400) and offset == (63, 640)
    xml = ocr_hierarchy([Line("Agree", (10, 20, 110, 60), 0.99)], size, "p", offset)
    assert 'bounds="[73,660][173,700]"' in xml
    # a full-screen window is read whole
    _Recording.sizes = []
    classify_screen(NO_TEXT, _blank_png(), _Recording())
    assert _Recording.sizes == [(1080, 2340)]


def test_ocr_hierarchy_escapes_hostile_text():
    xml = ocr_hierarchy([Line('"/><node text="evil', (0, 0, 10, 10), 0.9)], (100, 100), 'p"q')
    from harness.ui.hierarchy import parse

    h = parse(xml)
    assert h.ok and h.nodes[1].text == '"/><node text="evil' and len(h.nodes) == 2


def test_screenshot_of_the_cli(tmp_path):
    """`--screenshot` count must match the dumps; a missing PNG is a reason, not a traceback."""
    import json
    import subprocess

    dump = tmp_path / "d.xml"
    dump.write_text(NO_TEXT, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    p = subprocess.run([sys.executable, "-m", "harness.cli.main", "ui", "classify", str(dump), "--json",
                        "--screenshot", str(tmp_path / "missing.png")], cwd=root, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0 and "Traceback" not in p.stderr
    obj = json.loads(p.stdout)
    assert obj["kind"] == "unknown" and "cannot read screenshot" in obj["reason"]
    p = subprocess.run([sys.executable, "-m", "harness.cli.main", "ui", "classify", str(dump), str(dump),
                        "--screenshot", str(tmp_path / "x.png")], cwd=root, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "one PNG per dump" in p.stderr
