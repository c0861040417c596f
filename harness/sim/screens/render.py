"""Screenshots drawn from the view trees with Pillow: what `screencap -p` returns on the sim.

Boxes and text, not pixels of real widgets: enough for a human reading a report, and for OCR of
views whose text is drawn only in pixels (`drawn-text` in a sample model: a WebView or canvas
notice that exposes no text to the hierarchy dump). Text uses a CJK-capable font when the machine has one (Noto CJK, WenQuanYi, Droid
Sans Fallback), DejaVu otherwise (CJK then shows as boxes)."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from harness.sim.screens.hierarchy import DISPLAY, View, Window

_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for f in _FONTS:
        if Path(f).exists():
            try:
                return ImageFont.truetype(f, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:  # character wrap works for CJK and is fine for a sketch of Latin text
            if draw.textlength(line + ch, font=font) > width and line:
                cut = line.rfind(" ")
                if cut > 0 and ch != " ":
                    lines.append(line[:cut])
                    line = line[cut + 1:] + ch
                else:
                    lines.append(line)
                    line = ch.lstrip()
            else:
                line += ch
        lines.append(line)
    return lines


def _draw_view(draw: ImageDraw.ImageDraw, v: View) -> None:
    x1, y1, x2, y2 = v.bounds
    short = v.cls.rsplit(".", 1)[-1]
    if x2 - x1 < 2 or y2 - y1 < 2:
        return
    font = _font(34 if short != "Button" else 36)
    if short in ("Button", "ImageButton") or (v.clickable and short not in ("CheckBox", "TextView")):
        draw.rounded_rectangle((x1 + 4, y1 + 4, x2 - 4, y2 - 4), radius=28, fill=(232, 222, 248), outline=(103, 80, 164), width=3)
    elif short == "ImageView":
        draw.rectangle((x1, y1, x2, y2), fill=(210, 210, 215))
    elif short == "EditText":
        draw.rectangle((x1, y1, x2, y2), outline=(120, 120, 120), width=2)
    tx = x1 + 16
    if v.checkable:
        s = min(56, y2 - y1 - 8)
        cy = (y1 + y2) // 2
        draw.rectangle((x1 + 8, cy - s // 2, x1 + 8 + s, cy + s // 2), outline=(103, 80, 164), width=4,
                       fill=(103, 80, 164) if v.checked else None)
        if v.checked:
            draw.line((x1 + 16, cy, x1 + 8 + s // 2, cy + s // 2 - 8, x1 + s, cy - s // 2 + 8), fill="white", width=6)
        tx = x1 + s + 24
    label = v.text or v.content_desc or v.drawn_text
    if label:
        lines = _wrap(draw, label, font, max(40, x2 - tx - 16))
        lh = int(font.size * 1.3) if hasattr(font, "size") else 40
        total = lh * len(lines)
        y = y1 + max(4, (y2 - y1 - total) // 2)
        centered = short in ("Button", "ImageButton")
        for ln in lines:
            if y + lh > y2 + lh // 2:
                break
            w = draw.textlength(ln, font=font)
            x = (x1 + x2 - w) / 2 if centered else tx
            draw.text((x, y), ln, font=font, fill=(28, 27, 31))
            y += lh
    for c in v.children:
        _draw_view(draw, c)


def render_png(windows: list[Window], size: tuple[int, int] = DISPLAY) -> bytes:
    """Draw the window stack bottom to top (dialogs dim what is below them)."""
    img = Image.new("RGB", size, (254, 247, 255))
    draw = ImageDraw.Draw(img)
    for w in windows:
        if w.dialog:
            overlay = Image.new("RGB", size, (0, 0, 0))
            img = Image.blend(img, overlay, 0.45)
            draw = ImageDraw.Draw(img)
            x1, y1, x2, y2 = w.root.bounds
            draw.rounded_rectangle((x1, y1, x2, y2), radius=40, fill=(243, 237, 247))
        _draw_view(draw, w.root)
    draw.rectangle((0, 0, size[0], 60), fill=(235, 230, 240))
    draw.text((40, 12), "12:00", font=_font(32), fill=(60, 60, 60))
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()
