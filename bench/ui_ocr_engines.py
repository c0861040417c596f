"""Choose the OCR engine by measurement (issue 10, item 4): RapidOCR vs Debian's tesseract
(chi_sim+chi_tra+eng) on screenshots rendered from the REAL wording of ../shared/notice-texts
(notices in Chinese and English, system permission prompts in en / zh-CN / zh-TW).

Per engine and language: character accuracy (1 - edit distance / characters, over every drawn
line matched to the nearest recognised line), control recall (the button's text recognised and its
box holding the button's centre: what the observer needs to tap), and milliseconds per screenshot.
Exit 1 when the default engine is not the better one on control recall."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "ui_corpus"))

from render_shots import Shot, notice_shots, render  # noqa: E402

from harness.ui.evaluate import shared_dir  # noqa: E402
from harness.ui.lexicon import norm  # noqa: E402
from harness.ui.ocr import DEFAULT_ENGINE, ENGINES, Line, OcrError, engine_named  # noqa: E402


def _dist(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def score_shot(shot: Shot, got: list[Line]) -> tuple[int, int, int, int]:
    """(characters, errors, buttons, buttons found at the right place)."""
    chars = errs = 0
    for txt, box in shot.lines:
        t = norm(txt)
        near = [g for g in got if _overlap(g.box, box) > 0]
        g = norm("".join(x.text for x in sorted(near, key=lambda x: x.box[0])))
        chars += len(t)
        errs += min(len(t), _dist(t, g))
    found = 0
    for txt, (x1, y1, x2, y2) in shot.buttons:
        cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
        for g in got:
            gx1, gy1, gx2, gy2 = g.box
            if norm(g.text) == norm(txt) and x1 <= (gx1 + gx2) // 2 <= x2 and y1 <= (gy1 + gy2) // 2 <= y2 \
                    and abs((gy1 + gy2) // 2 - cy) < (y2 - y1) and abs((gx1 + gx2) // 2 - cx) < (x2 - x1):
                found += 1
                break
    return chars, errs, len(shot.buttons), found


def prompt_shots(path: Path, limit: int = 12) -> list[Shot]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    table: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows:
        table.setdefault((r["android_version_or_source"], r["lang"]), {})[r["string_name"]] = r["text"]
    out = []
    for (version, lang), s in sorted(table.items()):
        if lang not in ("en", "zh-CN", "zh-TW") or "permgrouprequest_camera" not in s:
            continue
        msg = s["permgrouprequest_camera"].replace("<b>", "").replace("</b>", "").replace("%1$s", "Example")
        buttons = [s.get("grant_dialog_button_deny", ""), s.get("grant_dialog_button_allow", "")]
        code = {"en": "en", "zh-CN": "zh", "zh-TW": "zh-Hant"}[lang]
        out.append(render("", msg, [b for b in buttons if b], code, f"prompt_{version}_{lang}"))
    return out[:limit]


def main() -> int:
    texts = shared_dir(ROOT) / "notice-texts"
    if not (texts / "notices.jsonl").exists():
        print("../shared/notice-texts not present: nothing to measure")
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    shots = notice_shots(texts / "notices.jsonl", limit=n) + prompt_shots(texts / "permission_strings.jsonl",
                                                                           limit=max(4, n // 2))
    print(f"{len(shots)} screenshots rendered from real wording (1080x2340, Noto Sans CJK)")
    results: dict[str, float] = {}
    for name in ENGINES:
        eng = engine_named(name)
        try:
            eng.read(shots[0].png)  # warm-up: model load is not per-screenshot cost
        except OcrError as exc:
            print(f"  {name}: unavailable ({exc})")
            continue
        per_lang: dict[str, list[int]] = {}
        t = time.perf_counter()
        for shot in shots:
            c, e, b, f = score_shot(shot, eng.read(shot.png))
            acc = per_lang.setdefault("zh" if shot.lang.startswith("zh") else "en", [0, 0, 0, 0, 0])
            acc[0] += c
            acc[1] += e
            acc[2] += b
            acc[3] += f
            acc[4] += 1
        ms = (time.perf_counter() - t) * 1000 / len(shots)
        total_b = sum(v[2] for v in per_lang.values())
        total_f = sum(v[3] for v in per_lang.values())
        results[name] = total_f / total_b if total_b else 0.0
        for lang, (c, e, b, f, n) in sorted(per_lang.items()):
            print(f"  {name:10} {lang}: {n:3d} shots  char accuracy {1 - e / max(1, c):.3f}  "
                  f"controls found at their place {f}/{b} ({f / max(1, b):.2f})")
        print(f"  {name:10} {ms:.0f} ms per screenshot")
    best = max(results, key=lambda k: results[k]) if results else DEFAULT_ENGINE
    print(f"default engine: {DEFAULT_ENGINE}; best on control recall: {best}")
    return 0 if not results or results.get(DEFAULT_ENGINE, 0) >= results[best] else 1


if __name__ == "__main__":
    raise SystemExit(main())
