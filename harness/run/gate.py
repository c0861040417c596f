"""Exit codes for CI gates: which findings fail a run (`--fail-on`), decided by analysis's own
`at_or_above` so that `consentry run`, `suite` and `report` agree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INFRA = 0, 1, 2, 3


def check_fail_on(fail_on: str | None) -> None:
    """Refuse an unknown rule id before hours of runs, not after (AnalysisInputError -> exit 2)."""
    from analysis.findings import at_or_above, empty_findings

    at_or_above(empty_findings(), fail_on)


def matched_findings(run_dirs: Iterable[Path], fail_on: str | None) -> int:
    """How many findings in these runs meet `fail_on`."""
    if not fail_on:
        return 0
    import pandas as pd

    from analysis.findings import at_or_above

    frames = [pd.read_parquet(p, columns=["rule", "severity"])
              for p in (Path(d) / "findings.parquet" for d in run_dirs) if p.exists()]
    if not frames:
        return 0
    return len(at_or_above(pd.concat(frames, ignore_index=True), fail_on))
