"""JUnit XML for CI: a testsuite per app, a testcase per rule, failed where the rule found something.

Built with ElementTree, which escapes text and attributes; characters XML 1.0 cannot carry are
removed first (app content may hold any byte)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from analysis.rules import RULES

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEXT = 4000


def clean(text) -> str:
    return _XML_ILLEGAL.sub("", str(text if text is not None else ""))[:MAX_TEXT]


def write_junit(path: Path, apps) -> Path:
    root = ET.Element("testsuites", name="consentry")
    total = failures = 0
    for a in apps:
        f = a.findings
        suite = ET.SubElement(root, "testsuite", name=clean(a.app), tests=str(len(RULES)))
        n_fail = 0
        for rule in RULES:
            case = ET.SubElement(suite, "testcase", classname=clean(f"consentry.{a.app}"), name=rule.id)
            hits = f[f["rule"] == rule.id] if not f.empty else f
            if len(hits):
                n_fail += 1
                lines = [f"{r['run_id']} ({r['scenario']}): {r['category'] or ''} sdk={r['sdk'] or '-'} "
                         f"count={r['count']} first_t={r['first_t_ns'] / 1e9:.3f}s"
                         for r in hits.head(50).to_dict("records")]
                fail = ET.SubElement(case, "failure", type=rule.severity,
                                     message=clean(f"{rule.explanation} [{'; '.join(rule.refs)}] ({len(hits)} finding(s))"))
                fail.text = clean("\n".join(lines))
        for row in getattr(a, "disclosure", ()):  # declared vs observed: one case per category and SDK
            case = ET.SubElement(suite, "testcase", classname=clean(f"consentry.{a.app}.declared_vs_observed"),
                                 name=clean(f"{row['kind']}:{row['item']}"))
            if row["observed"] and row["declared"] is False:
                n_fail += 1
                fail = ET.SubElement(case, "failure", type="disclosure",
                                     message=clean(f"{row['name']} observed but not declared in the privacy policy"))
                fail.text = clean(f"first seen in run {row['observed_run']} ({row['observed_scenario']}) at "
                                  f"{row['observed_t_s']}s by {row['observed_how']}")
            elif row["declared"] is None:
                ET.SubElement(case, "skipped", message="no run read the app's privacy policy")
        suite.set("tests", str(len(RULES) + len(getattr(a, "disclosure", ()))))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        total += len(RULES) + len(getattr(a, "disclosure", ()))
        failures += n_fail
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
