"""Paths of the UI test data: the project's corpus and the optional shared reference sets."""

from __future__ import annotations

from pathlib import Path

from harness.ui.evaluate import shared_dir

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "ui_corpus"
SHARED = shared_dir(ROOT)
UI_SAMPLES = SHARED / "ui-samples"
UI_SAMPLES_2 = SHARED / "ui-samples-2"
NOTICE_TEXTS = SHARED / "notice-texts"
ANDROID_SAMPLES = SHARED / "android-samples"


def corpus_dump(name: str) -> str:
    return (CORPUS / "dumps" / name).read_text(encoding="utf-8")
