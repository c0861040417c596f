"""Which SDKs real Chinese apps declare, counted over policies: the enumeration behind the hand-written
entries added in December 2026 (docs/sdk.md, "Hand-written entries: the policy enumeration").

Names come only from (a) the hand labels (`sdks`) of policies whose split starts with `dev` in
`tests/data/policies/labels.yaml` and (b) CA4P policies that labels.yaml does not label at all, read by
the policy reader (`read_policy`) from the text inside `<pre>` of `raw_data/NNNN.html`. Held-out policies
are never read: they measure the policy reader, which uses the database. Policies whose name sets are
identical (one template) count once. A name is `known` when the policy matcher
(`analysis.policy.match`) ties it to a database entry, strictly (`known_as_sdk`) or by name or company
(`match_entry`). Written as a tab-separated table (count, name, known id, how, policies), plus the CA4P
ids read, so a later held-out draw can leave them out.

    python -m analysis.sdk.policy_enumeration CA4P_REPO [--labels FILE] [--out FILE] [--min 2]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from analysis.policy import read_policy
from analysis.policy.match import known_as_sdk, match_entry, norm
from analysis.sdk import load_db

_PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.S)
_TAG = re.compile(r"<[^>]+>")
MAX_HTML_BYTES = 2_000_000  # a CA4P page is well under 200 KB; anything larger is not one


def dev_label_names(labels: dict) -> dict[str, set[str]]:
    """{policy key: its labelled SDK names} for the policies of a `dev*` split."""
    return {f"label:{key}": {str(n) for n in lab.get("sdks") or []}
            for key, lab in labels.items() if str(lab.get("split", "")).startswith("dev")}


def ca4p_names(raw_data: Path, labelled: set[str], db) -> tuple[list[str], dict[str, set[str]]]:
    """(CA4P ids read, {policy key: SDK names the reader found}) for the CA4P policies not labelled."""
    read, out = [], {}
    for f in sorted(raw_data.glob("*.html")):
        if f.stem in labelled or f.stat().st_size > MAX_HTML_BYTES:
            continue
        m = _PRE.search(f.read_text(encoding="utf-8", errors="replace"))
        if not m:
            continue
        read.append(f.stem)
        text = html.unescape(_TAG.sub("", m.group(1)))
        out[f"ca4p:{f.stem}"] = {s.name for s in read_policy(text, html=False, db=db).sdks}
    return read, out


def count_names(names_by_policy: dict[str, set[str]], db, minimum: int = 2) -> list[tuple[int, str, str, str, list[str]]]:
    """(policies, name as most often written, known id or "", how, policy keys), most named first."""
    first_of_set: dict[tuple[str, ...], str] = {}
    for key in sorted(names_by_policy):
        if names_by_policy[key]:
            first_of_set.setdefault(tuple(sorted(norm(n) for n in names_by_policy[key])), key)
    policies: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key in first_of_set.values():
        for name in names_by_policy[key]:
            k = norm(name)
            if len(k) >= 2:
                policies[k].add(key)
                spellings[k][name] += 1
    rows = []
    for k, keys in policies.items():
        if len(keys) < minimum:
            continue
        written = max(sorted(spellings[k]), key=lambda s: spellings[k][s])
        strict = known_as_sdk(written, db)
        m = match_entry(written, None, None, db)
        known, how = (strict, "strict") if strict else ((m.sdk, m.how) if m.sdk else ("", "none"))
        rows.append((len(keys), written, known or "", how, sorted(keys)))
    return sorted(rows, key=lambda r: (-r[0], r[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ca4p", type=Path, help="a clone of zacharykzhao/CA4P-483 with raw_data/ restored")
    ap.add_argument("--labels", type=Path, default=Path("tests/data/policies/labels.yaml"))
    ap.add_argument("--out", type=Path, default=None, help="TSV to write (default: standard output)")
    ap.add_argument("--min", type=int, default=2, help="least number of policies naming an SDK")
    args = ap.parse_args(argv)
    raw = args.ca4p / "raw_data"
    if not raw.is_dir():
        print(f"{raw}: no raw_data directory (git restore --source=HEAD -- raw_data)", file=sys.stderr)
        return 2
    try:
        labels = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["policies"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        print(f"{args.labels}: cannot read the policy labels ({exc})", file=sys.stderr)
        return 2
    db = load_db()
    names = dev_label_names(labels)
    read, ca4p = ca4p_names(raw, {k.split("/", 1)[1] for k in labels if k.startswith("ca4p/")}, db)
    names.update(ca4p)
    lines = [f"# CA4P ids read ({len(read)}): {' '.join(read)}",
             f"# dev-labelled policies: {sum(1 for k in names if k.startswith('label:'))}",
             "policies\tname\tknown\thow\tpolicy_keys"]
    lines += [f"{n}\t{w}\t{k}\t{h}\t{' '.join(keys)}" for n, w, k, h, keys in count_names(names, db, args.min)]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
