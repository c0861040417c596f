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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from analysis.sdk.builder import classify
from analysis.sdk.builder.readers import RawEntry
from analysis.sdk.builder.sources import Source
from analysis.sdk.entry import CATEGORIES, TRANSPARENT_CATEGORIES, Sdk
from analysis.sdk.index import LIBRARY_LIST_ID

HAND = "hand-written"
FALLBACK_SHARE = 0.5  # the company's share (strictly more than) of the entries under a namespace
FALLBACK_MIN = 1  # entries under the namespace; one is enough for a distinctive name (4+ characters)
_BROAD_NS = frozenset({"com.github", "io.github", "com.google.android", "org.apache", "com.android", "net.sf",
                       "org.jetbrains", "org.chromium", "com.example", "cn.com", "com.cn", "net.java"})
# First segments of Java namespaces that are reversed domains of no particular country: the same brand
# label under another of them (`com.adform` for adform.net's `net.adform`) is the same vendor's code.
GENERIC_FIRST = ("com", "net", "org", "io", "cn")
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


def company_families(companies: Iterable[str | None]) -> dict[str, str]:
    """company_key -> the key of its group: the shortest company name among `companies` whose words
    begin this one's (`Alibaba Cloud` and `Alibaba (DingTalk)` are `Alibaba`'s, `Google Firebase` is
    `Google`'s), so a vendor namespace shared by a group's divisions still has one owner."""
    words = {}
    for c in companies:
        key = classify.company_key(c)
        if key and key not in words:
            words[key] = classify.company_words(c)
    by_words = {w: k for k, w in sorted(words.items(), key=lambda kv: (len(kv[1]), kv[0])) if w}
    out = {}
    for key, w in words.items():
        out[key] = next((by_words[w[:i]] for i in range(1, len(w) + 1) if w[:i] in by_words), key)
    return out


def _first_is_domain(first: str) -> bool:
    return first in GENERIC_FIRST or first in classify.CCTLD


def label_families(entries: list[Sdk], family: dict[str, str]) -> dict[str, set[str]]:
    """The company groups that use a brand label: in a package namespace whose first segment is a
    top-level domain (`com.adform`, `pl.gemius`) or as a registrable domain (`adform.net`)."""
    out: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.fallback:
            continue
        fam = family.get(classify.company_key(e.company), classify.company_key(e.company))
        for p in e.packages:
            parts = p.split(".")
            if len(parts) >= 2 and _first_is_domain(parts[0]):
                out[parts[1]].add(fam)
        for h in e.hosts:
            out[classify.registrable_domain(h).split(".")[0]].add(fam)
    return out


def _brands(entries: list[Sdk], family: dict[str, str],
            coded: set[str]) -> list[tuple[str, str, tuple[str, ...], list[Sdk]]]:
    """(company group, brand word, its entries) for groups whose root company is named by one
    distinctive word once legal suffixes and asides are gone (`DiDi (open source)` -> didi,
    `Akamai Technologies` -> akamai; `Market Ruler` has none): vendors publish their code under
    `com.<brand>` (LibChecker's `com.didi.drouter` is Didi's whatever list names it). A company some
    source knows by its code gets the usual first segments (`org.<brand>`, `cn.<brand>`...), one known
    only by its hosts just `com.<brand>`."""
    groups: dict[str, list[Sdk]] = defaultdict(list)
    for e in entries:
        if not e.fallback and e.company and e.company != e.name:
            key = classify.company_key(e.company)
            groups[family.get(key, key)].append(e)
    out: list[tuple[str, str, tuple[str, ...], list[Sdk]]] = []
    for fam, members in sorted(groups.items()):
        words = {classify.company_words(m.company) for m in members if classify.company_key(m.company) == fam}
        if len(words) == 1:
            (w,) = words
            if len(w) == 1 and _PKG_LABEL.match(w[0]) and w[0].isalnum():
                firsts: tuple[str, ...] = GENERIC_FIRST if any(m.id in coded for m in members) else ("com",)
                out.append((fam, w[0], firsts, sorted(members, key=lambda m: m.id)))
    return out


