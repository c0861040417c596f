"""Precision and recall of the policy reader against hand labels (`tests/data/policies/labels.yaml`).

Categories are scored as (policy, category) pairs. SDK names are scored per policy by a one-to-one
matching of extracted names to labelled names: two names match when their normalised forms
(`match.norm`: case, spaces, punctuation and the word "SDK" dropped) are equal or one contains
the other. Scores are reported per split (`dev`, `heldout`), never mixed."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.errors import AnalysisInputError
from analysis.policy.match import norm
from analysis.policy.reader import read_policy_file

EXTENSIONS = (".txt", ".md", ".html", ".htm")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} (tp={self.tp} fp={self.fp} fn={self.fn})"


def names_match(a: str, b: str) -> bool:
    x, y = norm(a), norm(b)
    return bool(x and y) and (x == y or (min(len(x), len(y)) >= 2 and (x in y or y in x)))


def score_names(predicted: list[str], labelled: list[str]) -> Score:
    left = list(dict.fromkeys(labelled))
    s = Score()
    names = list(dict.fromkeys(predicted))
    # a name written exactly as labelled takes its own label first: "腾讯Bugly系统日志上报分析" must not
    # take the label "腾讯Bugly" (which it contains) from the name "腾讯Bugly", whatever the order
    exact = {name: lab for name in names for lab in left if norm(name) and norm(name) == norm(lab)}
    for name in sorted(names, key=lambda n: n not in exact):
        hit = exact.get(name) if exact.get(name) in left else None
        hit = hit or next((lab for lab in left if names_match(name, lab)), None)
        if hit is None:
            # a second mention of an SDK already matched is neither new nor wrong
            if not any(names_match(name, lab) for lab in labelled):
                s.fp += 1
            continue
        left.remove(hit)
        s.tp += 1
    s.fn += len(left)
    return s


def _file_for(root: Path, key: str) -> Path:
    for ext in EXTENSIONS:
        p = root / f"{key}{ext}"
        if p.is_file():
            return p
    raise AnalysisInputError(f"no policy file for label {key!r}", source=str(root))


# Categories added after the corpus was labelled, scored as the category the labellers used for the
# same words: an IP address was labelled `network_info` before `ip_address` existed (issue 16).
LABELLED_AS = {"ip_address": "network_info"}


def evaluate(root: str | Path) -> dict[str, dict[str, Score]]:
    """{split: {"categories": Score, "sdks": Score}} over every labelled policy under `root`."""
    root = Path(root)
    labels = yaml.safe_load((root / "labels.yaml").read_text(encoding="utf-8"))["policies"]
    out: dict[str, dict[str, Score]] = {}
    for key, lab in labels.items():
        reading = read_policy_file(_file_for(root, key))
        split = out.setdefault(lab["split"], {"categories": Score(), "sdks": Score()})
        want, got = set(lab["categories"]), {LABELLED_AS.get(c, c) for c in reading.categories}
        c = split["categories"]
        c.tp += len(want & got)
        c.fp += len(got - want)
        c.fn += len(want - got)
        s = score_names([d.name for d in reading.sdks], [str(n) for n in lab["sdks"]])
        t = split["sdks"]
        t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
    return out


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]) if args else Path("tests/data/policies")
    for split, scores in sorted(evaluate(root).items()):
        for what, s in scores.items():
            print(f"{split:8s} {what:10s} {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
