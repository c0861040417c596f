"""Readers for the snapshot formats: each turns one source directory into raw entries.

A raw entry is a plain dict: `ref` (the source's own key, for error messages and provenance), `name`,
`company`, `country`, `category`, `packages`, `native`, `hosts`, `transparent`, `url`. Readers only
translate; merging, ids and fallbacks are the merge's job. A malformed file raises
AnalysisInputError naming the file and the entry."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.sdk.builder import classify

RawEntry = dict
_META = re.compile(r"[\\()\[\]{}*+?^$|]")
_PKG_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
_HOST_OK = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
PLATFORM = ("android.", "java.", "javax.", "dalvik.", "kotlin.", "com.android.internal.")


def package_prefix(signature: str) -> str | None:
    """A Java package prefix from a signature or a regex (`org.hapjs.(.*)` -> `org.hapjs`)."""
    text = signature.strip().replace("\\.", ".").replace("/", ".")
    cut = _META.search(text)
    text = (text[: cut.start()] if cut else text).strip(". ")
    if not _PKG_OK.match(text) or text.startswith(PLATFORM) or len(text) > 200:
        return None
    return text


def class_package(name: str) -> str | None:
    """The package of a component class (`com.igexin.sdk.PushService` -> `com.igexin.sdk`); intent
    actions (`...intent.RECEIVE`) give their namespace minus the action words."""
    name = name.strip()
    if _META.search(name.replace("\\.", ".").replace(".", "")):
        return package_prefix(name)
    parts = name.split(".")
    if len(parts) < 3:
        return None
    last = parts[-1]
    if last.isupper() or "_" in last and last.upper() == last:  # an action constant
        parts = [p for p in parts[:-1] if p not in ("intent", "action")]
        return package_prefix(".".join(parts))
    if last[:1].isupper() or last[:1].isdigit():
        return package_prefix(".".join(parts[:-1]))
    return package_prefix(name)


def native_prefix(name: str) -> str | None:
    """A native library name or regex (`libjcore(.*)\\.so` -> `libjcore`), lower case, no `.so`."""
    text = name.strip().replace("\\.", ".")
    cut = _META.search(text)
    text = text[: cut.start()] if cut else text
    text = text.split(".so", 1)[0].rstrip("._-").lower()
    return text if len(text) >= 3 and not text.startswith(".") else None


def host_suffixes(pattern: str) -> list[str]:
    """Host suffixes from a network-signature regex: each alternative's literal tail, at least two
    labels (`.*\\.jiguang\\.cn` -> `jiguang.cn`; `mst[0-9]*\\.is\\.autonavi\\.com` -> `is.autonavi.com`;
    a trailing wildcard TLD `adservice\\.google\\..*` -> `adservice.google.com`)."""
    out = []
    for alt in pattern.split("|"):
        alt = alt.strip().strip("^$")
        if alt.endswith("\\..*") or alt.endswith("..*"):
            alt = alt[: -3].rstrip("\\.") + "\\.com"
        text = alt.replace("\\.", "\x00").replace("\\-", "-")
        metas = list(_META.finditer(text))
        if metas:
            text = text[metas[-1].end():]
        host = text.replace("\x00", ".").strip(".").lower()
        if _HOST_OK.match(host) and host.count(".") >= 1:
            out.append(host)
    return list(dict.fromkeys(out))


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AnalysisInputError(f"not readable JSON ({exc})", source=str(path)) from exc


def _section(description: str, title: str) -> str | None:
    m = re.search(rf"##\s*{title}\s*\r?\n+\s*([^\r\n]+)", description or "")
    return m.group(1).strip() if m else None


def read_exodus(directory: Path, files: list[str]) -> list[RawEntry]:
    """Exodus Privacy's tracker list, as its API serves it (`{"trackers": {id: {...}}}`) or a list."""
    out = []
    for fname in files:
        path = directory / fname
        doc = _load_json(path)
        items = doc.get("trackers", doc) if isinstance(doc, dict) else doc
        items = list(items.values()) if isinstance(items, dict) else items
        if not isinstance(items, list):
            raise AnalysisInputError("expected {trackers: {...}} or a list of trackers", source=str(path))
        for i, t in enumerate(items):
            where = f"trackers[{i}]"
            if not isinstance(t, dict) or not isinstance(t.get("name"), str):
                raise AnalysisInputError("tracker without a name", source=str(path), where=where)
            code, net = t.get("code_signature") or "", t.get("network_signature") or ""
            cats = t.get("categories") or []
            if not isinstance(code, str) or not isinstance(net, str) or not isinstance(cats, list):
                raise AnalysisInputError("code_signature/network_signature must be strings, categories a list",
                                         source=str(path), where=f"{where} ({t['name']})")
            desc: str = t["description"] if isinstance(t.get("description"), str) else ""
            owner = _section(desc, "Ownership")
            out.append({
                "ref": f"exodus:{t.get('id', i)}", "name": t["name"].strip(),
                "company": owner or classify.company_from_url(t.get("website")) or t["name"].split()[0],
                "country": classify.country_from_name(_section(desc, "Primary Location")),
                "category": classify.exodus_category([str(c) for c in cats]),
                "packages": [p for p in map(package_prefix, code.split("|")) if p],
                "native": [], "hosts": host_suffixes(net), "transparent": False, "url": t.get("website"),
            })
    return out


