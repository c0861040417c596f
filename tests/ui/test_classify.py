"""The classifier on the labelled corpus (one case per dump, every located control checked), the
quality gate (precision and recall >= 0.95 for notices and permission prompts), and the shared
reference set of real screens when it is present."""

from __future__ import annotations

import pytest
from ui_paths import CORPUS, UI_SAMPLES, UI_SAMPLES_2, corpus_dump

from harness.ui import classify
from harness.ui.evaluate import load_corpus, load_samples, score
from harness.ui.lexicon import norm

ITEMS = load_corpus(CORPUS)


def test_corpus_is_big_and_varied():
    kinds = [i.kind for i in ITEMS]
    assert len(ITEMS) >= 80
    assert kinds.count("consent_notice") >= 25 and kinds.count("permission_dialog") >= 20
    assert kinds.count("other") >= 30 and kinds.count("permission_rationale") >= 5
    langs = {i.row["lang"] for i in ITEMS if i.kind == "consent_notice"}
    assert {"zh-Hans", "zh-Hant", "en", "de", "fr", "es", "ja", "ko"} <= langs


@pytest.mark.parametrize("item", ITEMS, ids=[i.path.name for i in ITEMS])
def test_corpus_dump(item):
    c = classify(item.path.read_text(encoding="utf-8"))
    row = item.row
    assert c.kind == item.kind, c.reason
    if item.kind not in ("consent_notice", "permission_dialog", "permission_rationale"):
        return
    assert norm(c.accept.text if c.accept else "") == norm(row["accept"])
    assert norm(c.refuse.text if c.refuse else "") == norm(row["refuse"])
    for control in (c.accept, c.refuse):
        if control is not None:
            x1, y1, x2, y2 = control.bounds
            assert x2 > x1 and y2 > y1
    if row["permission"]:
        assert c.permission == row["permission"]
    if row["precheck"]:
        assert c.precheck is (row["precheck"] == "true")
        assert c.checkbox is not None and c.checkbox.style == "checkbox"
    assert c.refusal_confirm is (row["two_step"] == "true")
    if row["lang"]:
        assert c.lang == row["lang"]
    assert 0.0 < c.confidence <= 1.0


def test_quality_gate_on_corpus():
    s = score(ITEMS, classify)
    for kind in ("consent_notice", "permission_dialog"):
        assert s.precision(kind) >= 0.95, (kind, s.per_kind[kind], s.mistakes)
        assert s.recall(kind) >= 0.95, (kind, s.per_kind[kind], s.mistakes)


# Real screens, split dev / held-out by `split_of` (fixed before tuning). The dev parts must meet
# the goals of issue 10 (notices and system prompts P and R >= 0.95, rationales P >= 0.9 and
# R >= 0.8; a kind absent from a part scores 1.0). Held-out parts were never used to change a rule:
# their assertions are the floors MEASURED at commit time (they catch regressions; they are not
# goals met), and their mistakes are not printed, so nobody tunes on them by accident.
HELD_OUT_FLOOR = {"ui-samples": {"permission_rationale": (1.0, 1.0)},
                  "ui-samples-2": {"permission_rationale": (1.0, 1.0)}}  # was (0.5, 1.0) before the structural rationale rules


@pytest.mark.skipif(not (UI_SAMPLES / "labels.csv").exists(), reason="../shared/ui-samples not present")
@pytest.mark.parametrize("part", ["dev", "held-out"])
def test_real_screens_ui_samples(part):
    """215 real screens (mostly negatives)."""
    _check(UI_SAMPLES, part)


@pytest.mark.skipif(not (UI_SAMPLES_2 / "labels.csv").exists(), reason="../shared/ui-samples-2 not present")
@pytest.mark.parametrize("part", ["dev", "held-out"])
def test_real_screens_ui_samples_2(part):
    """69 more real screens (rationales, login agreements, hard negatives)."""
    _check(UI_SAMPLES_2, part)


def _check(folder, part):
    s = score(load_samples(folder, part), classify)
    shown = s.mistakes if part == "dev" else f"{len(s.mistakes)} mistakes (held-out: not shown)"
    for kind in ("consent_notice", "permission_dialog"):
        p, r, *_ = s.per_kind[kind]
        assert p >= 0.95 and r >= 0.95, (kind, s.per_kind[kind], shown)
    p_goal, r_goal = (0.9, 0.8) if part == "dev" else HELD_OUT_FLOOR[folder.name]["permission_rationale"]
    p, r, *_ = s.per_kind["permission_rationale"]
    assert p >= p_goal and r >= r_goal, (s.per_kind["permission_rationale"], shown)


def test_checkbox_form_returns_checkbox_and_accept():
    c = classify(corpus_dump("notice_zh-Hans_07.xml"))
    assert c.kind == "consent_notice" and c.checkbox is not None and c.precheck is False
    assert c.accept.text == "进入应用"
    assert c.checkbox.bounds != c.accept.bounds


def test_text_link_refuse_is_located():
    c = classify(corpus_dump("notice_zh-Hans_04.xml"))
    assert c.refuse is not None and c.refuse.text == "不同意" and c.refuse.style == "link"


def test_contract_object_has_exact_keys():
    c = classify(corpus_dump("perm_en_07.xml"))
    obj = c.contract("x.xml")
    assert list(obj) == ["file", "kind", "lang", "accept", "refuse", "permission", "precheck", "confidence", "reason",
                         "source"]
    assert obj["source"] == "hierarchy"
    assert set(obj["accept"]) == {"text", "bounds"} and len(obj["accept"]["bounds"]) == 4


def test_system_prompt_over_app_window_wins():
    c = classify(corpus_dump("perm_en_10.xml"))
    assert c.kind == "permission_dialog" and c.permission == "CAMERA"
    assert c.control("allow_once") is not None and c.control("deny") is not None
