"""An index of the public Android API (classes, methods, overloads, API levels) read from npm's
`@nativescript/types-android` declarations (API 21-37 merged, `/** @since N */`, `Removed in API N`).

Used by `consentry hooks validate` to check every Java catalogue entry against real signatures.
The declarations are TypeScript: Java primitives all appear as `number` (boolean as `boolean`),
String/CharSequence as `string`, Object as `any`, arrays as `androidNative.Array<T>`, nested
classes as `Outer.Inner`; `java_to_ts` maps catalogue types into that space before comparing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import InputError

MIN_API, MAX_API = 21, 37
DECL = "node_modules/@nativescript/types-android/lib/android/android-platform-21-37-merged.d.ts"

_OPEN = re.compile(r"^(?:declare |export )module ([\w$]+) \{")
_CLASS = re.compile(r"^export (?:abstract )?(?:class|interface) ([\w$]+)(?:<.*?>)?(?:\s+extends ([\w.$]+)(?:<.*?>)?)?"
                    r"(?:\s+implements (.*?))?\s*\{")
_METHOD = re.compile(r"^public (static )?(?:abstract )?([\w$]+)(?:<[^(]*?>)?\((.*)\)(?:: (.*))?;$")
_SINCE = re.compile(r"@since (\d+)")
_REMOVED = re.compile(r"Removed in API (\d+)")
_PRIM_NUM = {"int", "long", "short", "byte", "float", "double"}
JAVA_PRIMITIVES = {"boolean", "byte", "char", "short", "int", "long", "float", "double"}
# What the declarations write for a reference type they cannot express (java.util.function.*,
# some generic interfaces): any reference type matches it, never a primitive.
ANY_REF = "any /* any*/"


@dataclass(frozen=True)
class Overload:
    params: tuple[str, ...]  # normalised TS types
    since: int
    until: int  # last level where it exists
    names: tuple[str, ...] = ()
    ret: str = ""  # TS return type as declared (generics kept), "" for constructors
    static: bool = False


@dataclass
class ClassInfo:
    name: str
    since: int
    until: int
    extends: str | None
    implements: tuple[str, ...]
    methods: dict[str, list[Overload]] = field(default_factory=dict)
    abstract: bool = False
    interface: bool = False  # declared through the "instance of the ... interface" constructor


def _strip_generics(t: str) -> str:
    out, depth = [], 0
    for ch in t:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def normalise_ts(t: str) -> str:
    t = t.strip()
    t = re.sub(r"\s*\|\s*null$", "", t)
    dims = 0
    while t.startswith("androidNative.Array<") and t.endswith(">"):
        t = t[len("androidNative.Array<"):-1].strip()
        t = re.sub(r"\s*\|\s*null$", "", t)
        dims += 1
    return _strip_generics(t).strip() + "[]" * dims


def java_to_ts(t: str) -> str:
    t = t.strip()
    dims = 0
    while t.endswith("[]"):
        t, dims = t[:-2].strip(), dims + 1
    if t in _PRIM_NUM:
        base = "number"
    elif t == "boolean":
        base = "boolean"
    elif t in ("java.lang.String", "java.lang.CharSequence", "char"):  # char is `string` there
        base = "string"
    elif t == "java.lang.Object":
        base = "any"
    else:
        base = _strip_generics(t).replace("$", ".")
    return base + "[]" * dims


def _param_names(s: str) -> tuple[str, ...]:
    return tuple(p.partition(":")[0].strip() for p in _split_top_any(s))


def _split_top_any(s: str, opening: str = "<({[", closing: str = ">)}]") -> list[str]:
    """Split on commas outside any of the given brackets."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in s:
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _split_params(s: str) -> list[str]:
    types = []
    for p in _split_top_any(s):
        name, _, typ = p.partition(":")
        types.append(normalise_ts(typ if _ else name))
    return types


def _levels(comment: str, default_since: int) -> tuple[int, int]:
    m = _SINCE.search(comment)
    r = _REMOVED.search(comment)
    return (int(m.group(1)) if m else default_since), (int(r.group(1)) - 1 if r else MAX_API)