def _read_csv(path: Path) -> list[dict]:
    try:
        return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AnalysisInputError(f"not readable CSV ({exc})", source=str(path)) from exc


def read_libchecker(directory: Path, files: list[str]) -> list[RawEntry]:
    """LibChecker's rules (rules.csv: name,label,type,is_regex,regex_name; type 0 native library,
    1-4 components, 5 package, 6 and 9 actions and other names) grouped by label, with rule_details.jsonl
    (label, team, url, description)."""
    rules_path = directory / "rules.csv"
    details: dict[str, dict] = {}
    details_path = directory / "rule_details.jsonl"
    if details_path.is_file():
        for n, line in enumerate(details_path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                d = json.loads(line)
            except ValueError as exc:
                raise AnalysisInputError(f"not JSON ({exc})", source=str(details_path), where=f"line {n}") from exc
            if isinstance(d, dict) and isinstance(d.get("label"), str):
                details[d["label"].strip()] = d
    groups: dict[str, RawEntry] = {}
    for n, row in enumerate(_read_csv(rules_path), 2):
        name, label, kind = (row.get("name") or "").strip(), (row.get("label") or "").strip(), row.get("type")
        if not name or not label or kind is None or not str(kind).strip().isdigit():
            raise AnalysisInputError("needs name, label and a numeric type", source=str(rules_path), where=f"line {n}")
        d = details.get(label, {})
        g = groups.setdefault(label, {
            "ref": f"libchecker:{label}", "name": label, "company": (d.get("team") or "").strip() or None,
            "country": None, "category": None, "packages": [], "native": [], "hosts": [], "transparent": False,
            "url": d.get("url"), "description": d.get("description") or "",
        })
        t = int(kind)
        if t == 0:
            lib = native_prefix(name)
            if lib:
                g["native"].append(lib)
        else:
            pkg = package_prefix(name) if t == 5 else class_package(name)
            if pkg:
                g["packages"].append(pkg)
    out = []
    for g in groups.values():
        g["packages"] = list(dict.fromkeys(g["packages"]))
        g["native"] = list(dict.fromkeys(g["native"]))
        g["category_hint"] = classify.category_from_text(g["name"], g.pop("description"), g["url"])
        g["cjk"] = classify.has_cjk(g["name"])
        if g["packages"] or g["native"]:
            out.append(g)
    return out


def read_libradar(directory: Path, files: list[str]) -> list[RawEntry]:
    """LibRadar's tag rules: `Package Name` (Lcom/umeng/analytics), `Library Name`, `Type`, website."""
    out = []
    for fname in files:
        path = directory / fname
        for n, row in enumerate(_read_csv(path), 2):
            name, lib, kind = (row.get("Package Name") or "").strip(), (row.get("Library Name") or "").strip(), \
                (row.get("Type") or "").strip()
            if not name:
                raise AnalysisInputError("missing Package Name", source=str(path), where=f"line {n}")
            if lib in ("", "no") or not kind:
                continue
            pkg = package_prefix(name.removeprefix("L"))
            if not pkg:
                continue
            url = (row.get("Official Website") or "").strip() or None
            out.append({"ref": f"libradar:{pkg}", "name": lib, "company": classify.company_from_url(url),
                        "country": None, "category": classify.LIBRADAR.get(kind, "other"), "packages": [pkg],
                        "native": [], "hosts": [], "transparent": False, "url": url})
    return out


def read_libscout(directory: Path, files: list[str]) -> list[RawEntry]:
    """LibScout's library specs: {"libraries": [{name, category, groupid, artefactid, ...}]}; the Maven
    group id stands for the package prefix (the support library's `com.android.support` is `android.support`)."""
    out = []
    for fname in files:
        path = directory / fname
        doc = _load_json(path)
        libs = doc.get("libraries") if isinstance(doc, dict) else None
        if not isinstance(libs, list):
            raise AnalysisInputError("expected {libraries: [...]}", source=str(path))
        for i, lib in enumerate(libs):
            if not isinstance(lib, dict) or not lib.get("name") or not lib.get("groupid"):
                raise AnalysisInputError("library needs name and groupid", source=str(path), where=f"libraries[{i}]")
            group = str(lib["groupid"]).strip()
            if group.startswith("com.android.support"):
                continue  # android.support.* is platform-adjacent code, covered by the hand-written entries
            pkg = package_prefix(group)
            if not pkg:
                continue
            name = str(lib["name"]).split("::")[-1]
            out.append({"ref": f"libscout:{group}:{lib.get('artefactid', '')}", "name": name, "company": None,
                        "country": None, "category": classify.LIBSCOUT.get(str(lib.get("category")), "other"),
                        "packages": [pkg], "native": [], "hosts": [], "transparent": False,
                        "url": lib["repo"] if str(lib.get("repo", "")).startswith("http") else None})
    return out


def read_sdk_db(directory: Path, files: list[str]) -> list[RawEntry]:
    """A file in consentry's own database format (YAML/CSV/JSON), e.g. a lab's list given with --from."""
    from analysis.sdk.db import read_db_file

    out = []
    for fname in files:
        for e in read_db_file(directory / fname):
            out.append({"ref": f"{fname}:{e.id}", "id": e.id, "name": e.name, "company": e.company,
                        "country": e.country, "category": e.category, "packages": list(e.packages),
                        "native": list(e.native), "hosts": list(e.hosts), "transparent": e.transparent,
                        "url": e.source})
    return out


def read_ddg_tds(directory: Path, files: list[str]) -> list[RawEntry]:
    """DuckDuckGo's tracker data set (`{"trackers": {domain: {owner: {name, displayName}, categories}}}`):
    one entry per owner with its domains. Licence CC BY-NC-SA 4.0: an optional input, never vendored."""
    owners: dict[str, RawEntry] = {}
    for fname in files:
        path = directory / fname
        doc = _load_json(path)
        trackers = doc.get("trackers") if isinstance(doc, dict) else None
        if not isinstance(trackers, dict):
            raise AnalysisInputError("expected {trackers: {domain: {...}}}", source=str(path))
        for dom, t in trackers.items():
            owner = (t.get("owner") or {}) if isinstance(t, dict) else {}
            name = owner.get("displayName") or owner.get("name") if isinstance(owner, dict) else None
            if not isinstance(name, str) or not _HOST_OK.match(str(dom).lower()):
                continue
            cats = [str(c).lower() for c in t.get("categories") or []]
            g = owners.setdefault(name, {"ref": f"ddg:{name}", "name": name, "company": owner.get("name") or name,
                                         "country": None, "category": None, "packages": [], "native": [],
                                         "hosts": [], "transparent": False, "url": None, "cats": []})
            g["hosts"].append(str(dom).lower())
            g["cats"].extend(cats)
    for g in owners.values():
        cats = g.pop("cats")
        g["category"] = ("advertising" if any("advertising" in c or "ad " in c for c in cats) else
                         "analytics" if any("analytics" in c or "audience" in c for c in cats) else
                         "cdn" if any("cdn" in c for c in cats) else "other")
    return list(owners.values())


def read_xray(directory: Path, files: list[str]) -> list[RawEntry]:
    """The X-Ray tracker list (`[{owner_name, root_parent, country, doms: [...]}]`, Binns et al.)."""
    out = []
    for fname in files:
        path = directory / fname
        doc = _load_json(path)
        if not isinstance(doc, list):
            raise AnalysisInputError("expected a list of owners", source=str(path))
        for i, o in enumerate(doc):
            if not isinstance(o, dict) or not isinstance(o.get("owner_name"), str) or not isinstance(o.get("doms"), list):
                raise AnalysisInputError("owner needs owner_name and doms", source=str(path), where=f"[{i}]")
            hosts = [str(d).lower().strip(".") for d in o["doms"] if _HOST_OK.match(str(d).lower().strip("."))]
            if hosts:
                out.append({"ref": f"xray:{o['owner_name']}", "name": o["owner_name"],
                            "company": o.get("root_parent") or o["owner_name"],
                            "country": str(o["country"]).upper() if o.get("country") else None,
                            "category": "other", "packages": [], "native": [], "hosts": hosts,
                            "transparent": False, "url": None})
    return out


def read_hosts_list(directory: Path, files: list[str]) -> list[RawEntry]:
    """A plain host list (hosts file or one domain a line, `||domain^` filter rules): one entry per
    registrable domain, company unknown. For optional filter lists given with --from."""
    groups: dict[str, RawEntry] = {}
    rule = re.compile(r"^(?:0\.0\.0\.0|127\.0\.0\.1)?\s*(?:\|\|)?([a-z0-9.-]+)\^?\s*$")
    for fname in files:
        path = directory / fname
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            m = rule.match(line.strip().lower())
            if not m or not _HOST_OK.match(m.group(1)) or m.group(1) in ("localhost", "local"):
                continue
            rd = classify.registrable_domain(m.group(1))
            g = groups.setdefault(rd, {"ref": f"hosts:{rd}", "name": rd, "company": rd, "country": None,
                                       "category": "other", "packages": [], "native": [], "hosts": [],
                                       "transparent": False, "url": None})
            g["hosts"].append(m.group(1))
    return list(groups.values())


def read_package_list(directory: Path, files: list[str]) -> list[RawEntry]:
    """A plain list of library package prefixes or Maven group ids, one a line (`#` comments), naming
    neither SDK nor company (AndroLibZoo): one entry per package namespace (first two segments), a
    library. Names that are not Java packages (`com.vladsch.tree-iteration`) are skipped."""
    groups: dict[str, RawEntry] = {}
    for fname in files:
        path = directory / fname
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AnalysisInputError(f"not readable text ({exc})", source=str(path)) from exc
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            if len(text) > 200:
                raise AnalysisInputError("a package name of over 200 characters", source=str(path),
                                         where=f"line {lines.index(line) + 1}")
            pkg = text if _PKG_OK.match(text) and not text.startswith(PLATFORM) else None
            if pkg is None:
                continue
            ns = ".".join(pkg.split(".")[:2])
            g = groups.setdefault(ns, {"ref": f"list:{ns}", "name": ns, "company": ns, "country": None,
                                       "category": "library", "packages": [], "native": [], "hosts": [],
                                       "transparent": True, "url": None})
            g["packages"].append(pkg)
    return [groups[k] for k in sorted(groups)]


ADGUARD = {"advertising": "advertising", "pornvertising": "advertising", "site_analytics": "analytics",
           "mobile_analytics": "analytics", "telemetry": "analytics", "social_media": "social",
           "customer_interaction": "customer_support", "cdn": "cdn", "hosting": "cloud",
           "audio_video_player": "media"}


def read_adguard(directory: Path, files: list[str]) -> list[RawEntry]:
    """AdGuard companiesdb trackers (`{"categories": {id: name}, "trackers": {key: {name, categoryId,
    url, companyId}}, "trackerDomains": {domain: key}}`): one entry per tracker with its domains."""
    out = []
    for fname in files:
        path = directory / fname
        doc = _load_json(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("trackers"), dict) \
                or not isinstance(doc.get("trackerDomains"), dict):
            raise AnalysisInputError("expected trackers and trackerDomains mappings", source=str(path))
        names = {str(k): str(v) for k, v in (doc.get("categories") or {}).items()}
        domains: dict[str, list[str]] = {}
        for dom, key in doc["trackerDomains"].items():
            if isinstance(dom, str) and isinstance(key, str) and _HOST_OK.match(dom.lower()):
                domains.setdefault(key, []).append(dom.lower())
        for key, t in sorted(doc["trackers"].items()):
            if not isinstance(t, dict) or not t.get("name"):
                raise AnalysisInputError("needs a name", source=str(path), where=f"trackers.{key}")
            if not domains.get(key):
                continue
            out.append({"ref": f"adguard:{key}", "name": str(t["name"]),
                        "company": str(t.get("companyId") or t["name"]), "country": None,
                        "category": ADGUARD.get(names.get(str(t.get("categoryId")), ""), "other"),
                        "packages": [], "native": [], "hosts": sorted(domains[key]), "transparent": False,
                        "url": t.get("url") if isinstance(t.get("url"), str) else None})
    return out


WHOTRACKSME = {"advertising": "advertising", "pornvertising": "advertising", "site_analytics": "analytics",
               "customer_interaction": "customer_support", "social_media": "social", "comments": "social",
               "cdn": "cdn", "hosting": "cloud", "audio_video_player": "media"}


def read_whotracksme(directory: Path, files: list[str]) -> list[RawEntry]:
    """WhoTracks.me's tracker database, exported one tracker a row: id, name, category, website,
    company, country, domains (space separated)."""
    out = []
    for fname in files:
        path = directory / fname
        for n, row in enumerate(_read_csv(path), 2):
            name = (row.get("name") or "").strip()
            doms = [d for d in (row.get("domains") or "").lower().split() if _HOST_OK.match(d)]
            if not name or not row.get("id"):
                raise AnalysisInputError("needs id and name", source=str(path), where=f"line {n}")
            if not doms:
                continue
            country = (row.get("country") or "").strip().upper() or None
            out.append({"ref": f"whotracksme:{row['id']}", "name": name,
                        "company": (row.get("company") or "").strip() or name,
                        "country": "GB" if country == "UK" else country,
                        "category": WHOTRACKSME.get((row.get("category") or "").strip(), "other"),
                        "packages": [], "native": [], "hosts": doms, "transparent": False,
                        "url": (row.get("website") or "").strip() or None})
    return out


def read_mediation_adapters(directory: Path, files: list[str]) -> list[RawEntry]:
    """A mediation platform's adapters (`adapter,packages,imports`: one ad network a row, the Java
    packages its adapter imports, space separated): one advertising entry per network."""
    out = []
    for fname in files:
        path = directory / fname
        for n, row in enumerate(_read_csv(path), 2):
            name = (row.get("adapter") or "").strip()
            pkgs = [package_prefix(p) for p in (row.get("packages") or "").split()]
            if not name or not pkgs or None in pkgs:
                raise AnalysisInputError("needs an adapter name and Java package names", source=str(path),
                                         where=f"line {n}")
            out.append({"ref": f"adapter:{name}", "name": name, "company": None, "country": None,
                        "category": "advertising", "packages": [p for p in pkgs if p], "native": [], "hosts": [],
                        "transparent": False, "url": None})
    return out


def _named_kind(label: str) -> str | None:
    """The kind a keep-rule label names, or None (unknown: `other`); unlike LibChecker's rules, a label that
    names no kind is not thereby a library."""
    kind = classify.category_from_text(label, "", None)
    return None if kind == "library" else kind


def read_keep_rules(directory: Path, files: list[str]) -> list[RawEntry]:
    """Apps' ProGuard keep-rule declarations (`label,prefix,repo,path,commit,file_id`, extracted by
    `analysis.sdk.keep_rules`): one entry per record, i.e. per comment label of one file, with the package
    prefixes of the rules under it. The label is the developer's own words; the category is what it names
    (`高德地图` maps, `崩溃上报` crash reporting), else left to the merge."""
    groups: dict[tuple[str, str], RawEntry] = {}
    for fname in files:
        path = directory / fname
        for n, row in enumerate(_read_csv(path), 2):
            label, raw_prefix = (row.get("label") or "").strip(), (row.get("prefix") or "").strip()
            pkg = package_prefix(raw_prefix)
            repo, file_id = (row.get("repo") or "").strip(), (row.get("file_id") or "").strip()
            if not label or not pkg or not repo or not file_id:
                raise AnalysisInputError("needs label, a Java package prefix, repo and file_id", source=str(path),
                                         where=f"line {n}")
            commit, rel = (row.get("commit") or "").strip(), (row.get("path") or "").strip()
            g = groups.setdefault((file_id, label), {
                "ref": f"keep-rules:{file_id}:{label}", "name": label[:120], "company": None, "country": None,
                "category": None, "packages": [], "native": [], "hosts": [], "transparent": False,
                "url": f"https://github.com/{repo}/blob/{commit}/{rel}" if commit and rel else f"https://github.com/{repo}",
                "category_hint": _named_kind(label), "cjk": classify.has_cjk(label)})
            if pkg not in g["packages"]:
                g["packages"].append(pkg)
    return list(groups.values())


READERS: dict[str, Callable[[Path, list[str]], list[RawEntry]]] = {
    "exodus": read_exodus, "libchecker": read_libchecker, "libradar": read_libradar, "libscout": read_libscout,
    "sdk-db": read_sdk_db, "whotracksme": read_whotracksme, "ddg-tds": read_ddg_tds, "xray": read_xray, "hosts": read_hosts_list,
    "package-list": read_package_list, "adguard": read_adguard, "mediation-adapters": read_mediation_adapters,
    "keep-rules": read_keep_rules,
}
