"""Records (SDK label -> Java package) from apps' ProGuard / R8 keep rules, by the fixed acceptance rule of
`analysis/sdk/sources/keep-rules/README.md`.

An app developer who writes `#百度地图SDK` over `-keep class com.baidu.** {*;}` declares which package the
named SDK lives in. This module applies the protocol's rule to such files mechanically (nothing chosen by
hand): a comment line directly followed by keep/dontwarn rules is a record; its label is the last comment
line above the rules; each rule's class specification gives a package prefix; prefixes that are the
platform, too wide, or the app's own, and labels that name nothing, are rejected.

    python -m analysis.sdk.keep_rules HITS.csv RAW_DIR > records.csv

HITS.csv is the draw's hit log (`repo,path,commit,file_id,...`); RAW_DIR holds each read file as
`<file_id>.pro` (the files are third-party texts: only the extracted facts are kept in the repository)."""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis.sdk.builder.readers import package_prefix

PLATFORM = ("android", "androidx", "java", "javax", "kotlin", "kotlinx", "dalvik", "sun", "org.json", "org.w3c",
            "org.xml", "org.apache.http")
TOO_WIDE = ("com.google", "com.android")
# The app's own code: words by which a label says the kept classes are the app's (protocol: model, bean, ...).
OWN_WORDS = re.compile(r"model|bean|entit|实体|自定义|\bown\b|\bdto", re.I)
# Words that name no SDK; a label left empty without them (and punctuation) names nothing.
GENERIC = re.compile(
    r"保持|不混淆|避免混淆|不要混淆|不能混淆|不被混淆|混淆|keep|model|实体类|bean|entity|native|enum|parcelable|"
    r"serializable|\bR\b|反射|注解|annotation|webview|javascript|\bjs\b|第三方|third[ -]?party|\blibs?\b|\bjar\b|"
    r"common|base|utils?|自定义|rules?|classes|class|the|for|of|and|[^\w]|_", re.I)
_RULE = re.compile(r"^-(keep\w*|dontwarn|dontnote)\b(?:,\S+)?\s*(.*)$")
_CLASS_SPEC = re.compile(r"(?:^|\s)(?:class|interface|enum|@interface)\s+([^\s{]+)")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_DECORATION = " \t#-=*─━—–_~>"


@dataclass(frozen=True)
class KeepRecord:
    label: str
    prefix: str


def rule_packages(rule: str) -> list[str]:
    """The package prefixes a -keep*/-dontwarn/-dontnote line names (wildcards and class names cut off)."""
    m = _RULE.match(rule.strip())
    if not m:
        return []
    kind, rest = m.groups()
    if kind.startswith("keep"):
        spec = _CLASS_SPEC.search(rest)
        names = [spec.group(1)] if spec else []
    else:
        names = [n.strip() for n in rest.split(",")]
    out = []
    for name in names:
        if not name or name.startswith("!"):
            continue
        name = re.split(r"[*?$]", name, maxsplit=1)[0].rstrip(".")
        parts = name.split(".")
        while parts and parts[-1][:1].isupper():  # a class (or nested class) name: keep its package
            parts.pop()
        name = ".".join(parts)
        if _NAME.match(name):
            out.append(name)
    return out


def _label_text(comment: str) -> str:
    return comment.strip().strip(_DECORATION).strip()


def _is_commented_code(comment: str) -> bool:
    """A commented-out option or rule body (`#-keep ...`, `#-overloadaggressively`, `#   public *;`, `#}`)."""
    text = comment.strip().lstrip("#").strip()
    return not text or text.startswith(("-", "@", "{", "}")) or text.endswith((";", "{", "}"))


def records(text: str) -> list[tuple[str, list[str]]]:
    """(label, prefixes) for each comment-headed block of rules in a ProGuard file, before any rejection."""
    out: list[tuple[str, list[str]]] = []
    comments: list[str] = []
    label: str | None = None
    prefixes: list[str] = []

    def close() -> None:
        nonlocal label, prefixes
        if label is not None:
            out.append((label, prefixes))
        label, prefixes = None, []

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
            comments = []
        elif line.startswith("#"):
            if label is not None:
                close()
                comments = []
            comments.append(line)
        elif line.startswith("-"):
            if label is None and comments:
                named = [c for c in comments if not _is_commented_code(c) and _label_text(c)]
                label = _label_text(named[-1]) if named else None
                comments = []
            if label is not None:
                prefixes.extend(rule_packages(line.split("#", 1)[0]))
        # other lines continue a rule's body ({ *; }) and name no class to take
    close()
    return out


def _repo_words(repo: str) -> tuple[set[str], str]:
    owner, _, name = repo.lower().partition("/")
    words = {w for w in re.split(r"[^a-z0-9]+", f"{owner} {name}") if len(w) >= 3}
    return words, re.sub(r"[^a-z0-9]", "", name)


def rejection(label: str, prefix: str, repo: str) -> str | None:
    """Why the protocol rejects (label, prefix) from `repo`'s file, or None when it is accepted."""
    if package_prefix(prefix) is None:
        return "platform"
    if any(prefix == p or prefix.startswith(p + ".") for p in PLATFORM):
        return "platform"
    labels = prefix.split(".")
    if len(labels) < 2 or prefix in TOO_WIDE:
        return "too wide"
    if labels[0] == "org" and len(labels) == 2 and labels[1].lower() not in label.lower():
        return "too wide"
    words, name = _repo_words(repo)
    if labels[:2] == ["com", "example"] or any(
            len(p) >= 3 and (p.lower() in words or p.lower() in name) for p in labels[1:]):
        return "app's own"
    if OWN_WORDS.search(label):
        return "app's own"
    if not GENERIC.sub("", label).strip():
        return "label names no SDK"
    return None


def extract(text: str, repo: str) -> tuple[list[KeepRecord], list[tuple[str, str, str]]]:
    """Accepted records (distinct per file) and the rejected (label, prefix, reason) of one file."""
    kept: list[KeepRecord] = []
    rejected: list[tuple[str, str, str]] = []
    for label, prefixes in records(text):
        for prefix in dict.fromkeys(prefixes):
            why = rejection(label, prefix, repo)
            if why:
                rejected.append((label, prefix, why))
            elif KeepRecord(label, prefix) not in kept:
                kept.append(KeepRecord(label, prefix))
    return kept, rejected


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    hits, raw = Path(args[0]), Path(args[1])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["label", "prefix", "repo", "path", "commit", "file_id"])
    with hits.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            path = raw / f"{row['file_id']}.pro"
            if not path.exists():
                continue
            kept, _ = extract(path.read_text(encoding="utf-8", errors="replace"), row["repo"])
            for rec in kept:
                out.writerow([rec.label, rec.prefix, row["repo"], row["path"], row["commit"], row["file_id"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
