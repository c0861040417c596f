"""Print the fault matrix's last figures as a Markdown table (for docs/reliability.md).

    CONSENTRY_FAULT_RESULTS=/tmp/faults.jsonl pytest -m faults tests/faults
    python tests/faults/table.py /tmp/faults.jsonl"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TABLES = ("api_calls", "flows", "ui")


def _rows(d: dict) -> str:
    return ", ".join(f"{t} {d.get(t, 0)}" for t in TABLES)


def main(path: str) -> None:
    print("| fault | status | reason | rows flushed before the fault | rows kept | lost | left behind |")
    print("|---|---|---|---|---|---|---|")
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        reason = (r.get("reason") or "")[:100].replace("|", "\\|")
        lost = "none" if not r.get("lost") else ", ".join(f"{k} {v}" for k, v in r["lost"].items())
        left = "nothing" if not r.get("leftovers") else "; ".join(r["leftovers"])
        print(f"| {r['fault']} | {r['status']} | {reason} | {_rows(r['rows_before'])} | {_rows(r['rows_kept'])} "
              f"| {lost} | {left} |")


if __name__ == "__main__":
    main(sys.argv[1])
