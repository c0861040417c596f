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

from analysis.sdk.db import Sdk, SdkDb, load_db

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
    if ".so" not in frame and not frame.startswith("linker"):
        return None
    m = _LIB_RE.search(frame.strip())
    if not m:
        return None
    return m.group(1) or m.group(2)


def is_framework(frame: str) -> bool:
    lib = frame_library(frame)
    if lib is not None:
        return lib in FRAMEWORK_LIBS
    name = frame.split("(", 1)[0].strip()
    return name.startswith(FRAMEWORK_PREFIXES)


def frame_sdk(frame: str, db: SdkDb) -> Sdk | None:
    """The SDK a single frame belongs to (None for platform code and unknown code)."""
    if is_framework(frame):
        return None
    lib = frame_library(frame)
    return db.by_library(lib) if lib is not None else db.by_class(frame)


def attribute_stacks(stacks: pd.DataFrame, db: SdkDb | None = None) -> pd.DataFrame:
    """stacks (run_id, stack_id, frames) -> (run_id, stack_id, sdk, sdk_frame, sdk_depth).

    `sdk` is the SDK id (None: the app's own code or unknown), `sdk_frame` the frame that decided it."""
    db = db or load_db()
    cols = ["run_id", "stack_id", "sdk", "sdk_frame", "sdk_depth"]
    if stacks.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    base = stacks[["run_id", "stack_id", "frames"]].reset_index(drop=True)
    exploded = base["frames"].explode()
    exploded = exploded[exploded.notna()]
    depth = exploded.groupby(level=0).cumcount()
    codes, uniques = pd.factorize(exploded.astype(str))
    decided = [frame_sdk(f, db) for f in uniques]  # one probe per unique frame
    ids = np.array([s.id if s is not None and not s.transparent else None for s in decided], dtype=object)
    frame_ids = ids[codes]
    hit = pd.notna(frame_ids)
    hits = pd.DataFrame(
        {"row": exploded.index[hit], "sdk": frame_ids[hit], "sdk_frame": np.asarray(uniques, dtype=object)[codes[hit]],
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


def lookup(query: str, db: SdkDb | None = None, kind: str | None = None) -> dict:
    """`consentry sdk lookup` for one query: a host name, URL, Java class/package or native library.

    Returns {query, kind (host|class), sdk, sdk_id, company, category, country, source}; unknown
    fields are None. `kind` forces the interpretation."""
    db = db or load_db()
    text = query.strip()
    kind = kind or guess_kind(text)
    if kind == "host":
        host = text
        if "://" in host:
            host = host.split("://", 1)[1]
        host = host.split("/", 1)[0].split("@")[-1]
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        found = db.by_host(host)
    else:
        lib = frame_library(text) if ".so" in text else None
        found = db.by_library(lib) if lib else db.by_class(text)
    return {
        "query": query,
        "kind": kind,
        "sdk": found.name if found else None,
        "sdk_id": found.id if found else None,
        "company": found.company if found else None,
        "category": found.category if found else None,
        "country": found.country if found else None,
        "source": found.source if found else None,
    }


_TLDS = frozenset("com net org cn io co me app ai dev info biz us uk de fr jp kr ru in tv ly mobi st link cloud".split())


def guess_kind(text: str) -> str:
    """host or class: URLs and names ending in a TLD are hosts; reverse-DNS names, names with an
    upper-case segment and native libraries are classes (code)."""
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
