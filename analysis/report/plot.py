"""The per-run timeline as inline SVG, drawn by hand (no plotting library, no script, no CDN).

Bands: one row per consent subject, coloured by state over time. Marks: API reads (circles) and
PI-carrying flows (diamonds), coloured by SDK; scenario steps as ticks. Marks are thinned to one per
pixel column, row and SDK, so a run with a million events still draws a few thousand shapes.
Every piece of text passes through `markupsafe.escape`."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

STATE_COLORS = {"none": "#e5e7eb", "shown": "#fde68a", "accepted": "#86efac", "refused": "#fca5a5",
                "granted": "#86efac", "denied": "#fca5a5", "revoked": "#fdba74"}
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f", "#7c2d12",
           "#1e3a8a")
APP_COLOR = "#6b7280"
WIDTH, LEFT, ROW, MAX_MARKS = 860, 150, 18, 4000


def sdk_color(sdk) -> str:
    if not isinstance(sdk, str) or not sdk:
        return APP_COLOR
    return PALETTE[int(hashlib.md5(sdk.encode()).hexdigest(), 16) % len(PALETTE)]


def _x(t_ns, t_max: float) -> np.ndarray:
    return LEFT + (np.asarray(t_ns, dtype=float) / 1e9) / t_max * (WIDTH - LEFT - 10)


def timeline_svg(intervals: pd.DataFrame, api: pd.DataFrame, flows: pd.DataFrame, steps: pd.DataFrame,
                 sdk_names: dict[str, str]) -> Markup:
    """intervals: subject, state, start_ns, end_ns; api/flows: t_ns, sdk; steps: t_start_ns, action."""
    times = [0.0]
    for frame, col in ((intervals, "start_ns"), (api, "t_ns"), (flows, "t_ns"), (steps, "t_start_ns")):
        if len(frame):
            times.append(float(pd.to_numeric(frame[col], errors="coerce").max()) / 1e9)
    t_max = max(max(times) * 1.05, 1.0)
    subjects = list(dict.fromkeys(["privacy_notice", *sorted(set(intervals["subject"]) - {"privacy_notice"})])) \
        if len(intervals) else ["privacy_notice"]
    rows = subjects + ["API reads", "PI in traffic"]
    top = 24
    height = top + ROW * len(rows) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="consent timeline">']
    for i, label in enumerate(rows):
        y: float = top + i * ROW  # int here; the marker rows below sit at half-row (float) offsets
        parts.append(f'<text x="4" y="{y + 12}" font-size="11">{escape(label[:24])}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{y + ROW - 1}" x2="{WIDTH - 10}" y2="{y + ROW - 1}" stroke="#f3f4f6"/>')
    for i, subject in enumerate(subjects):
        y = top + i * ROW + 2
        sub = intervals[intervals["subject"] == subject] if len(intervals) else intervals
        first = float(sub["start_ns"].min()) if len(sub) else t_max * 1e9
        parts.append(_band(0, first, t_max, y, "none"))
        for state, start, end in zip(sub["state"], sub["start_ns"], sub["end_ns"], strict=True):
            end = float(end) if pd.notna(end) else t_max * 1e9
            parts.append(_band(float(start), end, t_max, y, str(state)))
    legend: dict[str, str] = {}
    for r, (frame, shape) in enumerate(((api, "circle"), (flows, "diamond"))):
        if not len(frame):
            continue
        y = top + (len(subjects) + r) * ROW + ROW / 2
        xs = _x(frame["t_ns"], t_max)
        thin = pd.DataFrame({"px": xs.astype(int), "sdk": frame["sdk"].astype(object).fillna("").to_numpy(), "x": xs})
        thin = thin.drop_duplicates(["px", "sdk"]).head(MAX_MARKS)
        for x, sdk in zip(thin["x"], thin["sdk"], strict=True):
            color = sdk_color(sdk)
            legend[sdk or ""] = color
            if shape == "circle":
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}" fill-opacity="0.8"/>')
            else:
                parts.append(f'<path d="M{x:.1f} {y - 5:.1f} L{x + 4:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 4:.1f} {y:.1f} Z" '
                             f'fill="{color}" fill-opacity="0.85"/>')
    if len(steps):
        for t, action in zip(steps["t_start_ns"], steps["action"], strict=True):
            if pd.isna(t):
                continue
            x = float(_x([t], t_max)[0])
            parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 36}" stroke="#9ca3af" '
                         f'stroke-dasharray="2,3"><title>{escape(str(action)[:40])}</title></line>')
            parts.append(f'<text x="{x + 2:.1f}" y="{top - 8}" font-size="9" fill="#6b7280">{escape(str(action)[:12])}</text>')
    axis_y = height - 30
    for k in range(6):
        t = t_max * k / 5
        x = float(_x([t * 1e9], t_max)[0])
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 12}" font-size="10" text-anchor="middle">{t:.1f}s</text>')
    lx = LEFT
    for sdk, color in list(legend.items())[:8]:
        name = sdk_names.get(sdk, sdk) if sdk else "app / unknown"
        parts.append(f'<circle cx="{lx}" cy="{axis_y + 22}" r="4" fill="{color}"/>'
                     f'<text x="{lx + 7}" y="{axis_y + 26}" font-size="10">{escape(str(name)[:28])}</text>')
        lx += 12 + 6 * min(len(str(name)), 28)
        if lx > WIDTH - 80:
            break
    parts.append("</svg>")
    return Markup("".join(parts))


def _band(start_ns: float, end_ns: float, t_max: float, y: float, state: str) -> str:
    x0, x1 = _x([start_ns, end_ns], t_max)
    color = STATE_COLORS.get(state, "#e5e7eb")
    return (f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{ROW - 5}" fill="{color}">'
            f'<title>{escape(state)}</title></rect>')
