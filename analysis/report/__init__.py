"""Reports for people and CI: `write_reports(run_dirs, out_dir, formats, fail_on) -> ReportResult`.

HTML (self-contained, offline), xlsx (one sheet per table), JSON and JUnit XML, from one
evaluation; findings.parquet is refreshed in every run directory on the way. The exit code says
whether any finding matched `fail_on` (rule ids, or a severity meaning that severity and above)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisInputError

FORMATS = ("html", "xlsx", "json", "junit")
FILE_NAMES = {"html": "report.html", "xlsx": "report.xlsx", "json": "report.json", "junit": "junit.xml"}


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    files: dict[str, Path]
    runs: int
    findings: int
    matched: int  # findings at or above fail_on
    verdicts: dict[str, str] = field(default_factory=dict)  # app -> fail|warn|pass

    @property
    def exit_code(self) -> int:
        return 1 if self.matched else 0


def parse_formats(formats) -> tuple[str, ...]:
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    items = [i.strip().lower() for i in items if i and i.strip()]
    bad = [i for i in items if i not in FORMATS]
    if bad or not items:
        raise AnalysisInputError(f"unknown format(s) {bad or items}; choose from {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(items))


def write_reports(run_dirs, out_dir, formats=FORMATS, fail_on=None, *, config=None, sdk_db=None,
                  write_findings_files: bool = True, redact: bool = False) -> ReportResult:
    """Evaluate the runs and write the requested reports into `out_dir` (created readable by its
    owner only: reports carry the device's identity values and the app's traffic).

    `redact`: mask identity values in everything written, and withhold screenshots that showed
    one (analysis.report.redact), for reports that will be shared.
    `fail_on`: None, "high" (a severity: that and above), or rule ids ("collect-before-consent,...").
    Raises AnalysisInputError on bad input (missing run dirs, bad options)."""
    from analysis.findings import at_or_above, evaluate_with_context, write_findings
    from analysis.load import open_runs
    from analysis.report.model import summarize
    from analysis.sdk.db import load_db

    fmts = parse_formats(formats)
    if isinstance(run_dirs, str | Path):
        run_dirs = [run_dirs]
    db = load_db(sdk_db)
    runset = open_runs(*run_dirs)
    findings, ctx = evaluate_with_context(runset, config, db=db)
    matched = at_or_above(findings, fail_on)  # validates rule ids before writing anything
    if write_findings_files:
        write_findings(runset, findings)
    out = Path(out_dir)
    private_dir(out)
    withheld: set[tuple[str, str]] = set()
    if redact:
        from analysis.report.redact import Redactor, redact_runset, withheld_screenshots

        redactor = Redactor(runset.identities)
        withheld = withheld_screenshots(runset, redactor)
        runset, findings = redact_runset(runset, redactor), redactor.frame(findings)
        ctx = _redact_context(ctx, redactor)
    apps = summarize(runset, findings, db)
    from analysis.sdk.inventory import sdk_inventory

    inventory = sdk_inventory(ctx, db)
    from analysis.report.disclosure import declared_vs_observed

    disclosure = declared_vs_observed(ctx, findings)
    for a in apps:
        a.disclosure = disclosure[disclosure["app"] == a.app].to_dict("records")
    files: dict[str, Path] = {}
    if "html" in fmts:
        from analysis.report.html import render_html

        files["html"] = out / FILE_NAMES["html"]
        files["html"].write_text(render_html(runset, findings, apps, ctx, db, withheld, inventory), encoding="utf-8")
    if "xlsx" in fmts:
        from analysis.report.xlsx import write_xlsx

        files["xlsx"] = write_xlsx(out / FILE_NAMES["xlsx"], runset, findings, apps, inventory, disclosure)
    if "json" in fmts:
        files["json"] = out / FILE_NAMES["json"]
        files["json"].write_text(json.dumps(report_json(runset, findings, apps, inventory), ensure_ascii=False, indent=1,
                                            default=str), encoding="utf-8")
    if "junit" in fmts:
        from analysis.report.junit import write_junit

        files["junit"] = write_junit(out / FILE_NAMES["junit"], apps)
    for path in files.values():
        path.chmod(0o600)
    return ReportResult(out_dir=out, files=files, runs=len(runset.manifests), findings=len(findings),
                        matched=len(matched), verdicts={a.app: a.verdict for a in apps})


def private_dir(path: Path) -> None:
    """Create `path` (and parents) with the directory itself readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _redact_context(ctx, redactor):
    """The evaluation context's tables the HTML draws from (timelines use only times and SDKs)."""
    from dataclasses import fields, is_dataclass, replace

    if not is_dataclass(ctx):
        return ctx
    changes = {f.name: redactor.frame(getattr(ctx, f.name)) for f in fields(ctx)
               if isinstance(getattr(ctx, f.name), pd.DataFrame)}
    return replace(ctx, **changes)


def report_json(runset, findings, apps, inventory=None) -> dict:
    from analysis.report.model import parse_evidence
    from analysis.rules import RULES
    from analysis.sdk.inventory import inventory_records

    runs = runset.manifests.drop(columns=["manifest"], errors="ignore").to_dict("records")
    rows = []
    for r in findings.to_dict("records"):
        r["evidence"] = parse_evidence(r["evidence"])
        rows.append(r)
    return {
        "schema": 1,
        "rules": [{"id": r.id, "severity": r.severity, "explanation": r.explanation, "refs": list(r.refs)} for r in RULES],
        "runs": runs,
        "apps": [{"app": a.app, "verdict": a.verdict, "counts": a.counts, "sdks_seen": a.sdks_seen,
                  "sdk_inventory": inventory_records(inventory, a.app) if inventory is not None else [],
                  "declared_vs_observed": a.disclosure} for a in apps],
        "findings": rows,
    }


__all__ = ["FORMATS", "ReportResult", "parse_formats", "write_reports"]
