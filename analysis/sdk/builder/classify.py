"""Categories, companies and countries for entries of sources that do not state them in our terms.

Each source's own taxonomy is mapped explicitly (Exodus categories, LibRadar types, LibScout
categories). A source with no taxonomy (LibChecker's rules) gets, in order: the category of an entry
of another source or of the hand-written data that shares one of its signatures (done in the merge),
then the category its own description names (a small bilingual vocabulary of SDK kinds, the same for
every entry), else `library`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

EXODUS = {"Advertisement": "advertising", "Crash reporting": "crash_reporting", "Location": "location",
          "Identification": "identification", "Profiling": "marketing", "Analytics": "analytics"}
EXODUS_PRIORITY = ("Advertisement", "Location", "Identification", "Profiling", "Analytics", "Crash reporting")

LIBRADAR = {"Advertisement": "advertising", "Mobile Analytics": "analytics", "Social Network": "social",
            "Payment": "payment", "Map/LBS": "maps", "Digital Identity": "login", "App Market": "other",
            "Development Aid": "library", "Utility": "library", "GUI Component": "library",
            "Development Framework": "library", "Game Engine": "library"}

LIBSCOUT = {"Advertising": "advertising", "Analytics": "analytics", "Tracker": "analytics", "Android": "library",
            "Cloud": "cloud", "SocialMedia": "social", "Utilities": "library", "Payment": "payment"}

# What a description says the SDK does, first match wins (specific kinds before broad ones).
_KINDS: tuple[tuple[str, str], ...] = (
    ("risk_control", r"风控|反欺诈|设备指纹|验证码|captcha|fraud|fingerprint|人机|安全(验证|检测|防护|风险)"),
    ("protection", r"加固|加壳|protect|obfuscat|packer"),
    ("crash_reporting", r"崩溃|crash|异常上报|bug ?report"),
    ("push", r"推送|\bpush\b|消息通知"),
    ("advertising", r"广告|\bads?\b|advertis|mediation|变现|monetiz"),
    ("attribution", r"归因|attribution|deep ?link|深度链接|渠道统计"),
    ("analytics", r"统计|数据分析|用户行为|analytics|埋点|tracking"),
    ("apm", r"性能监控|\bapm\b|performance monitor"),
    ("location", r"定位|location|geofenc"),
    ("maps", r"地图|\bmaps?\b|导航|navigation"),
    ("payment", r"支付|\bpay(ment)?s?\b|收银|billing"),
    ("login", r"一键登录|登录|认证|login|sign[- ]?in|\bauth"),
    ("social", r"分享|社交|\bshare\b|social"),
    ("customer_support", r"客服|customer (service|support)|helpdesk"),
    ("rtc", r"音视频|实时通信|直播|\brtc\b|video call|live ?stream"),
    ("messaging", r"即时通讯|\bim\b|instant messag|聊天"),
    ("speech", r"语音识别|语音合成|speech|\btts\b"),
    ("remote_config", r"远程配置|remote config|a/b|热更新|hotfix|热修复"),
    ("cloud", r"云存储|对象存储|\bcdn\b|cloud storage|云服务"),
)
_KIND_RES = tuple((cat, re.compile(pat, re.IGNORECASE)) for cat, pat in _KINDS)
_FORGES = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org", "sourceforge.net", "github.io", "code.google.com",
           "mvnrepository.com", "maven.org", "jcenter.bintray.com", "bintray.com", "jitpack.io", "googlesource.com")
_CJK = re.compile(r"[\u3400-\u9fff]")


def category_from_text(label: str, description: str, url: str | None) -> str:
    """The SDK kind a rule's label or description names; a rule that names none is a library (LibChecker
    lists libraries of every sort: SQLite, Flutter, image codecs), hence transparent."""
    text = f"{label} {description}"
    for cat, rx in _KIND_RES:
        if rx.search(text):
            return cat
    return "library"


def exodus_category(categories: list[str]) -> str:
    for name in EXODUS_PRIORITY:
        if name in categories:
            return EXODUS[name]
    return "other"  # Exodus lists it as a tracker without saying what kind


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


_SUFFIXES = re.compile(
    r"[,.]?\s*\b(inc|llc|ltd|limited|gmbh|co|corp|corporation|company|s\.?a|ag|bv|b\.v|plc|pte|srl|sas|oy|ab|as|"
    r"group|holdings?|technologies|technology|tech|software|labs?|mobile|media|network|networks|open source)\b\.?",
    re.IGNORECASE)
_NAME_TAIL = re.compile(r"(有限公司|有限责任公司|股份有限公司|科技|网络|信息技术|技术|集团)+$")


def company_key(company: str | None) -> str:
    """A comparable form of a company name: `Google LLC`, `Google (open source)` and `google` agree."""
    if not company:
        return ""
    text = re.sub(r"\(.*?\)|（.*?）", " ", company)
    text = _SUFFIXES.sub(" ", text)
    text = _NAME_TAIL.sub("", text.strip())
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", "", text.lower())


def company_words(company: str | None) -> tuple[str, ...]:
    """The words of a company name without legal suffixes and asides: `Alibaba Cloud Ltd.` ->
    ("alibaba", "cloud"); groups of companies are recognised by shared leading words."""
    if not company:
        return ()
    text = re.sub(r"\(.*?\)|（.*?）", " ", company)
    text = _NAME_TAIL.sub("", _SUFFIXES.sub(" ", text).strip())
    return tuple(w for w in re.split(r"[^0-9a-z\u3400-\u9fff]+", text.lower()) if w)


_SLD = frozenset("co com net org gov edu ac ne or go".split())


def registrable_domain(host: str) -> str:
    """example.com from a.b.example.com; example.com.cn / example.co.uk keep their third label."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def company_from_url(url: str | None) -> str | None:
    """The organisation a vendor website names: `google` from https://admob.google.com."""
    host = urlsplit(url or "").hostname or ""
    if not host or host.endswith(_FORGES):
        return None
    label = registrable_domain(host).split(".")[0]
    return label.capitalize() if label else None


