"""SDK names that policies give without a table, a "key：value" block or the word SDK after each name:
list items under a lead-in ("We use the following third-party services:" / "我们接入的第三方SDK如下："),
and enumerations that a later "这些/上述…SDK" or "其SDK" in the same sentence refers back to
("广点通、头条、vivo是……合作伙伴，为此我们需要接入这些第三方的SDK")."""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.policy.categories import categories_in
from analysis.policy.entries import SdkEntry, clean_name, company_short, is_phrase

MAX_ITEMS = 60  # list items read after one lead-in

# A line that introduces a list of third-party services or SDKs.
_LEAD_EN = re.compile(r"third[\s\-]part(?:y|ies)|\bSDKs?\b|service providers?|\bpartners\b|\blibraries\b|\bvendors\b", re.I)
_LEAD_ZH = re.compile(r"第三方|SDK|合作方|合作伙伴|服务商|供应商|插件", re.I)
# A Chinese lead-in that announces data ("第三方SDK会收集以下信息：") introduces data, not names.
_LEAD_ZH_DATA = re.compile(r"收集|获取|读取|调用|信息|权限|数据|字段|类型|种类|情形|情况")
_NOT_A_NAME_ZH = re.compile(r"用于|用来|为了|为您|为你|我们|目前|当您|当你|如果|如您|通过|帮助|提供|实现|以便|在您")
# A clause about people, not a name ("方便用户把多开分身推荐给好友", "在不透露单个用户隐私资料的前提下").
_CLAUSE_ZH = re.compile(r"用户|您|你|我们|方便|前提|法律|法规|要求|权益")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●○■□\-*+]|\(?\d{1,3}[\.、\)）]|[（(]\d{1,3}[）)]|[①-⑳]|[a-z][\.\)])\s*")
# Where an item's name ends: its description, provider or link follows.
_NAME_END_EN = re.compile(r"\s+[-–—:]\s|:\s|\s*[(\[]|,\s|\s+(?:for|by|to|from|is|are|which|that|provided|https?://)\b", re.I)
_NAME_END_ZH = re.compile(r"[：:（(，,。；;【\[]|\s+[-–—]\s|\s+https?://|https?://")
# Words naming data or a purpose, not a service ("Usage Data", "Crash logs").
_NOT_A_SERVICE_EN = re.compile(r"\b(?:data|information|address|identifiers?|IDs?|numbers?|names?|e-?mail|history|logs?|"
                               r"cookies?|usage|content|settings|preferences|purchases?|reports?|device|model|version|"
                               r"language|time|date|country|region|crash(?:es)?|diagnostics|analytics|advertising|"
                               r"payments?|storage|security|we|you|your|our|the|this|these|all|any|none)\b", re.I)


# A brand written as its domain ("fal.ai", "ngrok.io"): a name though it opens in lower case.
_DOMAIN_NAME = re.compile(r"[a-z][a-z0-9\-]{1,30}\.(?:ai|io|com|dev|app|net|org|co|sh)")
# An English item closed by one capitalised name in brackets: what comes before is what it does
# ("Database storage (Neon).", "Transactional email, e.g. sign-in and verification (Resend).")
_TRAILING_BRACKET = re.compile(r"\(\s*([A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2})\s*\)\s*[.;]?\s*$")


def _trailing_bracket_name(item: str) -> str | None:
    m = _TRAILING_BRACKET.search(item)
    return clean_name(m.group(1)) if m else None


def _item_name(item: str, lang: str, known: Callable[[str], bool] | None = None) -> str | None:
    if lang == "en":
        name = _NAME_END_EN.split(item, maxsplit=1)[0].strip().rstrip(".;")
        words = name.split()
        if not words or len(words) > 6 or not (name[0].isupper() or _DOMAIN_NAME.fullmatch(name)) or categories_in(name):
            return None
        if len(words) >= 2 and re.fullmatch(r"[a-z]+", words[-1]) and known is not None and not known(name):
            # "Text-to-Speech services", "Analytics services": a common noun closes a kind, unless the
            # database knows the whole name ("Google Play services", "Facebook login"); not its head,
            # which a generic alias may match ("Speech", "Voice")
            return _trailing_bracket_name(item)  # "Hosting and application delivery (Vercel).": the provider
        if len(words) >= 2 and re.fullmatch(r"[a-z]+", words[-1]):
            return None
        if len(words) == 1 and _NOT_A_SERVICE_EN.fullmatch(name) or all(_NOT_A_SERVICE_EN.fullmatch(w) for w in words):
            return None
        if words[0].lower() in ("we", "you", "your", "our", "the", "this", "these", "if", "when", "all"):
            return None
        return clean_name(name)
    name = _NAME_END_ZH.split(item, maxsplit=1)[0].strip()
    if len(name) > 24 or categories_in(name) or _NOT_A_NAME_ZH.match(name) or _CLAUSE_ZH.search(name) \
            or re.fullmatch(r"[A-Z0-9]+(?:_[A-Z0-9]+)+", name):
        return None  # a purpose ("用于消息推送"), or a permission constant (READ_PHONE_STATE)
    return clean_name(name)


