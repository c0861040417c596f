"""Generate the Java side of the sim's apps: one template, instantiated per Java class.

Every `read: KEY` step of a sim app runs Java code in the SDK's real package (or the app's own,
for a behaviour without `sdk`) that calls the generated framework the way an app does: the
manager from `Context.getSystemService`, the `ContentResolver` from the context, statics on their
class, with the argument JAVA_API names (harness/sim/app_process/actions.py, the one table of key
-> Java API). This module writes that code once, as a template with two placeholders (package and
class name), from JAVA_API and the generated framework's class model; harness.sim.java.apps
instantiates it for each SDK (SDK_CLASSES), each bundled sample app (at `make javafw`) and any
other app package (at its first launch) and compiles it with javac.

Build tool only (it reads the framework model): the device code uses harness.sim.java.apps."""

from __future__ import annotations

import re

from harness.sim.app_process.actions import JAVA_API
from harness.sim.java import framework_spec as S
from harness.sim.java.gen_framework import PRIMS, Framework, JClass, base_type, src

PACKAGE, CLASS = "__PACKAGE__", "__CLASS__"
SERVICE_OF = {cls: name for name, cls in S.SERVICES.items()}
# How an app obtains an object of a class that is neither a system service nor made with `new`
# (the expression may use `ctx`, the app's Context). Extend here for new JAVA_API classes.
RECEIVERS: dict[str, str] = {
    "android.content.ContentResolver": "ctx.getContentResolver()",
    "android.content.pm.PackageManager": "ctx.getPackageManager()",
    "android.net.wifi.WifiInfo": '((android.net.wifi.WifiManager) ctx.getSystemService("wifi")).getConnectionInfo()',
    "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info":
        "com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo(ctx)",
}
# Parameter types an app fills with something meaningful; an overload needing others (Bundle,
# CancellationSignal, callbacks) is a lower-level form apps rarely call directly.
_FILLABLE = {"java.lang.String", "android.net.Uri", "android.content.Context", "android.content.ContentResolver",
             "java.lang.String[]", *PRIMS}


class AppGenError(Exception):
    """JAVA_API names something the generated framework cannot call (names the key)."""


def _static(c: JClass, method: str, params: tuple[str, ...]) -> bool:
    if any(m.name == method and m.params == params and m.static for m in c.methods):
        return True
    return any(re.search(rf"\bstatic\b[^(]*\b{re.escape(method)}\(", s.split("\n", 1)[0]) for s in c.support)


def _receiver(fw: Framework, cls: str) -> str | None:
    if cls in SERVICE_OF:
        return f'(({src(cls)}) ctx.getSystemService("{SERVICE_OF[cls]}"))'
    if cls in RECEIVERS:
        return f"({RECEIVERS[cls]})"
    c = fw.classes.get(S.IMPL.get(cls, cls))
    if c is None:
        return None
    if c.interface or c.abstract:
        impl = next((x for x in fw.classes.values() if not x.interface and not x.abstract
                     and (cls in x.implements or x.extends == cls)), None)
        return f"(({src(cls)}) new {src(impl.name)}())" if impl else None
    return f"new {src(c.name)}()"


def _arg(t: str, arg: str, gets_arg: bool) -> str:
    lit = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if t == "java.lang.String":
        return lit if gets_arg and arg else "null"
    if t == "android.net.Uri":
        return f"android.net.Uri.parse({lit})" if gets_arg else "(android.net.Uri) null"
    if t == "android.content.Context":
        return "ctx"
    if t == "android.content.ContentResolver":
        return "ctx.getContentResolver()"
    if t in PRIMS:
        return {"boolean": "false", "char": "'a'", "float": "0f", "double": "0.0", "long": "0L"}.get(t, "0")
    return f"({src(t)}) null"


def _pick(c: JClass, method: str, arg: str) -> tuple[str, ...] | None:
    """The overload an app calls: all parameters fillable, taking the argument when there is one,
    the fewest parameters."""
    sigs = [p for p in c.overloads(method) if all(base_type(t) in _FILLABLE or t in _FILLABLE for t in p)]
    if arg:
        with_arg = [p for p in sigs if any(t in ("java.lang.String", "android.net.Uri") for t in p)]
        sigs = with_arg or sigs
    return min(sigs, key=len) if sigs else None


