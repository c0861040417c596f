"""Extraction quality on real, hand-labelled policy excerpts (tests/data/policies), per split.

The goal is precision and recall >= 0.9 for categories and SDK lists. Met on the dev part; on the
held-out part the SDK-list recall is below it (printed; the floor here guards against regressions
and is not the goal). Scores: `consentry policy eval tests/data/policies`."""

from __future__ import annotations

from pathlib import Path

from analysis.policy.evaluate import evaluate, names_match, score_names

DATA = Path(__file__).resolve().parents[1] / "data" / "policies"


def test_labelled_corpus_scores(capsys):
    scores = evaluate(DATA)
    for split, parts in sorted(scores.items()):
        for what, s in parts.items():
            print(f"{split} {what} {s}")
    dev, held = scores["dev"], scores["heldout"]
    assert sum(s.tp + s.fn for s in (dev["sdks"], held["sdks"])) >= 400  # forty policies' worth of labels
    for s in (dev["categories"], dev["sdks"], held["categories"]):
        assert s.precision >= 0.9 and s.recall >= 0.9, s
    assert held["sdks"].precision >= 0.9, held["sdks"]
    assert held["sdks"].recall >= 0.7, held["sdks"]  # below the 0.9 goal: see docs/policy.md


def test_name_matching_is_one_to_one():
    assert names_match("友盟+SDK", "友盟+") and names_match("Umeng（友盟）", "Umeng（友盟） SDK")
    s = score_names(["友盟", "友盟", "极光", "不存在"], ["友盟+", "极光推送", "Bugly"])
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
