"""Declared categories and purposes: one pass of one compiled pattern per language over the text,
matches mapped to clauses, clauses that deny collection or define a term left out."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.policy.vocab import (
    CATEGORY_TERMS,
    DEFINITIONS_EN,
    DEFINITIONS_ZH,
    NEGATIONS_EN,
    NEGATIONS_ZH,
    PURPOSE_TERMS,
)

_CLAUSE_END = re.compile(r"[。；;！？!?\n]|\.(?=\s|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
EXCERPT_CHARS = 160


def language(text: str) -> str:
    """`zh`, `en` or `unknown`: Chinese when CJK characters are a fifth of the letters or more."""
    sample = text[:200_000]
    cjk, latin = len(_CJK.findall(sample)), len(_LATIN.findall(sample))
    if cjk + latin == 0:
        return "unknown"
    return "zh" if cjk * 5 >= cjk + latin else "en"


def _alternation(terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> tuple[re.Pattern, dict[str, list[str]]]:
    """One pattern for every term of every label: Chinese as substrings, English as whole words
    (case-insensitive). Longest terms first so that `MAC地址` wins over shorter overlaps."""
    owners: dict[str, list[str]] = {}
    zh_terms, en_terms = set(), set()
    for label, (zh, en) in terms.items():
        for t in zh:
            owners.setdefault(t.lower(), []).append(label)
            zh_terms.add(t)
        for t in en:
            owners.setdefault(t.lower(), []).append(label)
            en_terms.add(t)
    zh_alt = "|".join(re.escape(t) for t in sorted(zh_terms, key=len, reverse=True))
    en_alt = "|".join(re.escape(t) for t in sorted(en_terms, key=len, reverse=True))
    pattern = re.compile(rf"(?:(?<![A-Za-z0-9])(?:{en_alt})(?![A-Za-z0-9]))|(?:{zh_alt})", re.I)
    return pattern, {k: sorted(set(v)) for k, v in owners.items()}


@lru_cache(maxsize=2)
def _compiled(kind: str) -> tuple[re.Pattern, dict[str, list[str]]]:
    return _alternation(CATEGORY_TERMS if kind == "categories" else PURPOSE_TERMS)


@dataclass(frozen=True)
class Clauses:
    """Clause boundaries of a text and which clauses are excluded (negated or definitional)."""

    starts: list[int]
    excluded: set[int]
    # where the first denial starts, for a clause left out only for a denial: what a comma sets off
    # before it is not denied ("读取剪贴板描述信息用于粘贴菜单判断，不读取或上传剪贴板具体内容")
    denial_at: dict[int, int] = field(default_factory=dict)

    def index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1


def clauses(text: str) -> Clauses:
    """Clauses end at sentence punctuation and line ends. A clause that denies collection is left
    out; so is a whole line (paragraph) that opens by defining a term, since a definition lists
    examples over several clauses ("个人信息是指……；财产信息……")."""
    starts = [0] + [m.end() for m in _CLAUSE_END.finditer(text)]
    excluded = set()
    denial_at: dict[int, int] = {}
    lowered = text.lower()
    defining = False
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        clause = lowered[start:end]
        line_start = start == 0 or text[start - 1] == "\n"
        if line_start:
            head = clause[:40]
            defining = any(d in head for d in DEFINITIONS_ZH) or any(d in head for d in DEFINITIONS_EN)
        if defining or any(d in clause for d in DEFINITIONS_ZH) or any(d in clause for d in DEFINITIONS_EN):
            excluded.add(i)
            continue
        denials = [clause.find(n) for n in NEGATIONS_ZH + NEGATIONS_EN if n in clause]
        denials += [m.start() for m in _DENIAL_ZH.finditer(clause)]
        if denials:
            excluded.add(i)
            denial_at[i] = start + min(denials)
    return Clauses(starts, excluded, denial_at)


# A Chinese denial is a negator before a verb of access: "本应用未请求：…定位、蓝牙…权限", "从未获取",
# "并不读取" (the fixed phrases of vocab.NEGATIONS_ZH, composed; English has "do not request").
_DENIAL_ZH = re.compile(r"(?:不会|不曾|未曾|从未|并未|并不|没有|绝不|未|不)(?:主动)?(?:收集|获取|读取|访问|申请|请求|调用|上传|采集)")


def _excerpt(text: str, cl: Clauses, idx: int) -> str:
    start = cl.starts[idx]
    end = cl.starts[idx + 1] if idx + 1 < len(cl.starts) else len(text)
    return text[start:end].strip()[:EXCERPT_CHARS]


def find_labels(text: str, kind: str, cl: Clauses | None = None) -> dict[str, str]:
    """label -> excerpt of the first clause that names it (categories or purposes)."""
    pattern, owners = _compiled(kind)
    cl = cl or clauses(text)
    found: dict[str, str] = {}
    for m in pattern.finditer(text):
        labels = owners.get(m.group(0).lower())
        if not labels or all(lb in found for lb in labels):
            continue
        if kind == "categories" and _OTHER_SENSE.search(text, max(0, m.start() - 8), m.end() + 8):
            continue  # "异常的侦测和定位": locating a fault, not the user's location
        idx = cl.index(m.start())
        if idx in cl.excluded and not _before_denial(text, cl, idx, m.end()):
            continue
        for label in labels:
            found.setdefault(label, _excerpt(text, cl, idx))
    if kind == "categories":
        for m in _PERMISSION_KEY.finditer(text):
            label = m.group(1).lower()
            idx = cl.index(m.start(1))
            lead = text[max(0, m.start() - 600):m.start()]
            if label in _PERMISSION_LABELS and label not in found and idx not in cl.excluded \
                    and re.search(r"permissions?\b", lead, re.I):
                found[label] = _excerpt(text, cl, idx)
        for m in _BARE_CONTACT_ITEM.finditer(text):
            if "、" not in text[max(0, m.start() - 1):m.end() + 1]:
                continue  # an item of an enumeration: a 、 on one side at least
            if re.match(r"[^，,。；;（(）)]{0,12}?(?:方式|形式|途径|渠道)", text[m.end():]):
                continue  # "以邮件、信函、电话、推送通知等方式告知您": the means we reach you by, not data
            label = _BARE_CONTACT[m.group(1)]
            idx = cl.index(m.start(1))
            if label not in found and idx not in cl.excluded:
                found[label] = _excerpt(text, cl, idx)
    return found


# An English permission list keyed by the permission's name ("Storage: If you allow us, …") under a
# lead-in about permissions: the key is the category, though "storage" alone is ambiguous elsewhere.
_PERMISSION_KEY = re.compile(r"^\s*(?:[•\-*]\s*)?([A-Z][a-z]+)\s*:\s", re.M)
_PERMISSION_LABELS = frozenset({"storage", "camera", "microphone", "contacts", "location", "calendar", "bluetooth", "sensors"})

# A contact channel written bare is ambiguous (电话权限, 邮箱验证); as a whole item of an enumeration
# of personal data ("联系方式（电话、电子邮件）", "手机号、邮箱等") it is the number or the address.
_BARE_CONTACT = {"电话": "phone_number", "邮箱": "accounts", "电子邮件": "accounts"}
_BARE_CONTACT_ITEM = re.compile(r"(?<=[、（(：:])\s?(电话|邮箱|电子邮件)\s?(?=[、）)，,。；;]|等)")


def _before_denial(text: str, cl: Clauses, idx: int, end: int) -> bool:
    """The term ending at `end` is set off by a comma from a denial later in its clause."""
    at = cl.denial_at.get(idx)
    return at is not None and at >= end and bool(re.search(r"[，,]", text[end:at]))


# 定位 also means locating a problem ("崩溃后快速准确定位存在问题", "异常的及时侦测和定位").
_OTHER_SENSE = re.compile(r"(?:问题|异常|故障|崩溃|错误|原因|bug)[^，。；,;]{0,6}?定位|定位[^，。；,;]{0,4}?(?:问题|异常|故障|崩溃|错误|原因|bug)", re.I)


def categories_in(text: str) -> list[str]:
    """Categories named in a short piece of text (a table cell, an SDK's data types), no clause logic."""
    pattern, owners = _compiled("categories")
    out: set[str] = set()
    for m in pattern.finditer(text):
        out.update(owners.get(m.group(0).lower(), ()))
    return sorted(out)


def purposes_in(text: str) -> list[str]:
    pattern, owners = _compiled("purposes")
    out: set[str] = set()
    for m in pattern.finditer(text):
        out.update(owners.get(m.group(0).lower(), ()))
    return sorted(out)
