"""Derive adapters.csv from a clone of googleads/googleads-mobile-android-mediation (kept for provenance, not
run by the build): every distinct version, in the repository's whole history, of the non-test Java/Kotlin
sources under each ThirdPartyAdapters/<network>/ directory (adapters Google has since removed, such as nend,
Tapjoy, Verve, Zucks or Yandex, and the SDK packages older versions imported, still name those networks'
SDKs). In each version, the imports outside the platform (android, androidx, java, javax, kotlin, kotlinx,
org.json) and Google's own code (com.google) are cut to packages (the class name off) of at most three
segments; a package is kept when, in some version, at least 2 and 5% of that version's outside imports use
it, or it is the only one that version imports (so a helper library one file imports, such as Glide, is not
the network's), and only when no shorter kept package covers it.

    python derive.py /path/to/googleads-mobile-android-mediation.git > adapters.csv"""

import csv
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

SKIP = re.compile(r"^(android|androidx|java|javax|kotlin|kotlinx|org\.json|com\.google)\.")
IMPORT = re.compile(r"^import\s+(?:static\s+)?([A-Za-z_][\w.]*)", re.M)


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True, input=stdin,
                          text=True, encoding="utf-8", errors="replace").stdout


def main(repo: Path) -> None:
    versions: dict[str, set[str]] = defaultdict(set)  # network -> blob ids of its sources, over all history
    for line in git(repo, "rev-list", "--all", "--objects", "--", "ThirdPartyAdapters").splitlines():
        sha, _, path = line.partition(" ")
        seg = path.split("/")
        if len(seg) > 2 and seg[0] == "ThirdPartyAdapters" and path.endswith((".java", ".kt")) \
                and "test" not in "/".join(seg[2:]).lower():
            versions[seg[1]].add(sha)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adapter", "packages", "imports"])
    for network in sorted(versions):
        kept: set[str] = set()
        total = 0
        for blob in sorted(versions[network]):
            counts: Counter = Counter()
            for name in IMPORT.findall(git(repo, "cat-file", "-p", blob)):
                parts = name.split(".")
                cut = next((i for i, x in enumerate(parts) if x[:1].isupper()), len(parts))
                pkg = parts[: min(cut, 3)]
                if not SKIP.match(name) and len(pkg) >= 2:
                    counts[".".join(pkg)] += 1
            n = sum(counts.values())
            total += n
            kept |= {p for p, k in counts.items() if (k >= 2 or len(counts) == 1) and k >= 0.05 * n}
        keep: list[str] = []
        for p in sorted(kept, key=lambda p: (p.count("."), p)):
            if not any(p.startswith(k + ".") for k in keep):
                keep.append(p)
        if keep:
            out.writerow([network, " ".join(sorted(keep)), total])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
