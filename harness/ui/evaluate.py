"""Measure the classifier on a labelled set of dumps: precision and recall per kind.

Two label formats: the project's corpus (`tests/data/ui_corpus/labels.csv`, column `kind` in the
classifier's vocabulary) and the reference set `../shared/ui-samples/labels.csv` (column `label`
in its own vocabulary, mapped by `SAMPLE_KINDS`). Used by tests and `bench/ui_classify.py`."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.ui.model import KINDS, Classification

# ui-samples label -> expected kind. Decisions (docs/ui.md): a terms-of-service gate with an Agree
# button is a notice (a user agreement); login/sign-up forms with an agreement footnote or box,
# policy pages, web cookie banners, special-access and other opt-in prompts are `other`; a notice
# whose dump has no text at all cannot be read and is expected as `unknown`.
SAMPLE_KINDS = {
    "consent_dialog": "consent_notice",
    "terms_agreement": "consent_notice",
    "runtime_permission_dialog": "permission_dialog",
    "in_app_permission_rationale": "permission_rationale",
    "consent_dialog_no_text": "unknown",
}
SCORED = ("consent_notice", "permission_dialog", "permission_rationale")


@dataclass(frozen=True)
class Labelled:
    path: Path
    kind: str
    row: dict[str, str]


def load_corpus(directory: Path) -> list[Labelled]:
    """The project's corpus: `labels.csv` + `dumps/`."""
    with open(directory / "labels.csv", encoding="utf-8", newline="") as fh:
        return [Labelled(directory / "dumps" / r["file"], r["kind"], r) for r in csv.DictReader(fh)]


def load_samples(directory: Path) -> list[Labelled]:
    """The shared reference set, labels mapped to kinds (everything unlisted is `other`)."""
    with open(directory / "labels.csv", encoding="utf-8", newline="") as fh:
        return [Labelled(directory / r["file"], SAMPLE_KINDS.get(r["label"], "other"), r) for r in csv.DictReader(fh)]


@dataclass(frozen=True)
class Scores:
    n: int
    per_kind: dict[str, tuple[float, float, int, int, int]]  # kind -> (precision, recall, tp, fp, fn)
    mistakes: list[tuple[str, str, str, str]]  # (file, expected, got, reason)

    def precision(self, kind: str) -> float:
        return self.per_kind[kind][0]

    def recall(self, kind: str) -> float:
        return self.per_kind[kind][1]


def score(items: Iterable[Labelled], classify: Callable[[str], Classification]) -> Scores:
    """Classify every item; `other` and `unknown` both count as negatives for the scored kinds."""
    tp = dict.fromkeys(KINDS, 0)
    fp = dict.fromkeys(KINDS, 0)
    fn = dict.fromkeys(KINDS, 0)
    mistakes = []
    n = 0
    for item in items:
        n += 1
        got = classify(item.path.read_text(encoding="utf-8", errors="replace"))
        exp = item.kind
        if got.kind == exp:
            tp[exp] += 1
        else:
            fp[got.kind] += 1
            fn[exp] += 1
            neg = {"other", "unknown"}
            if not (exp in neg and got.kind in neg):
                mistakes.append((item.path.name, exp, got.kind, got.reason))
    per = {}
    for k in KINDS:
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 1.0
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 1.0
        per[k] = (p, r, tp[k], fp[k], fn[k])
    return Scores(n, per, mistakes)
