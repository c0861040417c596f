"""Merging the sources into one list of entries, reproducibly.

Hand-written entries come first and keep their names, companies and categories. Each source entry
then joins the entry that already owns most of its package prefixes or native libraries (its own
host suffixes when it has neither): that is the same SDK seen by another list, so the entry gains
the new signatures and the source's name. A source entry that shares nothing becomes a new entry.
Every signature has exactly one owner, the first to claim it. Last, vendor namespaces: where the
entries under one package namespace (`com.baidu`) or registrable domain (`baidu.com`) mostly belong to
one company, a fallback entry stands for that company's other, unlisted SDKs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from analysis.sdk.builder import classify
from analysis.sdk.builder.readers import RawEntry
from analysis.sdk.builder.sources import Source
from analysis.sdk.entry import CATEGORIES, TRANSPARENT_CATEGORIES, Sdk

HAND = "hand-written"
FALLBACK_SHARE = 0.5  # the company's share (strictly more than) of the entries under a namespace
FALLBACK_MIN = 1  # entries under the namespace; one is enough for a distinctive name (4+ characters)
_BROAD_NS = frozenset({"com.github", "io.github", "com.google.android", "org.apache", "com.android", "net.sf",
                       "org.jetbrains", "org.chromium", "com.example", "cn.com", "com.cn", "net.java"})
_SHARED_DOMAINS = frozenset({"amazonaws.com", "cloudfront.net", "akamaihd.net", "akamaized.net", "azureedge.net",
                             "appspot.com", "herokuapp.com", "github.io", "googleapis.com", "firebaseio.com",
                             "aliyuncs.com", "myqcloud.com", "edgekey.net", "fastly.net", "cdn77.org"})


@dataclass(eq=False)
class _Acc:
    id: str
    name: str
    company: str | None
    country: str | None
    category: str | None
    transparent: bool
    source: str
    hint: str | None = None
    cjk: bool = False
    packages: list[str] = field(default_factory=list)
    native: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


class _Merger:
    def __init__(self) -> None:
        self.accs: list[_Acc] = []
        self.ids: set[str] = set()
        self.owner: dict[str, _Acc] = {}  # "p:pkg" / "n:lib" / "h:host" -> owner

    def _covered(self, kind: str, value: str) -> bool:
        """Already attributed through a shorter package prefix or host suffix of a hand-written entry:
        a source that lists `com.igexin.sdk` under another label does not split Getui's `com.igexin`."""
        parts = value.split(".")
        if kind == "p":
            keys = (f"p:{'.'.join(parts[:i])}" for i in range(1, len(parts)))
        elif kind == "h":
            keys = (f"h:{'.'.join(parts[i:])}" for i in range(1, len(parts) - 1))
        else:
            return False
        return any(k in self.owner and HAND in self.owner[k].sources for k in keys)

    def _claim(self, acc: _Acc, kind: str, values, nested: bool = False) -> None:
        """Give `acc` the values nobody owns yet; hand-written entries (`nested`) may also carve a
        more precise prefix out of another entry's (`com.google.android.gms.ads.identifier`)."""
        target = {"p": acc.packages, "n": acc.native, "h": acc.hosts}[kind]
        for v in values:
            key = f"{kind}:{v}"
            if key not in self.owner and (nested or not self._covered(kind, v)):
                self.owner[key] = acc
                target.append(v)

    def _new_id(self, raw: RawEntry, source: str) -> str:
        base = _slug(raw.get("id") or raw["name"])
        if len(base) < 3 or classify.has_cjk(raw["name"]):
            first = (raw["packages"] or raw["native"] or raw["hosts"] or [raw["name"]])[0]
            base = _slug(first) or "sdk"
        sdk_id, n = base, 2
        if sdk_id in self.ids:
            sdk_id = f"{base}-{source}"[:64]
        while sdk_id in self.ids:
            sdk_id, n = f"{base}-{n}"[:64], n + 1
        self.ids.add(sdk_id)
        return sdk_id

    def add_hand(self, entries: list[Sdk]) -> None:
        latest: dict[str, Sdk] = {}
        for e in entries:
            latest.pop(e.id, None)
            latest[e.id] = e
        for e in latest.values():
            acc = _Acc(id=e.id, name=e.name, company=e.company, country=e.country, category=e.category,
                       transparent=e.transparent, source=e.source, sources=[HAND, *e.sources])
            self.ids.add(e.id)
            self.accs.append(acc)
            self._claim(acc, "p", e.packages, nested=True)
            self._claim(acc, "n", e.native, nested=True)
            self._claim(acc, "h", e.hosts, nested=True)

    def add_raw(self, raw: RawEntry, source: Source) -> None:
        code = Counter(self.owner[k] for k in [f"p:{p}" for p in raw["packages"]] + [f"n:{n}" for n in raw["native"]]
                       if k in self.owner)
        shared = code or Counter(self.owner[f"h:{h}"] for h in raw["hosts"] if f"h:{h}" in self.owner)
        if shared:
            acc = max(shared, key=lambda a: (shared[a], -self.accs.index(a)))
            acc.company = acc.company or raw.get("company")
            acc.country = acc.country or raw.get("country")
            acc.category = acc.category or raw.get("category")
        else:
            acc = _Acc(id=self._new_id(raw, source.name), name=raw["name"], company=raw.get("company"),
                       country=raw.get("country"), category=raw.get("category"),
                       transparent=bool(raw.get("transparent")), source=raw.get("url") or source.url,
                       hint=raw.get("category_hint"), cjk=bool(raw.get("cjk")))
            self.accs.append(acc)
        if source.name not in acc.sources:
            acc.sources.append(source.name)
        self._claim(acc, "p", raw["packages"])
        self._claim(acc, "n", raw["native"])
        self._claim(acc, "h", raw["hosts"])

    def finish(self) -> list[Sdk]:
        accs = [a for a in self.accs if a.packages or a.native or a.hosts]
        by_company: dict[str, Counter] = defaultdict(Counter)
        by_namespace: dict[str, Counter] = defaultdict(Counter)
        for a in accs:
            if a.country and a.company:
                by_company[classify.company_key(a.company)][a.country] += 1
            if a.country:
                for ns in {n for n in map(_namespace, a.packages) if n}:
                    by_namespace[ns][a.country] += 1
        out = []
        for a in accs:
            category = a.category or a.hint or "other"
            category = category if category in CATEGORIES else "other"
            company = a.company or a.name
            country = a.country or _vote(by_company.get(classify.company_key(company))) or \
                _vote_all(by_namespace, {n for n in map(_namespace, a.packages) if n}) or _tld_country(a) or \
                ("CN" if a.cjk else None)
            out.append(Sdk(id=a.id, name=a.name, company=company, category=category, country=country,
                           packages=tuple(a.packages), native=tuple(a.native), hosts=tuple(a.hosts),
                           source=a.source, sources=tuple(a.sources),
                           transparent=a.transparent or category in TRANSPARENT_CATEGORIES))
        return out


