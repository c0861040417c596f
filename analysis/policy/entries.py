"""One SDK entry of a policy's list, and how a candidate name is cut down to the name itself.

Policies write an SDK's name inside phrases ("我们会接入高德的SDK"), after section numbers, in
enumerations ("优量汇、穿山甲、InMobi") and, when they name the provider instead of the SDK, as a
registered company name ("上海禾赞网络科技有限公司"). These helpers turn such a piece of text into a
short name, or say that it names nothing (a generic phrase, a list of data, a heading number)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class SdkEntry:
    name: str
    company: str | None = None
    purpose: str | None = None
    data: str | None = None
    link: str | None = None
    source: str = "text"  # table | block | text | list | record | dictionary
    excerpt: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# A heading number or bullet before a name; digits that run straight into the name ("4399应用市场",
# "360应用商店", "58同城") are part of it, a number followed by its mark ("1.", "2、", "3)") is not.
_LEAD = re.compile(r"^(?:[\s\.、\)）(（\-*•·①-⑳#]|\d+(?=[\s\.、\)）．:：,，]|$)|[一二三四五六七八九十]+[、\.．])+")
GENERIC = frozenset(
    "第三方 三方 相关 该 此 上述 以上 以下 下列 这些 那些 部分 其他 其它 本 各 合作方 合作伙伴 各类 各种 所 任何 特定 此类 我们 您 其 某些 "
    "部分第三方 第三方合作方 前述 对应 同类 一些 所述 相应 必要 移动 应用 本应用 主要 常用 全部 the a an this that these those third-party "
    "third party any some our other such each their 商家 第三方商家 商户 物流 物流公司 快递 配送公司 银行 金融机构 运营商 电信运营商".split()
)

# A name holding one of these is a phrase about SDKs ("这类第三方", "您发现这类"), not a name.
_GENERIC_PART = re.compile(r"第三方|三方|这类|这些|此类|该类|上述|以上|以下|您|我们|我公司|本公司|相关|合作伙伴|合作方|服务商|自有|自研|本机|"
                           r"各类|各种|部分|其他|其它|任何|所有|集成|接入|嵌入|第三|供应商|服务商|提供商|请注意|研究|公司|我方|关联|"
                           r"some|any|other|these|those|our|your|such")

# Words that say what kind of SDK it is ("PUSH SDK", "站外分享SDK", "活体认证SDK"): a name made of
# nothing else names no SDK; and a name holding a data word ("设备信息") is a list of data.
_TYPE_WORDS = re.compile(
    r"推送|消息|分享|站外|登录|登陆|一键|支付|统计|分析|广告|定位|地图|服务|功能|网络|活体|认证|人脸|识别|风控|性能|监测|监控|"
    r"提现|合作|厂商|通道|渠道|手机|语音|搜索|加速|排障|通讯录|基础|数据|开源|官方|原生|计费|平台|商业|商用|push|share|login|pay|ads?|analytics|[\s\-_·\.]", re.I)
_DATA_WORDS = re.compile(r"信息|权限|标识|地址|号码|列表|记录|状态|头像|昵称|性别|姓名|生日|年龄|基于|他们|它们|其|所需|开发包|工具包|允许|目的|使用|包名|条款|时$")
# A trailing bracket that remarks on where the SDK is used, not part of its name.
_REMARK = re.compile(r"\s*[（(][^）()]*(?:仅|只|only|版本|客户端|渠道包|使用)[^）()]*[）)]\s*$", re.I)
# Verbs of a sentence about SDKs; no SDK's name holds one.
_VERB = re.compile(r"用于|收集|获取|改善|提升|保障|协助|调用|需要|可能|优化|初始化|提供")
# A heading number or a count ("十一", "2.3"), not a name.
_NUMERAL = re.compile(r"[\d一二三四五六七八九十百零〇两\W_]+")

# A registered Chinese company name: [place] trade name [industry] legal form, with an optional
# place in brackets ("腾讯科技（深圳）有限公司"). Its trade name is what policies and labels call it.
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|集团股份有限公司|有限公司|集团公司|集团|公司)\s*$")
_PLACE_IN_BRACKETS = re.compile(r"[（(][\u4e00-\u9fff]{2,4}[）)]")
_INDUSTRY = re.compile(r"(?:网络|科技|信息技术|信息|技术|在线|软件|移动通信|通信|电子|工业|传媒|文化|数据|计算机|互联网|智能)+$")
_INDUSTRY_LAST = re.compile(r"(?:网络|科技|信息技术|信息|技术|在线|软件|通信|电子|工业|传媒|文化|数据|计算机|互联网|智能)$")


def company_short(raw: str) -> str | None:
    """The trade name of a registered company name ("上海禾赞网络科技有限公司" -> "上海禾赞"), or
    None when `raw` does not end in a legal form."""
    text = raw.strip()
    if not _LEGAL_FORM.search(text) or not re.search(r"[\u4e00-\u9fff]", text):
        return None
    core = _LEGAL_FORM.sub("", _PLACE_IN_BRACKETS.sub("", text)).strip()
    short = _INDUSTRY.sub("", core).strip()
    if short == "中国":  # "中国移动通信": the country alone names no company; only the last industry word goes
        short = _INDUSTRY_LAST.sub("", core).strip()
    return short if len(short) >= 2 else core or None


def is_address(text: str) -> bool:
    """A host name of three or more labels ("api.ipinfo.io", "mail.163.com"): a service's address
    (a "服务地址" field), not its name."""
    return bool(re.fullmatch(r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+){2,}", text.strip()))


def is_phrase(text: str) -> bool:
    """Text that says something (a verb, a kind of data) rather than naming something."""
    return bool(_VERB.search(text) or _DATA_WORDS.search(text) or "等" in text)


def clean_name(raw: str) -> str | None:
    """A candidate SDK name cut down to the name itself; None when it is a generic phrase."""
    name = _LEAD.sub("", raw).strip().strip("《》<>「」\"'“”：:，,。")
    name = _REMARK.sub("", name)
    name = re.sub(r"(?<=[\u4e00-\u9fffA-Za-z])(?:系列产品|系列|旗下产品)(?=\s*(?:SDKs?)?\s*$)", "", name, flags=re.I)  # "腾讯系列产品SDK"
    name = re.sub(r"[\s\-_]*SDKs?$", "", name, flags=re.I).strip()
    name = re.sub(r"\s+", " ", name)
    if re.search(r"[）)]", name) and not re.search(r"[（(]", name):
        name = re.sub(r"\s*[）)]\s*", "", name)  # "第三方（友盟+）移动统计SDK" cut after its opening bracket
    if not name or len(name) > 40 or re.match(r"(?:https?|www)\b|.*://", name, re.I):
        return None
    inner = re.fullmatch(r"(.+?)\s*[（(]([^（）()]{2,30}?)\s*SDKs?\s*[）)]", name, flags=re.I)
    if inner:  # "推送通知消息（OPPO推送SDK）": the bracket names the SDK, the rest says what it is for
        name = inner.group(2).strip()
    company = company_short(name)
    if company:  # a provider named instead of its SDK ("我们的关联公司" names none)
        if _GENERIC_PART.search(company):
            return None
        name = company
    generic = list(_GENERIC_PART.finditer(name))
    if generic and re.match(r"(?:我们|我方|本公司|我公司|您)的", name[generic[-1].start():]):
        return None  # "我们的产品会将收集到的…": the first party's own, not a third party's SDK
    if generic:  # "第三方服务商个推": the name follows the generic words
        after = name[generic[-1].end():].strip().strip("的：:，,")
        before = name[:generic[-1].start()].strip()
        if not after and len(generic) == 1 and re.search(r"(?:供应商|服务商|提供商)$", name):
            after = re.sub(r"(?:服务|技术)+$", "", before)  # "钉钉服务供应商": the provider named before its role
        name = after
    core = re.sub(r"[\s\-_·\.]", "", name).lower()
    if re.match(r"(?:会(?!员)|将|可能|可以|需要|也|均|都|还)", core):
        return None  # "我们会对SDK的接入…审核": a clause's auxiliary verb, not a name
    if core.startswith("sdk") or _VERB.search(core):
        return None  # "SDK协助", "用于改善": a phrase around the word SDK, not a name
    if len(core) < 2 or core in GENERIC or core.rstrip("的") in GENERIC or _GENERIC_PART.search(core):
        return None
    # kinds joined by 和/与 ("广告SDK和计费SDK", a vendor's further SDKs after its first) name nothing either
    kinds_only = _TYPE_WORDS.sub("", re.sub(r"sdks?|[和与及的]", "", core)).rstrip("类")
    if _NUMERAL.fullmatch(core) or not kinds_only or _DATA_WORDS.search(core):
        return None
    if kinds_only in ("无", "非", "不"):
        return None  # "无广告SDK", "非原生SDK集成": the absence of a kind, not a name
    if is_address(name):
        return None
    return name


# Separators of an enumeration; "及" between two names ("微信及QQ分享"), not inside a word ("涉及").
_ENUM_SPLIT = re.compile(r"[、，,/／]|以及|(?<=[\u4e00-\u9fffA-Za-z])(?<!涉)及(?=[\u4e00-\u9fffA-Za-z])")


def names_in_cell(raw: str) -> list[str]:
    """The names a table cell or a block value gives: one, or an enumeration ("微博、微信及QQ分享",
    "微信/QQ/微博分享"), or the members a kind names in its bracket ("消息推送SDK（集成了华为、小米的SDK）")."""
    # "高德（高德软件有限公司）", "Firebase(谷歌信息技术（中国）有限公司": the provider in brackets after the name
    raw = _PROVIDER_IN_BRACKETS.sub("", raw) if re.match(r"\s*[^（(\s]", raw) else raw
    outside = re.sub(r"[（(][^）)]*[）)]", "", raw)
    members = re.search(r"[（(]([^）)]*[、，,][^）)]*)[）)]", raw)
    if members and clean_name(outside) is None:
        inner = re.sub(r"^.*?(?:集成了|集成|包括|包含|含|如|例如)", "", members.group(1))
        return enumerated(re.sub(r"(?:等)?(?:的|提供的)?\s*SDKs?\s*$", "", inner, flags=re.I))
    if re.search(r"[、，,]|(?<!涉)及", outside) or re.search(r"[^\s/]/[^\s/]", outside) and not _URLISH.search(outside):
        found = enumerated(raw)
        return _kind_for_each(found, raw) if re.search(r"[^\s/]/[^\s/]", outside) else found
    name = clean_name(raw)
    return [name] if name else []


_BRACKETED = r"(?:[^（()）]|[（(][^（()）]*[）)])"  # a bracket's content, one nested bracket allowed
_PROVIDER_IN_BRACKETS = re.compile(
    rf"\s*[（(]{_BRACKETED}*?(?:有限|公司|集团|Inc\b|Ltd\b|LLC\b|Pte\b){_BRACKETED}*(?:[）)]|$)\s*$")
_URLISH = re.compile(r"https?:|www\.|\.(?:com|cn|html?)\b", re.I)
_KIND_SUFFIX = re.compile(r"(分享|登录|登陆|支付|推送|统计|Push|PUSH|push)$")


def _kind_for_each(names: list[str], raw: str) -> list[str]:
    """"微信/QQ/微博分享": in a slash enumeration the kind after the last name belongs to every name
    before it that has none ("微博、微信及QQ分享" is left as written: the kind may be QQ's alone)."""
    if len(names) < 2:
        return names
    kind = _KIND_SUFFIX.search(names[-1])
    if not kind or _KIND_SUFFIX.sub("", names[-1]).strip() == "":
        return names
    sep = " " if kind.group(1).isascii() else ""
    return [n if _TYPE_WORDS.sub("", re.sub(r"[\s\-_·\.]", "", n).lower()) != re.sub(r"[\s\-_·\.]", "", n).lower()
            else f"{n}{sep}{kind.group(1)}" for n in names[:-1]] + [names[-1]]


def enumerated(raw: str) -> list[str]:
    """Names of an enumeration ("优量汇、穿山甲、InMobi"), parentheticals dropped (a company in
    brackets after a name); a company name written with its place in brackets keeps its name."""
    raw = re.sub(r"[（(][^）)]{0,40}[）)]", lambda m: m.group(0) if _PLACE_IN_BRACKETS.fullmatch(m.group(0)) else "", raw)
    parts = _ENUM_SPLIT.split(raw)
    if len(parts) >= 3 and "、" in raw:  # "A、B、C和D": 和/与 joins an enumeration's last member
        last = re.split(r"(?<=[\u4e00-\u9fffA-Za-z0-9+]{2})[和与](?=[\u4e00-\u9fffA-Za-z]{2})", parts[-1])
        parts = parts[:-1] + last
    out = []
    for part in parts:
        part = part.strip().removesuffix("等")
        short = company_short(part)
        part = short if short else re.sub(r"[（(][^）)]{0,40}[）)]", "", part)
        name = clean_name(part)
        if name:
            out.append(name)
    return out
