"""Read a screenshot with OCR when the hierarchy has no text (issue 10, item 4).

A notice drawn in a WebView that exposes no nodes, an image, or a Flutter/Unity screen gives a
dump without text; the screenshot still shows the words. An engine returns recognised lines with
their boxes in screen pixels; `ocr_hierarchy` turns them into a synthetic uiautomator dump (one
clickable TextView per short line, a TextView per sentence) so the SAME rules classify it and the
observer taps the centre of the recognised box.

Engines (chosen by measurement, numbers in docs/ui.md): RapidOCR (`rapidocr-onnxruntime`, PP-OCR
models inside the wheel) by default, Debian's tesseract (`chi_sim+chi_tra+eng`) as the
alternative. An engine that is missing or fails raises `OcrError`; `classify.classify_screen`
turns that into `unknown` with the reason."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import quoteattr

MAX_PNG = 32 * 1024 * 1024  # bytes of screenshot accepted
MAX_PIXELS = 4096 * 4096
MAX_LINES = 400


class OcrError(Exception):
    """The OCR engine is missing, failed, or the image cannot be read."""


@dataclass(frozen=True)
class Line:
    text: str
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in image pixels
    score: float


class Engine(Protocol):
    name: str

    def read(self, png: bytes) -> list[Line]: ...


def _image(png: bytes):  # type: ignore[no-untyped-def]
    """Decode with Pillow, refusing oversized or undecodable input (hostile files)."""
    if not png:
        raise OcrError("empty screenshot")
    if len(png) > MAX_PNG:
        raise OcrError(f"screenshot too large ({len(png)} bytes)")
    try:
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        img = Image.open(io.BytesIO(png))
        img.load()
        return img.convert("RGB")
    except OcrError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad images
        raise OcrError(f"cannot read screenshot: {type(exc).__name__}: {exc}") from None


class RapidOcr:
    """RapidOCR with its bundled PP-OCR det/rec models (Chinese + English in one model). Settings
    measured on this 2-core machine (docs/ui.md): one inference thread (more threads only fight
    each other and the harness for the cores), no angle classifier (UI text is upright), and the
    screenshot scaled to at most `MAX_WIDTH` pixels wide (boxes are scaled back)."""

    name = "rapidocr"
    MAX_WIDTH = 720
    _lock = threading.Lock()
    _engine: object | None = None

    def _get(self) -> object:
        with RapidOcr._lock:
            if RapidOcr._engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except Exception as exc:  # noqa: BLE001 - import of native deps can fail many ways
                    raise OcrError(f"rapidocr-onnxruntime not available: {exc}") from None
                RapidOcr._engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)
            return RapidOcr._engine

    def read(self, png: bytes) -> list[Line]:
        import numpy as np

        pil = _image(png)
        scale = min(1.0, self.MAX_WIDTH / max(1, pil.width))
        if scale < 1.0:
            pil = pil.resize((max(1, int(pil.width * scale)), max(1, int(pil.height * scale))))
        img = np.asarray(pil)[:, :, ::-1]  # RGB -> BGR as OpenCV expects
        engine = self._get()
        try:
            result, _ = engine(img, use_cls=False)  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001
            raise OcrError(f"rapidocr failed: {type(exc).__name__}: {exc}") from None
        out = []
        for quad, txt, score in (result or [])[:MAX_LINES]:
            xs = [int(p[0] / scale) for p in quad]
            ys = [int(p[1] / scale) for p in quad]
            out.append(Line(str(txt).strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
        return [ln for ln in out if ln.text]


class Tesseract:
    """Debian's tesseract-ocr CLI (TSV output grouped into lines)."""

    name = "tesseract"

    def __init__(self, langs: str = "chi_sim+chi_tra+eng", timeout: float = 60.0) -> None:
        self.langs = langs
        self.timeout = timeout

    def read(self, png: bytes) -> list[Line]:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrError("tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
        img = _image(png)
        with tempfile.NamedTemporaryFile(suffix=".png") as fh:
            img.save(fh, format="PNG")
            fh.flush()
            try:
                proc = subprocess.run([exe, fh.name, "stdout", "-l", self.langs, "--psm", "11", "tsv"],
                                      capture_output=True, timeout=self.timeout, check=False)
            except subprocess.TimeoutExpired:
                raise OcrError(f"tesseract timed out after {self.timeout:.0f} s") from None
        if proc.returncode != 0:
            raise OcrError(f"tesseract failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
        lines: dict[tuple[str, str, str], list[tuple[str, int, int, int, int, float]]] = {}
        for row in proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or not f[11].strip() or float(f[10]) < 0:
                continue
            x, y, w, h = int(f[6]), int(f[7]), int(f[8]), int(f[9])
            lines.setdefault((f[2], f[3], f[4]), []).append((f[11].strip(), x, y, x + w, y + h, float(f[10])))
        out = []
        for words in list(lines.values())[:MAX_LINES]:
            cjk = all(any("\u3000" <= ch <= "\u9fff" for ch in w[0]) for w in words)
            txt = ("" if cjk else " ").join(w[0] for w in words)
            box = (min(w[1] for w in words), min(w[2] for w in words), max(w[3] for w in words),
                   max(w[4] for w in words))
            out.append(Line(txt, box, sum(w[5] for w in words) / len(words) / 100))
        return out


ENGINES = {"rapidocr": RapidOcr, "tesseract": Tesseract}
DEFAULT_ENGINE = "rapidocr"


def engine_named(name: str = DEFAULT_ENGINE) -> Engine:
    try:
        return ENGINES[name]()  # type: ignore[abstract]
    except KeyError:
        raise OcrError(f"unknown OCR engine {name!r} (known: {', '.join(ENGINES)})") from None


def crop_png(png: bytes, region: tuple[int, int, int, int] | None) -> tuple[bytes, tuple[int, int], tuple[int, int]]:
    """The part of the screenshot inside `region` (the top window's box), as PNG, with the region's
    size and its offset in the screenshot. The whole screenshot (offset 0, 0) when the region is
    missing, covers (nearly) all of it, or lies outside it. Raises OcrError for an unreadable image."""
    img = _image(png)
    full = (0, 0, img.width, img.height)
    if region is None:
        return png, (img.width, img.height), (0, 0)
    x1, y1 = max(0, region[0]), max(0, region[1])
    x2, y2 = min(img.width, region[2]), min(img.height, region[3])
    if x2 - x1 < 32 or y2 - y1 < 32 or (x2 - x1) * (y2 - y1) >= 0.9 * img.width * img.height or (x1, y1, x2, y2) == full:
        return png, (img.width, img.height), (0, 0)
    buf = io.BytesIO()
    img.crop((x1, y1, x2, y2)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue(), (img.width, img.height), (x1, y1)


def ocr_hierarchy(lines: list[Line], size: tuple[int, int], package: str = "",
                  offset: tuple[int, int] = (0, 0)) -> str:
    """A uiautomator-like dump of the recognised lines: short lines are clickable TextViews (they
    may be buttons or links), long ones plain text. Bounds are the recognised boxes, moved by
    `offset` (where the part that was read lies in the screenshot of `size`)."""
    w, h = size
    dx, dy = offset
    parts = [f'<hierarchy rotation="0"><node class="android.widget.FrameLayout" package={quoteattr(package)} '
             f'bounds="[0,0][{w},{h}]" text="" resource-id="" content-desc="" clickable="false">']
    for ln in lines[:MAX_LINES]:
        x1, y1, x2, y2 = ln.box
        x1, y1, x2, y2 = x1 + dx, y1 + dy, x2 + dx, y2 + dy
        short = len(ln.text) <= 16
        parts.append(f'<node class="android.widget.TextView" package={quoteattr(package)} text={quoteattr(ln.text)} '
                     f'resource-id="ocr:line" content-desc="" clickable="{"true" if short else "false"}" '
                     f'bounds="[{x1},{y1}][{x2},{y2}]" />')
    parts.append("</node></hierarchy>")
    return "".join(parts)
