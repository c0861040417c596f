"""Generate the Java sources of an Android framework (API 34) for the sim's JVM apps.

Every class the hook catalogue names, every type their signatures name, and their supertypes
(transitively) are generated with the packages, names, kinds (class / interface / abstract),
static-ness and hierarchy of the Android API declarations `consentry hooks validate` reads
(`@nativescript/types-android`, through harness.android_api, so the two never drift). The hooked
overloads take their exact Java parameter types from the catalogue; what the declarations cannot
say (primitive return types, abstract methods, hidden classes, AOSP's delegation between
overloads, identity-backed bodies) comes from framework_spec.py.

This is a build tool (run by `make setup` through harness.sim.java.build): the sim's device code
never imports it, so the wall around harness/sim holds at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.android_api import (
    AndroidApi,
    ClassInfo,
    Overload,
    _dotted_to_java,
    java_to_ts,
    signature_matches,
)
from harness.catalogue import Catalogue, Hook
from harness.sim.java import framework_spec as S
from harness.sim.java.stubs import STUBS

PRIMS = {"boolean", "byte", "char", "short", "int", "long", "float", "double", "void"}
NUMERIC = {"byte", "char", "short", "int", "long", "float", "double"}
JDK_PREFIXES = ("java.", "javax.", "org.w3c.", "org.xml.", "org.json.")
# JDK supertypes kept as they are (marker interfaces, throwables); others are dropped because the
# generated classes implement only the hooked part of each type.
JDK_KEEP = {"java.io.Serializable", "java.lang.Cloneable", "java.lang.Exception", "java.lang.RuntimeException",
            "java.lang.Throwable"}
FRAMEWORK_ORIGINS = ("sdk", "internal")


class GenerateError(Exception):
    """A catalogue entry or declaration the generator cannot turn into Java (names the entry)."""


@dataclass
class JMethod:
    name: str  # "<init>" for constructors
    params: tuple[str, ...]
    ret: str | None
    static: bool = False
    abstract: bool = False
    body: str | None = None
    # the catalogue entry's permission: the body checks it first (consentry.sim.Permissions), so a
    # call without it reaches the hooked method and then throws SecurityException, as on Android
    permission: str | None = None


@dataclass
class JClass:
    name: str  # binary name, nested with $
    interface: bool = False
    abstract: bool = False
    extends: str | None = None
    implements: list[str] = field(default_factory=list)
    methods: list[JMethod] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    stub: bool = False  # a library outside the framework (stubs.py)

    def overloads(self, name: str) -> list[tuple[str, ...]]:
        """Parameter lists of the methods called `name` this class declares (generated or written)."""
        out = [m.params for m in self.methods if m.name == name]
        out += [p for s in self.support for n, p in _support_sigs(s) if n == name and p not in out]
        return out

    @property
    def simple(self) -> str:
        return self.name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]

    @property
    def outer(self) -> str | None:
        return self.name.rsplit("$", 1)[0] if "$" in self.name else None


def is_jdk(name: str) -> bool:
    return name.startswith(JDK_PREFIXES)


def src(t: str) -> str:
    """Binary name -> Java source spelling."""
    return t.replace("$", ".")


def base_type(t: str) -> str:
    return t.replace("[]", "").strip()


def ts_to_java(ts: str, api: AndroidApi, where: str) -> str:
    """A declared TS return type -> Java (erased); `number`/`string` ambiguities are errors here
    (framework_spec.RETURNS resolves them before this is called)."""
    t = re.sub(r"\s*\|\s*null$", "", ts.strip())
    dims = 0
    while t.startswith("androidNative.Array<") and t.endswith(">"):
        t, dims = re.sub(r"\s*\|\s*null$", "", t[len("androidNative.Array<"):-1].strip()), dims + 1
    t = re.sub(r"<.*>$", "", t).strip()
    if t == "number":
        raise GenerateError(f"{where}: return type is a Java primitive the declarations write as `number`; "
                            "add it to framework_spec.RETURNS")
    java = {"string": "java.lang.String", "boolean": "boolean", "void": "void", "any": "java.lang.Object"}.get(t)
    if java is None:
        java = _dotted_to_java(t, api.classes)
    return java + "[]" * dims


def _is_abstract(info: ClassInfo, method: str, ov: Overload) -> bool:
    if not info.abstract and not info.interface:
        return False
    if info.interface:
        return not ov.static
    if (info.name, method) in S.ABSTRACT:
        return True
    return bool(ov.names) and all(re.fullmatch(r"param\d+", n) for n in ov.names)


def _declaring(api: AndroidApi, cls: str, method: str, sig: tuple[str, ...]) -> tuple[ClassInfo, Overload] | None:
    for info in api.hierarchy(cls):
        for ov in info.methods.get(method, []):
            if signature_matches(sig, ov):
                return info, ov
    return None


class Framework:
    """The generated class model; `write(dir)` emits one .java file per top-level class."""

    def __init__(self, api: AndroidApi, catalogue: Catalogue):
        self.api = api
        self.catalogue = catalogue
        self.classes: dict[str, JClass] = {}
        self.notes: list[str] = []  # entries left out, with the reason (the exercise reports them)
        # (hook id, catalogue overload) -> the parameter list generated for it (framework_spec.PARAMS
        # when it has numeric primitives: a catalogue mistake then has no such overload here)
        self.java_sig: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    # -- model -----------------------------------------------------------------------------------
    def _class(self, name: str) -> JClass:
        c = self.classes.get(name)
        if c is not None:
            return c
        info = self.api.lookup(name)
        if name in STUBS:
            kind, sup, ifaces, members = STUBS[name]
            c = JClass(name, interface=kind == "interface", extends=sup, implements=list(ifaces), stub=True)
            c.support = list(members)
            self.classes[name] = c
            return c
        if name in S.HIDDEN:
            sup, ifaces = S.HIDDEN[name]
            c = JClass(name, extends=None if sup == "java.lang.Object" else sup, implements=list(ifaces))
        elif info is not None:
            sup = _dotted_to_java(info.extends, self.api.classes) if info.extends else None
            if sup is not None and (sup == "java.lang.Object" or (is_jdk(sup) and sup not in JDK_KEEP)):
                sup = None
            impl = [_dotted_to_java(i, self.api.classes) for i in info.implements]
            impl = [i for i in impl if not is_jdk(i) or i in JDK_KEEP]
            if info.interface:
                c = JClass(name, interface=True, implements=impl)
            else:
                c = JClass(name, abstract=info.abstract, extends=sup, implements=impl)
        else:
            raise GenerateError(f"class {name} is neither in the Android API declarations nor a hidden class")
        c.support = list(S.SUPPORT.get(name, ()))
        self.classes[name] = c
        return c

    def _add_type(self, t: str) -> None:
        b = base_type(t)
        if b in PRIMS or is_jdk(b) or b in self.classes:
            return
        self._class(b)

    def _hooked(self) -> list[Hook]:
        return [h for h in self.catalogue.hooks
                if h.layer == "java" and h.origin in FRAMEWORK_ORIGINS and not is_jdk(h.class_ or "")]

    def build(self) -> Framework:
        for h in self._hooked():
            self._add_type(h.class_ or "")
            for sig in h.overloads or ():
                self._add_method(h, sig)
        for name in (*S.EXTRA_CLASSES, *S.HIDDEN, *S.IMPL, *S.IMPL.values(), *S.SERVICES.values(), *STUBS):
            self._add_type(name)
        self._close()
        self._fill_abstract()
        return self

    def _add_method(self, h: Hook, sig: tuple[str, ...]) -> None:
        cls, method = h.class_ or "", h.method or ""
        if any(not re.fullmatch(r"[\w.$]+(\[\])*", t) for t in sig):
            self.notes.append(f"{h.id}({', '.join(sig)}): not a Java type list")
            return
        found = _declaring(self.api, cls, method, sig)
        if found is None and cls not in S.HIDDEN:
            self.notes.append(f"{h.id}({', '.join(sig)}): no such overload in the declarations")
            return
        info, ov = found if found is not None else (None, None)
        decl = info.name if info is not None and not is_jdk(info.name) else cls
        if any(t in NUMERIC for t in sig):
            exact = S.PARAMS.get((decl, method))
            if exact is None:
                raise GenerateError(f"{h.id}: {decl}.{method} has numeric parameters; add its exact Java "
                                    "parameter lists to framework_spec.PARAMS")
            want = tuple(java_to_ts(t) for t in sig)
            match = [e for e in exact if tuple(java_to_ts(t) for t in e) == want]
            if not match:
                raise GenerateError(f"{h.id}({', '.join(sig)}): no parameter list of framework_spec.PARAMS "
                                    f"has this shape")
            sig_for_catalogue, sig = sig, match[0]
            self.java_sig[(h.id, sig_for_catalogue)] = sig
        else:
            self.java_sig[(h.id, sig)] = sig
        target = self._class(decl)
        if method == "$init":
            if not any(m.name == "<init>" and m.params == sig for m in target.methods):
                target.methods.append(JMethod("<init>", sig, None))
            for t in sig:
                self._add_type(t)
            return
        if any(m.name == method and m.params == sig for m in target.methods):
            return
        ret = S.RETURNS.get((decl, method))
        if ret is None:
            assert ov is not None
            ret = ts_to_java(ov.ret, self.api, f"{decl}.{method}({', '.join(sig)})")
        abstract = info is not None and ov is not None and _is_abstract(info, method, ov)
        body = S.BODIES.get((decl, method, sig), S.BODIES.get((decl, method, None)))
        target.methods.append(JMethod(method, sig, ret, static=bool(ov and ov.static), abstract=abstract, body=body,
                                      permission=h.permission))
        for t in (*sig, ret):
            self._add_type(t)

    def _close(self) -> None:
        """Outer classes of nested ones and supertypes, until nothing new appears."""
        while True:
            n = len(self.classes)
            for c in list(self.classes.values()):
                for t in (c.outer, c.extends, *c.implements):
                    if t:
                        self._add_type(t)
            if len(self.classes) == n:
                return

    def _ancestors(self, c: JClass) -> list[JClass]:
        out, todo, seen = [], [c.extends, *c.implements], set()
        while todo:
            n = todo.pop(0)
            if not n or n in seen or n not in self.classes:
                continue
            seen.add(n)
            a = self.classes[n]
            out.append(a)
            todo += [a.extends, *a.implements]
        return out

    def _concrete(self, c: JClass) -> set[tuple[str, tuple[str, ...]]]:
        keys = {(m.name, m.params) for m in c.methods if not m.abstract}
        keys |= {k for s in c.support for k in _support_sigs(s) if "abstract " not in s}
        return keys

    def _fill_abstract(self) -> None:
        for c in self.classes.values():
            if c.interface or c.abstract:
                continue
            own = self._concrete(c)
            have = set(own)
            chain = [c]
            while chain[-1].extends in self.classes:
                chain.append(self.classes[chain[-1].extends])
            for a in chain[1:]:
                have |= self._concrete(a)
            overriding = c.name in S.OVERRIDES_ALL
            for a in self._ancestors(c):
                for m in a.methods:
                    if m.name == "<init>" or m.static:
                        continue
                    # hidden implementations override every hooked method of their API class, as
                    # ApplicationPackageManager does PackageManager's (AOSP)
                    key = (m.name, m.params)
                    if (m.abstract and key not in have) or (overriding and a.name == c.extends and key not in own):
                        body = S.BODIES.get((a.name, m.name, m.params), S.BODIES.get((a.name, m.name, None)))
                        c.methods.append(JMethod(m.name, m.params, m.ret, body=body, permission=m.permission))
                        have.add(key)
                        own.add(key)

    # -- source ----------------------------------------------------------------------------------
    def default_body(self, ret: str) -> str:
        if ret == "void":
            return ""
        if ret == "boolean":
            return "return false;"
        if ret in ("byte", "short", "char"):
            return f"return ({ret}) 0;"
        if ret in PRIMS:
            return "return 0;"
        if ret.endswith("[]"):
            return f"return new {src(base_type(ret))}[0]{'[]' * (ret.count('[]') - 1)};"
        if ret in ("java.lang.String", "java.lang.CharSequence"):
            return "return \"\";"
        if ret in ("java.util.List", "java.util.Collection", "java.util.ArrayList"):
            return "return new java.util.ArrayList();"
        if ret == "java.util.Set":
            return "return new java.util.HashSet();"
        if ret == "java.util.Map":
            return "return new java.util.HashMap();"
        impl = S.IMPL.get(ret, ret)
        c = self.classes.get(impl)
        if c is not None and not c.interface and not c.abstract:
            return f"return new {src(impl)}();"
        return "return null;"

    def _method_src(self, c: JClass, m: JMethod) -> str:
        params = ", ".join(f"{src(t)} p{i}" for i, t in enumerate(m.params))
        if m.name == "<init>":
            return f"public {c.simple}({params}) {{ }}"
        mods = "public " + ("static " if m.static else "") + ("abstract " if m.abstract and not c.interface else "")
        head = f"{mods}{src(m.ret or 'void')} {m.name}({params})"
        if m.abstract:
            return head + ";"
        body = m.body if m.body is not None else self.default_body(m.ret or "void")
        if m.permission:
            body = f"consentry.sim.Permissions.check(\"{m.permission}\"); {body}"
        if c.interface and not m.static:
            head = "default " + head[len("public "):]  # only hooked interface methods with a body
        return f"{head} {{ {body} }}"

    def class_src(self, c: JClass, nested: dict[str, list[JClass]], indent: str = "") -> str:
        kind = "interface" if c.interface else ("abstract class" if c.abstract else "class")
        static = "static " if c.outer else ""
        head = f"{indent}public {static}{kind} {c.simple}"
        if c.interface and c.implements:
            head += " extends " + ", ".join(src(i) for i in c.implements)
        if not c.interface:
            if c.extends:
                head += f" extends {src(c.extends)}"
            if c.implements:
                head += " implements " + ", ".join(src(i) for i in c.implements)
        lines = [head + " {"]
        inner = indent + "    "
        has_noarg = any(m.name == "<init>" and not m.params for m in c.methods) or any(
            re.match(rf"(public |protected )?{c.simple}\(\)", s) for s in c.support)
        if not c.interface and not has_noarg:
            lines.append(f"{inner}public {c.simple}() {{ }}")
        lines += [inner + s.replace("\n", "\n" + inner) for s in c.support]
        lines += [inner + self._method_src(c, m) for m in c.methods]
        for n in nested.get(c.name, []):
            lines.append(self.class_src(n, nested, inner))
        lines.append(indent + "}")
        return "\n".join(lines)

    def write(self, out: Path) -> list[Path]:
        nested: dict[str, list[JClass]] = {}
        for c in self.classes.values():
            if c.outer:
                nested.setdefault(c.outer, []).append(c)
        files = []
        for c in sorted(self.classes.values(), key=lambda x: x.name):
            if c.outer:
                continue
            pkg, _, _ = c.name.rpartition(".")
            path = out / pkg.replace(".", "/") / f"{c.simple}.java"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"// generated by harness/sim/java/gen_framework.py: do not edit\npackage {pkg};\n\n"
                            f"@SuppressWarnings({{\"unchecked\", \"rawtypes\"}})\n{self.class_src(c, nested)}\n",
                            encoding="utf-8")
            files.append(path)
        files.append(self._services_src(out))
        return files

    def _services_src(self, out: Path) -> Path:
        cases = "\n".join(f"            case \"{k}\": return new {src(S.IMPL.get(v, v))}();" for k, v in sorted(S.SERVICES.items())
                          if v in self.classes)
        path = out / "consentry" / "sim" / "Services.java"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("// generated by harness/sim/java/gen_framework.py: do not edit\npackage consentry.sim;\n\n"
                        "/** Context.getSystemService(name): the manager classes (AOSP SystemServiceRegistry). */\n"
                        "public final class Services {\n    private Services() { }\n"
                        "    public static Object create(String name) {\n        switch (name) {\n"
                        f"{cases}\n            default: return null;\n        }}\n    }}\n}}\n", encoding="utf-8")
        return path


_SIG = re.compile(r"(?:^|\s)([\w$]+)\(([^)]*)\)\s*[{;]")


def _support_sigs(member: str) -> list[tuple[str, tuple[str, ...]]]:
    """(name, parameter types) of a hand-written member, to know which abstract methods it covers."""
    m = _SIG.search(member.split("\n", 1)[0])
    if m is None:
        return []
    params = tuple(p.strip().rsplit(" ", 1)[0].strip() for p in m.group(2).split(",") if p.strip())
    return [(m.group(1), params)]


def generate(api: AndroidApi, catalogue: Catalogue, out: Path) -> Framework:
    fw = Framework(api, catalogue).build()
    fw.write(out)
    return fw
