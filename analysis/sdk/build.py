"""`python -m analysis.sdk.build [--from DIR]... [--out FILE]`: rebuild the SDK database.

The work is in `analysis.sdk.builder` (sources, readers, merge); this module is the entry point and
re-exports `build` and `write` for callers (`consentry sdk build`, the coverage measurement)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.sdk.builder import BuildResult, build, read_sources, write
from analysis.sdk.db import COMPILED

__all__ = ["BuildResult", "build", "main", "read_sources", "write"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.sdk.build", description=__doc__)
    ap.add_argument("--from", dest="from_dirs", action="append", type=Path, default=[],
                    help="extra snapshot directory (holding source.yaml, or directories that do)")
    ap.add_argument("--out", type=Path, default=COMPILED, help=f"output file (default {COMPILED})")
    args = ap.parse_args(argv)
    try:
        result = build(args.from_dirs)
    except AnalysisInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write(result, args.out)
    print(f"{len(result.entries)} SDKs from {', '.join(s.name for s in result.sources)} + hand-written -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
