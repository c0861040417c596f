"""Derive adapters.csv from clones of mocoplex/adlibr-SDK-android and of its successor
nhn/adlib.android_media_app (kept for provenance, not run by the build). adlibr is a Korean ad mediation
SDK; its sample project ships one adapter class per mediated network, `SubAdlibAdView<Network>.java`.
Every version of every adapter in the repositories' histories is read, each distinct version once (older
versions import the networks' older SDK packages, newer ones their newer).

For each network, the Java imports outside the platform (android, androidx, java, javax, org.json,
org.jetbrains annotations), Google's code, adlibr's own (com.mocoplex, com.nhnace) and the sample app's
(test.adlib) are grouped by their first two segments (the vendor's namespace, `com.fsn`). A group is kept
when, in some version of the adapter, at least 2 and 5% of that version's outside imports fall in it, or
it is the only namespace that version imports from outside (old Cauly adapters import one class,
`com.cauly.android.ad.AdListener`): a helper library one version uses is not the network's, and an SDK
an old version imported still counts. A kept group gives the longest package all its imports share
(`com.sec.android.ad` for Samsung AdHub, `com.jm.co.shallwead.sdk` for ShallWeAd, `com.kakao.adfit` for
AdFit's several packages); a fixed cut at three segments, as for AdMob's adapters, would give Samsung's
platform namespace `com.sec.android`. Adapters importing nothing outside (AdMob, through Google Play
services) are not listed.

    python derive_adlibr.py adlibr-SDK-android.git adlib.android_media_app.git > adapters.csv"""

import csv
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SKIP = re.compile(r"^(android|androidx|java|javax|kotlin|kotlinx|org\.json|org\.jetbrains|com\.google"
                  r"|com\.mocoplex|com\.nhnace|test\.adlib)\.")
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


def main(repos: list[Path]) -> None:
    blobs: dict[str, dict[str, Path]] = defaultdict(dict)  # network -> {blob: a repo holding it}: each version once
    for repo in repos:
        for commit in git(repo, "rev-list", "--all").split():
            for line in git(repo, "ls-tree", "-r", commit).splitlines():
                meta, path = line.split("\t", 1)
                m = ADAPTER.search(path)
                if m and m.group(1) != "Core":
                    blobs[m.group(1)].setdefault(meta.split()[2], repo)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adapter", "packages", "imports"])
    for network in sorted(blobs):
        kept: dict[str, list[list[str]]] = defaultdict(list)  # namespace -> packages, from the versions keeping it
        total = 0
        for blob, repo in sorted(blobs[network].items()):
            groups: dict[str, list[list[str]]] = defaultdict(list)
            for name in IMPORT.findall(git(repo, "cat-file", "-p", blob)):
                parts = name.split(".")
                cut = next((i for i, x in enumerate(parts) if x[:1].isupper()), len(parts))
                if not SKIP.match(name) and cut >= 2:
                    groups[".".join(parts[:2])].append(parts[:cut])
            n = sum(len(g) for g in groups.values())
            total += n
            for ns, g in groups.items():
                if (len(g) >= 2 or len(groups) == 1) and len(g) >= 0.05 * n:
                    kept[ns] += g
        keep = sorted(common(g) for g in kept.values())
        if keep:
            out.writerow([network, " ".join(keep), total])


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]])
