"""The classifier on screens built from REAL wording (../shared/notice-texts: 151 apps' notices,
the platform's grant dialog strings of Android 6-15 in 11 locales) placed in realistic structures
(tests/data/ui_corpus/real_wording.py). Scored per part of the fixed dev / held-out split;
skipped when the shared folder is absent."""

from __future__ import annotations

import sys

import pytest
from ui_paths import CORPUS, NOTICE_TEXTS

from harness.ui import classify
from harness.ui.lexicon import norm

sys.path.insert(0, str(CORPUS))
from real_wording import all_items  # noqa: E402

ITEMS = all_items() if (NOTICE_TEXTS / "notices.jsonl").exists() else []
pytestmark = pytest.mark.skipif(not ITEMS, reason="../shared/notice-texts not present")


def _rates(items, kind):
    got = [(i, classify(i.xml)) for i in items]
    tp = sum(1 for i, c in got if i.kind == kind and c.kind == kind)
    fp = sum(1 for i, c in got if i.kind != kind and c.kind == kind)
    fn = sum(1 for i, c in got if i.kind == kind and c.kind != kind)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), [(i.name, c.kind, c.reason) for i, c in got
                                                        if (i.kind == kind) != (c.kind == kind)]


@pytest.mark.parametrize("part", ["dev", "held-out"])
@pytest.mark.parametrize("kind", ["consent_notice", "permission_dialog", "login_agreement"])
def test_real_wording_goals(part, kind):
    """Dev: the goals (P and R >= 0.95). Held-out: the floor measured at commit time (notices
    R = 0.91, 42 of 46), never tuned on; its mistakes are not printed."""
    items = [i for i in ITEMS if i.part == part]
    p, r, wrong = _rates(items, kind)
    shown = wrong[:10] if part == "dev" else f"{len(wrong)} mistakes (held-out: not shown)"
    assert p >= 0.95 and r >= (0.95 if part == "dev" else 0.85), (p, r, shown)


def test_controls_and_precheck_follow_the_real_labels():
    """Where the notice names its controls, the classifier taps them: accept (or, for a second
    step, the refusal) is the app's own button; a checkbox notice reports its tick state."""
    checked = 0
    for item in ITEMS:
        if item.part != "dev" or item.kind not in ("consent_notice", "permission_dialog"):
            continue
        c = classify(item.xml)
        if c.kind != item.kind:
            continue
        if item.kind == "permission_dialog" and item.refuse:
            assert c.refuse is not None and norm(c.refuse.text) == norm(item.refuse), item.name
            checked += 1
        if item.kind == "consent_notice" and item.precheck is not None:
            assert c.precheck is item.precheck, item.name
            checked += 1
    assert checked >= 50
