"""Generate the JVM program behind `consentry hooks exercise`: one call per Java catalogue entry and
overload, made the way an app makes it (managers from `Context.getSystemService`, the
`ContentResolver` from the context, `PackageManager` from `getPackageManager()`, statics on their
class), each preceded by `consentry.exercise.Probe.mark(i)` so the host can count the events
that one app-level call produced. Receivers and arguments are built before the mark; explicit
intents name another package and package arguments another app, so filtering extractors keep
the call. Writes Calls.java and calls.json (index -> entry, overload, or the reason it is skipped)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.catalogue import Catalogue, Hook
from harness.sim.java import framework_spec as S
from harness.sim.java.gen_framework import PRIMS, Framework, base_type, src
from harness.sim.java.stubs import RECEIVERS, SKIP_CLASSES, SKIP_ORIGINS

OTHER_PKG = "com.example.other"
PACKAGE_METHODS = {"getPackageInfo", "getApplicationInfo", "getInstallerPackageName", "getInstallSourceInfo",
                   "getLaunchIntentForPackage", "killBackgroundProcesses", "getPackageInfoAsUser"}
SERVICE_OF = {cls: name for name, cls in S.SERVICES.items()}


@dataclass
class Call:
    index: int
    id: str
    cls: str
    method: str
    overload: str
    status: str  # "run" | "skipped"
    reason: str = ""


def _string(h: Hook, i: int, sig: tuple[str, ...]) -> str:
    m = h.method or ""
    if h.class_ == "java.lang.Runtime":
        return '"true"'
    if h.class_ == "java.io.RandomAccessFile":
        return "tmp.getPath()" if i == 0 else '"r"'
    if h.class_ == "android.os.SystemProperties":
        return '"ro.serialno"' if i == 0 else '""'
    if m == "getString" and i == 1:
        return '"android_id"'
    if m in PACKAGE_METHODS and i == 0:
        return f'"{OTHER_PKG}"'
    if "Permission" in m:
        return '"android.permission.READ_PHONE_STATE"'
    if h.class_ == "android.location.LocationManager" and i == 0:
        return '"gps"'
    if h.class_ == "android.webkit.WebView" and i == 0 and m in ("loadUrl", "postUrl"):
        return '"https://example.com/"'
    if h.class_ == "android.accounts.AccountManager":
        return '"com.example.account"'
    return '"x"'


def _value(fw: Framework, h: Hook, i: int, t: str, sig: tuple[str, ...]) -> str:
    """A Java expression of type t for argument i."""
    if t in PRIMS:
        return {"boolean": "false", "char": "'a'", "byte": "(byte) 0", "short": "(short) 0", "int": "1" if
                "max" in (h.method or "").lower() else "0", "long": "0L", "float": "0f", "double": "0.0"}[t]
    if t == "java.lang.String":
        return _string(h, i, sig)
    if t == "java.lang.String[]":
        if h.class_ == "java.lang.Runtime":
            return 'new String[] {"true"}' if i == 0 else "(String[]) null"
        if "ermission" in (h.method or ""):
            return 'new String[] {"android.permission.READ_CONTACTS"}'
        return "new String[0]"
    if t == "byte[]":
        return "new byte[] {1, 2, 3}"
    if t.endswith("[]"):
        el = base_type(t)
        inner = _value(fw, h, i, el, sig)
        return f"new {src(el)}[] {{ {inner} }}" if not inner.startswith("(") else f"new {src(el)}[0]"
    simple = {
        "android.net.Uri": 'android.net.Uri.parse("content://com.android.contacts/contacts")',
        "android.content.Intent": f'new android.content.Intent("android.intent.action.VIEW").setComponent('
                                  f'new android.content.ComponentName("{OTHER_PKG}", "{OTHER_PKG}.Main"))',
        "android.content.Context": "ctx",
        "android.content.ContentResolver": "ctx.getContentResolver()",
        "android.app.Activity": "new android.app.Activity(ctx)",
        "java.util.concurrent.Executor": "(java.util.concurrent.Executor) Runnable::run",
        "java.util.function.Consumer": "(java.util.function.Consumer) (x -> { })",
        "java.util.List": "new java.util.ArrayList()",
        "java.util.ArrayList": "new java.util.ArrayList()",
        "java.util.Map": "new java.util.HashMap()",
        "java.io.File": "tmp" if h.class_ == "java.io.RandomAccessFile" else "new java.io.File(\"/tmp\")",
        "java.lang.Object": "new Object()",
    }
    if t in simple:
        return simple[t]
    c = fw.classes.get(S.IMPL.get(t, t))
    if c is not None and not c.interface and not c.abstract:
        return f"new {src(c.name)}()"
    return f"({src(t)}) null"


def _receiver(fw: Framework, h: Hook) -> str | None:
    """Expression for the object an app calls the method on; None when it cannot be made."""
    cls = h.class_ or ""
    if (h.impl or cls) in RECEIVERS:  # stubbed libraries and addresses as apps obtain them (stubs.py)
        return RECEIVERS[h.impl or cls]
    if cls in SERVICE_OF:
        return f'({src(cls)}) ctx.getSystemService("{SERVICE_OF[cls]}")'
    if cls == "android.text.ClipboardManager":
        return '(android.text.ClipboardManager) ctx.getSystemService("clipboard")'
    fixed = {
        # a Button-like control with a label: the view_text extractor reads it through TextView
        "android.view.View": 'consentry.exercise.Views.labelled(new android.widget.TextView(), "Agree")',
        "android.widget.CompoundButton": 'consentry.exercise.Views.labelled(new android.widget.CheckBox(), "I agree")',
        "android.content.ContentResolver": "ctx.getContentResolver()",
        "android.content.pm.PackageManager": "ctx.getPackageManager()",
        "android.app.ApplicationPackageManager": "(android.app.ApplicationPackageManager) ctx.getPackageManager()",
        "android.content.ContextWrapper": "app",
        "android.app.Activity": "new android.app.Activity(ctx)",
        "java.lang.Runtime": "Runtime.getRuntime()",
        "java.lang.ProcessBuilder": 'new ProcessBuilder("true")',
        "java.net.InetAddress": "java.net.InetAddress.getLoopbackAddress()",
        "java.net.NetworkInterface": 'java.net.NetworkInterface.getByName("lo")',
    }
    if cls in fixed:
        return fixed[cls]
    c = fw.classes.get(S.IMPL.get(cls, cls))
    if c is None:
        return None
    if c.interface:
        impl = next((x for x in fw.classes.values() if cls in x.implements and not x.interface and not x.abstract), None)
        return f"new {src(impl.name)}()" if impl else None
    if c.abstract:
        sub = next((x for x in fw.classes.values() if x.extends == c.name and not x.interface and not x.abstract), None)
        return f"new {src(sub.name)}()" if sub else None
    return f"new {src(c.name)}()"


def _static(fw: Framework, h: Hook, sig: tuple[str, ...]) -> bool:
    c = fw.classes.get(h.class_ or "")
    if c is not None:
        if any(m.name == h.method and m.params == sig and m.static for m in c.methods):
            return True
        for s in c.support:
            if re.search(rf"\bstatic\b[^(]*\b{re.escape(h.method or '')}\(", s.split("\n", 1)[0]):
                return True
        return False
    return (h.class_, h.method) in {("java.net.InetAddress", "getLocalHost"), ("java.net.NetworkInterface",
                                                                             "getNetworkInterfaces")}


def _overloads(fw: Framework, h: Hook) -> list[tuple[str, ...]]:
    if h.overloads is not None:
        return list(h.overloads)
    c = fw.classes.get(h.class_ or "")
    return c.overloads(h.method or "") if c is not None else []


def plan(fw: Framework, catalogue: Catalogue) -> tuple[list[Call], list[str]]:
    """The calls (and skips) in order, with the Java source of each call's method body."""
    calls: list[Call] = []
    bodies: list[str] = []
    for h in catalogue.hooks:
        if h.layer != "java":
            continue
        skip = SKIP_ORIGINS.get(h.origin) or SKIP_CLASSES.get(h.class_ or "")
        sigs = [] if skip else _overloads(fw, h)
        if skip or not sigs:
            calls.append(Call(len(calls), h.id, h.class_ or "", h.method or "", "", "skipped",
                              skip or "no overload of this method in the generated classes"))
            bodies.append("")
            continue
        for sig in sigs:
            label = f"({', '.join(sig)})"
            if any(not re.fullmatch(r"[\w.$]+(\[\])*", t) for t in sig):
                calls.append(Call(len(calls), h.id, h.class_ or "", h.method or "", label, "run"))
                bodies.append(f'throw new IllegalArgumentException("not a Java parameter list: {label}");')
                continue
            # the framework's own parameter list: an app calls the real method, and a catalogue
            # overload that differs (int for short) then fails to install
            jsig = fw.java_sig.get((h.id, sig), sig)
            args = [_value(fw, h, i, t, jsig) for i, t in enumerate(jsig)]
            pre = [f"final {src(t)} a{i} = {a};" for i, (t, a) in enumerate(zip(jsig, args, strict=True))]
            arglist = ", ".join(f"a{i}" for i in range(len(sig)))
            if h.method == "$init":
                call = f"new {src(h.class_ or '')}({arglist});"
            elif _static(fw, h, sig):
                call = f"{src(h.class_ or '')}.{h.method}({arglist});"
            else:
                recv = _receiver(fw, h)
                if recv is None:
                    calls.append(Call(len(calls), h.id, h.class_ or "", h.method or "", label, "skipped",
                                      "no way to obtain a receiver of this class"))
                    bodies.append("")
                    continue
                pre.insert(0, f"final {src(h.class_ or '')} r = {recv};")
                call = f"r.{h.method}({arglist});"
            idx = len(calls)
            calls.append(Call(idx, h.id, h.class_ or "", h.method or "", label, "run"))
            bodies.append("\n        ".join([*pre, f"Probe.mark({idx});", call]))
    return calls, bodies


