"""Source snapshots: a directory with `source.yaml` (what it is, where it came from, its licence) and
the data files it names. `analysis/sdk/sources/` holds the vendored ones; `--from DIR` adds more
(a directory holding `source.yaml`, or a directory of such directories)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.errors import AnalysisInputError

SOURCES_DIR = Path(__file__).resolve().parent.parent / "sources"
REQUIRED = ("name", "title", "format", "files", "licence", "url")
ROLES = ("build", "evaluation")


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    format: str
    files: tuple[str, ...]
    directory: Path
    licence: str
    url: str
    role: str = "build"
    priority: int = 50
    repo: str | None = None
    commit: str | None = None
    date: str | None = None
    redistribute: bool = True
    fill: bool = False  # a list naming no SDK or company: only fills namespaces nothing else claims

    def provenance(self) -> dict:
        return {"name": self.name, "title": self.title, "url": self.url, "repo": self.repo, "commit": self.commit,
                "date": self.date, "licence": self.licence}


def read_source(directory: Path) -> Source:
    from analysis.sdk.builder.readers import READERS

    meta_path = directory / "source.yaml"
    src = str(meta_path)
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AnalysisInputError(f"not readable ({exc})", source=src) from exc
    if not isinstance(meta, dict):
        raise AnalysisInputError("expected a mapping", source=src)
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise AnalysisInputError(f"missing {', '.join(missing)}", source=src)
    if meta["format"] not in READERS:
        raise AnalysisInputError(f"unknown format {meta['format']!r}; one of {sorted(READERS)}", source=src,
                                 where="format")
    files = meta["files"] if isinstance(meta["files"], list) else [meta["files"]]
    for f in files:
        if not isinstance(f, str) or "/" in f or "\\" in f or f.startswith("."):
            raise AnalysisInputError(f"file names are plain names in the same directory, not {f!r}", source=src,
                                     where="files")
        if not (directory / f).is_file():
            raise AnalysisInputError(f"names {f} which is not there", source=src, where="files")
    role = meta.get("role", "build")
    if role not in ROLES:
        raise AnalysisInputError(f"role must be one of {ROLES}", source=src, where="role")
    return Source(name=str(meta["name"]), title=str(meta["title"]), format=str(meta["format"]),
                  files=tuple(files), directory=directory, licence=str(meta["licence"]), url=str(meta["url"]),
                  role=role, priority=int(meta.get("priority", 50)), repo=meta.get("repo"),
                  commit=str(meta["commit"]) if meta.get("commit") else None,
                  date=str(meta["date"]) if meta.get("date") else None,
                  redistribute=bool(meta.get("redistribute", True)), fill=bool(meta.get("fill", False)))


def discover(dirs: list[Path] | None = None, include_vendored: bool = True) -> list[Source]:
    """Every source under the vendored directory and the given ones, ordered by priority then name."""
    roots = ([SOURCES_DIR] if include_vendored else []) + [Path(d) for d in dirs or []]
    found: dict[str, Source] = {}
    for root in roots:
        if not root.is_dir():
            raise AnalysisInputError("not a directory", source=str(root))
        candidates = [root] if (root / "source.yaml").is_file() else sorted(
            p for p in root.iterdir() if (p / "source.yaml").is_file())
        for d in candidates:
            s = read_source(d)
            found[s.name] = s  # a --from snapshot of the same name replaces the vendored one
    return sorted(found.values(), key=lambda s: (s.priority, s.name))