def call_expr(fw: Framework, key: str) -> str:
    """The Java expression that reads `key` the way an app does; AppGenError when it cannot."""
    cls, method, arg, _perm = JAVA_API[key]
    c = fw.classes.get(cls)
    if c is None:
        raise AppGenError(f"JAVA_API[{key!r}]: class {cls} is not in the generated framework")
    sig = _pick(c, method, arg)
    if sig is None:
        raise AppGenError(f"JAVA_API[{key!r}]: {cls}.{method} has no overload an app can call with {arg!r}")
    # the argument goes to the Uri parameter when there is one, else to the first String
    first = next((i for i, t in enumerate(sig) if t == "android.net.Uri"),
                 next((i for i, t in enumerate(sig) if t == "java.lang.String"), None))
    args = ", ".join(_arg(t, arg, i == first) for i, t in enumerate(sig))
    if _static(c, method, sig):
        return f"{src(cls)}.{method}({args})"
    recv = _receiver(fw, cls)
    if recv is None:
        raise AppGenError(f"JAVA_API[{key!r}]: no way for an app to obtain a {cls}")
    return f"{recv}.{method}({args})"


def _method_name(key: str) -> str:
    return "collect" + "".join(p.capitalize() for p in key.split("_"))


def reader_members(fw: Framework) -> str:
    """`read(ctx, key)` and one `collectKey(ctx)` per JAVA_API key, as class members."""
    cases, methods = [], []
    for key in JAVA_API:
        name = _method_name(key)
        try:
            body = f"return consentry.sim.Values.text({call_expr(fw, key)});"
        except AppGenError as e:
            body = f'throw new UnsupportedOperationException("{e}");'
        methods.append(f"    static String {name}(android.content.Context ctx) throws Exception {{\n"
                       f"        {body}\n    }}")
        cases.append(f'            case "{key}": return {name}(ctx);')
    return ("    /** One `read: KEY` step: the framework call an app makes for KEY. */\n"
            "    public static String read(android.content.Context ctx, String key) throws Exception {\n"
            "        switch (key) {\n" + "\n".join(cases) + "\n"
            '            default: throw new IllegalArgumentException("no Java API for identity key " + key);\n'
            "        }\n    }\n\n" + "\n\n".join(methods) + "\n")


APP_MEMBERS = """
    public __CLASS__(android.content.Context base) { super(base); }

    /** The process's Application, made before any behaviour runs (ActivityThread.handleBindApplication). */
    public static android.content.Context boot(String packageName) {
        android.content.Context base = new android.app.ContextImpl(packageName);
        __CLASS__ app = new __CLASS__(base);
        android.app.ActivityThread.setCurrentApplication(app);
        return app;
    }

    /** A `start_app: PKG` step: an explicit service intent to another app (a wake-up). */
    public static String startService(android.content.Context ctx, String packageName) {
        android.content.ComponentName c = ((android.content.ContextWrapper) ctx).startService(
            new android.content.Intent().setPackage(packageName));
        return c == null ? null : c.flattenToString();
    }

    /** An SDK shipped as a separate jar, loaded late through the app's own class loader (as
     * DexClassLoader loads a downloaded dex on Android). `jarAndClass`: "JAR\\nCLASS". */
    public static Class<?> loadSdk(android.content.Context ctx, String jarAndClass) throws Exception {
        String[] p = jarAndClass.split("\\n", 2);
        ClassLoader loader = new java.net.URLClassLoader(
            new java.net.URL[] {new java.io.File(p[0]).toURI().toURL()}, __CLASS__.class.getClassLoader());
        return Class.forName(p[1], true, loader);
    }
"""


def templates(fw: Framework) -> dict[str, str]:
    """{"sdk": ..., "app": ...}: Java sources with __PACKAGE__ and __CLASS__ placeholders."""
    head = ("// generated by harness/sim/java/gen_apps.py from JAVA_API: do not edit\npackage __PACKAGE__;\n\n"
            '@SuppressWarnings({"unchecked", "rawtypes", "deprecation"})\n')
    members = reader_members(fw)
    sdk = head + "public final class __CLASS__ {\n    private __CLASS__() { }\n\n" + members + "}\n"
    app = head + "public class __CLASS__ extends android.app.Application {\n" + APP_MEMBERS + "\n" + members + "}\n"
    return {"sdk": sdk, "app": app}
