"""What every report format shows, computed once: verdicts per app, the apps x rules overview,
and per-run facts. Formats only lay this out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from analysis.rules import RULES, SEVERITY_RANK
from analysis.sdk.db import SdkDb

VERDICTS = {"high": "fail", "medium": "warn", "low": "warn", "info": "pass"}


@dataclass
class AppSummary:
    app: str
    verdict: str  # fail | warn | pass
    runs: list[dict]
    findings: pd.DataFrame
    counts: dict[str, int]  # rule -> findings
    sdks_in_apk: list[dict] = field(default_factory=list)
    sdks_seen: list[str] = field(default_factory=list)
    disclosure: list[dict] = field(default_factory=list)  # declared vs observed rows (report/disclosure.py)


def verdict_of(findings: pd.DataFrame) -> str:
    if findings.empty:
        return "pass"
    worst = max(findings["severity"], key=lambda s: SEVERITY_RANK.get(s, 0))
    return VERDICTS.get(worst, "warn")


def parse_evidence(text) -> dict:
    if not isinstance(text, str):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def summarize(runset, findings: pd.DataFrame, db: SdkDb) -> list[AppSummary]:
    """One summary per app (package), apps with the worst verdict first."""
    m = runset.manifests
    apps = []
    for app, runs in m.groupby("app", sort=True):
        f = findings[findings["app"] == app] if not findings.empty else findings
        counts = {r.id: int((f["rule"] == r.id).sum()) if not f.empty else 0 for r in RULES}
        declared = []
        seen_ids = set()
        for pkgs in runs["sdks"]:
            for pkg in pkgs or []:
                hit = db.by_class(str(pkg), str(app))  # the app's own package is never an SDK
                if hit and hit.id not in seen_ids:
                    seen_ids.add(hit.id)
                    declared.append({"package": str(pkg)[:200], "sdk": hit.name, "company": hit.company,
                                     "category": hit.category, "country": hit.country})
        seen = sorted({s for s in f["sdk"].dropna()}) if not f.empty else []
        run_rows = runs[["run_id", "scenario", "device", "status", "started", "path"]].to_dict("records")
        apps.append(AppSummary(app=str(app), verdict=verdict_of(f), runs=run_rows, findings=f, counts=counts,
                               sdks_in_apk=declared[:200], sdks_seen=seen))
    order = {"fail": 0, "warn": 1, "pass": 2}
    return sorted(apps, key=lambda a: (order[a.verdict], a.app))
