"""The observer on a screen whose hierarchy carries no text (Flutter, an opaque WebView, an image):
it reads the screenshot with the real OCR engine, sees the notice, and taps accept where the pixels
put it. Rendered from a real notice's wording (notice-texts: the common 审慎阅读 template)."""

from __future__ import annotations

import sys

import pytest
from ui_paths import CORPUS

from harness.ui.actions import accept_notice
from harness.ui.observer import UiObserver

sys.path.insert(0, str(CORPUS))
from render_shots import render  # noqa: E402
from test_ocr import HAVE_RAPID, NO_TEXT  # noqa: E402  (the same textless Flutter dump)

MAIN = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" package="com.example.flutter" text="" '
        'bounds="[0,0][1080,2340]"><node class="android.widget.TextView" package="com.example.flutter" '
        'text="今日推荐" bounds="[0,100][1080,300]"/></node></hierarchy>')


class PixelsOnlyDevice:
    """A device whose notice exists only in its screenshot; tapping inside 同意 moves to the main
    screen (which has text), anywhere else changes nothing."""

    def __init__(self) -> None:
        self.shot = render("温馨提示", "请你务必审慎阅读、充分理解《服务协议》和《隐私政策》各条款。点击同意即表示您已阅读并同意全部条款。",
                           ["不同意", "同意"], "zh", "t")
        self.on_notice = True
        self.screenshots = 0
        self.taps: list[tuple[int, int]] = []

    def dump_hierarchy(self) -> str:
        return NO_TEXT if self.on_notice else MAIN

    def screenshot_png(self) -> bytes:
        self.screenshots += 1
        return self.shot.png

    def foreground(self) -> tuple[str, str]:
        return ("com.example.flutter", "com.example.flutter.MainActivity")

    def tap(self, x: int, y: int) -> None:
        self.taps.append((x, y))
        box = dict(self.shot.buttons)["同意"]
        if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
            self.on_notice = False

    def keyevent(self, code: int) -> None:
        pass

    def granted_permissions(self, package: str) -> dict[str, bool]:
        return {}


@pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime or fonts-noto-cjk missing")
def test_textless_notice_is_seen_through_ocr_and_accepted_at_the_right_place(tmp_path):
    dev = PixelsOnlyDevice()
    obs = UiObserver(dev, None, tmp_path, 0, fast=0.01, slow=0.05, settle=2.0)
    seen = obs.poll()
    assert seen.classification.kind == "consent_notice" and seen.classification.source == "ocr", seen.classification.reason
    outcome = accept_notice(obs, timeout=120)
    assert not dev.on_notice, (outcome, dev.taps)
    assert obs.tracker.states.get("privacy_notice") == "accepted"


@pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime or fonts-noto-cjk missing")
def test_an_unchanged_textless_screen_is_not_read_again_at_every_poll(tmp_path):
    dev = PixelsOnlyDevice()
    obs = UiObserver(dev, None, tmp_path, 0, fast=0.01, slow=0.05, ocr_every=3600)
    kinds = {obs.poll().classification.kind for _ in range(5)}
    assert kinds == {"consent_notice"}
    assert dev.screenshots <= 2  # the OCR read, and at most the evidence shot of the new screen


def test_ocr_off_keeps_unknown(tmp_path):
    dev = PixelsOnlyDevice()
    obs = UiObserver(dev, None, tmp_path, 0, ocr=False)
    assert obs.poll().classification.kind == "unknown"
