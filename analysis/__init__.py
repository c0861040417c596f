"""consentry analysis: run directories -> pandas tables -> findings -> reports.

Never imports `harness`: analysts load runs without any device code.

    import analysis
    runs = analysis.open_runs("runs/")           # RunSet of typed DataFrames across runs
    findings = analysis.evaluate(runs)            # one row per finding, with JSON evidence
    analysis.write_findings(runs, findings)       # findings.parquet into each run directory

Names are imported lazily so that `analysis.schema` and `analysis.permissions` (used by the
harness) stay cheap to import."""

from __future__ import annotations

_EXPORTS = {
    "open_runs": "analysis.load",
    "RunSet": "analysis.load",
    "from_frames": "analysis.load",
    "evaluate": "analysis.findings",
    "write_findings": "analysis.findings",
    "RuleConfig": "analysis.rules.config",
    "RULES": "analysis.rules",
    "write_reports": "analysis.report",
    "ReportResult": "analysis.report",
    "AnalysisInputError": "analysis.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
