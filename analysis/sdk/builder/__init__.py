"""Building the SDK database: vendored public snapshots + hand-written entries -> one compact file.

(The package is `builder`: a directory named `build/` is ignored by the repository's .gitignore.)

`python -m analysis.sdk.build [--from DIR] [--out FILE]` (also `consentry sdk build`). The output is
deterministic for the same inputs (sorted entries, sorted keys, gzip without a timestamp), so the
shipped `analysis/sdk/data/sdk_db.json.gz` can be checked against a fresh build."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.sdk.builder.merge import HAND, merge
from analysis.sdk.builder.readers import READERS, RawEntry
from analysis.sdk.builder.sources import Source, discover
from analysis.sdk.db import COMPILED, COMPILED_SCHEMA, hand_written_paths, read_db_file
from analysis.sdk.entry import Sdk


@dataclass(frozen=True)
class BuildResult:
    entries: list[Sdk]
    sources: list[Source]

    def document(self) -> dict:
        return {
            "schema": COMPILED_SCHEMA,
            "sources": [{"name": HAND, "title": "consentry's hand-written entries (analysis/sdk/data/*.yaml)",
                         "licence": "Apache-2.0"}] + [s.provenance() for s in self.sources],
            "licence": "ODbL-1.0 as a whole (it contains the Exodus Privacy ETIP database); see docs/sdk.md",
            "sdks": [e.as_record() for e in self.entries],
        }


def read_sources(sources: Iterable[Source]) -> list[tuple[Source, list[RawEntry]]]:
    return [(s, READERS[s.format](s.directory, list(s.files))) for s in sources]


def hand_entries() -> list[Sdk]:
    out: list[Sdk] = []
    for p in hand_written_paths():
        out.extend(read_db_file(p))
    return out


def build(from_dirs: list[Path] | None = None, exclude: Iterable[str] = (), include_vendored: bool = True,
          fallbacks: bool = True, raw: list[tuple[Source, list[RawEntry]]] | None = None) -> BuildResult:
    """Merge the build sources (minus `exclude`, by name) with the hand-written entries. `raw` reuses
    sources already read (the leave-one-source-out measurement builds many times)."""
    skip = set(exclude)
    if raw is None:
        chosen = [s for s in discover(from_dirs, include_vendored) if s.role == "build" and s.name not in skip]
        raw = read_sources(chosen)
    else:
        raw = [(s, r) for s, r in raw if s.name not in skip and s.role == "build"]
    entries = merge(hand_entries() if HAND not in skip else [], raw, fallbacks=fallbacks)
    return BuildResult(entries=entries, sources=[s for s, _ in raw])


def write(result: BuildResult, out: Path = COMPILED) -> Path:
    data = json.dumps(result.document(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as raw_fh, gzip.GzipFile(filename="", mode="wb", fileobj=raw_fh, mtime=0,
                                                  compresslevel=9) as fh:
        fh.write(data)
    tmp.replace(out)
    return out


__all__ = ["BuildResult", "build", "read_sources", "write"]
