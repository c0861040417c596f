"""Coverage measured honestly: leave one source out, rebuild, and see how much of that source's own
entries the rest of the database still attributes.

For each public build source S the database is rebuilt from every other source plus the hand-written
entries, then:
- package recall: the share of S's package prefixes that the rebuilt database attributes to an SDK,
  split by where the SDK comes from (its country in the full build: CN, another country, unknown);
  `company` is the stricter share attributed to the same company as in the full build;
- native recall: the same for S's native library names;
- host-contact recall: of the host contacts real apps made (`platformcontrol-hosts`: hosts with the
  number of apps that contacted them) to hosts S lists as trackers (entries in a tracking category,
  see TRACKING), the share, weighted by apps, that the rebuilt database attributes.
Figures on the hand-written entries are never mixed in: they are in every build, never measured.
Evaluation lists the build never reads (`adguard-trackers`) are measured against the whole database:
the real apps' contacts to their tracker hosts, weighted by apps, and their own tracker domains.

`python -m analysis.sdk.coverage [--from DIR] [--json]` prints the table."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.sdk.build import build, read_sources
from analysis.sdk.builder.classify import company_key
from analysis.sdk.builder.merge import LIBRARY_LIST_ID
from analysis.sdk.builder.readers import READERS, RawEntry
from analysis.sdk.builder.sources import Source, discover
from analysis.sdk.entry import Sdk
from analysis.sdk.index import SdkDb

GOAL_PACKAGES = 0.9
GOAL_HOST_CONTACTS = 0.95
# What counts as a tracker host: hosts of a source's entries in these categories (CDNs, hosting,
# fonts, video players and uncategorised hosts are contacted by apps but are not trackers).
TRACKING = frozenset({"advertising", "analytics", "attribution", "marketing", "identification", "location",
                      "crash_reporting", "social", "measurement", "apm", "push"})


@dataclass
class Recall:
    hit: float = 0.0
    total: float = 0.0
    same_company: float = 0.0
    via_list: float = 0.0  # attributed only by a library list (a `fill` source naming no SDK)

    @property
    def recall(self) -> float | None:
        return self.hit / self.total if self.total else None

    @property
    def company_recall(self) -> float | None:
        return self.same_company / self.total if self.total else None

    @property
    def list_share(self) -> float | None:
        return self.via_list / self.total if self.total else None

    def add(self, hit: bool, same: bool, weight: float = 1.0, via_list: bool = False) -> None:
        self.total += weight
        self.hit += weight if hit else 0.0
        self.same_company += weight if same else 0.0
        self.via_list += weight if hit and via_list else 0.0


@dataclass
class SourceCoverage:
    source: str
    entries: int
    packages: dict[str, Recall] = field(default_factory=dict)  # CN / other / unknown / all
    native: Recall = field(default_factory=Recall)
    host_contacts: Recall = field(default_factory=Recall)
    missed_examples: list[str] = field(default_factory=list)
    held_out: bool = False  # an evaluation list the build never reads, measured against the whole database
    list_hosts: Recall = field(default_factory=Recall)  # (held-out lists) their tracker domains attributed
    # (library lists) of their prefixes no named entry covers, those the brand-label rule gives a named
    # SDK: false attributions, unless the library is that vendor's own (a bound on the rule's noise)
    brand_rule: Recall = field(default_factory=Recall)

    def as_dict(self) -> dict:
        def fmt(r: Recall) -> dict:
            return {"recall": r.recall, "same_company": r.company_recall, "via_library_list": r.list_share,
                    "n": r.total}
        return {"source": self.source, "entries": self.entries,
                "packages": {k: fmt(v) for k, v in self.packages.items()}, "native": fmt(self.native),
                "host_contacts": fmt(self.host_contacts), "missed_examples": self.missed_examples,
                "held_out": self.held_out, "list_hosts": fmt(self.list_hosts), "brand_rule": fmt(self.brand_rule)}


def read_host_contacts(source: Source) -> list[tuple[str, int]]:
    """(host, number of apps) rows of an evaluation source."""
    out = []
    for fname in source.files:
        path = source.directory / fname
        try:
            rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise AnalysisInputError(f"not readable CSV ({exc})", source=str(path)) from exc
        for n, row in enumerate(rows, 2):
            try:
                out.append((str(row["host"]).strip().lower(), int(row["apps"])))
            except (KeyError, ValueError, TypeError) as exc:
                raise AnalysisInputError("needs host and a whole number of apps", source=str(path),
                                         where=f"line {n}") from exc
    return out


def _region(entry: Sdk | None) -> str:
    if entry is None or not entry.country:
        return "unknown"
    return "CN" if entry.country == "CN" else "other"


def _listed(entry: Sdk | None) -> bool:
    return entry is not None and entry.id.startswith(LIBRARY_LIST_ID)


def _same(a: Sdk | None, b: Sdk | None) -> bool:
    return a is not None and b is not None and company_key(a.company) == company_key(b.company)


def measure(from_dirs: list[Path] | None = None, contacts: list[tuple[str, int]] | None = None) -> list[SourceCoverage]:
    sources = discover(from_dirs)
    raw = read_sources([s for s in sources if s.role == "build"])
    if contacts is None:
        contacts = [c for s in sources if s.role == "evaluation" and s.format == "hosts"
                    for c in read_host_contacts(s)]
    full = SdkDb(build(raw=raw).entries)
    out = []
    for source, entries in raw:
        rest = SdkDb(build(raw=raw, exclude=[source.name]).entries)
        cov = SourceCoverage(source=source.name, entries=len(entries),
                             packages={k: Recall() for k in ("CN", "other", "unknown", "all")})
        for r in entries:
            for p in r["packages"]:
                got, truth = rest.by_class(p), full.by_class(p)
                for key in (_region(truth), "all"):
                    cov.packages[key].add(got is not None, _same(got, truth), via_list=_listed(got))
                if got is None and len(cov.missed_examples) < 12:
                    cov.missed_examples.append(p)
            for n in r["native"]:
                got, truth = rest.by_library(n), full.by_library(n)
                cov.native.add(got is not None, _same(got, truth), via_list=_listed(got))
        trackers = [r for r in entries if r.get("category") in TRACKING]
        own = SdkDb([_hosts_only(source.name, trackers)]) if any(r["hosts"] for r in trackers) else None
        if own is not None:
            for host, apps in contacts:
                if own.by_host(host) is not None:
                    got, truth = rest.by_host(host), full.by_host(host)
                    cov.host_contacts.add(got is not None, _same(got, truth), weight=apps)
        if source.fill:
            listed = [e for e in full.entries.values() if _listed(e)]
            for p in (p for e in listed for p in e.packages):
                cov.brand_rule.add(full.by_brand(p) is not None, False)
        out.append(cov)
    for source in (s for s in sources if s.role == "evaluation" and s.format != "hosts"):
        out.append(held_out(source, READERS[source.format](source.directory, list(source.files)), full, contacts))
    return out


def held_out(source: Source, entries: list[RawEntry], full: SdkDb, contacts: list[tuple[str, int]]) -> SourceCoverage:
    """A public tracker list the build never reads: of the real apps' contacts to the hosts it lists in
    a tracking category, the share (weighted by apps) the whole database attributes, and of its
    trackers' own domains, the share attributed (`packages` stays empty: such lists give hosts)."""
    cov = SourceCoverage(source=f"{source.name} (held out)", entries=len(entries), held_out=True,
                         packages={k: Recall() for k in ("CN", "other", "unknown", "all")})
    trackers = [r for r in entries if r.get("category") in TRACKING]
    own = SdkDb([_hosts_only(source.name, trackers)]) if any(r["hosts"] for r in trackers) else None
    if own is not None:
        for host, apps in contacts:
            if own.by_host(host) is not None:
                got = full.by_host(host)
                cov.host_contacts.add(got is not None, False, weight=apps)
    for r in trackers:
        for h in r["hosts"]:
            cov.list_hosts.add(full.by_host(h) is not None, False)
    return cov


