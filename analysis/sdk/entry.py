"""One SDK database entry, its categories and its validation.

An entry says who receives what an SDK collects: `company`, `country`, `category`, and how to
recognise it: Java package prefixes, native library name prefixes and destination host suffixes.
`transparent` entries (platform code, general-purpose libraries such as OkHttp or Gson) are not
third-party recipients: attribution looks past them to their caller. `fallback` entries stand for a
vendor's whole namespace (`com.baidu`, `baidu.com`) when no more precise entry matches. `brands` are the
vendor's distinctive brand labels (`cauly` of cauly.co.kr): a package segment equal to one of them is
that vendor's code when no package prefix says more (`com.fsn.cauly`, `in.brand`, see index.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.errors import AnalysisInputError

CATEGORIES = frozenset(
    "analytics advertising attribution push crash_reporting apm location maps payment social login "
    "identification risk_control customer_support cloud cdn messaging rtc ab_testing remote_config consent "
    "marketing media speech protection os_vendor iot measurement network_measurement other "
    "library utility framework devtool".split()
)
# Libraries that carry calls for whoever uses them; attribution looks past them to the caller.
TRANSPARENT_CATEGORIES = frozenset({"library", "utility", "framework", "devtool"})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_ITEMS = 100_000  # per list of one entry (a library list holds tens of thousands of prefixes)
MAX_ITEM_CHARS = 253
_BRAND_RE = re.compile(r"^[a-z][a-z0-9_]{3,62}$")


@dataclass(frozen=True)
class Sdk:
    id: str
    name: str
    company: str
    category: str
    country: str | None
    packages: tuple[str, ...] = ()
    native: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    source: str = ""
    sources: tuple[str, ...] = ()
    transparent: bool = field(default=False)
    fallback: bool = False
    brands: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category in TRANSPARENT_CATEGORIES and not self.transparent:
            object.__setattr__(self, "transparent", True)

    def as_record(self) -> dict:
        """The JSON form (compiled database, `sdk list --json`)."""
        rec = {"id": self.id, "name": self.name, "company": self.company, "category": self.category,
               "country": self.country, "transparent": self.transparent, "packages": list(self.packages),
               "native": list(self.native), "hosts": list(self.hosts), "source": self.source,
               "sources": list(self.sources)}
        if self.fallback:
            rec["fallback"] = True
        if self.brands:
            rec["brands"] = list(self.brands)
        return rec


def _as_list(value, source: str, where: str, kind: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise AnalysisInputError("expected a list of strings", source=source, where=where)
    if len(value) > MAX_ITEMS:
        raise AnalysisInputError(f"more than {MAX_ITEMS} items", source=source, where=where)
    out = []
    for v in value:
        v = v.strip()
        if not v:
            continue
        if len(v) > MAX_ITEM_CHARS:
            raise AnalysisInputError(f"item longer than {MAX_ITEM_CHARS} characters", source=source, where=where)
        if kind == "hosts":
            v = v.strip(".").lower()
        elif kind == "native":
            v = v.removesuffix(".so").lower()
        else:
            v = v.rstrip(".")
        if v:
            out.append(v)
    return tuple(dict.fromkeys(out))


def parse_entry(raw, source: str, where: str) -> Sdk:
    """One database entry, validated; errors name the file and entry."""
    if not isinstance(raw, dict):
        raise AnalysisInputError("entry must be a mapping", source=source, where=where)
    missing = [k for k in ("id", "name", "company", "category", "source") if not raw.get(k)]
    if missing:
        raise AnalysisInputError(f"missing {', '.join(missing)}", source=source, where=where)
    sdk_id = str(raw["id"])
    if not _ID_RE.match(sdk_id):
        raise AnalysisInputError(f"bad id {sdk_id!r} (lowercase letters, digits, . _ -)", source=source, where=where)
    here = f"{where} ({sdk_id})"
    category = str(raw["category"])
    if category not in CATEGORIES:
        raise AnalysisInputError(f"unknown category {category!r}; one of {sorted(CATEGORIES)}", source=source,
                                 where=here)
    country = raw.get("country")
    transparent = raw.get("transparent", False)
    if transparent in ("", None):
        transparent = False
    if isinstance(transparent, str):
        transparent = transparent.strip().lower() in ("1", "true", "yes")
    if not isinstance(transparent, bool):
        raise AnalysisInputError("transparent must be true or false", source=source, where=here)
    sources = _as_list(raw.get("sources"), source, f"{here}.sources", "sources")
    entry = Sdk(
        id=sdk_id,
        name=str(raw["name"])[:200],
        company=str(raw["company"])[:200],
        category=category,
        country=str(country).upper()[:8] if country else None,
        packages=_as_list(raw.get("packages"), source, f"{here}.packages", "packages"),
        native=_as_list(raw.get("native"), source, f"{here}.native", "native"),
        hosts=_as_list(raw.get("hosts"), source, f"{here}.hosts", "hosts"),
        source=str(raw["source"])[:500],
        sources=sources,
        transparent=transparent,
        fallback=bool(raw.get("fallback", False)),
        brands=tuple(b.lower() for b in _as_list(raw.get("brands"), source, f"{here}.brands", "brands")
                     if _BRAND_RE.match(b.lower())),
    )
    if not (entry.packages or entry.native or entry.hosts):
        raise AnalysisInputError("needs at least one of packages, native, hosts", source=source, where=here)
    return entry
