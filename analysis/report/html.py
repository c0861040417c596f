"""The self-contained HTML report: one file, inline CSS, inline SVG, screenshots as data URIs.

App content is hostile: the template autoescapes everything; the only unescaped pieces are built
here from escaped parts (`Markup`). A Content-Security-Policy meta forbids scripts and remote
loads, as a second wall. Screenshots are read only from inside their run directory, size-capped,
re-encoded as small JPEG thumbnails, and their number is capped."""

from __future__ import annotations

import base64
import hashlib
import io
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from analysis.report.model import AppSummary, parse_evidence
from analysis.report.plot import STATE_COLORS, sdk_color, timeline_svg
from analysis.rules import RULES
from analysis.sdk.db import SdkDb
from analysis.timeline import consent_intervals

MAX_SHOT_BYTES = 8 << 20
MAX_THUMBS = 150
MAX_FINDINGS_PER_APP = 300
THUMB = (180, 320)


class Thumbs:
    """Screenshot -> data URI, cached and capped."""

    def __init__(self, withheld: set[tuple[str, str]] | None = None):
        self.cache: dict[Path, str | None] = {}
        self.withheld = withheld or set()  # (run_dir, screenshot) not to embed (--redact)

    def get(self, run_dir: str, rel: str | None) -> str | None:
        if not rel or not run_dir or (run_dir, rel) in self.withheld:
            return None
        base = Path(run_dir).resolve()
        path = (base / rel).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        if path in self.cache:
            return self.cache[path]
        if sum(v is not None for v in self.cache.values()) >= MAX_THUMBS or path.stat().st_size > MAX_SHOT_BYTES:
            return None
        self.cache[path] = _thumbnail(path)
        return self.cache[path]


def _thumbnail(path: Path) -> str | None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = 50_000_000
    try:
        with Image.open(path) as img:
            rgb = img.convert("RGB")
            rgb.thumbnail(THUMB)
            buf = io.BytesIO()
            rgb.save(buf, format="JPEG", quality=70)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _needles(identity: dict, key: str | None) -> list[str]:
    """Forms in which an identity value may appear in a request excerpt (for highlighting)."""
    value = identity.get(key) if key else None
    if isinstance(value, dict) and "lat" in value:
        values = [f"{value['lat']}", f"{value['lon']}", f"{value['lat']:.4f}", f"{value['lon']:.4f}"]
    elif isinstance(value, list):
        values = [str(v.get("phone", "")) for v in value if isinstance(v, dict)] + \
                 [str(v.get("name", "")) for v in value if isinstance(v, dict)]
    elif value is not None:
        values = [str(value)]
    else:
        values = []
    out = []
    for v in values:
        if len(v) < 3:
            continue
        b = v.encode()
        out += [v, urllib.parse.quote(v, safe=""), v.replace(":", "").replace("-", ""), base64.b64encode(b).decode(),
                hashlib.md5(b).hexdigest(), hashlib.sha1(b).hexdigest(), hashlib.sha256(b).hexdigest()]
    return sorted(set(out), key=len, reverse=True)


def highlight(text: str | None, needles: list[str]) -> Markup:
    """Escape `text`, wrapping the first occurrence of any needle (case-insensitive) in <mark>."""
    if not text:
        return Markup("")
    lower = text.lower()
    for n in needles:
        i = lower.find(n.lower())
        if i >= 0:
            return escape(text[:i]) + Markup("<mark>") + escape(text[i:i + len(n)]) + Markup("</mark>") + \
                escape(text[i + len(n):])
    return escape(text)