def _is_lead(line: str, lang: str) -> bool:
    """A line that introduces a list: it names third parties or SDKs and ends with a colon, or is a
    short heading (no sentence punctuation)."""
    stripped = line.strip().rstrip("*# ")
    if lang == "en":
        if not _LEAD_EN.search(stripped):
            return False
    else:  # the clause that ends in the colon says what follows ("…个人信息。产品中集成的第三方SDK如下：")
        last = re.split(r"[。；;！？!?]", stripped.rstrip("：:"))[-1]
        # what the lead-in announces is its head noun, before "包括/如下": parties ("…调用的第三方在线服务包括："),
        # even when a verb of data stands in its modifier; data otherwise ("第三方SDK会收集以下信息：")
        head = re.sub(r"(?:包括|包含|如下|有|为|是)$", "", last.strip())
        if not _LEAD_ZH.search(last) or _LEAD_ZH_DATA.search(last) and not _PARTY_HEAD.search(head):
            return False
    if stripped.endswith((":", "：")):
        return True
    return len(stripped) <= 60 and not re.search(r"[。；;.!?！？，,:：]", stripped)


_PARTY_HEAD = re.compile(r"(?:SDK|服务|服务商|合作方|合作伙伴|供应商|插件)$", re.I)
# An item without a bullet, its name and description set apart by a spaced dash ("DeepSeek — 大语言模型 API").
# An English item without a bullet: a capitalised name, a colon, then a description in lower case
# ("Supabase: database, authentication, and file storage", "Resend: transactional … email").
_COLON_ITEM = re.compile(r"^\s*[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2}:\s+[a-z]")
_DASH_ITEM = re.compile(r"^\s*[^\s—–\-].{0,40}?\s+[—–]{1,2}\s+\S")


def _bullet_kind(mark: str) -> str:
    """Items of one list share their kind of bullet: a numbered heading after a bulleted list ends it."""
    core = mark.strip()
    if re.search(r"\d", core):
        return "number"
    if re.fullmatch(r"[a-z][\.\)]", core):
        return "letter"
    return "circled" if re.fullmatch(r"[①-⑳]", core) else core[:1]


MAX_WRAPPED = 5  # lines an item's description may wrap over before the next item of its list


def _continued_to(lines: list[str], j: int, kind: str, skip: set[int], lang: str) -> int | None:
    """Index of the next item of the list (same bullet kind) when lines[j:] are the wrapped rest
    of the current item's description; None when the list has ended (a heading, a lead-in, or no
    further item close by)."""
    prev = next((_BULLET.match(lines[k]) for k in range(j - 1, max(-1, j - MAX_WRAPPED - 2), -1)
                 if _BULLET.match(lines[k])), None)
    for k in range(j, min(len(lines), j + MAX_WRAPPED + 1)):
        if k in skip or lines[k].lstrip().startswith("#") or _is_lead(lines[k], lang):
            return None
        m = _BULLET.match(lines[k])
        if m:
            same = _bullet_kind(m.group(0)) == kind and (prev is None or _follows(prev.group(0), m.group(0)))
            return k if same else None
    return None


def _follows(before: str, after: str) -> bool:
    """Whether a numbered bullet is the next sibling of another ("1)" then "2)"; "4.2" then "4.3"),
    not an item of the enclosing list ("4.2" then "5.")."""
    a, b = re.findall(r"\d+", before), re.findall(r"\d+", after)
    if not a or not b:
        return True  # bullets without numbers: same kind is enough
    return len(a) == len(b) and a[:-1] == b[:-1] and int(b[-1]) == int(a[-1]) + 1