def write(fw: Framework, catalogue: Catalogue, out: Path) -> list[Call]:
    calls, bodies = plan(fw, catalogue)
    methods = []
    for c, body in zip(calls, bodies, strict=True):
        if c.status != "run":
            continue
        methods.append(f"    // {c.id} {c.overload}\n    static void c{c.index}(android.content.Context ctx, "
                       f"android.content.ContextWrapper app, java.io.File tmp) throws Throwable {{\n        {body}\n    }}")
    dispatch = "\n".join(f"            case {c.index}: c{c.index}(ctx, app, tmp); break;" for c in calls
                         if c.status == "run")
    d = out / "consentry" / "exercise"
    d.mkdir(parents=True, exist_ok=True)
    (d / "Calls.java").write_text(
        "// generated by harness/sim/java/gen_exercise.py: do not edit\npackage consentry.exercise;\n\n"
        "@SuppressWarnings({\"unchecked\", \"rawtypes\", \"deprecation\"})\nfinal class Calls {\n"
        "    private Calls() { }\n"
        f"    static final int COUNT = {len(calls)};\n"
        "    static void call(int i, android.content.Context ctx, android.content.ContextWrapper app, java.io.File tmp)"
        " throws Throwable {\n        switch (i) {\n"
        f"{dispatch}\n            default: break;\n        }}\n    }}\n\n" + "\n\n".join(methods) + "\n}\n",
        encoding="utf-8")
    (out / "calls.json").write_text(json.dumps([asdict(c) for c in calls], indent=0), encoding="utf-8")
    return calls
