"""Screenshots of notices for the OCR measurement, rendered with Pillow and Debian's Noto CJK font
from the REAL wording of ../shared/notice-texts (read at run time, nothing copied): a dimmed app
behind a rounded dialog with a title, the wrapped body, and the app's own buttons. Each shot comes
with the truth: the lines drawn and their boxes, so OCR can be scored per character and per
control (was the button's text found, and does its box hold the button's centre?)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
W, H = 1080, 2340


@dataclass(frozen=True)
class Shot:
    name: str
    lang: str  # zh / zh-Hant / en
    png: bytes
    lines: list[tuple[str, tuple[int, int, int, int]]]  # every line drawn, with its box
    buttons: list[tuple[str, tuple[int, int, int, int]]]  # the controls (accept last)


def _font(size: int, lang: str) -> ImageFont.FreeTypeFont:
    index = {"zh": 2, "zh-Hant": 3, "en": 2}.get(lang, 2)  # TTC faces: JP KR SC TC ... (SC=2, TC=3)
    return ImageFont.truetype(str(FONT), size, index=index)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        cur = ""
        tokens = para.split(" ") if para.isascii() else list(para)
        sep = " " if para.isascii() else ""
        for tok in tokens:
            cand = (cur + sep + tok) if cur else tok
            if draw.textlength(cand, font=font) > width and cur:
                out.append(cur)
                cur = tok
            else:
                cur = cand
        if cur.strip():
            out.append(cur)
    return out


def render(title: str, body: str, buttons: list[str], lang: str, name: str) -> Shot:
    img = Image.new("RGB", (W, H), (236, 240, 244))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, W, 180), fill=(40, 120, 220))
    d.rectangle((0, 0, W, H), fill=(96, 96, 96))  # the dim layer over the app
    x1, x2 = 90, W - 90
    f_title, f_body, f_btn = _font(52, lang), _font(40, lang), _font(44, lang)
    body_lines = _wrap(d, body, f_body, x2 - x1 - 96)[:14]
    top = 500
    bottom = top + 120 + 60 * len(body_lines) + 260
    d.rounded_rectangle((x1, top, x2, bottom), radius=36, fill=(255, 255, 255))
    lines: list[tuple[str, tuple[int, int, int, int]]] = []
    y = top + 48
    if title:
        tw = d.textlength(title, font=f_title)
        tx = int((W - tw) / 2)
        d.text((tx, y), title, font=f_title, fill=(20, 20, 20))
        lines.append((title, (tx, y, int(tx + tw), y + 60)))
    y += 100
    for ln in body_lines:
        d.text((x1 + 48, y), ln, font=f_body, fill=(60, 60, 60))
        lines.append((ln, (x1 + 48, y, int(x1 + 48 + d.textlength(ln, font=f_body)), y + 48)))
        y += 60
    y += 40
    bw = (x2 - x1 - 96 - 24 * (len(buttons) - 1)) // max(1, len(buttons))
    boxes = []
    for i, b in enumerate(buttons):
        bx = x1 + 48 + i * (bw + 24)
        primary = i == len(buttons) - 1
        d.rounded_rectangle((bx, y, bx + bw, y + 120), radius=60,
                            fill=(40, 120, 220) if primary else (238, 238, 238))
        tw = d.textlength(b, font=f_btn)
        d.text((bx + (bw - tw) / 2, y + 30), b, font=f_btn, fill=(255, 255, 255) if primary else (60, 60, 60))
        boxes.append((b, (bx, y, bx + bw, y + 120)))
        lines.append((b, (int(bx + (bw - tw) / 2), y + 30, int(bx + (bw + tw) / 2), y + 90)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return Shot(name, lang, buf.getvalue(), lines, boxes)


def notice_shots(path: Path, limit: int = 24) -> list[Shot]:
    """Up to `limit` shots, Chinese and English, from the first-run/agree-only notices that have
    an accept control (English variants included when a record has one)."""
    shots: list[Shot] = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        if rec["kind"] not in ("first_run_notice", "agree_only_notice", "second_chance") or not rec.get("accept"):
            continue
        en = rec.get("en") if isinstance(rec.get("en"), dict) else None
        variants = [(rec.get("lang", "zh"), rec.get("title") or "", rec.get("body") or "", rec["accept"],
                     rec.get("refuse"))]
        if en and en.get("body") and en.get("accept"):
            variants.append(("en", en.get("title") or "", en["body"], en["accept"], en.get("refuse")))
        for lang, title, body, acc, ref in variants:
            if len(acc) > 12 or (ref and len(ref) > 12):
                continue
            body = body.replace("%s", rec.get("app") or "App")[:420]
            buttons = [b for b in (ref, acc) if b]
            shots.append(render(title[:16], body, buttons, lang, f"shot_{i:03d}_{lang}"))
        if len(shots) >= limit:
            break
    return shots[:limit]