def _vote(votes: Counter | None, share: float = 0.75) -> str | None:
    if not votes:
        return None
    top, n = votes.most_common(1)[0]
    return top if n / sum(votes.values()) >= share else None


def _vote_all(table: dict[str, Counter], keys: set[str]) -> str | None:
    total: Counter = Counter()
    for k in keys:
        total.update(table.get(k) or {})
    return _vote(total) if sum(total.values()) >= 2 else None


def _tld_country(a: _Acc) -> str | None:
    """Country-code domains all pointing to one country: hosts, website, reversed-domain packages."""
    tlds = {h.rsplit(".", 1)[-1] for h in a.hosts} | {p.split(".", 1)[0] for p in a.packages}
    site = urlsplit(a.source or "").hostname
    if site:
        tlds.add(site.rsplit(".", 1)[-1])
    countries = {classify.country_from_tld(t) for t in tlds} - {None}
    return countries.pop() if len(countries) == 1 else None


def _namespace(pkg: str) -> str | None:
    parts = pkg.split(".")
    return ".".join(parts[:2]) if len(parts) >= 3 and len(parts[1]) >= 2 else None


def vendor_fallbacks(entries: list[Sdk]) -> list[Sdk]:
    """One fallback entry per company that dominates package namespaces or registrable domains."""
    owned_pkgs = {p for e in entries for p in e.packages}
    owned_hosts = {h for e in entries for h in e.hosts}
    ns_members: dict[str, list[Sdk]] = defaultdict(list)
    dom_members: dict[str, list[Sdk]] = defaultdict(list)
    for e in entries:
        for ns in {n for n in map(_namespace, e.packages) if n}:
            ns_members[ns].append(e)
        for dom in {classify.registrable_domain(h) for h in e.hosts if h.count(".") >= 1}:
            dom_members[dom].append(e)
    per_company: dict[str, dict] = {}

    def consider(key: str, members: list[Sdk], kind: str) -> None:
        if len(members) < FALLBACK_MIN:
            return
        known = [m for m in members if m.company != m.name]  # a company the sources named
        distinctive = len(key.split(".")[1 if kind == "packages" else 0]) >= 4
        if len(known) < (FALLBACK_MIN if distinctive else 2):
            return
        votes = Counter(classify.company_key(m.company) for m in known)
        company_key, n = votes.most_common(1)[0]
        if not company_key or n / len(known) <= FALLBACK_SHARE:
            return
        mine = [m for m in known if classify.company_key(m.company) == company_key]
        slot = per_company.setdefault(company_key, {"members": {}, "packages": set(), "hosts": set()})
        slot["members"].update({m.id: m for m in mine})
        slot[kind].add(key)

    for ns, members in ns_members.items():
        if ns not in owned_pkgs and ns not in _BROAD_NS:
            consider(ns, members, "packages")
    for dom, members in dom_members.items():
        if dom not in owned_hosts and dom not in _SHARED_DOMAINS:
            consider(dom, members, "hosts")
    out = []
    taken_ids: set[str] = set()
    for company_key, slot in sorted(per_company.items()):
        members = sorted(slot["members"].values(), key=lambda m: m.id)
        company = Counter(m.company for m in members).most_common(1)[0][0]
        cats = Counter(m.category for m in members)
        category, n = cats.most_common(1)[0]
        category = category if n / len(members) >= 0.6 else "other"
        countries = Counter(m.country for m in members if m.country)
        first_key = (sorted(slot["packages"]) or sorted(slot["hosts"]))[0]
        sdk_id = f"vendor-{_slug(company_key) if _slug(company_key) and not classify.has_cjk(company_key) else _slug(first_key)}"
        sdk_id = sdk_id[:64] if sdk_id not in taken_ids else f"vendor-{_slug(first_key)}"[:64]
        taken_ids.add(sdk_id)
        out.append(Sdk(
            id=sdk_id, name=f"{company} (other SDK)", company=company,
            category=category, country=countries.most_common(1)[0][0] if countries else None,
            packages=tuple(sorted(slot["packages"])), hosts=tuple(sorted(slot["hosts"])),
            source="vendor namespace of: " + ", ".join(m.id for m in members[:12]),
            sources=tuple(sorted({s for m in members for s in m.sources})),
            transparent=all(m.transparent for m in members), fallback=True))
    return out


