"""Extraction quality on real, hand-labelled policy excerpts (tests/data/policies), per split.

The goal is precision and recall >= 0.9 for categories and SDK lists. Met on the parts the reader
was developed on (`dev`, `dev-new`); on the held-out parts (`heldout`, `heldout-new`) the SDK lists
are below it (printed; the floors here guard against regressions and are not the goal). Scores:
`consentry policy eval tests/data/policies`."""

from __future__ import annotations

from pathlib import Path

from analysis.policy.evaluate import evaluate, names_match, score_names

DATA = Path(__file__).resolve().parents[1] / "data" / "policies"


def test_labelled_corpus_scores(capsys):
    scores = evaluate(DATA)
    for split, parts in sorted(scores.items()):
        for what, s in parts.items():
            print(f"{split} {what} {s}")
    assert set(scores) == {"dev", "dev-new", "heldout", "heldout-new"}
    assert sum(s["sdks"].tp + s["sdks"].fn for s in scores.values()) >= 600  # sixty-six policies' labels
    for split in ("dev", "dev-new"):  # developed on: the goal holds
        for s in scores[split].values():
            assert s.precision >= 0.9 and s.recall >= 0.9, (split, s)
    for split in ("heldout", "heldout-new"):  # held out: categories meet the goal, SDK lists do not yet
        assert scores[split]["categories"].precision >= 0.9 and scores[split]["categories"].recall >= 0.9
    # floors against regressions, below the 0.9 goal (figures and what is missed: docs/policy.md)
    assert scores["heldout"]["sdks"].precision >= 0.9 and scores["heldout"]["sdks"].recall >= 0.75
    assert scores["heldout-new"]["sdks"].precision >= 0.85 and scores["heldout-new"]["sdks"].recall >= 0.8


def test_name_matching_is_one_to_one():
    assert names_match("友盟+SDK", "友盟+") and names_match("Umeng（友盟）", "Umeng（友盟） SDK")
    s = score_names(["友盟", "友盟", "极光", "不存在"], ["友盟+", "极光推送", "Bugly"])
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
