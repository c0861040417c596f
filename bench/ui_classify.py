"""Benchmark of the UI classifier (issue 10, item 6).

Prints, SEPARATELY (never mixed):
- precision/recall per kind on each real-screen set (../shared/ui-samples, ../shared/ui-samples-2),
  per part of the fixed dev / held-out split (harness.ui.evaluate.split_of), with the naive regex
  baseline beside it;
- the same on screens built from real wording (../shared/notice-texts placed in realistic
  structures, tests/data/ui_corpus/real_wording.py), per part;
- the same on the project's own corpus (tests/data/ui_corpus);
- dumps classified per second, against a keyword-regex baseline timed in the same run;
- OCR milliseconds per screenshot (classify_screen on a dump without text + a rendered notice).

Exit 1 when a goal is missed. Goals: on real screens (both sets, both parts pooled: too few
positives per part to gate each), P and R >= 0.95 for consent_notice and permission_dialog,
P >= 0.9 and R >= 0.8 for permission_rationale; >= 500 dumps per second of CPU time (the machine is
shared: the rate per wall-clock second is printed too, and the classifier and the regex baseline
are timed in alternating rounds so both meet the same load). `--no-ocr` skips the OCR timing."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "ui_corpus"))

from harness.ui.classify import classify, classify_screen  # noqa: E402
from harness.ui.evaluate import SCORED, Labelled, load_corpus, load_samples, score, shared_dir  # noqa: E402
from harness.ui.model import Classification  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "ui_corpus"
SHARED = shared_dir(ROOT)
REAL_SETS = ("ui-samples", "ui-samples-2")
GOALS = {"consent_notice": (0.95, 0.95), "permission_dialog": (0.95, 0.95), "permission_rationale": (0.9, 0.8)}
RATE_GOAL = 500.0

_NAIVE_NOTICE = re.compile(r"隐私政策|用户协议|privacy policy|terms of service", re.I)
_NAIVE_AGREE = re.compile(r'text="(同意|Agree|Accept|I agree)"', re.I)
_NAIVE_PERM = re.compile(r"permissioncontroller|packageinstaller|permission_allow", re.I)


def naive_regex(xml: str) -> Classification:
    """Keyword matching over the raw XML: the obvious first attempt, and the speed baseline."""
    if _NAIVE_PERM.search(xml):
        return Classification(kind="permission_dialog", reason="naive")
    if _NAIVE_NOTICE.search(xml) and _NAIVE_AGREE.search(xml):
        return Classification(kind="consent_notice", reason="naive")
    return Classification(kind="other", reason="naive")


def _line(title: str, items: list[Labelled], fn: Callable[[str], Classification]) -> dict[str, tuple[int, int, int]]:
    s = score(items, fn)
    cells = []
    counts = {}
    for k in SCORED:
        p, r, tp, fp, fn_ = s.per_kind[k]
        counts[k] = (tp, fp, fn_)
        cells.append(f"{k[:12]:12} P={p:.2f} R={r:.2f} ({tp}/{fp}/{fn_})")
    print(f"  {title:34} n={s.n:4d}  " + "  ".join(cells))
    return counts


def _score_built(title: str, items: list, fn: Callable[[str], Classification]) -> None:  # type: ignore[type-arg]
    kinds = ("consent_notice", "permission_dialog", "login_agreement")
    got = [(i.kind, fn(i.xml).kind) for i in items]
    cells = []
    for k in kinds:
        tp = sum(1 for e, g in got if e == k and g == k)
        fp = sum(1 for e, g in got if e != k and g == k)
        fn_ = sum(1 for e, g in got if e == k and g != k)
        cells.append(f"{k[:12]:12} P={tp / max(1, tp + fp):.2f} R={tp / max(1, tp + fn_):.2f} ({tp}/{fp}/{fn_})")
    print(f"  {title:34} n={len(items):4d}  " + "  ".join(cells))


@dataclass
class Rate:
    """Dumps classified per second of this process's CPU time and per second of wall time."""

    cpu: float
    wall: float


