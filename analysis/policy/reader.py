"""`read_policy(data) -> PolicyReading`: what a privacy policy declares.

The fields are those of `consentry policy read --json` (DESIGN.md): `lang`, `categories` (the hook
catalogue's names), `sdks` (each {name, sdk, company, purpose, categories}), `purposes`; plus the
evidence each rule quotes (the clause that declared a category, the row that listed an SDK)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.policy.categories import categories_in, clauses, find_labels, language
from analysis.policy.match import dictionary_names, known_as_sdk, known_name, match_entry, same_name_spellings
from analysis.policy.sdks import extract_entries, without_absent
from analysis.policy.text import MAX_INPUT_BYTES, policy_text

MAX_LOOKUPS = 80  # distinct candidate names looked up in the SDK database per policy (~10-17 ms each)


@dataclass(frozen=True)
class DeclaredSdk:
    name: str  # as the policy writes it
    sdk: str | None  # database id, None when the database does not know it
    company: str | None  # the provider the policy names, else the database's
    purpose: str | None
    categories: list[str]
    source: str = "text"  # table | block | list | text | record | dictionary
    excerpt: str = ""


@dataclass(frozen=True)
class PolicyReading:
    lang: str
    categories: list[str]
    sdks: list[DeclaredSdk]
    purposes: list[str]
    chars: int = 0
    sha256: str = ""
    encoding: str = ""
    html: bool = False
    truncated: bool = False
    category_evidence: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The DESIGN.md fields first, then the extras."""
        d = asdict(self)
        d["sdks"] = [{k: s[k] for k in ("name", "sdk", "company", "purpose", "categories", "source", "excerpt")}
                     for s in d["sdks"]]
        return d

    @property
    def sdk_ids(self) -> set[str]:
        return {s.sdk for s in self.sdks if s.sdk}


def read_policy(data: bytes | str, *, html: bool | None = None, db=None) -> PolicyReading:
    """Read a policy (bytes in any encoding, or str; HTML or plain text)."""
    from analysis.sdk import load_db

    db = db if db is not None else load_db()
    pt = policy_text(data, html=html)
    text = pt.text
    lang = language(text)
    cl = clauses(text)
    evidence = find_labels(text, "categories", cl)
    purposes = sorted(find_labels(text, "purposes", cl))
    sdks: list[DeclaredSdk] = []
    seen_ids: set[str] = set()
    known_cache: dict[str, bool] = {}
    seen_spellings: set[str] = set()

    def known(name: str) -> bool:
        if name not in known_cache:
            if len(known_cache) >= MAX_LOOKUPS:
                return False  # a hostile page of endless list items: no more evidence is sought
            known_cache[name] = known_as_sdk(name, db) is not None
        return known_cache[name]

    for entry in extract_entries(text, lang, known):
        m = match_entry(entry.name, entry.company, entry.purpose, db)
        spellings = same_name_spellings(entry.name)
        if entry.source == "record" and spellings & seen_spellings:
            continue  # "华为 Push" from a record, "华为推送" from the text: one SDK, written twice
        seen_spellings |= spellings
        if entry.source == "verb-latin" and (not known_name(entry.name, db) or categories_in(entry.name)):
            continue  # a Latin word after "使用" ("HTTPS", "OAID") that is not a database SDK's name
        cats = categories_in(entry.data or "") or (categories_in(entry.excerpt) if entry.source == "text" else [])
        sdks.append(DeclaredSdk(entry.name, m.sdk, entry.company or m.company, entry.purpose, cats,
                                entry.source, entry.excerpt))
        if m.sdk:
            seen_ids.add(m.sdk)
    if lang == "en":
        for written, sdk_id in dictionary_names(without_absent(text, lang), db):  # not "does not include … X"
            if sdk_id not in seen_ids:
                entry_db = db.entries[sdk_id]
                sdks.append(DeclaredSdk(written, sdk_id, entry_db.company, None, [], "dictionary", written))
                seen_ids.add(sdk_id)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return PolicyReading(lang=lang, categories=sorted(evidence), sdks=sdks, purposes=purposes, chars=len(text),
                         sha256=hashlib.sha256(raw).hexdigest(), encoding=pt.encoding, html=pt.html,
                         truncated=pt.truncated, category_evidence=evidence)


def read_policy_file(path: str | Path, *, db=None) -> PolicyReading:
    """A policy file (`.html`/`.htm` as HTML, anything else guessed); errors name the file."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise AnalysisInputError(f"cannot read policy ({exc.strerror or exc})", source=str(p)) from exc
    if not data.strip():
        raise AnalysisInputError("empty policy file", source=str(p))
    html = True if p.suffix.lower() in (".html", ".htm", ".xhtml") else None
    return read_policy(data, html=html, db=db)


