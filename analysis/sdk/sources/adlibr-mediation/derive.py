"""Derive adapters.csv from a clone of mocoplex/adlibr-SDK-android (kept for provenance, not run by the
build). adlibr is a Korean ad mediation SDK; its sample project ships one adapter class per mediated network,
`SubAdlibAdView<Network>.java`. Every version of every adapter in the repository's history is read (older
versions import the networks' older SDK packages). For each network, the Java imports outside the platform
(android, androidx, java, javax, org.json), Google's code, adlibr's own (com.mocoplex) and the sample app's
(test.adlib) are grouped by their first two segments (the vendor's namespace, `com.fsn`); a group is kept
when at least 2 imports and 5% of the adapter's outside imports fall in it, and gives the longest package
all its imports share (`com.sec.android.ad` for Samsung AdHub, `com.jm.co.shallwead.sdk` for ShallWeAd,
`com.kakao.adfit` for AdFit's several packages). A fixed cut at three segments, as for AdMob's adapters,
would give Samsung's platform namespace `com.sec.android`. Adapters importing nothing outside (AdMob,
through Google Play services) are not listed.

    python derive.py /path/to/adlibr-SDK-android.git > adapters.csv"""

import csv
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SKIP = re.compile(r"^(android|androidx|java|javax|kotlin|kotlinx|org\.json|com\.google|com\.mocoplex|test\.adlib)\.")
IMPORT = re.compile(r"^import\s+(?:static\s+)?([A-Za-z_][\w.]*)", re.M)
ADAPTER = re.compile(r"(?:^|/)SubAdlibAdView(\w+)\.java$")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True,
                          text=True, encoding="utf-8", errors="replace").stdout


def common(packages: list[list[str]]) -> str:
    out = packages[0]
    for p in packages[1:]:
        n = 0
        while n < min(len(out), len(p)) and out[n] == p[n]:
            n += 1
        out = out[:n]
    return ".".join(out)


def main(repo: Path) -> None:
    blobs: dict[str, set[str]] = defaultdict(set)  # network -> blob ids of its adapter, over all history
    for commit in git(repo, "rev-list", "--all").split():
        for line in git(repo, "ls-tree", "-r", commit).splitlines():
            meta, path = line.split("\t", 1)
            m = ADAPTER.search(path)
            if m and m.group(1) != "Core":
                blobs[m.group(1)].add(meta.split()[2])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adapter", "packages", "imports"])
    for network in sorted(blobs):
        groups: dict[str, list[list[str]]] = defaultdict(list)
        for blob in sorted(blobs[network]):
            for name in IMPORT.findall(git(repo, "cat-file", "-p", blob)):
                parts = name.split(".")
                cut = next((i for i, x in enumerate(parts) if x[:1].isupper()), len(parts))
                if not SKIP.match(name) and cut >= 2:
                    groups[".".join(parts[:2])].append(parts[:cut])
        total = sum(len(g) for g in groups.values())
        keep = sorted(common(g) for g in groups.values() if len(g) >= 2 and len(g) >= 0.05 * total)
        if keep:
            out.writerow([network, " ".join(keep), total])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