def vendor_fallbacks(entries: list[Sdk], coded: set[str] | None = None) -> list[Sdk]:
    """One fallback entry per company group that dominates package namespaces or registrable domains.
    A dominated namespace `com.label` also stands for the same label under the other usual first
    segments (`org.label`, `cn.label`, ...) while no other company group uses that label."""
    owned_pkgs = {p for e in entries for p in e.packages}
    owned_hosts = {h for e in entries for h in e.hosts}
    family = company_families(e.company for e in entries if e.company != e.name)
    labels = label_families(entries, family)
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
        fam_of = {m.id: family.get(classify.company_key(m.company), classify.company_key(m.company)) for m in known}
        votes = Counter(fam_of.values())
        company_key, n = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
        if not company_key or n / len(known) <= FALLBACK_SHARE:
            return
        mine = [m for m in known if fam_of[m.id] == company_key]
        slot = per_company.setdefault(company_key, {"members": {}, "packages": set(), "hosts": set()})
        slot["members"].update({m.id: m for m in mine})
        slot[kind].add(key)
        if kind == "packages":
            first, label = key.split(".", 1)
            if _PKG_LABEL.match(label) and _first_is_domain(first) and labels.get(label, set()) <= {company_key}:
                slot[kind].update(alt for alt in (f"{f}.{label}" for f in GENERIC_FIRST)
                                  if alt not in owned_pkgs and alt not in _BROAD_NS)

    for ns, members in ns_members.items():
        if ns not in owned_pkgs and ns not in _BROAD_NS:
            consider(ns, members, "packages")
    for dom, members in dom_members.items():
        if dom not in owned_hosts and dom not in _SHARED_DOMAINS:
            consider(dom, members, "hosts")
    coded = {e.id for e in entries if e.packages or e.native} if coded is None else coded
    for fam, brand, firsts, members in _brands(entries, family, coded):
        if labels.get(brand, {fam}) != {fam} or any(f"{f}.{brand}" in _BROAD_NS for f in GENERIC_FIRST):
            continue  # another company uses the word, or it names a platform (`com.android`)
        keys = {f"{f}.{brand}" for f in firsts} - owned_pkgs
        if keys:
            slot = per_company.setdefault(fam, {"members": {}, "packages": set(), "hosts": set()})
            slot["members"].update({m.id: m for m in members})
            slot["packages"].update(keys)
    native_fam = {n: family.get(classify.company_key(e.company), classify.company_key(e.company))
                  for e in entries if not e.fallback for n in e.native}
    for company_key, slot in per_company.items():
        brands = {k.split(".")[1] for k in slot["packages"] if k.count(".") == 1 and _PKG_LABEL.match(k.split(".")[1])}
        slot["native"] = {n for n in (f"lib{b}" for b in brands) if _native_free(n, company_key, native_fam)}
    out = []
    taken_ids: set[str] = set()
    for company_key, slot in sorted(per_company.items()):
        members = sorted(slot["members"].values(), key=lambda m: m.id)
        company = min(Counter(m.company for m in members).items(),
                      key=lambda kv: (-kv[1], len(classify.company_words(kv[0])), kv[0]))[0]
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
            native=tuple(sorted(slot["native"])),
            source="vendor namespace of: " + ", ".join(m.id for m in members[:12]),
            sources=tuple(sorted({s for m in members for s in m.sources})),
            transparent=all(m.transparent for m in members), fallback=True))
    return out


def _native_free(name: str, fam: str, native_fam: dict[str, str]) -> bool:
    """`lib<brand>` may stand for a vendor's native libraries (`libagora` for `libagora-core.so`,
    matched where a letter run ends, never `libagoramediaplayer`) unless another company's library
    already starts with it."""
    return all(f == fam for n, f in native_fam.items() if n.startswith(name))


_PKG_LABEL = re.compile(r"^[a-z][a-z0-9_]{3,}$")
_NO_DERIVE = frozenset({"cdn", "cloud"}) | TRANSPARENT_CATEGORIES


def _domain_namespaces(dom: str) -> list[str]:
    """Package namespaces a vendor's registrable domain stands for: the reversed domain (`net.adform`,
    `jp.co.geniee`) and, since most Java code is published under `com.` whatever the vendor's TLD,
    `com.<label>` (`com.adform`)."""
    labels = dom.split(".")
    if not _PKG_LABEL.match(labels[0]) or not all(x.isalpha() for x in labels[1:]):
        return []
    return list(dict.fromkeys([".".join(reversed(labels)), f"com.{labels[0]}"]))


def reverse_domain_signatures(entries: list[Sdk]) -> list[Sdk]:
    """Java packages are named after their vendor's reversed domain (`com.adjust` for adjust.com), so
    a tracker known only by its hosts also claims its domain's package namespaces, and one known only
    by code also claims its namespace's domain. Only unclaimed names with one claimant, not for CDNs,
    clouds or libraries, and only distinctive labels (four characters or more)."""
    owned_pkgs = {p for e in entries for p in e.packages}
    owned_hosts = {h for e in entries for h in e.hosts}
    claims_pkg: dict[str, list[Sdk]] = defaultdict(list)
    claims_host: dict[str, list[Sdk]] = defaultdict(list)
    for e in entries:
        if e.fallback or e.transparent or e.category in _NO_DERIVE:
            continue
        if e.category != "other" or "." not in e.name:  # a tracker named only by its domain says too little
            for dom in {classify.registrable_domain(h) for h in e.hosts} - _SHARED_DOMAINS:
                for ns in _domain_namespaces(dom):
                    claims_pkg[ns].append(e)
        if e.category == "other":
            continue  # a website's own domains (category other) give packages, never the reverse
        for ns in {n for n in map(_namespace, e.packages) if n} | {p for p in e.packages if p.count(".") == 1}:
            tld, label = ns.split(".", 1)
            if _PKG_LABEL.match(label) and tld in ("com", "net", "org", "io", "cn", "ai", "co"):
                claims_host[f"{label}.{tld}"].append(e)
    return _gain(entries, _unique(claims_pkg, owned_pkgs | _BROAD_NS), _unique(claims_host, owned_hosts | _SHARED_DOMAINS))


