"""Indexes over the SDK entries: Java package prefix, native library name and host suffix -> Sdk.

Every lookup is a handful of dict probes whatever the database size: a class name walks a trie of
package segments from its first segment (the deepest entry passed wins), a host name walks a trie of
labels from its top-level domain, a library name is probed whole and then cut where a letter run ends
(`libjcore247` -> `libjcore`). A class no package prefix names (or only a library list does) is then
given to the vendor whose brand label is its namespace label (`jp.co.geniee.x` -> Geniee). Lookups never raise: anything that is
not a usable name (empty, not text, absurdly long) has no attribution."""

from __future__ import annotations

from analysis.sdk.entry import Sdk

MAX_QUERY_CHARS = 1024
PLATFORM = ("android.", "androidx.", "java.", "javax.", "dalvik.", "kotlin.", "kotlinx.", "com.android.")
# Segments of a reversed domain's suffix: top-level domains Java namespaces start with (generic ones, common
# new ones such as `shop.` and `xyz.`, and the country codes of builder.classify.CCTLD) and the second-level
# labels of country domains (`jp.co.`, `co.jp.`).
DOMAIN_PARTS = frozenset("com net org io co me tv ai app dev info biz mobi edu gov ac ne or go "
                         "xyz top shop site online club tech store space fun live pro one monster cc ws "
                         "cn ru de fr jp kr uk in il nl es it br tw hk vn tr pl se fi dk no ch at be cz ua ca au sg".split())
LIBRARY_LIST_ID = "library-list-"  # id prefix of the entry a library list (naming no SDK) gives
# A trie node: [entry or None, {segment: node}, brand]. `brand` (class trie, nodes with an entry): False
# when the brand-label rule does not apply there (a named entry, or a library-list prefix whose namespace
# label is no brand), (vendor, index of the namespace label) when it gives the vendor, None when it must be
# worked out per name (a library-list prefix within a domain suffix, such as `co.jp`).


def _insert(root: list, segments: list[str], entry: Sdk) -> list:
    node = root
    for seg in segments:
        nxt = node[1].get(seg)
        if nxt is None:
            nxt = node[1][seg] = [None, {}, None]
        node = nxt
    node[0] = entry
    return node


def _namespace_index(segs: list[str]) -> int:
    """Where a dotted name's namespace label is: its first segment after the reversed domain suffix."""
    i = 0
    while i < len(segs) - 1 and segs[i] in DOMAIN_PARTS:
        i += 1
    return i


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


