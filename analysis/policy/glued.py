"""SDK tables whose cell separators were lost: the header and each row come out as one run of text.

A page flattened without its table markup leaves "第三方服务提供方名称收集的信息与目的隐私政策" as the
header and "优量汇腾讯展示第三方广告https://…" as a row. The structure is still there: a short line made
of three or more header labels, then rows that each end in their policy link. In a row the name and
its provider come first, then the purpose, which opens with a verb of purpose; the provider, glued
to the name, is cut off where what follows the name is a company the SDK database knows ("腾讯",
"今日头条") or repeats the name's own start ("百度移动统计百度"). Text glued after a link's file
extension ("….htmlFireBase统计") is the first cell of the next row, whose other cells were lost."""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.policy.categories import categories_in
from analysis.policy.entries import SdkEntry, clean_name, is_phrase

_LABEL = re.compile(r"名称|提供方|提供商|运营方|目的|用途|功能|隐私政策|隐私协议|链接|收集的信息|信息类型|个人信息|场景")
_ABOUT_SDK = re.compile(r"SDK|第三方|合作", re.I)
_SENTENCE = re.compile(r"[，,。；;：:！？!?]")
# a link; it ends before the first character no address holds, or right after a page's file
# extension when letters follow it glued ("….htmlFireBase统计": the next row's name)
_LINK = re.compile(r"https?://[!-~]+?(?:\.(?:s?html?|jsp|php|pdf)(?=[A-Za-z\u4e00-\u9fff])|(?=[^!-~]|$))", re.I)
_PURPOSE_START = re.compile(r"用于|展示|为了|为您|提供|实现|帮助|进行|收集|获取|向您")
MAX_ROWS = 60
MAX_ROW_LEN = 400


def _is_glued_header(line: str) -> bool:
    """A short line of three or more distinct header labels with nothing between them to mark a
    sentence, about SDKs or third parties."""
    if len(line) > 48 or _SENTENCE.search(line) or "|" in line or not _ABOUT_SDK.search(line):
        return False
    return len({m.group(0) for m in _LABEL.finditer(line)}) >= 3


def _name_before_provider(prefix: str, known: Callable[[str], bool] | None) -> str:
    """"优量汇腾讯" -> "优量汇", "百度移动统计百度" -> "百度移动统计": the provider glued after the name."""
    for k in range(len(prefix) - 2, 1, -1):  # the shortest provider first: the longest name is kept
        tail = prefix[k:]
        if len(tail) > 8:
            break
        if prefix.startswith(tail) or (known is not None and re.search(r"[\u4e00-\u9fff]", tail) and known(tail)):
            return prefix[:k]
    return prefix


def _row_name(cells: str, known: Callable[[str], bool] | None) -> str | None:
    cut = _PURPOSE_START.search(cells)
    prefix = cells[:cut.start()] if cut else cells
    prefix = prefix.strip()
    if not prefix or len(prefix) > 30 or is_phrase(prefix) or categories_in(prefix):
        return None
    return clean_name(_name_before_provider(prefix, known))


def from_glued_tables(lines: list[str], skip: set[int], known: Callable[[str], bool] | None) -> list[SdkEntry]:
    """Entries of tables flattened without separators (see the module docstring)."""
    entries: list[SdkEntry] = []
    i = 0
    while i < len(lines):
        if i in skip or not _is_glued_header(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and j - i <= MAX_ROWS and len(lines[j]) <= MAX_ROW_LEN:
            line = lines[j]
            links = list(_LINK.finditer(line))
            if not links and not (j + 1 < len(lines) and _LINK.search(lines[j + 1]) and len(line) <= 40):
                break  # a row ends in its link (or, its link lost, is a short line before a row that has one)
            start = 0
            for m in links:
                name = _row_name(line[start:m.start()], known)
                if name:
                    entries.append(SdkEntry(name=name, source="table", link=m.group(0), excerpt=line[:300]))
                start = m.end()
            rest = line[start:].strip()
            if rest and (not links or (len(rest) <= 24 and not _SENTENCE.search(rest) and not rest.startswith(("“", '"')))):
                name = _row_name(rest, known)
                if name:
                    entries.append(SdkEntry(name=name, source="table", excerpt=line[:300]))
            j += 1
        i = j
    return entries
