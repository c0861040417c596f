"""Attribution: which SDK made a call (by its stack) or received a request (by its host).

Work is done once per *unique* frame and host, never per event: ten million API rows share a few
thousand stacks, which share a few thousand frames. A stack is attributed to the deepest SDK frame
in call order, i.e. the first frame from the top (the hooked API) that is neither platform code nor
a transparent library (utility, framework, devtool: OkHttp, Gson, React Native...), so that
`TelephonyManager.getDeviceId <- com.umeng.commonsdk... <- com.example.MainActivity.onCreate` is
Umeng's read even though the app started Umeng."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.sdk.db import load_db
from analysis.sdk.entry import Sdk
from analysis.sdk.index import MAX_QUERY_CHARS, SdkDb

# Platform code: never an SDK, attribution looks past it. Extendable by callers.
FRAMEWORK_PREFIXES = (
    "java.", "javax.", "jdk.", "sun.", "android.", "androidx.", "dalvik.", "kotlin.", "kotlinx.",
    "libcore.", "com.android.internal.", "com.android.server.", "com.android.okhttp.", "org.apache.harmony.",
    "org.json.", "org.xmlpull.", "org.w3c.", "org.xml.", "com.google.android.collect.", "art.",
)
FRAMEWORK_LIBS = frozenset(
    "libc libart libandroid_runtime libbinder libutils libcutils libc++ libc++_shared libdl libm liblog "
    "libjavacore libopenjdk libopenjdkjvm libssl libcrypto libnetd_client libsimprop linker linker64 libhwui "
    "libgui libnativeloader libandroid libbase libjavacrypto libprocessgroup libnativehelper frida-agent "
    "libfrida-agent libpthread libresolv".split()
)
_LIB_RE = re.compile(r"(?:^|[\s/!])((?:lib)?[A-Za-z0-9_.+-]+?)\.so\b|^(linker64|linker)\b")


def frame_library(frame: str) -> str | None:
    """The native library a frame points into (`libfoo.so!sym+0x1` -> `libfoo`), or None for Java."""
    if not isinstance(frame, str) or len(frame) > MAX_QUERY_CHARS:
        return None
    if ".so" not in frame and not frame.startswith("linker"):
        return None
    m = _LIB_RE.search(frame.strip())
    if not m:
        return None
    return m.group(1) or m.group(2)


def is_framework(frame: str) -> bool:
    if not isinstance(frame, str):
        return False
    lib = frame_library(frame)
    if lib is not None:
        return lib in FRAMEWORK_LIBS
    name = frame.split("(", 1)[0].strip()
    return name.startswith(FRAMEWORK_PREFIXES)


def frame_sdk(frame: str, db: SdkDb, app: str | None = None) -> Sdk | None:
    """The SDK a single frame belongs to (None for platform code, the app's own code and unknown code)."""
    if is_framework(frame):
        return None
    lib = frame_library(frame)
    return db.by_library(lib) if lib is not None else db.by_class(frame, app)


def attribute_stacks(stacks: pd.DataFrame, db: SdkDb | None = None,
                     apps: dict[str, str] | None = None) -> pd.DataFrame:
    """stacks (run_id, stack_id, frames) -> (run_id, stack_id, sdk, sdk_frame, sdk_depth).

    `sdk` is the SDK id (None: the app's own code or unknown), `sdk_frame` the frame that decided it.
    `apps` maps run_id -> the app's package, whose own code is never an SDK."""
    db = db or load_db()
    cols = ["run_id", "stack_id", "sdk", "sdk_frame", "sdk_depth"]
    if stacks.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    base = stacks[["run_id", "stack_id", "frames"]].reset_index(drop=True)
    exploded = base["frames"].explode()
    exploded = exploded[exploded.notna()]
    depth = exploded.groupby(level=0).cumcount()
    frame_codes, frame_text = pd.factorize(exploded.astype(str))
    if apps:
        app_of = base["run_id"].astype(str).map(apps).reindex(exploded.index)
        app_codes, app_names = pd.factorize(app_of)  # -1: no app known for the run
    else:
        app_codes, app_names = np.full(len(exploded), -1, dtype=np.int64), pd.Index([])
    pair = frame_codes.astype(np.int64) * (len(app_names) + 1) + (app_codes.astype(np.int64) + 1)
    codes, pairs = pd.factorize(pair)
    decided = []
    for p in np.asarray(pairs, dtype=np.int64):  # one probe per unique (frame, app), not per event
        f, a = divmod(int(p), len(app_names) + 1)
        decided.append(frame_sdk(frame_text[f], db, app_names[a - 1] if a else None))
    ids = np.array([s.id if s is not None and not s.transparent else None for s in decided], dtype=object)
    frame_ids = ids[codes]
    pair_frame = np.asarray(frame_text, dtype=object)[np.asarray(pairs, dtype=np.int64) // (len(app_names) + 1)]
    hit = pd.notna(frame_ids)
    hits = pd.DataFrame(
        {"row": exploded.index[hit], "sdk": frame_ids[hit], "sdk_frame": pair_frame[codes[hit]],
         "sdk_depth": depth.to_numpy()[hit]}
    )
    first = hits.drop_duplicates("row", keep="first").set_index("row")
    out = base[["run_id", "stack_id"]].join(first)
    return out[cols]


def hosts_table(hosts: pd.Series | list[str], db: SdkDb | None = None) -> pd.DataFrame:
    """Unique host names -> (host, sdk, company, category, country) by domain suffix."""
    db = db or load_db()
    uniq = pd.Series(pd.unique(pd.Series(hosts, dtype=object).dropna().astype(str)), dtype=object)
    found = [db.by_host(h) for h in uniq]
    return pd.DataFrame(
        {
            "host": uniq,
            "sdk": [s.id if s else None for s in found],
            "sdk_company": [s.company if s else None for s in found],
            "sdk_category": [s.category if s else None for s in found],
            "sdk_country": [s.country if s else None for s in found],
        }
    )


def host_sdk(hosts: pd.Series, db: SdkDb | None = None) -> pd.Series:
    """Per-row SDK id of a host column, computed over its unique values only."""
    table = hosts_table(hosts, db)
    mapping = dict(zip(table["host"], table["sdk"], strict=True))
    return hosts.map(mapping).astype(object)


def lookup(query, db: SdkDb | None = None, kind: str | None = None, app: str | None = None) -> dict:
    """`consentry sdk lookup` for one query: a host name, URL, Java class/package or native library.

    Returns {query, kind (host|class|library), sdk, company, category, country, transparent, source,
    sdk_id, sources}; unknown fields are None. `kind` forces the interpretation; `app` is the app's own
    package (never an SDK). Garbage (empty, not text, too long) has no attribution, never an error."""
    db = db or load_db()
    text = query.strip() if isinstance(query, str) else ""
    if len(text) > MAX_QUERY_CHARS:
        text = ""
    kind = kind or guess_kind(text)
    found: Sdk | None = None
    if not text:
        pass
    elif kind == "host":
        found = db.by_host(host_of(text))
    elif kind == "library":
        found = db.by_library(frame_library(text) or text)
    else:
        lib = frame_library(text) if ".so" in text else None
        if lib:
            kind = "library"
            found = db.by_library(lib)
        else:
            found = db.by_class(text, app)
    return {
        "query": query if isinstance(query, str) else str(query),
        "kind": kind,
        "sdk": found.name if found else None,
        "company": found.company if found else None,
        "category": found.category if found else None,
        "country": found.country if found else None,
        "transparent": found.transparent if found else None,
        "source": found.source if found else None,
        "sdk_id": found.id if found else None,
        "sources": list(found.sources) if found else [],
    }


def host_of(text: str) -> str:
    """The host of a URL or `host:port` (IPv6 literals in brackets keep their colons)."""
    host = text.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


_TLDS = frozenset("com net org cn io co me app ai dev info biz us uk de fr jp kr ru in tv ly mobi st link cloud".split())


def guess_kind(text: str) -> str:
    """host, class or library: native libraries (`libx.so`, `x.so!sym`) are libraries; URLs and names
    ending in a TLD are hosts; reverse-DNS names and names with an upper-case segment are classes."""
    if not text:
        return "host"
    if ".so" in text and frame_library(text):
        return "library"
    if "://" in text or "/" in text.split("(")[0] and ".so" not in text:
        return "host"
    if ".so" in text or "(" in text or "$" in text:
        return "class"
    labels = text.split(".")
    if any(label[:1].isupper() for label in labels):
        return "class"
    if labels[0].lower() in _TLDS and labels[-1].lower() not in _TLDS:
        return "class"
    return "host"