class AndroidApi:
    def __init__(self, classes: dict[str, ClassInfo]):
        self.classes = classes

    @classmethod
    def load(cls, path: Path) -> AndroidApi:
        if not path.is_file():
            raise InputError("Android API declarations not found: run `make agent` (npm ci in hooks/ installs "
                             "@nativescript/types-android)", source=str(path))
        classes: dict[str, ClassInfo] = {}
        # stack of (kind, name, depth-at-open); kind: "pkg" | "class"
        stack: list[tuple[str, str, int]] = []
        depth = 0
        comment = ""
        in_comment = False
        with open(path, encoding="utf-8") as fh:
            for raw in fh:
                line = raw.strip()
                if in_comment or line.startswith("/**"):
                    comment += line
                    in_comment = "*/" not in line
                    continue
                opens, closes = line.count("{"), line.count("}")
                m = _OPEN.match(line) if opens else None
                if m:
                    stack.append(("pkg", m.group(1), depth))
                    depth += opens - closes
                    comment = ""
                    continue
                m = _CLASS.match(line) if opens else None
                if m:
                    name = _java_name(stack, m.group(1))
                    outer = _outer_class(stack, classes)
                    since, until = _levels(comment, outer.since if outer else MIN_API)
                    impl = tuple(_strip_generics(x).strip() for x in _split_top(m.group(3) or ""))
                    classes[name] = ClassInfo(name, since, until, m.group(2), impl,
                                              abstract=line.startswith("export abstract "))
                    stack.append(("class", m.group(1), depth))
                    depth += opens - closes
                    comment = ""
                    continue
                if line.startswith("public ") and stack and stack[-1][0] == "class" and depth == stack[-1][2] + 1:
                    if line.startswith("public constructor(implementation:"):
                        classes[_java_name(stack[:-1], stack[-1][1])].interface = True
                    mm = _METHOD.match(line)
                    if mm:
                        info = classes[_java_name(stack[:-1], stack[-1][1])]
                        mname = "$init" if mm.group(2) == "constructor" else mm.group(2)
                        since, until = _levels(comment, info.since)
                        info.methods.setdefault(mname, []).append(
                            Overload(tuple(_split_params(mm.group(3))), since, until, _param_names(mm.group(3)),
                                     (mm.group(4) or "").strip(), bool(mm.group(1))))
                comment = ""
                depth += opens - closes
                while stack and depth <= stack[-1][2]:
                    stack.pop()
        return cls(classes)

    def lookup(self, java_class: str) -> ClassInfo | None:
        return self.classes.get(java_class)

    def hierarchy(self, java_class: str) -> list[ClassInfo]:
        """The class, its superclasses, then its interfaces (breadth first), as declared."""
        out: list[ClassInfo] = []
        todo = [java_class]
        seen: set[str] = set()
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            seen.add(name)
            info = self.classes.get(name) or self.classes.get(_dotted_to_java(name, self.classes))
            if info is None:
                continue
            out.append(info)
            if info.extends:
                todo.append(info.extends)
            todo.extend(info.implements)
        return out


def _split_top(s: str) -> list[str]:
    """Split on commas outside angle brackets (type arguments)."""
    return _split_top_any(s, "<", ">")


def _java_name(stack: list[tuple[str, str, int]], name: str) -> str:
    """Join module/class names: "." between packages, "$" after a class (nested class)."""
    out, prev_class = "", False
    for kind, part, _ in [*stack, ("class", name, 0)]:
        if out:
            out += "$" if prev_class else "."
        out += part
        prev_class = kind == "class" or part[:1].isupper()
    return out


def _outer_class(stack: list[tuple[str, str, int]], classes: dict[str, ClassInfo]) -> ClassInfo | None:
    if stack and (stack[-1][0] == "class" or stack[-1][1][:1].isupper()):
        return classes.get(_java_name(stack[:-1], stack[-1][1]))
    return None


