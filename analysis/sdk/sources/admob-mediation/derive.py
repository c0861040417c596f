"""Derive adapters.csv from a checkout of googleads/googleads-mobile-android-mediation (kept for provenance,
not run by the build): for each ThirdPartyAdapters/<network>/ directory, the Java/Kotlin imports of its
non-test sources outside the platform (android, androidx, java, javax, kotlin, kotlinx, org.json) and
Google's own code (com.google), as packages (the class name cut off) of at most three segments; a prefix is
kept when at least 2 imports and 5% of the adapter's outside imports use it (so a helper library one file
imports, such as Glide, is not the network's), and only when no shorter kept prefix covers it.

    python derive.py /path/to/googleads-mobile-android-mediation > adapters.csv"""

import csv
import re
import sys
from collections import Counter
from pathlib import Path

SKIP = re.compile(r"^(android|androidx|java|javax|kotlin|kotlinx|org\.json|com\.google)\.")
IMPORT = re.compile(r"^import\s+(?:static\s+)?([A-Za-z_][\w.]*)", re.M)


def main(root: Path) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adapter", "packages", "imports"])
    for d in sorted(p for p in (root / "ThirdPartyAdapters").iterdir() if p.is_dir()):
        counts: Counter = Counter()
        for f in sorted(d.rglob("*")):
            if f.suffix in (".java", ".kt") and "test" not in str(f.relative_to(d)).lower():
                for name in IMPORT.findall(f.read_text(encoding="utf-8", errors="replace")):
                    parts = name.split(".")
                    cut = next((i for i, x in enumerate(parts) if x[:1].isupper()), len(parts))
                    pkg = parts[: min(cut, 3)]
                    if not SKIP.match(name) and len(pkg) >= 2:
                        counts[".".join(pkg)] += 1
        total = sum(counts.values())
        kept = sorted((p for p, n in counts.items() if n >= 2 and n >= 0.05 * total), key=lambda p: (p.count("."), p))
        keep: list[str] = []
        for p in kept:
            if not any(p.startswith(k + ".") for k in keep):
                keep.append(p)
        keep.sort()
        if keep:
            out.writerow([d.name, " ".join(keep), total])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