_PKG_LABEL = re.compile(r"^[a-z][a-z0-9_]{3,}$")
_NO_DERIVE = frozenset({"cdn", "cloud", "other"}) | TRANSPARENT_CATEGORIES


def reverse_domain_signatures(entries: list[Sdk]) -> list[Sdk]:
    """Java packages are named after their vendor's reversed domain (`com.adjust` for adjust.com), so
    a tracker known only by its hosts also claims its domain's package namespace, and one known only
    by code also claims its namespace's domain. Only unclaimed names, only SDK categories (not CDNs,
    clouds or libraries), and only distinctive labels (four characters or more)."""
    owned_pkgs = {p for e in entries for p in e.packages}
    owned_hosts = {h for e in entries for h in e.hosts}
    claims_pkg: dict[str, list[Sdk]] = defaultdict(list)
    claims_host: dict[str, list[Sdk]] = defaultdict(list)
    for e in entries:
        if e.fallback or e.transparent or e.category in _NO_DERIVE:
            continue
        for dom in {classify.registrable_domain(h) for h in e.hosts}:
            labels = dom.split(".")
            if len(labels) == 2 and _PKG_LABEL.match(labels[0]) and labels[1].isalpha():
                claims_pkg[f"{labels[1]}.{labels[0]}"].append(e)
        for ns in {n for n in map(_namespace, e.packages) if n} | {p for p in e.packages if p.count(".") == 1}:
            tld, label = ns.split(".", 1)
            if _PKG_LABEL.match(label) and tld in ("com", "net", "org", "io", "cn", "ai", "co"):
                claims_host[f"{label}.{tld}"].append(e)
    gained: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"packages": [], "hosts": []})
    for ns, claimants in claims_pkg.items():
        if ns not in owned_pkgs and ns not in _BROAD_NS and len({c.id for c in claimants}) == 1:
            gained[claimants[0].id]["packages"].append(ns)
    for dom, claimants in claims_host.items():
        if dom not in owned_hosts and dom not in _SHARED_DOMAINS and len({c.id for c in claimants}) == 1:
            gained[claimants[0].id]["hosts"].append(dom)
    out = []
    for e in entries:
        g = gained.get(e.id)
        out.append(replace(e, packages=e.packages + tuple(sorted(g["packages"])),
                           hosts=e.hosts + tuple(sorted(g["hosts"]))) if g else e)
    return out


def merge(hand: list[Sdk], raw_by_source: list[tuple[Source, list[RawEntry]]], fallbacks: bool = True) -> list[Sdk]:
    m = _Merger()
    m.add_hand(hand)
    for source, raws in raw_by_source:
        for raw in raws:
            m.add_raw(raw, source)
    entries = reverse_domain_signatures(m.finish())
    if fallbacks:
        taken = {e.id for e in entries}
        entries += [f for f in vendor_fallbacks(entries) if f.id not in taken]
    return sorted(entries, key=lambda e: e.id)