def _hosts_only(name: str, entries: list[RawEntry]) -> Sdk:
    hosts = tuple(sorted({h for r in entries for h in r["hosts"]}))
    return Sdk(id="tracker-hosts", name=name, company=name, category="other", country=None, hosts=hosts)


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x * 100:5.1f}%"


def table(rows: list[SourceCoverage]) -> str:
    head = (f"{'source (left out)':<18} {'entries':>7} | {'pkg CN':>14} {'pkg other':>14} {'pkg unknown':>14} "
            f"{'pkg all':>14} | {'native':>14} | {'host contacts (apps)':>24}")
    lines = [head, "-" * len(head)]
    def cell(r: Recall) -> str:
        return f"{_pct(r.recall)} n={int(r.total):<5}".rjust(14)

    def strict(r: Recall) -> str:
        return f"{_pct(r.company_recall)} /{_pct(r.list_share)}".rjust(14)

    def columns(c: SourceCoverage, fmt: Callable[[Recall], str]) -> str:
        p = c.packages
        return f"{fmt(p['CN'])} {fmt(p['other'])} {fmt(p['unknown'])} {fmt(p['all'])} | {fmt(c.native)}"

    for c in (c for c in rows if not c.held_out):
        lines.append(f"{c.source:<18} {c.entries:>7} | {columns(c, cell)} | "
                     f"{_pct(c.host_contacts.recall)} of {int(c.host_contacts.total):>7} contacts")
    for c in (c for c in rows if c.held_out):
        lines.append(f"{c.source}: {_pct(c.host_contacts.recall)} of {int(c.host_contacts.total)} real-app contacts "
                     f"to its tracker hosts; {_pct(c.list_hosts.recall)} of its {int(c.list_hosts.total)} tracker "
                     "domains (whole database: the build never reads it)")
    for c in (c for c in rows if c.brand_rule.total):
        lines.append(f"brand-label rule on {c.source}'s {int(c.brand_rule.total)} library prefixes no named entry "
                     f"covers: {_pct(c.brand_rule.recall)} given a named SDK (false unless the vendor's own library)")
    lines += ["", "stricter: attributed to the same company as in the full build / of the recall, the share "
              "attributed only by a library list (no SDK named)"]
    for c in (c for c in rows if not c.held_out):
        lines.append(f"{c.source:<18} {'':>7} | {columns(c, strict)} | "
                     f"{_pct(c.host_contacts.company_recall)} same company")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.sdk.coverage", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="from_dirs", action="append", type=Path, default=[])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    try:
        rows = measure(args.from_dirs)
    except AnalysisInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(table(rows))
        print("recall: share attributed to some SDK by the database built without that source; "
              "same-company shares: --json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["GOAL_HOST_CONTACTS", "GOAL_PACKAGES", "Recall", "SourceCoverage", "asdict", "measure", "table"]