def _dotted_to_java(name: str, classes: dict[str, ClassInfo]) -> str:
    """a.b.Outer.Inner (TS spelling of a supertype) -> a.b.Outer$Inner."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        cand = ".".join(parts[:i]) + "$" + "$".join(parts[i:])
        if cand in classes:
            return cand
    return name


def param_matches(java_t: str, ts_t: str) -> bool:
    """One catalogue parameter type against one declared parameter type."""
    if ts_t == ANY_REF:
        return java_t.strip() not in JAVA_PRIMITIVES
    return java_to_ts(java_t) == ts_t


def signature_matches(sig: tuple[str, ...], ov: Overload) -> bool:
    return len(sig) == len(ov.params) and all(param_matches(j, t) for j, t in zip(sig, ov.params, strict=True))


def type_problem(api: AndroidApi, t: str) -> str | None:
    """Why a catalogue type name is not an exact Java type name, or None. Primitives by their
    Java names; classes by their binary names (nested with $) as the declarations list them;
    JDK classes the declarations lack (java.util.function.*) are accepted only by the
    ANY_REF positions, checked in check_hook."""
    base = t.strip()
    while base.endswith("[]"):
        base = base[:-2].strip()
    if base in JAVA_PRIMITIVES:
        return None
    if not re.fullmatch(r"[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)+", base):
        return f"{t!r} is not a Java primitive or a fully qualified class name"
    if base in api.classes or base.startswith(("java.", "javax.")):
        return None
    dotted = _dotted_to_java(base, api.classes)
    if dotted != base and dotted in api.classes:
        return f"{t!r}: a nested class is written with $ ({dotted})"
    return f"unknown type {t!r} (not in Android API {MIN_API}-{MAX_API})"


def _jdk_only(api: AndroidApi, t: str) -> bool:
    base = t.replace("[]", "").strip()
    return base.startswith(("java.", "javax.")) and base not in api.classes


@dataclass(frozen=True)
class Check:
    """Outcome of checking one catalogue entry: ok, failed or skipped, with the levels found."""

    hook_id: str
    status: str  # ok | fail | skip
    levels: str  # e.g. "21-37", "26-37; 23-37" per overload
    reason: str = ""


def _range(since: int, until: int) -> str:
    return f"{since}-{until}" if since != until else str(since)


def check_hook(api: AndroidApi, hook_id: str, cls: str, method: str,
               overloads: tuple[tuple[str, ...], ...] | None) -> Check:
    """Class, method, overload arity and reference types against the declarations."""
    info = api.lookup(cls)
    if info is None:
        return Check(hook_id, "fail", "", f"class {cls} not in Android API {MIN_API}-{MAX_API}")
    chain = api.hierarchy(cls)
    found = [o for c in chain for o in c.methods.get(method, [])]
    if not found:
        return Check(hook_id, "fail", "", f"{cls} has no method {method} (searched {len(chain)} classes/interfaces)")
    if overloads is None:
        lo = min(o.since for o in found)
        hi = max(o.until for o in found)
        return Check(hook_id, "ok", _range(max(lo, info.since), min(hi, info.until)), "every overload")
    levels, bad = [], []
    for sig in overloads:
        problems = [p for p in (type_problem(api, t) for t in sig) if p]
        if problems:
            bad.append(f"({', '.join(sig)}): {'; '.join(problems)}")
            continue
        want = tuple(java_to_ts(t) for t in sig)
        match = [o for o in found if signature_matches(sig, o)
                 and all(ts == ANY_REF or not _jdk_only(api, j) for j, ts in zip(sig, o.params, strict=True))]
        if not match:
            arity = [o for o in found if len(o.params) == len(want)]
            hint = f"; same arity: {', '.join('(' + ', '.join(o.params) + ')' for o in arity[:3])}" if arity else ""
            bad.append(f"({', '.join(sig)}) matches no overload{hint}")
            continue
        o = match[0]
        levels.append(_range(max(o.since, info.since), min(o.until, info.until)))
    if bad:
        return Check(hook_id, "fail", "; ".join(levels), "; ".join(bad))
    return Check(hook_id, "ok", "; ".join(levels))