def throughput(fns: dict[str, Callable[[str], object]], dumps: list[str], seconds: float = 6.0) -> dict[str, Rate]:
    """Time each function over all dumps, in alternating rounds until `seconds` have passed, so the
    classifier and its baseline see the same machine (this one is shared: other engineers' suites
    come and go). CPU time (`time.process_time`) is the headline: it counts what classifying costs,
    not how long the process waited for a core; wall time is printed beside it."""
    cpu = dict.fromkeys(fns, 0.0)
    wall = dict.fromkeys(fns, 0.0)
    done = dict.fromkeys(fns, 0)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or not all(done.values()):
        for name, fn in fns.items():
            c, w = time.process_time(), time.perf_counter()
            for d in dumps:
                fn(d)
            cpu[name] += time.process_time() - c
            wall[name] += time.perf_counter() - w
            done[name] += len(dumps)
    return {k: Rate(done[k] / max(cpu[k], 1e-9), done[k] / max(wall[k], 1e-9)) for k in fns}


def same_answers(dumps: list[str]) -> int:
    """Dumps whose classification differs between two passes (the timed loop must measure the same
    work that was scored; the classifier is pure, so this must be 0)."""
    first = [classify(d).detail() for d in dumps]
    return sum(1 for d, f in zip(dumps, first, strict=True) if classify(d).detail() != f)


def ocr_timing() -> tuple[float | None, str]:
    texts = SHARED / "notice-texts" / "notices.jsonl"
    if not texts.exists():
        return None, "notice-texts absent"
    from render_shots import notice_shots

    shots = notice_shots(texts, limit=3)
    empty = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" package="com.example.game" text="" '
             'bounds="[0,0][1080,2340]"><node class="android.view.SurfaceView" package="com.example.game" text="" '
             'bounds="[0,0][1080,2340]"/></node></hierarchy>')
    classify_screen(empty, shots[0].png)  # model load is paid once per process, not per screenshot
    t = time.perf_counter()
    kinds = [classify_screen(empty, s.png) for s in shots]
    ms = (time.perf_counter() - t) * 1000 / len(shots)
    found = sum(1 for c in kinds if c.kind == "consent_notice" and c.source == "ocr")
    return ms, f"{found}/{len(shots)} rendered notices classified consent_notice from OCR"


def sim_dialog_ocr_timing() -> tuple[float, str]:
    """OCR of the sim's textless WebView notice (sample webview_notice): only the dialog's box is
    read (classify_screen crops to the top window), the way the observer reads it during a run."""
    from harness.sim.model import parse_app_model
    from harness.sim.screens import View, Window, dump_xml, render_png, view_from_element
    from harness.sim.screens.hierarchy import activity_root

    sample = ROOT / "harness" / "sim" / "samples" / "webview_notice.yaml"
    model = parse_app_model(sample.read_bytes(), sample.name)
    pkg, main_s, notice_s = model.package, model.screen("main"), model.screen("notice")
    assert notice_s.dialog is not None
    under = Window(pkg, "main", activity_root(pkg, tuple(view_from_element(e, pkg, {}) for e in main_s.elements)))
    root = View("android.widget.FrameLayout", pkg, notice_s.dialog, children=tuple(
        view_from_element(e, pkg, {}) for e in notice_s.elements))
    wins = [under, Window(pkg, "notice", root, dialog=True)]
    xml, png = dump_xml(wins[-1]), render_png(wins)
    t = time.perf_counter()
    c = classify_screen(xml, png)
    ms = (time.perf_counter() - t) * 1000
    return ms, f"sim webview_notice dialog: {c.kind} from {c.source}, accept {c.accept.text if c.accept else None}"