def _finding_view(row, run_dirs: dict, identities: dict, thumbs: Thumbs, sdk_names: dict) -> dict:
    ev = parse_evidence(row["evidence"])
    flow = ev.get("flow") or {}
    first = ev.get("first") or {}
    last = ev.get("last") or {}
    needles = _needles(identities.get(row["run_id"], {}), flow.get("key"))
    return {
        "run_id": row["run_id"], "scenario": row["scenario"], "rule": row["rule"], "severity": row["severity"],
        "category": row["category"], "sdk": sdk_names.get(row["sdk"], row["sdk"]) if row["sdk"] else None,
        "first_s": f"{row['first_t_ns'] / 1e9:.3f}", "last_s": f"{row['last_t_ns'] / 1e9:.3f}",
        "count": int(row["count"]), "explanation": row["explanation"], "refs": row["refs"],
        "first": first, "last": last, "stack": ev.get("stack") or [], "sdk_frame": ev.get("sdk_frame"),
        "flow": flow, "flow_url": highlight(flow.get("url"), needles), "excerpt": highlight(flow.get("excerpt"), needles),
        "consent": ev.get("consent") or {}, "detail": ev.get("detail") or {},
        "thumb": thumbs.get(run_dirs.get(row["run_id"], ""), ev.get("screenshot")),
        "screenshot": ev.get("screenshot"),
    }


def _timelines(runset, ctx_api: pd.DataFrame, ctx_flows: pd.DataFrame, app: str, sdk_names: dict) -> list[dict]:
    out = []
    m = runset.manifests
    run_index = {r: i for i, r in enumerate(m["run_id"].astype(str))}
    intervals = consent_intervals(runset.consent)
    for run_id in m.loc[m["app"] == app, "run_id"].astype(str):
        code = run_index[run_id]
        api = ctx_api[(ctx_api["run"] == code) & ctx_api["pi"]][["t_ns", "sdk"]] if len(ctx_api) else ctx_api
        flows = ctx_flows[ctx_flows["run"] == code][["t_ns", "sdk"]] if len(ctx_flows) else ctx_flows
        steps = runset.steps[runset.steps["run_id"].astype(str) == run_id] if len(runset.steps) else runset.steps
        iv = intervals[intervals["run_id"] == run_id] if len(intervals) else intervals
        svg = timeline_svg(iv, api if len(api) else pd.DataFrame({"t_ns": [], "sdk": []}),
                           flows if len(flows) else pd.DataFrame({"t_ns": [], "sdk": []}),
                           steps, sdk_names)
        out.append({"run_id": run_id, "scenario": m.loc[code, "scenario"], "svg": svg})
    return out


def render_html(runset, findings: pd.DataFrame, apps: list[AppSummary], ctx, db: SdkDb,
                withheld: set[tuple[str, str]] | None = None, sdk_inventory: pd.DataFrame | None = None) -> str:
    """`withheld`: (run_id, screenshot) pairs not to embed (a shared report, `--redact`)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("analysis.report", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.ChainableUndefined)
    sdk_names = {k: e.name for k, e in db.entries.items()}
    run_dirs = dict(zip(runset.manifests["run_id"].astype(str), runset.manifests["path"].astype(str), strict=True))
    thumbs = Thumbs({(run_dirs.get(r, ""), shot) for r, shot in (withheld or set())})
    app_views = []
    for a in apps:
        f = a.findings.sort_values(["first_t_ns"], kind="stable") if not a.findings.empty else a.findings
        sev_order = {"high": 0, "medium": 1, "low": 2, "info": 3}
        if not f.empty:
            f = f.assign(_s=f["severity"].map(sev_order)).sort_values(["_s", "rule", "first_t_ns"], kind="stable")
        views = [_finding_view(r, run_dirs, runset.identities, thumbs, sdk_names)
                 for r in f.head(MAX_FINDINGS_PER_APP).to_dict("records")]
        app_views.append({"app": a.app, "verdict": a.verdict, "runs": a.runs, "counts": a.counts, "findings": views,
                          "omitted": max(0, len(f) - MAX_FINDINGS_PER_APP), "sdks_in_apk": a.sdks_in_apk,
                          "sdks_seen": [(sdk_names.get(s, s), sdk_color(s)) for s in a.sdks_seen],
                          "sdk_inventory": [] if sdk_inventory is None else
                          sdk_inventory[sdk_inventory["app"] == a.app].to_dict("records"),
                          "timelines": _timelines(runset, ctx.api, ctx.pi_flows, a.app, sdk_names),
                          "disclosure": a.disclosure})
    template = env.get_template("report.html")
    return template.render(
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), rules=RULES, apps=app_views,
        n_runs=len(runset.manifests), n_findings=len(findings), state_colors=STATE_COLORS,
        severity_counts=findings["severity"].value_counts().to_dict() if not findings.empty else {},
        np=np,
    )
