"""Benchmark: reading hostile policy pages made of company names grows linearly with page size.

Pages: made-up registered company names ("北京青禾科技有限公司") written as an SDK list in three
layouts a hostile or broken page can take: one endless line ("…有限公司SDK、…"), one name per line
("…有限公司的SDK"), and one line of sharing clauses ("共享至…有限公司、"), each at 65 KB and at
650 KB. Before this benchmark such a page took 20-50 s whatever its size past 20 KB (every name
matched by a scan of the whole SDK database; a sentence split from the line's start for every
sharing clause; an enumeration pattern tried at every position of the line).

Figure: CPU seconds to read each 650 KB page, beside the strongest simple baseline measured in the
same run on the same page: the text preparation and category scan alone (`policy_text` + the
category clauses), a linear pass no reader can beat. Goals: each 650 KB page read in <= 10 s of
CPU, and the 650 KB page costing <= 15 x the 65 KB one (10 x is linear; a quadratic step gives
100 x). Checks: every name read is a planted company's trade name, as many as the reader keeps.
CPU time (`time.process_time`) is used: on the shared 2-core machine wall time measures load."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import Report  # noqa: E402

from analysis.policy import read_policy  # noqa: E402
from analysis.policy.categories import categories_in  # noqa: E402
from analysis.policy.entries import company_short  # noqa: E402
from analysis.policy.sdks import MAX_ENTRIES  # noqa: E402
from analysis.policy.text import policy_text  # noqa: E402

LAYOUTS = {"one line": "{}SDK、", "one per line": "{}的SDK\n", "sharing clauses": "共享至{}、"}
GOAL_SECONDS = 10.0
# characters of trade names; not function words (的, 和, 等, 由…) that would make a name a phrase
NAME_CHARS = "青禾远帆明溪望舒星河云岚松柏竹梅兰菊鹤鹿麒麟凤凰龙虎豹狮雁燕鹏鲲锦绣琳琅璞玉瑶琼珂珑翠碧"
GOAL_GROWTH = 15.0


def page(layout: str, kb: int, seed: int) -> tuple[str, set[str]]:
    rng = random.Random(seed)
    parts, planted, size = [], set(), 0
    while size < kb * 1024:
        name = "北京" + "".join(rng.choice(NAME_CHARS) for _ in range(4)) + "科技有限公司"
        planted.add(company_short(name) or name)
        part = LAYOUTS[layout].format(name)
        parts.append(part)
        size += len(part.encode())
    return "".join(parts), planted


def cpu(fn) -> tuple[float, object]:
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def main() -> int:
    report = Report("policy_hostile")
    read_policy("第三方SDK：青禾SDK")  # load the SDK database and its lookups once, outside the timings
    for i, layout in enumerate(LAYOUTS):
        small, _ = page(layout, 65, i)
        big, planted = page(layout, 650, i)
        t_small, _ = cpu(lambda text=small: read_policy(text))
        t_big, reading = cpu(lambda text=big: read_policy(text))
        t_base, _ = cpu(lambda text=big: categories_in(policy_text(text).text))
        report.figure(f"{layout}: 650 KB read", t_big, "s CPU", baseline=t_base,
                      baseline_name="text preparation + category scan", goal_max=GOAL_SECONDS, lower_is_better=True)
        report.figure(f"{layout}: growth 65 -> 650 KB", t_big / max(t_small, 1e-3), "x", goal_max=GOAL_GROWTH)
        names = [s.name for s in reading.sdks]  # type: ignore[attr-defined]
        report.check(f"{layout}: names are planted companies", bool(names) and all(n in planted for n in names)
                     and len(names) == min(len(planted), MAX_ENTRIES), f"{len(names)} names")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
