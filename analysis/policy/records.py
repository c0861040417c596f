"""A layout-independent reader of a policy's SDK section: the records of a list, found by the
structure that repeats, each record's name, and the SDK database as evidence.

The layout-specific readers (`sdks.py`, `lists.py`) know tables, key blocks and lead-ins; every
fresh batch of real policies brings a list they have not seen ("1）、“友盟”：该SDK由…提供",
"7、当您使用APP时，Bugly会收集…", "8）Share SDK：为了…", "1、语音识别服务提供商：…由包括Nuance在内
的第三方提供"). What such lists share is not their wording but their shape: sibling items
(numbered in sequence, or bulleted alike), each naming one or a few third parties where a record's
name stands (a quoted name or a short head before its colon), or as the subject of the verb that
collects ("X会收集", "X SDK需要读取"), or as whom a service is provided by ("由X提供").

Which of those candidates are SDKs is decided from evidence, not word lists: a run of sibling items
whose candidates are mostly names the SDK database knows (by name, Chinese name or company) is an
SDK list, and then every name-like candidate of it counts, known or not (a list of SDKs also
names SDKs the database lacks); outside such a list a candidate counts only when the database
knows it and its item speaks of SDKs or third parties."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.policy.categories import categories_in
from analysis.policy.entries import SdkEntry, clean_name, enumerated, is_address, is_phrase, names_in_cell

MAX_CONTINUATION = 6  # lines a record's text may run over after its item line
MAX_SIBLING_GAP = 40  # lines between two siblings of one list (nested items and wrapped text between)
MAX_GROUPS_LINES = 20_000  # lines scanned for records (hostile huge pages: the text is capped before)

# An item mark: "1、", "1）、", "2.", "1.2.3", "（1）", "①", "•", "a、". Not "1.5第三方…" (a section number
# run into its title is no list mark of a record: it is followed by a digit-free title, handled as any
# other line).
_MARK = re.compile(
    r"^\s*(?P<mark>(?P<num>\d{1,3}(?:\.\d{1,3})*)\s*(?P<close>[\.、\)）])(?:\s*[、\.])?(?!\d)"
    r"|[（(](?P<pnum>\d{1,3})[）)]|(?P<circ>[①-⑳])|(?P<bul>[•·▪◦●○■□\-*+])(?=\s)|(?P<let>[a-z])[\.\)、])\s*")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class Item:
    line: int  # index of the item's first line
    kind: str  # what kind of mark opens it ("1.", "1)", "(1)", "①", "•", "a.")
    number: tuple[int, ...]  # its number ("4.2" -> (4, 2)); () for bullets
    text: str  # the item line after its mark, then its continuation lines


def _mark_of(line: str) -> tuple[str, tuple[int, ...], int] | None:
    m = _MARK.match(line)
    if not m:
        return None
    if m.group("num"):
        parts = tuple(int(p) for p in m.group("num").split("."))
        close = m.group("close")
        return f"num{len(parts)}{'.' if close == '.' else ')' if close in ')）' else '、'}", parts, m.end()
    if m.group("pnum"):
        return "paren", (int(m.group("pnum")),), m.end()
    if m.group("circ"):
        return "circled", (_CIRCLED.index(m.group("circ")) + 1,), m.end()
    if m.group("let"):
        return "letter", (ord(m.group("let")) - ord("a") + 1,), m.end()
    return f"bullet{m.group('bul')}", (), m.end()


def _next_sibling(before: tuple[int, ...], after: tuple[int, ...]) -> bool:
    if not before and not after:
        return True  # bullets: the same bullet is enough
    return len(before) == len(after) and before[:-1] == after[:-1] and after[-1] == before[-1] + 1


def item_groups(lines: list[str], skip: set[int]) -> list[list[Item]]:
    """Runs of sibling items (at least two): items of one kind numbered in sequence (or bulleted
    alike); lines between two siblings (wrapped text, nested items of another kind) belong to the
    item before them, at most MAX_CONTINUATION of them."""
    groups: list[list[Item]] = []
    open_groups: dict[str, list[Item]] = {}  # kind -> its run still open
    current: Item | None = None
    since = 0
    for i, line in enumerate(lines[:MAX_GROUPS_LINES]):
        if i in skip or line.lstrip().startswith("#"):
            current, open_groups = None, {}
            continue
        mark = _mark_of(line)
        if mark:
            kind, number, end = mark
            run = open_groups.get(kind)
            if run and _next_sibling(run[-1].number, number) and i - run[-1].line <= MAX_SIBLING_GAP:
                current = Item(i, kind, number, line[end:].strip())
                run.append(current)
                since = 0
                # a sibling closes the runs nested inside the previous item
                open_groups = {k: g for k, g in open_groups.items() if g is run or g[0].line < run[0].line}
                continue
            current = Item(i, kind, number, line[end:].strip())
            run = [current]
            open_groups[kind] = run
            groups.append(run)
            since = 0
            continue
        if current is not None and since < MAX_CONTINUATION and line.strip():
            current.text += "\n" + line.strip()
            since += 1
        else:
            current = None
    return [g for g in groups if len(g) >= 2]


_QUOTED_HEAD = re.compile(r"^[“\"「『【《]([^”\"」』】》]{1,30})[”\"」』】》]")
# What follows a quoted name that opens a record: its colon, or the record calling it an SDK or
# saying who provides it ("“七牛”：由…提供", "“极光推送”该SDK由…"); not "“私密浏览器”如何处理…".
_NAMES_ITSELF = re.compile(r"\s*(?:[：:，,]|(?:该|本|此)?\s*SDK|由|[（(])", re.I)
# The key of a field ("SDK用途", "收集个人信息类型", "隐私政策链接"), where a record's name is not.
_FIELD_KEY = re.compile(r"(?:名称|用途|目的|类型|种类|链接|地址|方式|场景|权限|字段|范围|说明|描述)\s*$")
_HEAD = re.compile(r"^([^：:，,。；;！？!?]{1,30}?)\s*[：:]")
# The subject of the verb that collects: "Bugly会收集", "友盟+SDK、TalkingData SDK需要收集".
_COLLECTS = re.compile(r"(?:SDKs?)?\s*(?:也|还|均|都)?(?:会|需要|将|可能|可以|在)+\s*(?:收集|读取|获取|采集|访问|调用)", re.I)
_SUBJECT_START = re.compile(r".*(?:[，,；;。：:！？!?]|时|后|前)")
# "由包括Nuance在内的第三方提供", "由友盟、淘宝推送、vivo 推送提供"
_PROVIDED_BY = re.compile(r"由\s*(?:包括|包含)?\s*([^，,。；;：:由]{2,60}?)\s*(?:在内的|等)?(?:第三方|合作方|服务商|公司)?(?:提供|负责)")
_THIRD_PARTY = re.compile(r"SDK|第三方|合作方|合作伙伴|服务商|提供商|提供方|供应商|third[\s\-]part|provider", re.I)
_RUN_LEAD = re.compile(r"^.*(?:使用|包括|包含|例如|比如|集成|接入|如)")
_ENUM_RUN = re.compile(r"(?:[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,14}、\s*)+[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,14}")


def _subjects(text: str) -> list[str]:
    out: list[str] = []
    for m in _COLLECTS.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        if re.search(r"(?:不|未|无需|无须)\s*$", before):
            continue  # "但不会收集": nobody collects
        cut = _SUBJECT_START.match(before)
        subject = before[cut.end():] if cut else before
        subject = re.sub(r"^\s*(?:则|此时|同时|另外|并且|并)", "", subject).strip()
        subject = re.sub(r"^(?:根据|按照|依据|视)(?:需要|情况|实际)?.*$", "", subject)  # "并根据需要收集": no subject
        if not subject or len(subject) > 40:
            continue
        out.extend(names_in_cell(re.sub(r"\s*SDKs?\s*(?=[、/和及]|$)", "", subject, flags=re.I)))
    return out


@dataclass
class Candidate:
    name: str
    item: Item
    how: str  # quoted | head | subject | provided | members


def item_candidates(item: Item, known: Callable[[str], bool]) -> list[Candidate]:
    """Where a record names its third party, best evidence first: a quoted name opening it, the
    short head before its colon, else the subjects of its collecting verbs and whom it says
    provides the service; a head that only names a kind of SDK ("渠道SDK：如您使用华为、OPPO…手机")
    gives the members of an enumeration in it that the database knows, one and all."""
    first = item.text.split("\n", 1)[0]
    q = _QUOTED_HEAD.match(first)
    if q and _NAMES_ITSELF.match(first[q.end():]):
        return [Candidate(n, item, "quoted") for n in names_in_cell(q.group(1))]
    h = _HEAD.match(first)
    if h and _FIELD_KEY.search(h.group(1)):
        return []  # "SDK用途：…", "收集个人信息类型：…": a field of a key block, not a record's name
    if h:
        head = h.group(1).strip()
        found = names_in_cell(head)
        body = item.text[h.end():]
        if found and not re.search(r"SDK", head, re.I) and re.search(r"SDK", body, re.I) \
                and not any(known(n) for n in found):
            found = []  # "广告投放服务：我们会使用优量汇、穿山甲的SDK": the head names the service, its body the SDKs
        if not found and re.fullmatch(r"[A-Za-z][A-Za-z0-9\s\-]*SDK", head, re.I):
            squashed = re.sub(r"\s+", "", head)
            if known(squashed):  # "Share SDK" is the database's ShareSDK, not the kind "share"
                found = [squashed]
        if found:
            return [Candidate(n, item, "head") for n in found]
        if re.search(r"SDK", head, re.I):  # a kind only: its members, when the database knows each
            for run in _ENUM_RUN.finditer(item.text[h.end():]):
                parts = run.group(0).split("、")
                parts[0] = _RUN_LEAD.sub("", parts[0])  # "如您使用华为": the run starts after its verb
                parts[-1] = re.sub(r"等.*$", "", parts[-1])  # "魅族等品牌手机"
                members = enumerated("、".join(parts))
                if len(members) >= 2 and all(known(n) for n in members):
                    return [Candidate(n, item, "members") for n in members]
    out = [Candidate(n, item, "subject") for n in _subjects(item.text)]
    if out:
        return out
    for m in _PROVIDED_BY.finditer(item.text):
        if re.search(r"有限|公司|集团", m.group(0)):
            continue  # a registered provider is read where its SDK is named, not as another entry
        out.extend(Candidate(n, item, "provided") for n in enumerated(m.group(1)))
    return out


def _name_like(name: str, known: Callable[[str], bool]) -> bool:
    """Short, no kind of data, no phrase; and a name in its own right, or one the database knows
    ("ShareSDK", which without its "SDK" reads as the kind "share")."""
    if len(name) > 24 or categories_in(name) or is_phrase(name) or is_address(name):
        return False
    return clean_name(name) is not None or known(name)


_PROVIDER_IN_BRACKETS = re.compile(
    r"\s*(?:SDK)?\s*[（(][^（）()]{0,40}?(?:公司|集团|Inc\.?|LLC|Ltd\.?|Limited|GmbH|Corporation|Corp\.?)\s*[）)]\s*[：:]", re.I)


def _with_provider(name: str, text: str) -> bool:
    """The record opens with `name` then its provider, a registered company, in brackets and a colon."""
    first = text.split("\n", 1)[0]
    at = first.find(name)
    return 0 <= at <= 4 and bool(_PROVIDER_IN_BRACKETS.match(first, at + len(name)))


def from_records(lines: list[str], skip: set[int], known: Callable[[str], bool] | None) -> list[SdkEntry]:
    """SDK entries read from sibling items (see the module docstring); without the database
    (`known` None) nothing is accepted, since acceptance rests on its evidence."""
    if known is None:
        return []
    entries: list[SdkEntry] = []
    for group in item_groups(lines, skip):
        cands = [c for item in group for c in item_candidates(item, known) if _name_like(c.name, known)]
        if not cands:
            continue
        distinct = {c.name: c for c in cands}
        with_names = {id(c.item) for c in cands}
        # evidence that a name is a third party's SDK: the database knows it, or its record opens
        # with the name and its provider in brackets ("• Flutter引擎（Google LLC）：应用运行框架")
        n_known = sum(1 for n, c in distinct.items() if known(n) or _with_provider(n, c.item.text))
        is_list = len(with_names) >= 2 and n_known >= 2 and n_known * 2 >= len(distinct)
        for name, c in distinct.items():
            if is_list or (known(name) and _THIRD_PARTY.search(c.item.text)):
                # the record's text says what it collects: the SDK's declared categories
                entries.append(SdkEntry(name=name, source="record", data=c.item.text[:500], excerpt=c.item.text[:200]))
    return entries


# "key：value" lines whose keys repeat with a period ("名称：… / 用途：… / 链接：…" three times): the
# record starts at the key that opens each period, whatever the keys are called.
_KEY_VALUE = re.compile(r"^\s*(?:[-*•·]\s*)?(?P<key>[^：:\s|][^：:|，,。；;]{0,11}?)\s*[：:]\s*(?P<value>.*)$")
MAX_GAP = 2  # lines without a key allowed inside a run of key lines (a wrapped value, a link)


def _key_runs(lines: list[str], skip: set[int]) -> list[list[tuple[int, str, str]]]:
    runs: list[list[tuple[int, str, str]]] = []
    run: list[tuple[int, str, str]] = []
    gap = 0
    for i, line in enumerate(lines[:MAX_GROUPS_LINES]):
        m = _KEY_VALUE.match(line) if i not in skip else None
        if m and m.group("value").strip() and not re.match(r"https?$", m.group("key"), re.I):
            run.append((i, re.sub(r"\s+", "", m.group("key")), m.group("value").strip()))
            gap = 0
            continue
        gap += 1
        if gap > MAX_GAP and run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def from_key_periods(lines: list[str], skip: set[int], known: Callable[[str], bool] | None) -> list[SdkEntry]:
    """Records of repeating "key：value" lines whose keys no reader knows beforehand: the key that
    opens each period names the record when its values are names (most of them known to the
    database, or the records carry a provider/link key), else the short line right before each
    period (its heading) does."""
    if known is None:
        return []
    entries: list[SdkEntry] = []
    for run in _key_runs(lines, skip):
        keys = [k for _, k, _ in run]
        first = keys[0]
        starts = [j for j, k in enumerate(keys) if k == first]
        if len(starts) < 2 or len(set(keys)) < 2:
            continue  # no period: one block, or a list of one key
        values = [run[j][2] for j in starts]
        headings = [lines[run[j][0] - 1].strip() if run[j][0] > 0 else "" for j in starts]
        third_party = any(_THIRD_PARTY.search(k) or re.search(r"链接|隐私|公司|主体", k) for k in set(keys))
        for candidates in (values, headings):
            names = [n for v in candidates for n in (names_in_cell(v) if len(v) <= 40 else [])
                     if _name_like(n, known)]
            n_known = sum(1 for n in set(names) if known(n))
            if len(names) >= 2 and len(names) * 2 >= len(starts) and \
                    (n_known * 2 >= len(set(names)) or (third_party and n_known >= 1)):
                entries.extend(SdkEntry(name=n, source="record", excerpt=f"{first}：{n}") for n in names)
                break
    return entries
