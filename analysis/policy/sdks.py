"""The third-party SDK list of a policy: table rows, "SDK名称：…" blocks and names in running text.

Chinese policies publish the list (第三方SDK目录 / 共享清单) as a table (one row per SDK: name,
provider, purpose, data, link), as blocks of "key：value" lines, or as list items naming
"XX SDK". English policies name third-party services in running text. Each entry found is then
matched to the SDK database (analysis.sdk) by name, Chinese name and company (`match.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.policy.categories import categories_in
from analysis.policy.entries import SdkEntry, clean_name, company_short, enumerated, is_phrase, names_in_cell
from analysis.policy.glued import from_glued_tables
from analysis.policy.lists import (
    from_anaphoric_enumerations,
    from_inline_lists,
    from_list_items,
    from_named_items,
    from_paired_lines,
    from_partner_enumerations,
    from_party_keyed_items,
)
from analysis.policy.records import from_key_periods, from_records
from analysis.policy.text import CELL_SEP

MAX_ENTRIES = 500

_ROLE_PATTERNS = {  # table header / block key -> role; order matters (first hit wins per cell)
    "link": re.compile(r"链接|隐私政策|隐私权政策|隐私声明|隐私协议|网址|官网|link|url|privacy", re.I),
    "data": re.compile(r"个人信息|信息类型|(?:获取|采集|读取)的?(?:信息|数据)|数据类型|收集|字段|信息内容|共享的信息|处理的信息|数据|data|information|collected", re.I),
    "purpose": re.compile(r"目的|用途|功能|场景|作用|服务内容|purpose|use|usage|function", re.I),
    "company": re.compile(r"提供方|公司|主体|厂商|开发者|开发商|服务商|合作方名称|第三方名称|第三方主体|运营方|provider|company|vendor|developer", re.I),
    "name": re.compile(r"SDK|名称|名字|插件|服务名|^\s*name\s*$|service|library", re.I),
    "permission": re.compile(r"权限|permission", re.I),
    "kind": re.compile(r"^\s*(?:SDK)?\s*(?:类型|类别|分类|种类)\s*$|^\s*(?:type|category)\s*$", re.I),
    # a short label ending in a label noun ("合作伙伴类型", "合作方式", "数据安全能力描述", "备注"): a column
    # the reader does not use, but a label all the same, so the row holding it is still a header
    "other": re.compile(r"^[^\d]{0,10}(?:类型|类别|方式|描述|说明|备注|版本号?|能力)\s*$|^\s*(?:notes?|remarks?|version)\s*$", re.I),
}
_KEY_LINE = re.compile(
    r"^\s*(?:[\(（]?\d{1,3}[\.、\)）]\s*|[①-⑳]\s*|[-*•·]\s*)?"
    r"(?P<key>(?:(?:第三方|合作方|SDK)\s*)?(?:"  # a key may name whose it is: "SDK用途", "合作方主体"
    r"(?:第三方)?\s*SDK\s*(?:名称|名字|name)?|SDK\s*提供方(?:的)?(?:公司)?名称|第三方(?:SDK)?(?:提供方|公司)?名称|"
    r"(?:第三方|SDK)?\s*(?:提供方|公司名称|公司|主体名称|主体|运营方|接收方(?:名称)?|开发者|(?:所属)?机构(?:名称)?)|"
    r"(?:使用|收集|处理|共享)?(?:的)?目的(?:及功能场景)?|使用场景|(?:主要)?功能|用途|(?:收集|处理|共享|涉及)(?:的)?(?:个人)?信息(?:类型|种类|字段)?|个人信息(?:类型|种类|字段)|信息类型|(?:收集)?数据类型|(?:收集|使用|共享|处理)(?:的)?数据|"
    r"(?:第三方|SDK)?\s*隐私(?:权)?政策(?:链接|地址)?|隐私(?:协议|声明)(?:链接)?|官网链接|链接|处理方式|共享方式|"
    r"所需权限|申请权限|使用权限|权限|SDK\s*name|Provider|Company|Purpose|Data(?:\s*collected)?|Privacy\s*policy))"
    r"\s*[:：]\s*(?P<value>.*)$",
    re.I,
)
_ZH_NAME = re.compile(r"([A-Za-z0-9\u4e00-\u9fff+·\-\.（）() ]{1,30}?)\s*SDK(?![A-Za-z])", re.I)
_EN_NAME = re.compile(r"((?:[A-Z][\w\-\.+]*\s+){0,3}[A-Z][\w\-\.+]*)\s+SDKs?\b")
_SPLIT_ZH = re.compile(r".*(?:的是|用到了|用到|调用了|其中|不限于|关于|对于|了解|理解|参见|参阅|详见|查看|请|接入了|接入|集成了|集成|嵌入了|嵌入|使用了|使用|采用了|采用|引入了|引入|通过|包括|包含|例如|比如|"
                       r"了|由|与|和|及|或者|或|、|等|以及|及其|：|:|，|,|；|;|（|\(|“|”|\"|\s)")
# A clause whose subject is the first party: what stands between it and the word SDK is its
# predicate unless a verb or preposition introducing an object ("我们使用X SDK", "我们通过X SDK") comes first.
# "我们的X": a possessor, not a subject; a clause opening with an auxiliary ("，并会定期复核和调整SDK…")
# goes on with the subject of the clause before it, which Chinese does not repeat
_FIRST_PERSON = re.compile(r"\s*(?:(?:我们|我方|我司|本公司|我公司)(?!的)|(?:并|且|同时)?(?:会|将|也|还)(?!员))")
_OBJECT_LEAD = re.compile(r"的是|用到|调用|接入|集成|嵌入|使用|采用|引入|通过|包括|包含|例如|比如|不限于|关于|对于|了解|理解|参见|参阅|详见|查看|请|由|向|将|把|对|为|与|：|:")
# What stands before SDK as a predicate, not a name: a clause opening with a copula ("是jcenter下载sdk的
# 方式"), one denying that its subject is an SDK ("X并非sdk"), one holding a demonstrative and its
# classifier ("用这种方式…"): closed classes of Chinese grammar, not names
_PREDICATE = re.compile(r"^(?:是|属于)|(?:并非|不是|并不是)$|[这那此][种个些类]")
# A name set off in lenticular or corner brackets right before the word SDK ("【友盟+】SDK")
_BRACKETED_NAME = re.compile(r"[【「『]([^】」』\n]{2,30})[】」』]\s*SDK(?![A-Za-z])", re.I)
_AFTER_SDK = re.compile(r"SDKs?\s*(?:[（(“\"「]([^）)”\"」]{2,120})[）)”\"」]|(?:包括|包含|如)\s*[:：]?\s*([^。；;\n]{2,240}))", re.I)


def _role_of(cell: str) -> str | None:
    for role, pattern in _ROLE_PATTERNS.items():
        if pattern.search(cell):
            return role
    return None


_HEADER_WORD = re.compile(r"名称|名字|目的|用途|类型|种类|链接|场景|功能|提供方|主体|字段|信息|权限|描述|说明|"
                          r"^\s*(?:第三方)?\s*sdk\s*$|name|purpose|type|link|provider|company|data|usage|permission", re.I)


def _header_roles(cells: list[str], under_sdk_lead: bool = False) -> dict[int, str] | None:
    """Column roles of a header row, or None when the row is not an SDK table header. A header
    that does not say SDK or third party ("名称 | 提供方 | 目的") counts right under a lead-in that does."""
    if len(cells) < 2 or any(len(c) > 24 or _VALUE_MARK.search(c) for c in cells):
        return None  # header cells are short labels; a cell holding a list or a remark is a value
    roles: dict[int, str] = {}
    if sum(1 for c in cells if _HEADER_WORD.search(c)) * 2 < len([c for c in cells if c]):
        return None  # "高德定位SDK | 高德软件有限公司" names an SDK and a company: a row, not labels
    unknown = sum(1 for c in cells if c and _role_of(c) is None)
    if unknown > (1 if len(cells) >= 4 else 0):
        return None  # header cells are all labels; a data row has values no label pattern names
    for i, cell in enumerate(cells):
        role = _role_of(cell)
        if role and role not in roles.values():
            roles[i] = role
        elif role == "name" and "company" not in roles.values():
            roles[i] = "company"  # a second name-like column (第三方名称 after SDK名称) is the provider
    names = [i for i, r in roles.items() if r == "name"]
    if not names:
        # "第三方SDK场景描述 | 第三方SDK运营方名称 | …": with no name column, the first column about
        # the SDK that is not its operator, its data or its link says which SDK the row is
        about_sdk = [i for i, c in enumerate(cells) if re.search(r"sdk", c, re.I)
                     and roles.get(i) not in ("company", "link", "data", "permission")]
        if about_sdk:
            roles[about_sdk[0]] = "name"
            names = about_sdk[:1]
    if not names:
        companies = [i for i, r in roles.items() if r == "company"]
        if not companies:
            return None
        roles[companies[0]] = "name"  # "第三方名称 | 目的 | 信息": the third party names the entry
    if not under_sdk_lead and not any(_SDK_WORD.search(c) for c in cells):
        return None
    return roles


# What a value cell holds and a label never does: an enumeration, a bracketed remark, a sentence.
_VALUE_MARK = re.compile(r"[、，,；;。]|[（(][^）)]{6,}")
_SDK_WORD = re.compile(r"sdk|第三方|合作|service|third[\s\-]part", re.I)


def from_tables(lines: list[str]) -> tuple[list[SdkEntry], set[int]]:
    """Entries of every table whose header row names an SDK column; returns (entries, lines used)."""
    entries: list[SdkEntry] = []
    used: set[int] = set()
    roles: dict[int, str] | None = None
    ncols = 0
    for i, line in enumerate(lines):
        if CELL_SEP not in line:
            roles = None
            continue
        cells = [c.strip() for c in line.split(CELL_SEP.strip())]
        lead = " ".join(ln for ln in lines[max(0, i - 3):i] if CELL_SEP not in ln)
        header = _header_roles(cells, under_sdk_lead=bool(_SDK_WORD.search(lead)))
        if header is not None:
            roles, ncols = header, len(cells)
            used.add(i)
            continue
        if roles is None:
            continue
        used.add(i)
        for row in _joined_rows(cells, ncols):
            row = _spanned(row, roles, ncols)
            values = {role: row[idx] for idx, role in roles.items() if idx < len(row) and row[idx]}
            found = names_in_cell(values.get("name", ""))
            if not values.get("name") and values.get("company"):
                found = names_in_cell(values["company"])  # a row that names only its provider
            for name in found:
                entries.append(SdkEntry(name=name, company=values.get("company"), purpose=values.get("purpose"),
                                        data=values.get("data"), link=values.get("link"), source="table",
                                        excerpt=line[:300]))
    return entries, used


def _spanned(row: list[str], roles: dict[int, str], ncols: int) -> list[str]:
    """A row whose leading cells were spanned from the row above (HTML rowspan: "支付结算 | 目的 | 微信支付
    | 设备信息 | 链接" then "支付宝 | 设备信息 | 链接") comes out of the converter with its cells moved
    left and blanks padded before its last one. When read so its name column is blank, its cells
    are read from the right instead: only a row that otherwise gives nothing is re-read."""
    name_idx = next((i for i, r in roles.items() if r == "name"), None)
    filled = [c for c in row[:-1] if c]
    if name_idx is None or name_idx == 0 or (name_idx < len(row) and row[name_idx]) or not filled or not row[-1]:
        return row
    k = len(filled)
    if row[:k] != filled or ncols - 1 - k > name_idx:
        return row  # not a left-packed row, or even read from the right it has no name
    return [""] * (ncols - 1 - k) + filled + [row[-1]]


_LINK_THEN_CELL = re.compile(r"^(.*https?://\S+)\s+(?!https?://)(\S.*)$")


def _joined_rows(cells: list[str], ncols: int) -> list[list[str]]:
    """The rows of a table line that holds several (a converter lost the line break after a row
    ending in a link: "… | https://a.example/ Bugly | 收集崩溃 | …")."""
    rows: list[list[str]] = []
    while ncols >= 2 and len(cells) >= 2 * ncols - 1:
        m = _LINK_THEN_CELL.match(cells[ncols - 1])
        if not m:
            break
        rows.append(cells[:ncols - 1] + [m.group(1)])
        cells = [m.group(2)] + cells[ncols:]
    return rows + [cells]


def _key_role(key: str) -> str | None:
    k = key.lower()
    if "sdk" in k and ("名称" in k or "名字" in k or "name" in k or k.strip() in ("sdk", "第三方sdk")) and "提供方" not in k:
        return "name"
    if "隐私" in k or "链接" in k or "privacy" in k:
        return "link"
    if "目的" in k or "场景" in k or "功能" in k or "用途" in k or "purpose" in k:
        return "purpose"
    if "信息" in k or "数据" in k or "data" in k:
        return "data"
    if any(w in k for w in ("提供方", "公司", "主体", "运营方", "接收方", "开发者", "机构", "名称", "provider", "company")):
        return "company"
    if "权限" in k:
        return "permission"
    return None


def from_blocks(lines: list[str], skip: set[int]) -> tuple[list[SdkEntry], set[int]]:
    """Entries written as "SDK名称：X / 提供方：Y / 目的：Z" lines (or several keys on one line)."""
    entries: list[SdkEntry] = []
    used: set[int] = set()
    current: SdkEntry | None = None
    heading: int | None = None  # a short line right before the first key of a block names it
    for i, line in enumerate(lines):
        if i in skip:
            heading = None
            continue
        pieces = _split_keys(line)
        if not pieces:
            if current is not None and len(line) > 200:
                current = None  # a paragraph ends the block
            short_colon = len(line.strip()) <= 16 and line.rstrip().endswith(("：", ":"))  # "支付宝:" then its keys
            heading = i if _HEADING.match(line.rstrip().rstrip("：:")) and (short_colon or not line.rstrip().endswith(("：", ":"))) else None
            continue
        for key, value in pieces:
            role = _key_role(key)
            if role == "name":
                name = clean_name(value)
                current = SdkEntry(name=name, source="block", excerpt=line[:300]) if name else None
                if current is not None:
                    entries.append(current)
                    used.add(i)
            elif role in ("company", "purpose", "data", "link"):
                if heading is not None:  # "**高德地图**" then "运营方：…", "功能：…": a block named by its heading
                    names = names_in_cell(_HEADING_MARKS.sub("", lines[heading]))
                    for name in names:  # "**微信/QQ/微博分享**" names three
                        current = SdkEntry(name=name, source="block", excerpt=lines[heading][:300])
                        entries.append(current)
                        used.add(heading)
                    heading = None
                if current is not None and getattr(current, role) is None:
                    setattr(current, role, value.strip()[:500])
                    used.add(i)
        heading = None
    return entries, used


# A block's heading: a short line without sentence punctuation ("②微博分享SDK", "**高德地图**",
# "推送通知消息（OPPO推送SDK）").
_HEADING = re.compile(r"^[^。；;，,：:!?！？]{2,40}$")
_HEADING_MARKS = re.compile(r"^\s*(?:#+\s*|[-*•·]\s*|\d{1,3}(?:\.\d{1,3})*[\.、\)）]?\s*|[（(]\d{1,3}[）)]\s*|[①-⑳]\s*)")


_INLINE_KEYS = re.compile(
    r"((?:第三方)?SDK\s*(?:名称|名字)|SDK\s*提供方(?:的)?(?:公司)?名称|第三方(?:SDK)?(?:提供方|公司)?名称|提供方|公司名称|"
    r"使用目的(?:及功能场景)?|收集(?:的)?(?:个人)?信息(?:类型|种类|字段)?|(?:处理|共享|涉及)(?:的)?个人信息(?:类型|种类)?|"
    r"个人信息类型|收集数据类型|数据类型|公司全称|官网链接|用途|隐私(?:权)?政策(?:链接)?|SDK\s*name|Provider|Purpose)\s*[:：∶]", re.I)


def _split_keys(line: str) -> list[tuple[str, str]]:
    """`key：value` pairs of a line; a line may hold several keys in a row, after a lead-in."""
    m = _KEY_LINE.match(line)
    if not m:
        found = list(_INLINE_KEYS.finditer(line))
        if not found or not any(_key_role(k.group(1)) == "name" for k in found):
            return []
        return [(k.group(1), line[k.end(): found[j + 1].start() if j + 1 < len(found) else len(line)])
                for j, k in enumerate(found)]
    marks: list[tuple[int, int, str]] = [(k.start(), k.end(), k.group(1)) for k in _INLINE_KEYS.finditer(line)]
    if len(marks) <= 1:
        return [(m.group("key"), m.group("value"))]
    out: list[tuple[str, str]] = []
    first_value_end = marks[0][0] if marks[0][0] > m.start("value") else None
    if first_value_end is not None:
        out.append((m.group("key"), line[m.start("value"):first_value_end]))
    for j, (s, e, key) in enumerate(marks):
        end = marks[j + 1][0] if j + 1 < len(marks) else len(line)
        if s >= m.start("value") or first_value_end is None:
            out.append((key, line[e:end]))
    return out


_ENUM_BEFORE = re.compile(r"((?:[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,24}[、/]){1,12}[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,24}?)\s*的?\s*SDK", re.I)
# "Bugly、友盟等第三方SDK需要…", "广点通、穿山甲广告联盟等SDK获取…": names closed by 等 before the word SDK
_SENTENCE_CUT = re.compile(r".*[：:，,；;。（(【\[]")
# "等SDK" is found first and the enumeration before it only in the characters an enumeration can
# span (13 items of at most 25): run over a whole line, the enumeration pattern tried up to 13 x 24
# lengths at every position of a hostile line of endless names, 8 s on 650 KB
_DENG_ANCHOR = re.compile(r"(?<![该这此彼])等\s*(?:[\u4e00-\u9fff]{1,3}性)?\s*(?:第三方|三方)?\s*SDK", re.I)
_DENG_ENUM = re.compile(r"((?:[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,24}?[、/]){0,12}[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,24}?)\s*$")
_DENG_SPAN = 13 * 25 + 8


def _deng_enumerations(line: str) -> list[tuple[int, str]]:
    """(start, text) of each enumeration closed by 等 before the word SDK ("Bugly、友盟等第三方SDK")."""
    out: list[tuple[int, str]] = []
    done = 0
    for a in _DENG_ANCHOR.finditer(line):
        m = _DENG_ENUM.search(line, max(done, a.start() - _DENG_SPAN), a.start())
        if m:
            out.append((m.start(), m.group(1)))
        done = a.end()
    return out
_VERB_CUT = re.compile(r".*(?:不限于|关于|对于|参照|参见|参阅|详见|查看|请|接入了|接入|集成了|集成|嵌入了|嵌入|使用了|使用|采用了|采用|引入了|引入|通过|包括|包含|例如|比如|：|:|“|\")")


def _mostly_known(names: list[str], known: Callable[[str], bool] | None) -> bool:
    """At least two names and more than half of them known to the SDK database."""
    return known is not None and len(names) >= 2 and sum(1 for n in names if known(n)) * 2 > len(names)


def from_text(lines: list[str], skip: set[int], lang: str,
              known: Callable[[str], bool] | None = None) -> list[SdkEntry]:
    """Names written as "XX SDK" in running text and list items, enumerations before
    ("优量汇、穿山甲的SDK") and after ("PUSH SDK(华为、小米)", "SDK包括：微信登录、QQ登录") the word."""
    entries: list[SdkEntry] = []

    def add_as(name: str | None, source: str, line: str, at: int) -> None:
        if name:
            entries.append(SdkEntry(name=name, source=source, excerpt=line[max(0, at - 60): at + 120]))

    def add(name: str | None, line: str, at: int) -> None:
        add_as(name, "text", line, at)

    kind_heads: set[str] = set()
    for i, line in enumerate(lines):
        if i in skip:
            continue
        if lang != "en":
            for m in _VERB_LATIN.finditer(line):
                parts = re.split(r"\s*[、，,/和及]\s*", m.group(1))
                if len(parts) < 2 and not re.match(r"\s*(?:等|SDK)", line[m.end():], re.I):
                    continue  # one word after a verb ("使用WebView加载") is a technique; a list or "…等/SDK" names
                for part in parts:
                    name = clean_name(part)
                    if name:
                        add_as(name, "verb-latin", line, m.start())
        line = _URL.sub(lambda u: " " * len(u.group(0)), line)  # "…/legal/feishu-sdk" is an address, not a name
        for m in _SHARED_WITH.finditer(line):  # "将您的IMEI共享至A有限公司、B集团有限公司用于…"
            sentence = re.split(r"[。！？!?]", line[max(0, m.start() - 300):m.start()])[-1]  # bounded: a hostile line
            for part in re.split(r"(?<=公司|集团)\s*[、，,和及与]\s*", m.group(1)):
                party = company_short(_SHARE_VERB.sub("", part.strip()))  # "…、共享至B有限公司": the verb again
                if party and not re.search(r"sdk", sentence, re.I) and party not in sentence:
                    add_as(party, "shared-with", line, m.start())  # not an SDK sending data to its own provider
        if "sdk" not in line.lower() and "提供商" not in line and "服务商" not in line and not _PROVIDER_BRACKET.search(line):
            continue
        if lang == "en":
            for m in _EN_NAME.finditer(line):
                add(clean_name(m.group(1)), line, m.start())
            continue
        for m in _ZH_NAME.finditer(line):
            raw = m.group(1).rstrip()
            raw = raw[:-1] if raw.endswith("的") else raw  # "高德的SDK": 高德
            cut = _SPLIT_ZH.match(raw)
            if _FIRST_PERSON.match(raw) and not _OBJECT_LEAD.search(raw[:cut.end()] if cut else raw):
                continue  # "我们谨慎选择SDK提供商", "我们会定期审查和更新SDK…": the subject's predicate, no object named
            raw = raw[cut.end():] if cut else raw
            if _FIRST_PERSON.match(raw):
                lead = _OBJECT_LEAD.search(raw)  # "我们需要向TalkingData SDK共享": the object after the preposition
                raw = raw[lead.end():] if lead else raw
            if _PREDICATE.search(raw):
                continue  # "是jcenter下载sdk的方式", "用这种方式代替离线导入sdk", "com.keke.ddz并非sdk": a predicate
            provider = re.match(r".*(?:有限公司|有限责任公司|集团|公司)\s*的\s*(?=\S{2})", raw)
            if provider:
                raw = raw[provider.end():]  # "共享至A有限公司的望舒地图SDK": the provider, then its SDK's name
            modified = re.match(r".*的\s*(?=\S{2})", raw)
            if modified and known is not None and known(raw[modified.end():]):
                raw = raw[modified.end():]  # "基于地图服务的百度地图SDK": a description, then a name the database knows
            if re.search(r"(?:简称|下称|统称)$", raw):
                continue  # "软件服务工具包（简称SDK）" defines the word SDK, it names none
            glued = re.search(r"(?<![A-Za-z])([A-Za-z]{3,})$", raw)
            if glued and m.end(1) == m.start(0) + len(m.group(1)) and line[m.end(1):m.end(1) + 1] in "Ss" \
                    and clean_name(glued.group(1)) is None and not (line[:m.start(1)] + m.group(1)[:-len(glued.group(1))]).rstrip().endswith(("、", "/", "，", ",")):
                # "shareSDK", "SMSSDK": a kind word written into one word with SDK is a product's own name
                # (not the last of an enumeration of kinds: "登录、支付、PushSDK")
                add(glued.group(1) + line[m.end(1):m.end(1) + 3], line, m.start())
                continue
            if len(raw) <= (20 if re.match(r"[A-Za-z]{3}", raw) else 16):  # "TalkingData应用统计分析SDK"
                add(clean_name(raw), line, m.start())
        for m in _ENUM_BEFORE.finditer(line):
            raw = m.group(1)
            cut = _VERB_CUT.match(raw)
            raw = raw[cut.end():] if cut else raw
            if is_phrase(re.split(r"[、/]", raw)[-1]):
                continue  # "…、网关取号报错日志等用于改善SDK性能": the word SDK is not this list's
            for name in _vendor_for_kinds(enumerated(raw), raw):
                add(name, line, m.start())
        for at, raw in _deng_enumerations(line):
            cut = _VERB_CUT.match(raw) or _SENTENCE_CUT.match(raw)
            raw = raw[cut.end():] if cut else raw
            items = re.split(r"[、/]", raw)
            if any(is_phrase(it) or categories_in(it) for it in items):
                continue  # "设备信息、位置等SDK…": data, not names
            for name in enumerated(raw):
                add(name, line, at)
        for m in _AFTER_SDK.finditer(line):
            listed = m.group(1) or m.group(2) or ""
            if m.group(1) and not re.search(r"[、，,/／]", listed):
                continue  # "极光SDK（其他品牌手机）": a remark, not a list
            near = list(_ZH_NAME.finditer(line[max(0, m.start() - 30):m.start() + 3]))
            before = near[-1] if near and near[-1].end() == min(m.start(), 30) + 3 else None
            head = clean_name(_SPLIT_ZH.sub("", before.group(1))) if m.group(1) and before else None
            if head:
                if not _mostly_known(enumerated(listed), known):
                    continue  # "火山引擎智能营销套件SDK（增长分析、A/B测试）": what a named SDK does
                # SDKs the database knows are members, their head a kind ("程序化广告SDK（穿山甲、广点通、sigmob）")
                # unless the head is a provider it knows ("腾讯系列产品SDK（包括微信SDK、…）")
                if known is not None and not known(head):
                    kind_heads.add(head)
            listed = re.sub(r"^\s*(?:包括|包含|例如|比如|如)\s*", "", listed)
            for name in enumerated(listed):
                add(name, line, m.start())
        for m in _PROVIDER_BRACKET.finditer(line):  # "终端设备制造商（华为、小米、OPPO、VIVO）"
            items = [it.strip().removesuffix("等") for it in m.group(1).split("、")]
            if len(items) < 2 and (not re.search(r"商[（(]", m.group(0)) or re.search(r"[【\[]", m.group(0))):
                continue  # one name alone only after a maker or vendor in round brackets ("制造商（华为）")
            if all(len(it) <= 12 and "/" not in it and not is_phrase(it) and not categories_in(it) for it in items):
                for it in items:
                    add(clean_name(it), line, m.start())  # not "（为分析交易数据所必须的设备ID）"
        for m in _PROVIDER_COMPANY.finditer(line):  # "服务提供商北京数字联盟网络科技有限公司向我们提供…"
            add(company_short(m.group(1)), line, m.start())
        for at, parts in _counted_parties(line):  # "集成了A、B、C三大运营商的…", "与移动、联通、电信三家运营商合作"
            items = [company_short(it) or it.strip() for it in [_SPLIT_ZH.sub("", parts[0])] + parts[1:]]
            if len(items) >= 2 and all(2 <= len(it) <= 16 and not is_phrase(it) and not categories_in(it) for it in items):
                for it in items:
                    add(it, line, at)
        for m in _BRACKETED_NAME.finditer(line):  # "【友盟+】SDK需要收集…": a name set off in brackets
            add(clean_name(m.group(1)), line, m.start())
        for m in _SDK_QUOTED.finditer(line):  # "第三方SDK“个推”为优化消息推送服务", "“新浪微博”、“QQ”"
            add(clean_name(m.group(1)), line, m.start())
        for m in _SIBLING_AFTER.finditer(line):  # "微信SDK、支付宝支付可能会收集": the SDK's sibling
            add(clean_name(_SIBLING_TAIL.sub("", m.group(1))), line, m.start())
        for m in _PROVIDED_BY.finditer(line):
            for part in re.split(r"[、，,]|(?<=公司|集团)[和及与]|和(?=[\u4e00-\u9fff]{2,}(?:公司|集团))", m.group(1) or m.group(2)):
                short = re.search(r"[（(]([^）)]{2,12})[）)]\s*$", part.strip())
                add(clean_name(short.group(1) if short else re.sub(r"[（(][^）)]*[）)]", "", part)), line, m.start())
    return [e for e in entries if e.name not in kind_heads]


# Registered companies enumerated right after a verb of sharing are the parties data goes to; one
# followed by 的 is the provider of the SDK named next ("共享至A有限公司的友盟SDK"), not a party of its own.
_COMPANY = r"[\u4e00-\u9fffA-Za-z（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团)"
_SHARE_VERB = re.compile(r"^(?:共享|分享|提供|披露|传输|发送)(?:至|给|予)\s*")
_SHARED_WITH = re.compile(rf"(?:共享|分享|提供|披露|传输|发送)(?:至|给|予)\s*((?:{_COMPANY}\s*[、，,和及与]\s*){{0,9}}{_COMPANY})(?!\s*的)")
# A registered company right after a word for a service provider is that provider, named instead of its SDK
_PROVIDER_COMPANY = re.compile(r"(?:服务提供商|服务商|提供商|供应商)\s*[“\"「]?([\u4e00-\u9fff（）()]{4,30}?"
                               r"(?:股份有限公司|有限责任公司|有限公司))")
# An enumeration that a count of parties closes names those parties ("A、B、C三大运营商", "两家厂商")
# (the count is found first and the enumeration only in the 320 characters before it: a hostile line
# of endless "A、B、" costs no more than its length)
_PARTY_COUNT = re.compile(r"[两二三四五六七八九十\d]{1,2}\s*[家大个]\s*(?:电信)?(?:运营商|厂商|公司|服务商|供应商)")
_COUNTED_ENUM = re.compile(r"((?:[^\s、，,。；;：:（()）]{2,24}、){1,12}[^\s、，,。；;：:（()）]{2,24}?)\s*(?:等)?\s*$")


def _counted_parties(line: str) -> list[tuple[int, list[str]]]:
    """(position, items) of each enumeration a count of parties closes."""
    out = []
    for c in _PARTY_COUNT.finditer(line):
        start = max(0, c.start() - 320)
        m = _COUNTED_ENUM.search(line, start, c.start())
        if m:
            out.append((m.start(), m.group(1).split("、")))
    return out
_SDK_QUOTED = re.compile(r"(?:SDKs?\s*|(?<=[”\"」』])\s*[、和及]\s*)[“\"「『]([^”\"」』]{1,30})[”\"」』]", re.I)
# "定位服务提供商（高德地图）": a kind of provider, then its name in brackets
# (and "第三方支付机构（包括但不限于支付宝、微信支付等支付通道，以下称“支付机构”）": after the 等 that closes
# the enumeration, a remark of its own may follow a comma inside the bracket)
_PROVIDER_BRACKET = re.compile(r"(?:服务提供商|服务商|提供商|供应商|制造商|厂商|合作伙伴|合作方|第三方|机构)\s*[（(【\[]\s*"
                               r"(?:如|例如|比如|包括但不(?:仅)?限于|包括|包含)?\s*([^（）()【】\[\]，,。；]{2,60}?)"
                               r"(?:等[^（）()【】\[\]，,。；]{0,8}(?:[，,][^（）()【】\[\]。；]{0,30})?)?[）)】\]]")
_URL = re.compile(r"https?://\S+|www\.\S+|(?<![\w.])\.{1,2}/\S+")
_SIBLING_AFTER = re.compile(r"SDKs?\s*、\s*([A-Za-z0-9\u4e00-\u9fff+·\-\. ]{2,24})", re.I)
_SIBLING_TAIL = re.compile(r"(?:可能|会|将|也|均|都|等|收集|获取|使用|提供|需要|用于|的|SDK).*$", re.I)


# "目前我们的广告由A公司（今日头条）、B公司提供，我们会接入这些公司的SDK": providers named instead of SDKs;
# also "接入的A有限公司和B股份有限公司提供的Push SDK": registered names before "提供的…SDK".
_PROVIDED_BY = re.compile(r"由(.{2,240}?)提供[^。；]{0,24}?接入[^。；]{0,10}?SDK|"
                          r"(?:接入|集成|嵌入|引入|使用)了?的?((?:[^\s，,。；;、]{2,30}?(?:公司|集团)[、和及与]?){1,8})"
                          r"(?:提供|开发)的[^。；，,]{0,12}?SDK", re.I)
# Latin-script names right after an integration verb ("我们使用了Bugly、Crashlytics 等"); kept only when
# the SDK database knows the name (reader.py), since "使用了HTTPS" names a protocol, not an SDK.
_VERB_LATIN = re.compile(r"(?:接入了|接入|集成了|集成|使用了|使用|采用了|采用|引入了|引入|嵌入了|嵌入)\s*"
                         r"((?:[A-Za-z][A-Za-z0-9+\-\. ]{1,30}\s*[、，,/和及]\s*)*[A-Za-z][A-Za-z0-9+\-\.]{1,30})"
                         r"\s*(?=等|SDK|[，,。；;、\s]|$)")


_URL_LINE = re.compile(r"^\s*[\[<(（]?\s*_?(https?://|www\.)|^\s*注[:：]", re.I)
_LIST_HEAD = re.compile(r"SDK.{0,12}(清单|目录|列表|公示|名称|信息|说明)|(清单|目录|列表|公示).{0,12}SDK", re.I)


def from_link_lines(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """A list of "name" lines each followed by its policy link, under an SDK list heading."""
    entries: list[SdkEntry] = []
    window = -1
    for i, line in enumerate(lines[:-1]):
        if _LIST_HEAD.search(line):
            window = i + 80
        if i in skip or i > window or len(line) > 30 or _URL_LINE.match(line) or re.search(r"[。；;：:]", line):
            continue
        if _URL_LINE.match(lines[i + 1]):
            for name in enumerated(line) if "、" in line else [clean_name(line)]:
                if name:
                    entries.append(SdkEntry(name=name, source="list", excerpt=f"{line} {lines[i + 1][:120]}"))
    return entries + _policy_link_pairs(lines, skip)


# "登录：SHARESDK隐私协议：" then the link on the next line: an SDK named by its own policy
_NAMED_POLICY = re.compile(r"^\s*(?:[^：:，,。；;]{1,8}[：:])?\s*(?P<name>[^：:，,。；;]{2,24}?)\s*的?"
                           r"(?:隐私(?:权)?(?:协议|政策|声明|条款)|privacy\s+policy)\s*[：:]?\s*$", re.I)


def _product_name(raw: str) -> str | None:
    """A cleaned name; a Latin word written with SDK attached ("ShareSDK") is the product's own name."""
    return clean_name(raw) or (raw.strip() if re.fullmatch(r"\s*[A-Za-z]{3,}SDK\s*", raw, re.I) else None)


def _policy_link_pairs(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """Two or more "NAME隐私协议" lines each followed by a link, the first under a line about SDKs."""
    entries: list[SdkEntry] = []
    run: list[tuple[int, str]] = []
    i = 0
    while i <= len(lines):
        m = _NAMED_POLICY.match(lines[i]) if i + 1 < len(lines) and i not in skip else None
        if m and _URL_LINE.match(lines[i + 1]):
            run.append((i, m.group("name")))
            i += 2
            continue
        if len(run) >= 2 and re.search(r"SDK", " ".join(lines[max(0, run[0][0] - 3):run[0][0]]), re.I):
            entries += [SdkEntry(name=n, source="list", excerpt=f"{lines[j]} {lines[j + 1][:120]}")
                        for j, n in ((j, _product_name(raw)) for j, raw in run) if n]
        run = []
        i += 1
    return entries


_WRAPPED_SDK = re.compile(r"^\s*SDKs?(?![A-Za-z])(?![^，,。；;\s]{0,8}[：:])", re.I)  # not a key ("SDK用途：")


def joined_wrapped_lines(lines: list[str]) -> list[str]:
    """Lines with a name's "SDK" wrapped onto the next line put back ("…华为/OPPO/VIVO Push" then
    "SDK需要读取…"): a line that opens with the word SDK continues the line before it, unless that
    one ended a sentence or a cell. Only after a Latin word ("Push"): a Chinese heading line
    ("第三方 SDK 使用情况") is not a name cut in two."""
    out: list[str] = []
    for line in lines:
        if out and _WRAPPED_SDK.match(line) and re.search(r"[A-Za-z0-9+]$", out[-1].rstrip()):
            out[-1] = out[-1].rstrip() + " " + line.lstrip()
        else:
            out.append(line)
    return out


# Chinese is written without spaces: a space run after a Chinese character or an opening or
# separating full-width mark, or between a name's letter and a Chinese character or closing mark,
# is typesetting ("友盟 +SDK ，", "（ QQ 、微信", "sigmob ）"), not a word break, and it hides names
# from every reader below. Spaces after a closing bracket or a link ("） linkedme SDK", "(url)  微博
# 分享") part two things and stay, as do pipes (table cells) and a line's leading bullet or number.
_HAN = r"\u4e00-\u9fff"
_OPEN_SEP = "（【《“「『、，；：。"
_BEFORE_MARK = "（【）】》”」』、，；：。"  # marks a name's last letter may stand before
_TYPESET_SPACE = re.compile(rf"(?<=[{_HAN}{_OPEN_SEP}])[ \t\u00a0\u3000]+(?=[A-Za-z0-9+{_HAN}{_OPEN_SEP}])"
                            rf"|(?<=[A-Za-z0-9+{_HAN}])[ \t\u00a0\u3000]+(?=[{_HAN}{_BEFORE_MARK}])")
_LINK = re.compile(r"(https?://\S+|www\.\S+)")
_LEADING_MARK = re.compile(r"^\s*(?:(?:[#\-*+•·]+|\d{1,3}(?:\.\d{1,3})*[\.、\)）]?|[（(]\d{1,3}[）)])\s+)?")


def untypeset(line: str) -> str:
    """`line` without the spaces Chinese typesetting put beside Chinese characters (a leading
    bullet or number keeps its own)."""
    lead = _LEADING_MARK.match(line).end()  # type: ignore[union-attr]  # the pattern matches the empty string
    parts = _LINK.split(line[lead:])  # a link keeps the space after it ("https://… 远帆客服 | …")
    return line[:lead] + "".join(
        part if k % 2 else (part[:len(part) - len(part.lstrip())] if k else "") + _TYPESET_SPACE.sub("", part.lstrip() if k else part)
        for k, part in enumerate(parts))


_KIND_END = re.compile(r"(统计|分析|分享|登录|支付|推送|定位|地图|广告|认证)$")


def _vendor_for_kinds(names: list[str], raw: str) -> list[str]:
    """"友盟统计、分享SDK": a bare kind after a vendor's named kind is that vendor's too (友盟分享)."""
    parts = [p.strip() for p in re.split(r"[、/]", raw)]
    if len(parts) < 2 or not names or names[0] != clean_name(parts[0]):
        return names
    first = _KIND_END.search(parts[0])
    vendor = parts[0][:first.start()].strip() if first else ""
    if len(vendor) < 2 or clean_name(vendor) is None:
        return names
    out = list(names)
    for part in parts[1:]:
        if _KIND_END.fullmatch(part.strip()) and clean_name(part) is None:
            out.append(vendor + part.strip())
    return out


# A heading that names only a kind of SDK ("登录SDK", "推送SDK") over a paragraph saying what is used
_KIND_HEADING = re.compile(r"^\s*[^\s：:，,。；;]{1,8}?\s*SDKs?\s*[：:]?\s*$", re.I)
_USED = re.compile(r"(?:使用了|使用的是|接入了|集成了)\s*(?:第三方(?:的)?)?([^，,。；;：:\s]{2,30}?)(?=[，,。；;]|完成|实现|来|以|用于)")


def from_kind_headings(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """"登录SDK" then "我们使用了第三方QQ/微信登录，完成…": the paragraph under a heading that names only
    a kind says which SDKs of that kind are used, without the word SDK."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines[:-1]):
        if i in skip or not _KIND_HEADING.match(line) or clean_name(line) is not None:
            continue
        body = lines[i + 1]
        for m in _USED.finditer(body):
            used = m.group(1)
            if re.search(r"sdk", used, re.I) or is_phrase(used) or categories_in(used):
                continue  # "使用了小米推送SDK" is read in running text; data is no name
            for name in names_in_cell(used):
                entries.append(SdkEntry(name=name, source="text", excerpt=body[:200]))
    return entries


# Words that deny an SDK is in the app ("此第三方SDK在当前版本中暂未启用", "does not include any
# advertisement libraries … such as Google Analytics"): what such a line or sentence names is absent.
_ABSENT_ZH = re.compile(r"暂未启用|尚未启用|未启用|暂未接入|尚未接入|未接入|未集成|没有集成|没有接入|不再使用|已停用|已移除|已下线")
_ABSENT_EN = re.compile(r"\b(?:does\s+not|do\s+not|doesn't|don't|never|will\s+not|won't)\s+(?:include|use|contain|embed|"
                        r"integrate|ship)\b|\bno\s+(?:third[\s\-]party|3rd[\s\-]party|advertis\w*|analytics|tracking)\b", re.I)
_MAX_DENIED_LINE = 300  # a longer line is a paragraph: its other sentences may name what is there


def without_absent(text: str, lang: str) -> str:
    """`text` with what it says is not in the app blanked out (line breaks kept): each short Chinese
    line (an item) saying its SDK is not enabled, each English sentence (wrapped over lines or not)
    denying it."""
    if lang != "en":
        return "\n".join("" if len(line) <= _MAX_DENIED_LINE and _ABSENT_ZH.search(line) else line
                         for line in text.split("\n"))
    return "".join(re.sub(r"[^\n]", " ", part) if _ABSENT_EN.search(part) else part
                   for part in re.split(r"((?<=[.!?])\s+|\n\s*\n)", text))


# A heading over the platform's own frameworks ("一、Apple系统SDK", "## System frameworks"): what it
# lists ships with the operating system and is no third party's SDK. Its mark says where it ends.
_SYSTEM_HEADING = re.compile(
    r"^\s*(?P<mark>#+|[一二三四五六七八九十]+[、\.．]|\d+[、\.．]|[（(][一二三四五六七八九十\d]+[）)])\s*"
    r"(?:[^\s，,。：:]{0,12}系统(?:SDK|框架|库|组件)s?|(?:\w+\s+){0,2}(?:system|platform)\s+(?:SDKs|frameworks|libraries))\s*[:：]?\s*$",
    re.I)


def _mark_kind(mark: str) -> str:
    if mark.startswith("#"):
        return mark
    if mark[0] in "（(":
        return "paren"
    return "numeral" if mark[0] in "一二三四五六七八九十" else "digit"


def without_system_sections(lines: list[str]) -> list[str]:
    """`lines` with each section over the platform's own system SDKs blanked, heading included, up
    to the next heading of the same kind (or a Markdown heading as high)."""
    out = list(lines)
    i = 0
    while i < len(out):
        m = _SYSTEM_HEADING.match(out[i])
        if not m:
            i += 1
            continue
        kind = _mark_kind(m.group("mark"))
        out[i] = ""
        j = i + 1
        while j < len(out):
            nxt = re.match(r"^\s*(#+|[一二三四五六七八九十]+[、\.．]|\d+[、\.．](?!\d)|[（(][一二三四五六七八九十\d]+[）)])", out[j])
            if nxt and (_mark_kind(nxt.group(1)) == kind
                        or (kind.startswith("#") and nxt.group(1).startswith("#") and len(nxt.group(1)) <= len(kind))):
                break
            out[j] = ""
            j += 1
        i = j
    return out


def extract_entries(text: str, lang: str, known: Callable[[str], bool] | None = None) -> list[SdkEntry]:
    """Every SDK entry of a policy text (as `policy_text` produced it), duplicates merged by name.
    `known` says whether the SDK database knows a name: the evidence the record reader
    (`records.py`) accepts names on."""
    raw_lines = without_system_sections(without_absent(text, lang).splitlines())
    lines = joined_wrapped_lines([untypeset(x) for x in raw_lines] if lang != "en" else raw_lines)
    table, used = from_tables(lines)
    block, used_b = from_blocks(lines, used)
    done = used | used_b
    loose = (from_text(lines, done, lang, known) + from_link_lines(lines, done) + from_list_items(lines, done, lang, known)
             + from_paired_lines(lines, done, lang) + (from_inline_lists(lines, done) if lang == "en" else [])
             + (from_kind_headings(lines, done) if lang != "en" else [])
             + (from_glued_tables(lines, done, known) if lang != "en" else [])
             + from_named_items(lines, done) + (from_partner_enumerations(lines, done) if lang != "en" else [])
             + (from_party_keyed_items(lines, done, known) if lang != "en" else [])
             + (from_anaphoric_enumerations(lines, done) if lang != "en" else [])
             + (from_records(lines, done, known) + from_key_periods(lines, done, known) if lang != "en" else []))
    # a Latin word after a verb is kept only if the database knows it (reader.py): it must not take
    # the place of the same name found by structure
    loose = [e for e in loose if e.source != "verb-latin"] + [e for e in loose if e.source == "verb-latin"]
    merged: dict[str, SdkEntry] = {}
    for entry in table + block + loose:
        # 登陆 is a frequent misspelling; "腾讯的Bugly" is "腾讯Bugly"
        key = re.sub(r"[\s\-_·\.的]", "", entry.name).lower().replace("登陆", "登录")
        if key not in merged:
            merged[key] = entry
        elif merged[key].data is None and entry.data:
            merged[key].data = entry.data  # the same SDK's record says what it collects
        if len(merged) >= MAX_ENTRIES:
            break
    # "第三方（友盟+）移动统计SDK … 移动统计SDK将收集": a name from running text that the database does not
    # know and that ends another name found is that SDK again with its provider left out
    keys = list(merged)
    return [e for k, e in merged.items()
            if not (e.source == "text" and any(o != k and o.endswith(k) for o in keys)
                    and known is not None and not known(e.name))]
