"""Exit codes for CI gates: which findings fail a run (`--fail-on`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SEVERITIES = ("info", "low", "medium", "high", "critical")

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INFRA = 0, 1, 2, 3


def parse_fail_on(value: str | None) -> tuple[set[str], str | None]:
    """`high` -> severities at or above high; `collect-before-consent,pi-cleartext` -> those rules;
    both may be mixed. Returns (rule ids, lowest severity or None)."""
    rules: set[str] = set()
    lowest: str | None = None
    for token in (value or "").split(","):
        token = token.strip().lower()
        if not token:
            continue
        if token in SEVERITIES:
            if lowest is None or SEVERITIES.index(token) < SEVERITIES.index(lowest):
                lowest = token
        else:
            rules.add(token)
    return rules, lowest


def matched_findings(run_dirs: Iterable[Path], fail_on: str | None) -> int:
    """How many findings in these runs meet `fail_on`."""
    import pandas as pd

    rules, lowest = parse_fail_on(fail_on)
    if not rules and lowest is None:
        return 0
    total = 0
    for run_dir in run_dirs:
        path = Path(run_dir) / "findings.parquet"
        if not path.exists():
            continue
        df = pd.read_parquet(path, columns=["rule", "severity"])
        hit = df["rule"].isin(rules)
        if lowest is not None:
            rank = df["severity"].str.lower().map({s: i for i, s in enumerate(SEVERITIES)}).fillna(-1)
            hit |= rank >= SEVERITIES.index(lowest)
        total += int(hit.sum())
    return total