def _unique(claims: dict[str, list[Sdk]], taken: set[str] | frozenset[str]) -> dict[str, Sdk]:
    return {k: c[0] for k, c in claims.items() if k not in taken and len({x.id for x in c}) == 1}


def _gain(entries: list[Sdk], packages: dict[str, Sdk], hosts: dict[str, Sdk],
          native: dict[str, Sdk] | None = None) -> list[Sdk]:
    gained: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"packages": [], "hosts": [], "native": []})
    for kind, claims in (("packages", packages), ("hosts", hosts), ("native", native or {})):
        for key, e in claims.items():
            if key not in e.native:
                gained[e.id][kind].append(key)
    out = []
    for e in entries:
        g = gained.get(e.id)
        out.append(replace(e, packages=e.packages + tuple(sorted(g["packages"])),
                           hosts=e.hosts + tuple(sorted(g["hosts"])),
                           native=e.native + tuple(sorted(g["native"]))) if g else e)
    return out


def sibling_namespaces(entries: list[Sdk]) -> list[Sdk]:
    """The same brand label under another usual first segment is the same vendor's code: an entry that
    alone holds `net.adform` (or `pl.gemius`) also claims `com.adform`, `org.adform`, ... while no
    other company uses that label, in packages or in domains. Labels several entries share are left
    to the vendor fallbacks."""
    family = company_families(e.company for e in entries if e.company != e.name)
    labels = label_families(entries, family)
    owned_pkgs = {p for e in entries for p in e.packages}
    holders: dict[str, set[str]] = defaultdict(set)
    used: dict[str, set[str]] = defaultdict(set)
    by_id = {e.id: e for e in entries}
    for e in entries:
        for p in e.packages:
            parts = p.split(".")
            if len(parts) >= 2 and _first_is_domain(parts[0]) and _PKG_LABEL.match(parts[1]):
                holders[parts[1]].add(e.id)
                used[parts[1]].add(parts[0])
    claims: dict[str, Sdk] = {}
    natives: dict[str, Sdk] = {}
    native_fam = {n: family.get(classify.company_key(e.company), classify.company_key(e.company))
                  for e in entries if not e.fallback for n in e.native}
    for label, ids in sorted(holders.items()):
        if len(ids) != 1 or len(labels.get(label, ())) != 1:
            continue
        e = by_id[next(iter(ids))]
        (fam,) = labels[label]
        # a library another entry already names stays its (`libunity` is the Unity engine's, not Unity
        # Analytics'); two entries with one library name would make the answer depend on entry order
        if f"lib{label}" not in native_fam and _native_free(f"lib{label}", fam, native_fam):
            natives[f"lib{label}"] = e
        for first in GENERIC_FIRST:
            if first in used[label]:
                continue  # its own namespace stays as precise as the source gave it
            ns = f"{first}.{label}"
            if ns not in owned_pkgs and ns not in _BROAD_NS:
                claims[ns] = e
    return _gain(entries, claims, {}, natives)


def merge(hand: list[Sdk], raw_by_source: list[tuple[Source, list[RawEntry]]], fallbacks: bool = True) -> list[Sdk]:
    m = _Merger()
    m.add_hand(hand)
    for source, raws in raw_by_source:
        if not source.fill:
            for raw in raws:
                m.add_raw(raw, source)
    base = sibling_namespaces(m.finish())
    coded = {e.id for e in base if e.packages or e.native}  # before names derived from domains
    entries = reverse_domain_signatures(base)
    if fallbacks:
        taken = {e.id for e in entries}
        entries += [f for f in vendor_fallbacks(entries, coded) if f.id not in taken]
    for source, raws in raw_by_source:
        if source.fill:
            entries += fill_gaps(entries, raws, source)
    from analysis.sdk.builder.brands import brand_labels  # (brands.py uses this module's helpers)

    return sorted(brand_labels(entries), key=lambda e: e.id)


def fill_gaps(entries: list[Sdk], raws: list[RawEntry], source: Source) -> list[Sdk]:
    """One entry for a list that names no SDK or company (a library list), holding its package
    prefixes that no entry covers yet, neither the prefix nor a shorter one: such a list never takes
    code away from a named SDK (`com.facebook.ads` stays Facebook Audience Network whatever the list
    says). It says the code is a third-party library (transparent), nothing of companies or countries;
    one entry rather than one per namespace keeps the shipped file small."""
    owned = {p for e in entries for p in e.packages}
    new: set[str] = set()
    for p in sorted({p for raw in raws for p in raw["packages"]}, key=lambda p: (p.count("."), p)):
        parts = p.split(".")
        if not any(".".join(parts[:i]) in owned or ".".join(parts[:i]) in new for i in range(1, len(parts) + 1)):
            new.add(p)  # (a longer prefix under one already listed adds nothing)
    if not new:
        return []
    return [Sdk(id=f"{LIBRARY_LIST_ID}{_slug(source.name)}"[:64], name=f"third-party library ({source.title.split(' (')[0]})",
                company="unknown (library list)", country=None, category="library",
                packages=tuple(sorted(new)), source=source.url, sources=(source.name,), transparent=True)]