COUNTRIES = {
    "united states": "US", "usa": "US", "us": "US", "france": "FR", "germany": "DE", "united kingdom": "GB",
    "uk": "GB", "england": "GB", "china": "CN", "israel": "IL", "india": "IN", "japan": "JP", "russia": "RU",
    "south korea": "KR", "korea": "KR", "netherlands": "NL", "spain": "ES", "italy": "IT", "canada": "CA",
    "sweden": "SE", "finland": "FI", "denmark": "DK", "norway": "NO", "ireland": "IE", "switzerland": "CH",
    "singapore": "SG", "australia": "AU", "brazil": "BR", "turkey": "TR", "poland": "PL", "belgium": "BE",
    "austria": "AT", "czech republic": "CZ", "hong kong": "HK", "taiwan": "TW", "vietnam": "VN",
    "indonesia": "ID", "estonia": "EE", "lithuania": "LT", "ukraine": "UA", "portugal": "PT", "greece": "GR",
}


def country_from_name(text: str | None) -> str | None:
    if not text:
        return None
    key = re.split(r"[(,\[]", text.strip(), maxsplit=1)[0].strip().lower()
    return COUNTRIES.get(key)


CCTLD = frozenset("cn ru de fr jp kr uk in il nl es it br tw hk vn tr pl se fi dk no ch at be cz ua ca au sg".split())


def country_from_tld(tld: str | None) -> str | None:
    """A country-code top-level domain names a country (`.cn`, or `cn.` first in a Java package, which
    by convention is a reversed domain); generic-use ones (.io .co .me .tv .ai) are not in the list."""
    tld = (tld or "").lower()
    if tld not in CCTLD:
        return None
    return "GB" if tld == "uk" else tld.upper()
