"""Match the SDK names a policy gives to the SDK database, through its public API only
(`analysis.sdk.load_db()`, each entry's `id`, `name`, `company`, `category`).

A database name such as "Umeng Analytics (友盟统计)" or "Tencent YLH ads (优量汇/广点通 GDT)" yields
aliases: the English part, each bracketed or slash-separated part, and the English part without
its leading company word. A policy name matches the entry with the longest alias it contains (or
that contains it); ties go to the entry whose company the policy row names, then to the entry
whose category fits the stated purpose."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.policy.categories import purposes_in

_NORM_DROP = re.compile(r"[\s\-_·\.,，、/\\()（）\[\]【】《》<>\"'“”:：+&]|sdk|android|安卓版?|插件|服务|平台", re.I)
# purpose label (vocab.PURPOSE_TERMS) -> database categories it points to
PURPOSE_CATEGORY = {
    "analytics": {"analytics", "measurement", "ab_testing"}, "advertising": {"advertising", "attribution", "marketing"},
    "push": {"push", "messaging"}, "location_services": {"location", "maps"}, "login": {"login", "identification"},
    "payment": {"payment"}, "sharing": {"social"}, "crash_reporting": {"crash_reporting", "apm"},
    "security": {"risk_control", "protection", "identification"}, "customer_support": {"customer_support"},
    "personalisation": {"advertising", "analytics"},
}
# Chinese short names of companies that database entries name in English only.
COMPANY_ALIASES = {
    "tencent": ("腾讯",), "baidu": ("百度",), "alibaba": ("阿里巴巴", "阿里"), "alibaba cloud": ("阿里云",),
    "ant group": ("支付宝", "蚂蚁"), "bytedance": ("字节跳动", "巨量引擎", "火山引擎"), "huawei": ("华为",),
    "xiaomi": ("小米",), "google": ("谷歌",), "netease": ("网易",), "kuaishou": ("快手",), "sina weibo": ("新浪", "微博"),
    "jd.com": ("京东",), "china mobile": ("中国移动",), "china unicom": ("中国联通",), "china telecom": ("中国电信",),
    "autonavi (alibaba)": ("高德",), "umeng+ (alibaba)": ("友盟",), "honor": ("荣耀",), "meizu": ("魅族",),
}


def norm(text: str) -> str:
    """Lower case, no spaces, punctuation or the word SDK; 登陆 (a frequent misspelling) as 登录."""
    return _NORM_DROP.sub("", text.lower()).replace("登陆", "登录")


def _aliases(name: str, company: str) -> set[str]:
    return set(_spelled_aliases(name, company))


_SDK_WORD = re.compile(r"\bSDKs?\b")


def _spelled_aliases(name: str, company: str) -> dict[str, str]:
    """alias (normalised) -> the part of the database name it was cut from, as written there."""
    parts = {name}
    parts.update(p.strip() for p in re.split(r"[()（）/]|\s+/\s+", name) if p.strip())
    first_company_word = company.split()[0].lower() if company.split() else ""
    for p in list(parts):  # "Google AdMob" -> "AdMob"; never a lone common word ("Location SDK")
        words = p.split()
        rest = [w for w in (re.sub(r"SDK$", "", w) for w in words[1:] if w.upper() != "SDK") if w]
        if rest and words[0].lower() == first_company_word and (len(rest) > 1 or any(c.isupper() for c in rest[0][1:])):
            parts.add(" ".join(rest))
    out: dict[str, str] = {}
    for p in sorted(parts, key=len):
        n = norm(p)
        cjk = bool(re.search(r"[\u4e00-\u9fff]", n))
        if cjk and len(n) >= 2:
            out.setdefault(n, p.strip())
        elif not cjk and len(n) >= 3 and (p.strip() == name or any(ch.isupper() for ch in _SDK_WORD.sub("", p))):
            # a lowercase bracket part ("(base)", "(review", "(other SDK)": the capitals of the word
            # SDK do not count; that note is on 680 vendors' catch-all rows) is a note, not a name
            out.setdefault(n, p.strip())
    return out


def _word_breaks(spelled: str) -> set[int]:
    """Positions (counted in normalised characters) where the database spelling breaks words: a
    separator, or a lower-to-upper case change ("AdMob")."""
    breaks, count, prev = set(), 0, ""
    for ch in spelled:
        if not ch.isalnum():
            breaks.add(count)
        else:
            if prev.islower() and ch.isupper():
                breaks.add(count)
            count += 1
        prev = ch
    return breaks


def _same_words(written: str, spelled: str) -> bool:
    """A name written in the text breaks words only where the database spelling does: "Third-Party"
    is two words, the library "Thirdparty" one."""
    allowed = _word_breaks(spelled)
    count = 0
    for i, ch in enumerate(written):
        if ch.isalnum():
            count += 1
        elif 0 < count and i + 1 < len(written) and written[i + 1].isalnum() and count not in allowed:
            return False
    return True


def _company_aliases(company: str) -> set[str]:
    out = {norm(p) for p in re.split(r"[()（）/]", company) if len(norm(p)) >= 2}
    out.update(norm(a) for a in COMPANY_ALIASES.get(company.lower(), ()))
    return out


@dataclass(frozen=True)
class _Indexed:
    id: str
    name: str
    company: str
    category: str
    aliases: frozenset[str]
    companies: frozenset[str]
    order: int
    spelled: tuple[tuple[str, str], ...] = ()
    vendor_only: bool = False  # a catch-all for a vendor's other packages ("Google (other SDK)")


@lru_cache(maxsize=4)
def _index(db) -> tuple[_Indexed, ...]:
    rows = []
    for order, e in enumerate(db.entries.values()):
        spelled = _spelled_aliases(e.name, e.company)
        rows.append(_Indexed(e.id, e.name, e.company, e.category, frozenset(spelled),
                             frozenset(_company_aliases(e.company)), order, tuple(spelled.items()),
                             bool(getattr(e, "fallback", False))))
    return tuple(rows)


class _Lookup:
    """Dictionaries over the index, so that matching one name costs what its own length costs and
    not a scan of every alias in the database (5,000+ entries, more as the database grows): a
    hostile page of hundreds of made-up company names took 36 ms per name, 18 s in all."""

    def __init__(self, rows: tuple[_Indexed, ...]):
        self.by_alias: dict[str, list[_Indexed]] = {}
        self.by_company: dict[str, list[_Indexed]] = {}
        for r in rows:
            for a in r.aliases:
                self.by_alias.setdefault(a, []).append(r)
            for c in r.companies:
                self.by_company.setdefault(c, []).append(r)
        self.aliases = sorted(self.by_alias)
        # every alias in one string, so "which aliases hold this key" is a C-speed substring search
        self.joined = "\x00".join(self.aliases)
        self.starts: list[int] = []
        at = 0
        for a in self.aliases:
            self.starts.append(at)
            at += len(a) + 1

    def exact(self, key: str) -> list[_Indexed]:
        return sorted(self.by_alias.get(key, ()), key=lambda r: r.order)

    def within(self, key: str, table: dict[str, list[_Indexed]]) -> set[_Indexed]:
        """Rows with an alias (or company) that occurs inside `key`."""
        out: set[_Indexed] = set()
        for i in range(len(key)):
            for j in range(i + 1, len(key) + 1):
                out.update(table.get(key[i:j], ()))
        return out

    def holding(self, key: str) -> set[_Indexed]:
        """Rows with an alias that holds `key`."""
        out: set[_Indexed] = set()
        at = self.joined.find(key)
        while at >= 0:
            k = bisect.bisect_right(self.starts, at) - 1
            out.update(self.by_alias[self.aliases[k]])
            at = self.joined.find(key, at + 1)
        return out


@lru_cache(maxsize=4)
def _lookup(db) -> _Lookup:
    return _Lookup(_index(db))


@dataclass(frozen=True)
class Match:
    sdk: str | None
    company: str | None
    category: str | None
    how: str  # name | company | none


NO_MATCH = Match(None, None, None, "none")


# What kind of SDK, in Chinese and as database names say it in English.
_TYPE_ZH_EN = {"推送": "push", "统计": "analytics", "地图": "maps", "定位": "location", "支付": "pay",
               "分享": "share", "登录": "login", "广告": "ads", "客服": "support"}
_TYPE_EN = re.compile("|".join(_TYPE_ZH_EN))


def _latin_within(inner: str, outer_written: str) -> bool:
    """`inner` (normalised, Latin) written inside `outer_written` as whole words: "crashlytics" is in
    "Firebase Crashlytics", "lytics" is not in "Crashlytics"."""
    pattern = r"[\s\-_\.]?".join(re.escape(ch) for ch in inner)
    return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", outer_written.lower()) is not None


def _exact(key: str, rows: tuple[_Indexed, ...]) -> list[_Indexed]:
    return [r for r in rows if key in r.aliases]


def match_entry(name: str, company: str | None, purpose: str | None, db) -> Match:
    """The database entry a policy's SDK entry names (or NO_MATCH).

    An exact alias wins; a name that is a company's name alone ("小米", "华为") names that vendor's
    catch-all entry, not one of its SDKs picked by database order; a company word before an exact
    alias is dropped ("腾讯bugly"); a partial match counts only along word boundaries for Latin names
    ("lytics" is not in "Crashlytics")."""
    key = norm(name)
    if len(key) < 2:
        return NO_MATCH
    comp_key = norm(company or "")
    wanted = set().union(*(PURPOSE_CATEGORY.get(p, set()) for p in purposes_in(f"{name} {purpose or ''}"))) \
        if (purpose or name) else set()

    def pick(candidates: list[_Indexed], how: str) -> Match:
        row = max(candidates, key=lambda r: (int(any(c in comp_key or c in key for c in r.companies)),
                                              int(r.category in wanted), -r.order))
        return Match(row.id, row.company, row.category, how)

    look = _lookup(db)
    exact = look.exact(key) or look.exact(_TYPE_EN.sub(lambda m: _TYPE_ZH_EN[m.group(0)], key))
    if exact:  # "OPPO推送" is the database's "OPPO Push"
        return pick(exact, "name")
    vendors = [r for r in look.by_company.get(key, ()) if r.vendor_only]
    if vendors:
        return pick(sorted(vendors, key=lambda r: r.order), "company")
    # "腾讯bugly": a company word, then a name the database knows ("Tencent Bugly"); rows in database
    # order, each row's company words in its own order, as a scan of every row would meet them
    prefixed = sorted({r for n in range(2, len(key) - 1) for r in look.by_company.get(key[:n], ())}, key=lambda r: r.order)
    for r in prefixed:
        for c in r.companies:
            if len(c) >= 2 and key.startswith(c) and len(key) - len(c) >= 2:
                rest = key[len(c):]
                found = look.exact(rest) + [x for c2 in r.companies for x in look.exact(c2 + rest)]
                if found:
                    return pick(found, "name")
    best: list[tuple[tuple[int, int, int, int], _Indexed]] = []
    latin_key = key.isascii()
    for row in sorted(look.within(key, look.by_alias) | look.holding(key), key=lambda r: r.order):
        score = 0
        for alias in row.aliases:
            if alias in key and (not alias.isascii() or _latin_within(alias, name)):
                score = max(score, len(alias) * 10)
            elif key in alias and (alias.startswith(key) if not latin_key else
                                   len(key) >= 3 and _latin_within(key, dict(row.spelled).get(alias, alias))):
                score = max(score, len(key) * 5)
        if not score:
            continue
        company_hit = int(any(c in comp_key or c in key for c in row.companies)) if row.companies else 0
        purpose_hit = int(row.category in wanted)
        best.append(((score, company_hit, purpose_hit, -row.order), row))
    if best:
        row = max(best, key=lambda b: b[0])[1]
        return Match(row.id, row.company, row.category, "name")
    # no name matched: a company named in the entry, narrowed by purpose to one SDK
    by_company = sorted(look.within(key, look.by_company) | look.within(comp_key, look.by_company), key=lambda r: r.order)
    fitting = [r for r in by_company if r.category in wanted]
    if len(fitting) == 1:
        r = fitting[0]
        return Match(r.id, r.company, r.category, "company")
    return NO_MATCH


def same_name_spellings(name: str) -> set[str]:
    """How the database may spell a policy's name, the name's own words kept: "华为推送", "华为 Push"
    and "Huawei Push" share "huaweipush" (two spellings of one SDK, not two SDKs); the company word
    is translated, never dropped ("华为推送" and "小米推送" share nothing)."""
    return _spellings(norm(name), drop_company=False)


def _spellings(key: str, drop_company: bool = True) -> set[str]:
    """A normalised name as the database may spell it: Chinese type words in English ("华为推送" ->
    "华为push"), a Chinese company word in English ("华为push" -> "huaweipush"), or without it
    ("腾讯bugly" -> "bugly") unless `drop_company` is False."""
    out = {key, _TYPE_EN.sub(lambda m: _TYPE_ZH_EN[m.group(0)], key)}
    for k in list(out):
        for english, chinese in COMPANY_ALIASES.items():
            for zh in chinese:
                if k.startswith(zh) and len(k) > len(zh) + 1:
                    out.add(norm(english.split(" (")[0]) + k[len(zh):])
                    if drop_company:
                        out.add(k[len(zh):])
    return out


@lru_cache(maxsize=4)
def _bigrams(db) -> frozenset[str]:
    """Every two characters in a row of every alias and company name (normalised)."""
    return frozenset(a[i:i + 2] for r in _index(db) for a in r.aliases | r.companies for i in range(len(a) - 1))


def known_as_sdk(name: str, db) -> str | None:
    """The database SDK (id) that `name` names, on strict evidence: the name (or its English
    spelling) is one of the entry's aliases or company names, holds one that makes up at least half
    of it ("网易七鱼客服"), or is a whole word of one ("Bugly" in "Tencent Bugly"); not "账号登录功能",
    which merely holds a short word some entry is called by. The record reader (`records.py`)
    accepts the unknown members of a list on this evidence, so it must be stricter than the
    containment `match_entry` allows for naming a row already trusted."""
    key = norm(name)
    if len(key) < 2 or not any(k[i:i + 2] in _bigrams(db) for k in _spellings(key) for i in range(len(k) - 1)):
        return None  # no two characters in a row that any alias has: known to no entry (a cheap test first)
    m = match_entry(name, None, None, db)
    if m.sdk is None:
        return None
    row = next((r for r in _index(db) if r.id == m.sdk), None)
    if row is None:
        return None
    names = row.aliases | row.companies
    spelled = dict(row.spelled)
    for k in _spellings(key):
        if k in names:
            return m.sdk
        if any(a in k and len(a) * 2 >= len(k) and (not a.isascii() or _latin_within(a, name) or a == k) for a in names):
            return m.sdk
        if k.isascii() and len(k) >= 4 and any(_latin_within(k, spelled.get(a, a)) for a in row.aliases):
            return m.sdk
        if not k.isascii() and any(a.startswith(k) and len(k) * 2 >= len(a) for a in names):
            return m.sdk  # "微信" is the start of "微信开放"
    return None


_MAKER = re.compile(r"\b(?:from|by|of)\s+$", re.I)


def known_name(name: str, db) -> str | None:
    """The id of the database SDK whose own name or alias `name` is, or whose name ends in the word
    `name` (no other partial match, no vendor catch-all, Latin, at least 4 letters): a bare word in
    running text ("使用了Bugly") counts as an SDK only when the database spells it so."""
    key = norm(name)
    if len(key) < 4 or not key.isascii():
        return None
    rows = [r for r in _index(db) if not r.vendor_only]
    found = [r for r in rows if key in r.aliases]
    if not found and len(key) >= 5:  # "Bugly" is "Tencent Bugly", "Crashlytics" "Firebase Crashlytics"
        found = [r for r in rows if len(r.name.split()) >= 2 and norm(r.name.split()[-1]) == key]
    return found[0].id if found else None


_NOT_EMBEDDED_AFTER = re.compile(r"\s*(?:['’]s\b|\s(?:app\s+)?store\b)", re.I)


def dictionary_names(text: str, db) -> list[tuple[str, str]]:
    """(alias as written, sdk id) for database SDK names written in English running text, as whole
    words: English policies name services ("Firebase Crashlytics", "AdMob") without a table."""
    found: dict[str, tuple[str, str]] = {}
    latin = [(a, r, sp) for r in _index(db) for a, sp in r.spelled if a.isascii() and len(a) >= 5]
    if not latin:
        return []
    squashed = norm(text)
    for alias, row, spelled in sorted(latin, key=lambda ar: -len(ar[0])):
        if row.id in found or alias not in squashed:
            continue
        pattern = r"(?<![A-Za-z0-9])" + r"[\s\-_\.]?".join(re.escape(ch) for ch in alias) + r"(?![A-Za-z0-9])"
        for m in re.finditer(pattern, text, re.I):
            # a name is written capitalised ("location" is a word) and in the database's words
            if row.vendor_only and _MAKER.search(text[max(0, m.start() - 12):m.start()]):
                continue  # "App Center from Microsoft": the maker of a named service, not another SDK
            if _NOT_EMBEDDED_AFTER.match(text, m.end()):
                continue  # "the Google Play store", "Google's servers": a store or the company, not an SDK
            if m.group(0)[:1].isupper() and _same_words(m.group(0), spelled):
                found[row.id] = (m.group(0), row.id)
                break
    return list(found.values())
