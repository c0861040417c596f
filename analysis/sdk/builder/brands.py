"""Brand labels: the distinctive word a vendor names its domains and code after.

Java code is published under its vendor's brand whatever the rest of the path: `com.fsn.cauly` is
Cauly's (cauly.co.kr), `in.inmobi` InMobi's, `jp.co.geniee.gnadsdk` Geniee's. The merge cannot list
such paths (no source names them), so it gives each vendor its brand labels and the lookup reads a
class name no package prefix attributes segment by segment (`SdkDb.by_brand`).

A label is a vendor's brand when
- it comes from the vendor's own names: the registrable domains of its hosts and website
  (`cauly` of cauly.co.kr) or the namespace of its code under a domain-like first segment
  (`com.cauly`, `pl.gemius`); four characters or more, letters first;
- one company group alone uses it (labels shared by several companies say nothing);
- it is not a generic word: the packages of every list (library lists included) use it as a deeper
  segment in fewer than two namespaces of other vendors (`analytics`, `push`, `common`, `core` are in
  many: a word many vendors use for their own code names none of them);
- the vendor is not a library, CDN or cloud, and a tracker known only by its domain has a name of
  its own (as for the reversed-domain rule).
No list of words is involved: the evidence is the lists' own namespaces."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from urllib.parse import urlsplit

from analysis.sdk.builder import classify
from analysis.sdk.builder.merge import (
    _NO_DERIVE,
    _PKG_LABEL,
    _SHARED_DOMAINS,
    GENERIC_FIRST,
    company_families,
)
from analysis.sdk.entry import Sdk
from analysis.sdk.index import LIBRARY_LIST_ID

FOREIGN_NAMESPACES_MAX = 1  # a label used deeper in more foreign namespaces than this is a generic word
_FORGES = ("github.com", "github.io", "gitlab.com", "bitbucket.org", "google.com", "apple.com", "sourceforge.net")


def _domain_like(first: str) -> bool:
    return first in GENERIC_FIRST or first in classify.CCTLD


def own_labels(e: Sdk) -> set[str]:
    """Labels an entry's own names carry: its hosts' and website's registrable domains, and the
    second segment of its packages under a domain-like first segment."""
    labels: set[str] = set()
    doms = {classify.registrable_domain(h) for h in e.hosts}
    site = urlsplit(e.source or "").hostname if (e.source or "").startswith("http") else None
    if site and not site.endswith(_FORGES):
        doms.add(classify.registrable_domain(site))
    labels.update(d.split(".")[0] for d in doms - _SHARED_DOMAINS)
    for p in e.packages:
        parts = p.split(".")
        if len(parts) >= 2 and _domain_like(parts[0]):
            labels.add(parts[1])
    return {x for x in labels if _PKG_LABEL.match(x)}


def _eligible(e: Sdk) -> bool:
    return not e.transparent and e.category not in _NO_DERIVE and e.category != "other"


def brand_labels(entries: list[Sdk]) -> list[Sdk]:
    """The entries, each vendor's chosen entry carrying its brand labels (`brands`)."""
    family = company_families(e.company for e in entries if e.company != e.name)

    def fam(e: Sdk) -> str:
        key = classify.company_key(e.company)
        return family.get(key, key)

    users: dict[str, set[str]] = defaultdict(set)  # label -> company groups using it
    holders: dict[str, list[Sdk]] = defaultdict(list)
    own_ns: dict[str, set[str]] = defaultdict(set)  # company group -> its package namespaces
    deep: dict[str, set[str]] = defaultdict(set)  # word -> namespaces using it as a deeper segment
    for e in entries:
        listed = e.id.startswith(LIBRARY_LIST_ID)
        for p in e.packages:
            parts = p.split(".")
            ns = ".".join(parts[:2])
            if not listed:
                own_ns[fam(e)].add(ns)
            for seg in parts[1:]:
                deep[seg].add(ns)
        if listed:
            continue
        for label in own_labels(e):
            holders[label].append(e)
            if not e.fallback:
                users[label].add(fam(e))
    chosen: dict[str, list[str]] = defaultdict(list)
    for label, fams in sorted(users.items()):
        if len(fams) != 1:
            continue
        (f,) = fams
        if len(deep.get(label, set()) - own_ns.get(f, set())) > FOREIGN_NAMESPACES_MAX:
            continue  # a generic word: other vendors use it inside their own code
        targets = [e for e in holders[label] if _eligible(e) and fam(e) == f]
        if not targets:
            continue
        fallbacks = [e for e in targets if e.fallback]
        target = min(fallbacks, key=lambda e: e.id) if fallbacks else \
            min(targets, key=lambda e: (-(len(e.packages) + len(e.hosts)), e.id))
        chosen[target.id].append(label)
    return [replace(e, brands=tuple(sorted(chosen[e.id]))) if e.id in chosen else e for e in entries]