class SdkDb:
    """The entries and their indexes. A later entry with the same id replaces the earlier one; where two
    entries claim the same prefix, suffix or library, the later one wins, and a precise entry always
    wins over a vendor-namespace fallback."""

    def __init__(self, entries: list[Sdk]):
        by_id: dict[str, Sdk] = {}
        for e in entries:
            by_id.pop(e.id, None)  # re-insert so the override keeps its own (later) position
            by_id[e.id] = e
        self.entries: dict[str, Sdk] = by_id
        self.packages: dict[str, Sdk] = {}
        self.hosts: dict[str, Sdk] = {}
        self.native: dict[str, Sdk] = {}
        self.brands: dict[str, Sdk] = {}
        ordered = [e for e in by_id.values() if e.fallback] + [e for e in by_id.values() if not e.fallback]
        for e in ordered:
            for p in e.packages:
                self.packages[p] = e
            for h in e.hosts:
                self.hosts[h] = e
            for n in e.native:
                self.native[n] = e
            for b in e.brands:
                self.brands[b] = e
        self._class_trie: list = [None, {}, None]
        for p, e in self.packages.items():
            node = _insert(self._class_trie, p.split("."), e)
            node[2] = self._list_brand(p) if e.id.startswith(LIBRARY_LIST_ID) else False
        self._host_trie: list = [None, {}, None]
        for h, e in self.hosts.items():
            _insert(self._host_trie, h.split(".")[::-1], e)

    def __len__(self) -> int:
        return len(self.entries)

    def by_class(self, name: str, app: str | None = None) -> Sdk | None:
        """Longest package/class prefix of a dotted Java name; a frame's method and `(File.java:1)`
        part, inner classes (`Foo$Bar`) and obfuscated tails (`com.umeng.a.b`) are fine. Code under
        the app's own package is never an SDK, and neither a vendor-namespace fallback nor a
        namespace-wide entry (two segments, such as one derived from a tracker's domain) that contains
        the app's package is used (`com.tencent.*` inside `com.tencent.news` is the app's own code).
        An SDK's own package (`com.facebook.ads` inside com.facebook.katana) still is."""
        if not isinstance(name, str) or not name or len(name) > MAX_QUERY_CHARS:
            return None
        s = name.partition("(")[0].partition("$")[0].strip()
        if app and _under(s, app):
            return None
        segs = s.split(".")
        node, best, best_node, depth, best_depth = self._class_trie, None, self._class_trie, 0, 0
        for seg in segs:
            node = node[1].get(seg)
            if node is None:
                break
            depth += 1
            if node[0] is not None:
                best, best_node, best_depth = node[0], node, depth
        if best is None:
            return self._brand(segs, app) if self.brands and not s.startswith(PLATFORM) else None
        if app and (best.fallback or best_depth <= 2):
            prefix = ".".join(segs[:best_depth])
            if _under(app, prefix):
                return None  # the app vendor's own namespace (`com.wetter.*` in com.wetter.androidclient)
        brand = best_node[2]
        if brand is False:
            return best
        if brand is None:  # a library-list prefix within a domain suffix: the name's own namespace label
            return self._brand(segs, app) or best
        vendor, i = brand  # a library-list prefix whose namespace label is a vendor's brand
        return best if app and _under(app, ".".join(segs[: i + 1])) else vendor

    def _list_brand(self, prefix: str) -> tuple[Sdk, int] | bool | None:
        """The brand-label rule worked out once for a library-list prefix (see the trie node comment)."""
        if prefix.startswith(PLATFORM):
            return False
        segs = prefix.split(".")
        i = _namespace_index(segs)
        if segs[i] in DOMAIN_PARTS:
            return None
        vendor = self.brands.get(segs[i])
        return (vendor, i) if vendor is not None else False

    def by_brand(self, name: str, app: str | None = None) -> Sdk | None:
        """The vendor whose brand label is the namespace label of a dotted name: its first segment that
        is not part of a reversed domain suffix (`com.`, `jp.co.`, `co.jp.`, `in.`), as Java's naming
        convention has it. Vendors publish under their brand whatever their domain's suffix (`in.inmobi`,
        `jp.co.geniee.gnadsdk`, `de.infonline`) or with no domain at all (`admost.adserver`). Only for
        names no package prefix attributes: a prefix always says more. Deeper segments do not count: the
        same word inside someone else's namespace is as often an ordinary word (`com.example.shop` is
        not the tracker whose domain is shop.pe). Never the platform's namespaces, never inside the app
        vendor's own namespace."""
        if not isinstance(name, str) or not name or len(name) > MAX_QUERY_CHARS:
            return None
        text = name.partition("(")[0].partition("$")[0].strip()
        if text.startswith(PLATFORM):
            return None  # `android.content.pm` is the platform's, whatever vendor is called `content`
        return self._brand(text.split("."), app)

    def _brand(self, segs: list[str], app: str | None) -> Sdk | None:
        i = _namespace_index(segs)
        hit = self.brands.get(segs[i])
        if hit is not None and app and _under(app, ".".join(segs[: i + 1])):
            return None
        return hit

    def by_library(self, lib: str) -> Sdk | None:
        """A native library (`libjcore247.so`, `/data/app/x/lib/arm64/libumeng_sim.so`): the exact
        name, else its longest prefix that ends where a letter run ends (`libjcore` claims
        `libjcore247` but `libapp` never claims `libappguard`); case-insensitive."""
        if not isinstance(lib, str) or not lib or len(lib) > MAX_QUERY_CHARS:
            return None
        base = lib.rsplit("/", 1)[-1].strip().lower()
        base = base.split(".so", 1)[0] if ".so" in base else base
        hit = self.native.get(base)
        if hit is not None:
            return hit
        for i in range(len(base) - 1, 0, -1):
            if not base[i].isalpha() and base[i - 1].isalnum():
                hit = self.native.get(base[:i])
                if hit is not None:
                    return hit
        return None

    def by_host(self, host: str) -> Sdk | None:
        """Longest domain suffix of a host name (`a.b.umeng.com` -> `umeng.com`)."""
        if not isinstance(host, str) or not host or len(host) > MAX_QUERY_CHARS:
            return None
        node, best = self._host_trie, None
        for label in reversed(host.strip().strip(".").lower().split(".")):
            node = node[1].get(label)
            if node is None:
                break
            if node[0] is not None:
                best = node[0]
        return best

    def by_frame(self, frame: str, app: str | None = None) -> Sdk | None:
        """A stack frame: Java (`pkg.Class.method(File.java:1)`) or native (`libx.so!sym+0x1`)."""
        from analysis.sdk.attribute import frame_library

        if not isinstance(frame, str):
            return None
        lib = frame_library(frame)
        return self.by_library(lib) if lib is not None else self.by_class(frame, app)
