"""Extraction quality on real, hand-labelled policy excerpts (tests/data/policies), per split.

The goal is precision and recall >= 0.9 for categories and SDK lists. It is asserted where it is
met: SDK lists and categories on `dev`, `dev-new`, `dev-3`, `dev-4`, `dev-8` … `dev-15` and the held-out
`heldout-5`; SDK lists on `dev-5`, `dev-6`, `dev-7`; categories on the held-out `heldout-9`. Elsewhere it
is not met, and the assertions hold the measured level (floors a little below the figures in
docs/policy.md, against regressions, not the goal): SDK lists on the held-out `heldout-9` (policies in
GitHub repositories), and categories on the small `dev-5`/`dev-6`/`dev-7`. Scores: `consentry policy eval tests/data/policies`."""

from __future__ import annotations

from pathlib import Path

from analysis.policy.evaluate import evaluate, names_match, score_names

DATA = Path(__file__).resolve().parents[1] / "data" / "policies"


def test_labelled_corpus_scores(capsys):
    scores = evaluate(DATA)
    for split, parts in sorted(scores.items()):
        for what, s in parts.items():
            print(f"{split} {what} {s}")
    assert set(scores) == {"dev", "dev-new", "dev-3", "dev-4", "dev-5", "dev-6", "dev-7", "dev-8", "dev-9",
                           "dev-10", "dev-11", "dev-12", "dev-13", "dev-14", "dev-15", "heldout-5", "heldout-9"}
    assert sum(s["sdks"].tp + s["sdks"].fn for s in scores.values()) >= 1480  # 193 policies, 1485 SDK labels

    def at_least(split: str, what: str, p: float, r: float) -> None:
        s = scores[split][what]
        assert s.precision >= p and s.recall >= r, (split, what, s)

    for split in ("dev", "dev-new", "dev-3", "dev-4", "dev-8", "dev-9", "dev-10", "dev-11", "dev-12", "dev-13",
                  "dev-14", "dev-15"):
        at_least(split, "sdks", 0.9, 0.9)  # developed on: the goal holds
        at_least(split, "categories", 0.9, 0.9)
    for split in ("dev-5", "dev-6", "dev-7"):
        at_least(split, "sdks", 0.9, 0.9)
    at_least("heldout-5", "categories", 0.9, 0.9)  # held out: categories meet the goal here
    at_least("heldout-5", "sdks", 0.9, 0.9)  # met on this small fresh batch (9 policies)
    at_least("heldout-9", "categories", 0.9, 0.9)  # held out, GitHub-hosted policies: clean 0.975 / 0.951
    # not met: held at the measured level (docs/policy.md), below the 0.9 goal
    at_least("heldout-9", "sdks", 0.69, 0.74)  # clean 0.697 / 0.742, unchanged by this round
    at_least("dev-5", "categories", 0.6, 0.9)
    at_least("dev-6", "categories", 0.75, 0.9)
    at_least("dev-7", "categories", 0.9, 0.75)

def test_name_matching_is_one_to_one():
    assert names_match("友盟+SDK", "友盟+") and names_match("Umeng（友盟）", "Umeng（友盟） SDK")
    s = score_names(["友盟", "友盟", "极光", "不存在"], ["友盟+", "极光推送", "Bugly"])
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
