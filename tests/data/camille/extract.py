"""Extract camille's hook list (class, method, function) from its script.js: see SOURCE.md.

Usage: python extract.py script.js > hooks.tsv"""

from __future__ import annotations

import re
import sys


def extract(script: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    func: str | None = None
    cls: str | None = None
    for line in script.split("\n"):
        m = re.match(r"^function (\w+)\(", line)
        if m:
            func = m.group(1)
        if func == "customHook" or line.strip().startswith("//"):
            continue
        m = re.search(r"hook\('([\w.$]+)',\s*\[", line)
        if m:
            cls = m.group(1)
        m = re.search(r"'methodName':\s*'([\w$]+)'", line)
        if m and cls:
            rows.append((cls, m.group(1), func or ""))
        if re.search(r"\]\);", line):
            cls = None
        m = re.search(r"hookApplicationPackageManagerExceptSelf\('(\w+)'", line)
        if m and "function" not in line:
            rows.append(("android.app.ApplicationPackageManager", m.group(1), func or ""))
    used = dict(re.findall(r"var (\w+) = Java\.use\('([\w.$]+)'\)", script))
    for var, method in re.findall(r"(\w+)\.(\w+)(?:\.overloads\[i\])?\.implementation", script):
        if var in used and method != "overloads":
            rows.append((used[var], method, "direct"))
    seen: dict[tuple[str, str], tuple[str, str, str]] = {}
    for r in rows:
        seen.setdefault(r[:2], r)
    return list(seen.values())


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        found = extract(fh.read())
    print("class\tmethod\tfunction")
    for row in found:
        print("\t".join(row))