def from_list_items(lines: list[str], skip: set[int], lang: str,
                    known: Callable[[str], bool] | None = None) -> list[SdkEntry]:
    """Bulleted or numbered items right after a lead-in line; each item's name is what comes before
    its description ("Firebase Analytics – usage statistics", "1. 微信开放平台：用于分享")."""
    entries: list[SdkEntry] = []
    i = 0
    while i < len(lines) - 1:
        if i in skip or not _is_lead(lines[i], lang):
            i += 1
            continue
        j, kind = i + 1, None
        if j + 1 < len(lines) and j not in skip and not _BULLET.match(lines[j]) and lines[j].rstrip().endswith((":", "：")) \
                and not lines[i].rstrip().endswith((":", "：")):
            j += 1  # a heading ("Service providers we use"), then the paragraph whose colon opens its list
        while j < len(lines) and j - i <= MAX_ITEMS and j not in skip:
            m = _BULLET.match(lines[j])
            if not m and kind in (None, "dash") and _DASH_ITEM.match(lines[j]) \
                    and (kind == "dash" or j + 1 < len(lines) and _DASH_ITEM.match(lines[j + 1])):
                kind = "dash"  # two or more dash items in a row: a list without bullets
                name = _item_name(lines[j], lang, known)
                if name:
                    entries.append(SdkEntry(name=name, source="list", excerpt=f"{lines[i][:80]} … {lines[j][:120]}"))
                j += 1
                continue
            if not m and kind in (None, "colon") and lang == "en" and _COLON_ITEM.match(lines[j]) \
                    and (kind == "colon" or j + 1 < len(lines) and _COLON_ITEM.match(lines[j + 1])):
                kind = "colon"  # "Supabase: database, authentication, …" twice or more in a row: a list without bullets
                name = _item_name(lines[j], lang, known)
                if name:
                    entries.append(SdkEntry(name=name, source="list", excerpt=f"{lines[i][:80]} … {lines[j][:120]}"))
                j += 1
                continue
            if not m and kind is not None and kind not in ("dash", "colon"):
                nxt = _continued_to(lines, j, kind, skip, lang)
                if nxt is not None:  # the item's description wrapped over lines: the list goes on
                    j = nxt
                    m = _BULLET.match(lines[j])
            if not m or (kind is not None and _bullet_kind(m.group(0)) != kind) or _is_lead(lines[j][m.end():], lang):
                break
            kind = _bullet_kind(m.group(0))
            item = lines[j][m.end():]
            if not item.strip() and j + 1 < len(lines) and j + 1 not in skip and not _BULLET.match(lines[j + 1]):
                j += 1  # "1)" alone on its line: the item's text is the next line
                item = lines[j]
            name = _item_name(item, lang, known)
            if name:
                entries.append(SdkEntry(name=name, source="list", excerpt=f"{lines[i][:80]} … {lines[j][:120]}"))
            j += 1
        i = j if j > i + 1 else i + 1
    return entries


# A later reference to SDKs named earlier in the same sentence.
# "上述手机厂商Push SDK": a few words of kind may stand between the reference and the word SDK.
_ANAPHOR_SDK = re.compile(r"(?:(?:这些|上述|以上|前述|该等)[\u4e00-\u9fffA-Za-z ]{0,10}?|(?:他们的|它们的|其)"
                          r"(?:第三方|公司|合作伙伴|合作方|服务商|厂商)?(?:的)?)\s*SDK", re.I)
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
# A run of short items separated by 、 or commas, at least one 、 among them.
_RUN = re.compile(r"(?:[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,14}[、，,]\s*)+[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,16}")
_ITEM_LEAD = re.compile(r"^(?:.*(?:例如|比如|包括|包含|接入了|接入|使用了|使用|集成了|集成|如(?!果)))")
# Where the last item of a run ends: the sentence goes on with a verb or a copula.
# "如您使用小米、华为、OPPO手机": the device word after the last brand belongs to every item.
_DEVICE_TAIL = re.compile(r"(?:等)?(?:品牌)?(?:手机|机型|设备|终端)$")
_ITEM_TAIL = re.compile(r"(?:是|均为|均是|都是|等|会|将|可能|提供|需要|通过|的|其)[\u4e00-\u9fff]*$")


