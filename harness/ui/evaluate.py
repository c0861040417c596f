"""Measure the classifier on a labelled set of dumps: precision and recall per kind.

Label formats: the project's corpus (`tests/data/ui_corpus/labels.csv`, column `kind` in the
classifier's vocabulary) and the real-screen sets `../shared/ui-samples/` and
`../shared/ui-samples-2/` (column `label` in their own vocabulary, mapped by `SAMPLE_KINDS`).
Used by tests and `bench/ui_classify.py`.

Development and held-out parts. Every real item belongs to one part, fixed by a hash of its set
name and file name (`split_of`) and decided before any tuning on the material: about one third is
held out. Rules are tuned only by looking at development mistakes; held-out scores are reported
separately and only read, never used to change a rule."""

from __future__ import annotations

import csv
import hashlib
import os
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
    "consent_notice": "consent_notice",
    "terms_agreement": "consent_notice",
    "runtime_permission_dialog": "permission_dialog",
    "permission_dialog": "permission_dialog",
    "in_app_permission_rationale": "permission_rationale",
    "permission_rationale": "permission_rationale",
    "login_privacy_agreement": "login_agreement",
    "consent_dialog_no_text": "unknown",
}
SCORED = ("consent_notice", "permission_dialog", "permission_rationale", "login_agreement")
HELD_OUT_MODULUS = 3  # one item in three is held out


def shared_dir(start: Path | None = None) -> Path:
    """The `shared` folder of reference data: `$CONSENTRY_SHARED`, else the nearest `shared/` beside
    the checkout or one of its parents (a worktree lives one level deeper than main)."""
    env = os.environ.get("CONSENTRY_SHARED")
    if env:
        return Path(env)
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        candidate = parent / "shared"
        if candidate.is_dir() and parent != Path("/"):
            return candidate
    return here.parent / "shared"  # absent: the tests that read it skip, the evaluators say it is missing


def split_of(set_name: str, key: str) -> str:
    """`dev` or `held-out`, fixed by the first byte of sha256("<set>/<key>") (see module docstring)."""
    digest = hashlib.sha256(f"{set_name}/{key}".encode()).digest()
    return "held-out" if digest[0] % HELD_OUT_MODULUS == 0 else "dev"


@dataclass(frozen=True)
class Labelled:
    path: Path
    kind: str
    row: dict[str, str]


def load_corpus(directory: Path) -> list[Labelled]:
    """The project's corpus: `labels.csv` + `dumps/`."""
    with open(directory / "labels.csv", encoding="utf-8", newline="") as fh:
        return [Labelled(directory / "dumps" / r["file"], r["kind"], r) for r in csv.DictReader(fh)]


def load_samples(directory: Path, part: str | None = None) -> list[Labelled]:
    """A real-screen set, labels mapped to kinds (everything unlisted is `other`); `part` keeps
    only `dev` or `held-out` items (the split is keyed by the folder name, e.g. `ui-samples`)."""
    with open(directory / "labels.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Labelled(directory / r["file"], SAMPLE_KINDS.get(r["label"], "other"), r) for r in rows
            if part is None or split_of(directory.name, r["file"]) == part]


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