def main() -> int:
    failures: list[str] = []
    print("Real screens (scores: kind P R (tp/fp/fn)); split fixed by sha256(set/file), see evaluate.split_of")
    pooled: dict[str, list[int]] = {k: [0, 0, 0] for k in SCORED}
    real_dumps: list[str] = []
    for name in REAL_SETS:
        folder = SHARED / name
        if not (folder / "labels.csv").exists():
            print(f"  {name}: not present, skipped")
            continue
        for part in ("dev", "held-out"):
            items = load_samples(folder, part)
            counts = _line(f"{name} {part} (classifier)", items, classify)
            _line(f"{name} {part} (naive regex)", items, naive_regex)
            for k, (tp, fp, fn_) in counts.items():
                pooled[k][0] += tp
                pooled[k][1] += fp
                pooled[k][2] += fn_
            real_dumps += [i.path.read_text(encoding="utf-8", errors="replace") for i in items]
    if real_dumps:
        print("  pooled real screens (gated):")
        for k, (p_goal, r_goal) in GOALS.items():
            tp, fp, fn_ = pooled[k]
            p, r = tp / max(1, tp + fp), tp / max(1, tp + fn_)
            ok = p >= p_goal and r >= r_goal
            print(f"    {k:22} P={p:.3f} R={r:.3f} (tp {tp}, fp {fp}, fn {fn_})  goal P>={p_goal} R>={r_goal}: "
                  f"{'met' if ok else 'NOT met'}")
            if not ok:
                failures.append(f"{k} on real screens")
        tp, fp, fn_ = pooled["login_agreement"]
        print(f"    {'login_agreement':22} P={tp / max(1, tp + fp):.3f} R={tp / max(1, tp + fn_):.3f} "
              f"(tp {tp}, fp {fp}, fn {fn_})  (no goal set)")

    try:
        from real_wording import all_items

        built = all_items()
    except Exception as exc:  # noqa: BLE001 - a broken shared file must not hide the other figures
        print(f"\nreal-wording screens: cannot build ({exc})")
        built = []
    if built:
        print("\nScreens built from real wording (../shared/notice-texts in realistic structures), per part:")
        for part in ("dev", "held-out"):
            _score_built(f"real wording {part} (classifier)", [i for i in built if i.part == part], classify)
            _score_built(f"real wording {part} (naive regex)", [i for i in built if i.part == part], naive_regex)

    corpus = load_corpus(CORPUS)
    print("\nProject corpus (tests/data/ui_corpus, written by the project; not real screens):")
    _line("own corpus (classifier)", corpus, classify)
    _line("own corpus (naive regex)", corpus, naive_regex)

    dumps = [i.path.read_text(encoding="utf-8") for i in corpus if i.kind != "unknown"] + real_dumps
    kb = sum(len(d) for d in dumps) / len(dumps) / 1024
    print(f"\nThroughput over {len(dumps)} dumps (mean {kb:.1f} KiB), same run:")
    rates = throughput({"classifier": classify, "naive regex": naive_regex}, dumps)
    ours, base = rates["classifier"], rates["naive regex"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"  classifier    {ours.cpu:8.0f} dumps per CPU second   ({ours.wall:6.0f} per wall-clock second)")
    print(f"  naive regex   {base.cpu:8.0f} dumps per CPU second   ({base.wall:6.0f} per wall-clock second)"
          f"  (classifier/regex {ours.cpu / base.cpu:.3f})")
    print(f"  load average {load:.1f} on {os.cpu_count()} cores (rounds alternate between the two)")
    ok = ours.cpu >= RATE_GOAL
    print(f"  goal >= {RATE_GOAL:.0f} dumps per CPU second: {'met' if ok else 'NOT met'}")
    if not ok:
        failures.append("throughput")
    unstable = same_answers(dumps)
    print(f"  classifications that differ between two passes: {unstable} (must be 0)")
    if unstable:
        failures.append("determinism")

    dnote: str | None = None
    if "--no-ocr" not in sys.argv:
        ms, note = ocr_timing()
        print("\nOCR (only when the top window has no text):")
        print(f"  {f'{ms:.0f} ms per screenshot' if ms is not None else 'skipped'}  ({note}; full screen, nothing cropped)")
        dms, dnote = sim_dialog_ocr_timing()
        print(f"  {dms:.0f} ms for a dialog  ({dnote}; the dialog's box only)")
        if "consent_notice from ocr" not in dnote:
            failures.append("OCR of the sim's textless notice")
    from _report import Report

    results = Report("ui_classify")
    results.figure("hierarchy dumps classified per CPU second", ours.cpu, "dumps/s", baseline=base.cpu,
                   baseline_name="naive regex", goal_min=RATE_GOAL)
    results.figure("hierarchy dumps classified per wall second (shared machine)", ours.wall, "dumps/s",
                   baseline=base.wall, baseline_name="naive regex")
    results.check("same classification on a second pass", unstable == 0, f"{unstable} differ")
    if dnote is not None:
        results.check("sim's textless notice read by OCR (dialog box only)", "consent_notice from ocr" in dnote, dnote)
    for k, (p_goal, r_goal) in GOALS.items():
        if real_dumps:
            tp, fp, fn_ = pooled[k]
            results.check(f"{k} on real screens P>={p_goal} R>={r_goal}", f"{k} on real screens" not in failures,
                          f"P={tp / max(1, tp + fp):.2f} R={tp / max(1, tp + fn_):.2f}")
    if failures:
        print(f"\nGOALS MISSED: {', '.join(failures)}")
    return results.finish()


if __name__ == "__main__":
    raise SystemExit(main())
