"""Paths of the UI test data: the project's corpus and the optional shared reference sets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "ui_corpus"
SHARED = ROOT.parent / "shared"
UI_SAMPLES = SHARED / "ui-samples"
ANDROID_SAMPLES = SHARED / "android-samples"


def corpus_dump(name: str) -> str:
    return (CORPUS / "dumps" / name).read_text(encoding="utf-8")
