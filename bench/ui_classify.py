"""Benchmark of the UI classifier: precision/recall per kind on the labelled corpus (and on the
shared reference set of real screens when present), and dumps classified per second against two
naive baselines measured in the same run: a keyword regex over the raw XML, and xml.dom.minidom
parsing followed by the same keyword test (what a first attempt usually looks like).

Goal (issue 5): P and R >= 0.95 for consent_notice and permission_dialog, >= 500 dumps/s."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from xml.dom import minidom

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.ui.classify import classify  # noqa: E402
from harness.ui.evaluate import SCORED, load_corpus, load_samples, score  # noqa: E402
from harness.ui.model import Classification  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "ui_corpus"
SAMPLES = ROOT.parent / "shared" / "ui-samples"

_NAIVE_NOTICE = re.compile(r"隐私政策|用户协议|privacy policy|terms of service", re.I)
_NAIVE_AGREE = re.compile(r'text="(同意|Agree|Accept|I agree)"', re.I)
_NAIVE_PERM = re.compile(r"permissioncontroller|packageinstaller|permission_allow", re.I)


def naive_regex(xml: str) -> Classification:
    """Keyword matching over the raw XML: the obvious first attempt."""
    if _NAIVE_PERM.search(xml):
        return Classification(kind="permission_dialog", reason="naive")
    if _NAIVE_NOTICE.search(xml) and _NAIVE_AGREE.search(xml):
        return Classification(kind="consent_notice", reason="naive")
    return Classification(kind="other", reason="naive")


def naive_minidom(xml: str) -> Classification:
    """DOM parse (no defusing, whole tree in memory), then the same keywords over node texts."""
    try:
        doc = minidom.parseString(xml.encode("utf-8"))
    except Exception:  # noqa: BLE001
        return Classification(kind="unknown", reason="naive")
    texts = [n.getAttribute("text") for n in doc.getElementsByTagName("node")]
    pkgs = {n.getAttribute("package") for n in doc.getElementsByTagName("node")}
    if any("permissioncontroller" in p or "packageinstaller" in p for p in pkgs):
        return Classification(kind="permission_dialog", reason="naive")
    joined = "\n".join(texts)
    if _NAIVE_NOTICE.search(joined) and any(t in ("同意", "Agree", "Accept", "I agree") for t in texts):
        return Classification(kind="consent_notice", reason="naive")
    return Classification(kind="other", reason="naive")


def throughput(fn, dumps: list[str], seconds: float = 2.0) -> float:
    n = 0
    t = time.perf_counter()
    end = t + seconds
    while time.perf_counter() < end:
        for d in dumps:
            fn(d)
        n += len(dumps)
    return n / (time.perf_counter() - t)


def report(title: str, items, fn) -> None:
    s = score(items, fn)
    print(f"\n{title}: {s.n} dumps")
    print(f"  {'kind':22} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for k in SCORED:
        p, r, tp, fp, fn_ = s.per_kind[k]
        print(f"  {k:22} {p:9.3f} {r:7.3f} {tp:4d} {fp:4d} {fn_:4d}")
    if s.mistakes and fn is classify:
        for m in s.mistakes[:10]:
            print(f"  mistake: {m[0]} expected {m[1]} got {m[2]} ({m[3]})")


def main() -> int:
    corpus = load_corpus(CORPUS)
    report("corpus (classifier)", corpus, classify)
    report("corpus (naive regex baseline)", corpus, naive_regex)
    samples = load_samples(SAMPLES) if (SAMPLES / "labels.csv").exists() else []
    if samples:
        report("shared ui-samples, real screens (classifier)", samples, classify)
        report("shared ui-samples, real screens (naive regex baseline)", samples, naive_regex)
    else:
        print("\nshared ui-samples not present: skipped")
    dumps = [i.path.read_text(encoding="utf-8") for i in corpus if i.kind != "unknown"]
    dumps += [i.path.read_text(encoding="utf-8", errors="replace") for i in samples]
    kb = sum(len(d) for d in dumps) / len(dumps) / 1024
    print(f"\nthroughput over {len(dumps)} dumps (mean {kb:.1f} KiB):")
    ours = throughput(classify, dumps)
    base_re = throughput(naive_regex, dumps)
    base_dom = throughput(naive_minidom, dumps)
    print(f"  classifier          {ours:8.0f} dumps/s")
    print(f"  naive regex         {base_re:8.0f} dumps/s  (classifier/regex ratio {ours / base_re:.2f})")
    print(f"  naive minidom       {base_dom:8.0f} dumps/s  (classifier/minidom ratio {ours / base_dom:.2f})")
    print(f"  goal >= 500 dumps/s: {'met' if ours >= 500 else 'NOT met'}")
    from _report import Report

    results = Report("ui_classify")
    results.figure("hierarchy dumps classified/s", ours, "dumps/s", baseline=base_dom,
                  baseline_name="naive minidom", goal_min=500)
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