def from_anaphoric_enumerations(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """Names of an enumeration (with at least one 、) that the same sentence later calls "这些…SDK"
    / "上述SDK" / "其SDK": the sentence's subject is the list of SDKs."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines):
        if i in skip or "sdk" not in line.lower():
            continue
        for sm in _SENTENCE.finditer(line):
            sentence = sm.group(0)
            ref = _ANAPHOR_SDK.search(sentence)
            if not ref:
                continue
            for run in _RUN.finditer(sentence[:ref.start()]):
                if "、" not in run.group(0) or "公司" in run.group(0):
                    continue  # companies named as providers are read where they are (由…提供)
                items = re.split(r"[、，,]", run.group(0))
                if len(items) > 2 and run.end() == ref.start() and _ITEM_LEAD.match(items[-1]):
                    items = items[:-1]  # "…、VIVO手机，迅雷接入的上述…SDK": the last piece is the predicate
                led = [k for k, it in enumerate(items) if _ITEM_LEAD.match(it)]
                if led:  # "分享到第三方平台，如微博，QQ、微信": the list starts at its lead word
                    items = items[led[-1]:]
                    items[0] = _ITEM_LEAD.sub("", items[0])
                items[-1] = _DEVICE_TAIL.sub("", _ITEM_TAIL.sub("", items[-1]))
                if any(is_phrase(it) for it in items[:-1]):
                    continue  # "头像、昵称及其他…、地区、性别信息": a list of data, not of SDKs
                names = [clean_name(it) for it in items if not categories_in(it)]
                for name in names:
                    if name and len(name) <= 12:
                        entries.append(SdkEntry(name=name, source="text", excerpt=sentence[:200]))
    return entries


# "1.2.1 “极光推送”：该SDK由“…公司”提供", "3. LeanCloud: 本 SDK会…", "1.2.12 “TBS” 腾讯浏览服务，由…提供":
# a numbered item that opens with a (quoted) name the rest of the item calls "该SDK" or says is provided.
_NAMED_ITEM = re.compile(
    r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[\.、\)）]?|[（(]\d{1,3}[）)]|[①-⑳]|[-*•·])\s*"
    r"(?:[“\"「『](?P<quoted>[^”\"」』]{1,30})[”\"」』]|(?P<plain>[^：:，。；“”\s][^：:，。；“”]{0,29}?))\s*[：:]?\s*(?P<rest>.*)$")
_SELF_SDK = re.compile(r"^(?:该|本|此)\s*SDK", re.I)
_PROVIDED = re.compile(r"由.{1,40}?提供|SDK", re.I)


def from_named_items(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """Numbered items named by their first words: a quoted name the item says is provided by someone
    or is an SDK, or a plain name whose item goes on with "该SDK/本SDK"."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        m = _NAMED_ITEM.match(line)
        if not m:
            continue
        rest = m.group("rest")
        if m.group("quoted") and _PROVIDED.search(rest[:80]):
            raw = m.group("quoted")
        elif m.group("plain") and _SELF_SDK.match(rest):
            raw = m.group("plain")
        else:
            continue
        name = clean_name(raw)
        if name:
            entries.append(SdkEntry(name=name, source="list", excerpt=line[:200]))
    return entries


# "接入提供该服务的指定合作伙伴友盟、广点通、热云等读取…", "其他合作伙伴（如Bugly、创蓝、AdMaster等）": an
# enumeration (at least two 、) closed by 等, right after a word for third parties.
_PARTNER_ENUM = re.compile(
    r"(?:合作伙伴|合作方|服务商|供应商|提供商|第三方)\s*(?:[（(，,：:]\s*)?(?:如|例如|比如|包括|包含)?\s*"
    r"((?:[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,16}、\s*){2,15}[A-Za-z0-9\u4e00-\u9fff+·\-\. ]{1,16}?)\s*等")


def from_partner_enumerations(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """Names enumerated right after a word for third parties and closed by 等, without the word SDK."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        for m in _PARTNER_ENUM.finditer(line):
            items = [it.strip() for it in m.group(1).split("、")]
            if any(categories_in(it) or len(it) > 12 or is_phrase(it) for it in items):
                continue  # "第三方收集设备信息、位置信息等": data; "在第三方平台分享信息、使用地图服务、播放视频等": purposes
            for it in items:
                name = clean_name(it)
                if name:
                    entries.append(SdkEntry(name=name, source="text", excerpt=line[max(0, m.start() - 40): m.end() + 40]))
    return entries



# A record's title line: short, no sentence punctuation ("Supabase", "Meta / WhatsApp Business").
_TITLE_LINE = re.compile(r"^[^.,;:!?。，；：！？、()（）]{2,40}$")


def _paired_name(title: str, body: str, lang: str) -> str | None:
    """The name of a record made of a title line and the line under it: in English a description
    (a longer line with punctuation) follows the name; in Chinese a registered company, its provider."""
    if not _TITLE_LINE.match(title.strip()) or _BULLET.match(title):
        return None
    if lang == "en":
        if len(title.split()) > 5 or not title.strip()[0].isupper() or len(body.split()) <= len(title.split()) \
                or not re.search(r"[a-z]{3}", body):
            return None
        return _item_name(title.strip(), lang)
    if company_short(body.strip()) is None or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z（）()]{4,40}", body.strip()):
        return None
    return _item_name(title.strip(), lang)


MIN_PAIRS = 2  # records of this layout in a row before their titles are taken as names


def from_paired_lines(lines: list[str], skip: set[int], lang: str) -> list[SdkEntry]:
    """Records of two or more lines without bullets under a lead-in ("We use the following
    third-party services:" then "Supabase" / "Database, authentication…" / "Stripe" / …; a Chinese
    SDK page's "穿山甲广告平台" / "北京巨量引擎网络技术有限公司" / "使用目的" / …): each record opens with
    its name and, in English, a description line, in Chinese its provider's registered name. Taken
    only when at least MIN_PAIRS records in a row share the layout (one pair is no evidence)."""
    entries: list[SdkEntry] = []
    i = 0
    while i < len(lines) - 2:
        # in English the records follow a lead-in; a Chinese record's provider line is evidence enough
        lead = _is_lead(lines[i], lang) and lines[i].rstrip().endswith((":", "："))
        if i in skip or (lang == "en" and not lead) or (lang != "en" and _paired_name(lines[i], lines[i + 1], lang) is None):
            i += 1
            continue
        found: list[tuple[int, str]] = []
        j = i + 1 if lang == "en" else i
        while j < len(lines) - 1 and j - i <= MAX_ITEMS and j not in skip and j + 1 not in skip:
            name = _paired_name(lines[j], lines[j + 1], lang)
            if name is None:
                if lang == "en" or not found:
                    break
                j += 1  # a Chinese record's key and value lines go on until its next title
                continue
            found.append((j, name))
            j += 2
        if len(found) >= MIN_PAIRS:
            entries += [SdkEntry(name=name, source="list", excerpt=f"{lines[i][:80]} … {lines[k][:60]} {lines[k + 1][:80]}")
                        for k, name in found]
        i = max(j, i + 1)
    return entries


# "We use the following third-party services: Supabase (authentication & database), Google Gemini AI
# (analysis & coaching), and GitHub API (profile analysis).": a lead-in and its items on one line.
_INLINE_LEAD_EN = re.compile(r"\bthe following\b[^:.]{0,60}?(?:services?|SDKs?|providers?|libraries|partners|vendors)\s*:\s*(.+)$", re.I)


def from_inline_lists(lines: list[str], skip: set[int]) -> list[SdkEntry]:
    """English items enumerated after a lead-in's colon on the same line, each a name with its
    purpose in brackets; the enumeration counts only when every item has that form."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines):
        m = _INLINE_LEAD_EN.search(line) if i not in skip else None
        if not m:
            continue
        body = re.split(r"(?<=\))\s*\.(?:\s|$)", m.group(1))[0]
        items = [it.strip() for it in re.split(r",\s*(?:and\s+)?|\s+and\s+(?=[A-Z])", body) if it.strip()]
        if len(items) < 2 or not all(re.fullmatch(r"[A-Z][^()]{0,40}\([^()]{2,80}\)\.?", it) for it in items):
            continue
        for it in items:
            name = _item_name(it.split("(")[0].strip(), "en")
            if name:
                entries.append(SdkEntry(name=name, source="list", excerpt=line[:200]))
    return entries


# A list item keyed by a kind of party, its value the parties themselves ("• 云计算与存储服务商：Cloudflare
# （提供…）", "• AI 图像与推理模型服务商：Google Gemini (Nano Banana)、FLUX.1、OpenAI GPT Image、Seedream（…）").
_PARTY_KEYED = re.compile(r"^\s*(?:[•·▪◦●○■□\-*+]\s*)?[\u4e00-\u9fffA-Za-z与和及、/ ]{2,24}?"
                          r"(?:服务商|提供商|供应商|服务提供方|合作方|合作伙伴)\s*[：:]\s*(?P<value>.+)$")


def from_party_keyed_items(lines: list[str], skip: set[int], known: Callable[[str], bool] | None) -> list[SdkEntry]:
    """Names given as the value of an item keyed by a kind of party. The value must read as names,
    not as what the party does: every member written in Latin script or known to the SDK database
    ("支付结算服务商：安全承兑全球结账、处理销售税…" names none)."""
    entries: list[SdkEntry] = []
    for i, line in enumerate(lines):
        m = None if i in skip else _PARTY_KEYED.match(line)
        if not m:
            continue
        value = re.sub(r"[（(][^）)]{0,200}[）)]", "", m.group("value"))
        value = re.split(r"[。；;：:]", value)[0]
        items = [it.strip() for it in re.split(r"[、，,/]|\s和\s", value) if it.strip()]
        if not items or len(items) > 12:
            continue
        if all(len(it) <= 30 and (re.match(r"[A-Za-z0-9]", it) or (known is not None and known(it))) for it in items):
            for it in items:
                name = clean_name(it)
                if name:
                    entries.append(SdkEntry(name=name, source="list", excerpt=line[:200]))
    return entries
