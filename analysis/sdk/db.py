"""The SDK database: Java package prefixes, native library names and destination host suffixes
mapped to an SDK, its company, category and country.

The built-in data lives in `analysis/sdk/data/*.yaml` (format in docs/rules.md); a lab adds or
overrides entries with its own YAML or CSV files, given with `--db FILE` or listed in the
`CONSENTRY_SDK_DB` environment variable (paths separated by `os.pathsep`). A later file's entry with
the same `id` replaces the earlier one. Lookups go by dotted segments, longest prefix (classes) or
suffix (hosts) first, so a lookup costs a handful of dict probes whatever the database size."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.errors import AnalysisInputError

DATA_DIR = Path(__file__).with_name("data")
ENV_VAR = "CONSENTRY_SDK_DB"
MAX_DB_BYTES = 8 << 20
CATEGORIES = frozenset(
    "analytics advertising attribution push crash_reporting apm location maps payment social login "
    "identification risk_control customer_support cloud messaging rtc ab_testing consent marketing media "
    "speech protection framework utility devtool iot measurement network_measurement".split()
)
# Libraries that carry calls for whoever uses them; attribution looks past them to the caller.
TRANSPARENT_CATEGORIES = frozenset({"utility", "framework", "devtool"})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_NATIVE_RE = re.compile(r"([A-Za-z0-9_.+-]+?)\.so\b")


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

    @property
    def transparent(self) -> bool:
        return self.category in TRANSPARENT_CATEGORIES


def _as_list(value, source: str, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnalysisInputError("expected a list of strings", source=source, where=where)
    return tuple(v.strip().strip(".").lower() if where.endswith("hosts") else v.strip().rstrip(".") for v in value if v.strip())


def parse_entry(raw: dict, source: str, where: str) -> Sdk:
    """One database entry, validated; errors name the file and entry."""
    if not isinstance(raw, dict):
        raise AnalysisInputError("entry must be a mapping", source=source, where=where)
    missing = [k for k in ("id", "name", "company", "category", "source") if not raw.get(k)]
    if missing:
        raise AnalysisInputError(f"missing {', '.join(missing)}", source=source, where=where)
    sdk_id = str(raw["id"])
    if not _ID_RE.match(sdk_id):
        raise AnalysisInputError(f"bad id {sdk_id!r} (lowercase letters, digits, . _ -)", source=source, where=where)
    category = str(raw["category"])
    if category not in CATEGORIES:
        raise AnalysisInputError(f"unknown category {category!r}; one of {sorted(CATEGORIES)}", source=source,
                                 where=f"{where} ({sdk_id})")
    country = raw.get("country")
    entry = Sdk(
        id=sdk_id,
        name=str(raw["name"]),
        company=str(raw["company"]),
        category=category,
        country=str(country).upper() if country else None,
        packages=_as_list(raw.get("packages"), source, f"{where} ({sdk_id}).packages"),
        native=_as_list(raw.get("native"), source, f"{where} ({sdk_id}).native"),
        hosts=_as_list(raw.get("hosts"), source, f"{where} ({sdk_id}).hosts"),
        source=str(raw["source"]),
    )
    if not (entry.packages or entry.native or entry.hosts):
        raise AnalysisInputError("needs at least one of packages, native, hosts", source=source, where=f"{where} ({sdk_id})")
    return entry


def read_db_file(path: Path) -> list[Sdk]:
    """Entries of one YAML (`sdks:` list) or CSV (header: id,name,company,category,country,packages,native,hosts,source) file."""
    src = str(path)
    if not path.is_file():
        raise AnalysisInputError("SDK database file not found", source=src)
    if path.stat().st_size > MAX_DB_BYTES:
        raise AnalysisInputError(f"larger than {MAX_DB_BYTES} bytes", source=src)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        return [parse_entry(row, src, f"line {i + 2}") for i, row in enumerate(rows)]
    try:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AnalysisInputError(f"not valid YAML ({getattr(exc, 'problem', exc)})", source=src,
                                 where=f"line {mark.line + 1}" if mark else None) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sdks"), list):
        raise AnalysisInputError("expected a mapping with an `sdks:` list", source=src)
    return [parse_entry(raw, src, f"sdks[{i}]") for i, raw in enumerate(doc["sdks"])]


class SdkDb:
    """Indexes over the entries: package prefix, native library prefix and host suffix -> Sdk."""

    def __init__(self, entries: list[Sdk]):
        by_id: dict[str, Sdk] = {}
        for e in entries:
            by_id[e.id] = e  # later files override earlier ones
        self.entries: dict[str, Sdk] = by_id
        self.packages: dict[str, Sdk] = {}
        self.hosts: dict[str, Sdk] = {}
        native: dict[str, Sdk] = {}
        for e in by_id.values():
            for p in e.packages:
                self.packages[p] = e
            for h in e.hosts:
                self.hosts[h] = e
            for n in e.native:
                native[n.removesuffix(".so").lower()] = e
        self.native = sorted(native.items(), key=lambda kv: -len(kv[0]))

    def __len__(self) -> int:
        return len(self.entries)

    def by_class(self, name: str) -> Sdk | None:
        """Longest package/class prefix of a dotted Java name (a frame's method part is fine)."""
        name = name.split("(", 1)[0].strip()
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            hit = self.packages.get(".".join(parts[:n]))
            if hit is not None:
                return hit
            if "$" in parts[n - 1]:  # inner classes: Foo$Bar -> Foo
                hit = self.packages.get(".".join(parts[: n - 1] + [parts[n - 1].split("$", 1)[0]]))
                if hit is not None:
                    return hit
        return None

    def by_library(self, lib: str) -> Sdk | None:
        """A native library name (`libjcore247.so`, `libumeng_sim`): longest name prefix followed by
        a non-letter, so `libapp` does not claim `libappguard.so`; case-insensitive (`libbugly_sim`)."""
        base = lib.rsplit("/", 1)[-1].removesuffix(".so").lower()
        for prefix, entry in self.native:
            if base.startswith(prefix) and (len(base) == len(prefix) or not base[len(prefix)].isalpha()):
                return entry
        return None

    def by_host(self, host: str) -> Sdk | None:
        """Longest domain suffix of a host name (`a.b.umeng.com` -> `umeng.com`)."""
        labels = host.strip().strip(".").lower().split(".")
        for i in range(len(labels)):
            hit = self.hosts.get(".".join(labels[i:]))
            if hit is not None:
                return hit
        return None

    def by_frame(self, frame: str) -> Sdk | None:
        """A stack frame: Java (`pkg.Class.method(File.java:1)`) or native (`libx.so!sym+0x1`)."""
        m = _NATIVE_RE.search(frame)
        if m and ("!" in frame or " " in frame.strip() or frame.strip().endswith(".so") or "/" in frame):
            return self.by_library(m.group(1))
        return self.by_class(frame)


def db_paths(extra: Sequence[str | Path] | None = None) -> list[Path]:
    """Built-in files, then `CONSENTRY_SDK_DB` files, then `extra` (later ones override)."""
    paths = sorted(DATA_DIR.glob("*.yaml")) + sorted(DATA_DIR.glob("*.csv"))
    env = os.environ.get(ENV_VAR, "")
    paths += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    paths += [Path(p) for p in extra or []]
    return paths


@lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...]) -> SdkDb:
    entries: list[Sdk] = []
    for p in paths:
        entries.extend(read_db_file(Path(p)))
    return SdkDb(entries)


def load_db(extra: Sequence[str | Path] | None = None) -> SdkDb:
    """The database: built-in entries plus the lab's files (env var, then `extra`)."""
    return _load_cached(tuple(str(p) for p in db_paths(extra)))
