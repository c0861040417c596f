"""The sim apps' Java code: which class each SDK's code lives in, and the jars an app process puts
on its JVM's class path.

`make javafw` (harness.sim.java.build) compiles the generated framework, one jar per SDK (its
class in the SDK's real package, SDK_CLASSES) and one jar per bundled sample app (`<package>.App`)
from one template (gen_apps.py). An app package that is not bundled is compiled here at its first
launch, with the system javac, into a per-user cache (under a file lock: parallel sim devices
compile it once). Device code: imports nothing outside harness.sim."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JAVA_DIR = HERE.parent / "_java"
JAVA_RELEASE = "17"
# SDK name (a behaviour's `sdk:`, also its native lib<sdk>_sim.so) -> the SDK's class that makes
# the SDK's Java reads, in the SDK's real package (as its Java stack frames show on a phone).
SDK_CLASSES: dict[str, str] = {
    "umeng": "com.umeng.commonsdk.statistics.common.DeviceConfig",
    "bugly": "com.tencent.bugly.crashreport.common.info.DeviceInfo",
    "jiguang": "cn.jiguang.common.DeviceInfo",
    "baidulbs": "com.baidu.location.LocationClient",
    "gdt": "com.qq.e.comm.managers.status.DeviceStatus",
    "talkingdata": "com.tendcloud.tenddata.TCAgent",
    "smsdk": "com.ishumei.smantifraud.SmAntiFraud",
}
APP_CLASS = "App"  # `<package>.App`: the app's Application subclass, and its own reads
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
_JAVA_KEYWORDS = frozenset("""abstract assert boolean break byte case catch char class const continue default do double
else enum extends final finally float for goto if implements import instanceof int interface long native new
package private protected public return short static strictfp super switch synchronized this throw throws
transient try void volatile while true false null""".split())


class JavaAppError(RuntimeError):
    """The app's Java code cannot be built or found: the message says what to install or run."""


def app_class(package: str) -> str:
    return f"{package}.{APP_CLASS}"


def framework_jar() -> Path:
    return JAVA_DIR / "framework.jar"


def template(kind: str) -> Path:
    return JAVA_DIR / "templates" / f"{kind}.java.in"


def sdk_jar(sdk: str) -> Path:
    if sdk not in SDK_CLASSES:
        raise JavaAppError(f"no Java code for SDK {sdk!r} (one of {', '.join(SDK_CLASSES)})")
    return JAVA_DIR / "sdk" / f"{sdk}.jar"


def _need_built() -> None:
    for p in (framework_jar(), template("app"), template("sdk")):
        if not p.is_file():
            raise JavaAppError(f"{p} is missing: run `make javafw` (or `make setup`) to build the sim's Java code")


def fill(text: str, cls: str) -> str:
    """A template's source for the class `cls` (binary name)."""
    package, _, simple = cls.rpartition(".")
    if not _PACKAGE.fullmatch(cls) or any(p in _JAVA_KEYWORDS for p in cls.split(".")):
        raise JavaAppError(f"{cls!r} is not a Java class name this sim can generate code for")
    return text.replace("__PACKAGE__", package).replace("__CLASS__", simple)


def instantiate(kind: str, cls: str) -> str:
    return fill(template(kind).read_text(encoding="utf-8"), cls)


def javac(sources: dict[str, str], classpath: Path, out: Path) -> None:
    """Compile {binary class name: source} against `classpath` into the class dir `out`."""
    exe = shutil.which("javac")
    if exe is None:
        raise JavaAppError("javac not found: install openjdk-17-jdk-headless (make setup does) to run sim apps")
    with tempfile.TemporaryDirectory(prefix="consentry-app-src-") as t:
        files = []
        for cls, text in sources.items():
            f = Path(t) / (cls.replace(".", "/") + ".java")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text, encoding="utf-8")
            files.append(str(f))
        r = subprocess.run([exe, "-nowarn", "-encoding", "UTF-8", "--release", JAVA_RELEASE, "-cp", str(classpath),
                            "-d", str(out), *files], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise JavaAppError(f"javac failed on the sim app's Java code:\n{r.stderr[:2000]}")


def jar_classes(classes: Path, cls: str, dest: Path) -> Path:
    """Pack `cls` and its nested classes from the class dir into `dest` (atomic)."""
    rel = cls.replace(".", "/")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: consentry\n")
        folder = classes / Path(rel).parent
        for p in sorted(folder.glob(Path(rel).name + "*.class")):
            if p.stem == Path(rel).name or p.stem.startswith(Path(rel).name + "$"):
                z.write(p, p.relative_to(classes).as_posix())
    tmp.replace(dest)
    return dest


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    h = hashlib.sha256(template("app").read_bytes())
    st = framework_jar().stat()
    h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return base / "consentry" / "sim-java" / h.hexdigest()[:16]


def app_jar(package: str) -> Path:
    """The jar of `<package>.App`: bundled (built by `make javafw`), or compiled now into the cache."""
    _need_built()
    bundled = JAVA_DIR / "app" / f"{package}.jar"
    if bundled.is_file():
        return bundled
    cache = _cache_dir()
    out = cache / f"{package}.jar"
    if out.is_file():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.is_file():
            cls = app_class(package)
            with tempfile.TemporaryDirectory(prefix="consentry-app-classes-") as t:
                javac({cls: instantiate("app", cls)}, framework_jar(), Path(t))
                jar_classes(Path(t), cls, out)
    return out


def classpath(package: str, sdks: set[str], late: set[str]) -> list[str]:
    """The app's class path: the framework, the app, and its SDKs except those it loads late."""
    _need_built()
    jars = [framework_jar(), app_jar(package)] + [sdk_jar(s) for s in sorted(sdks - late)]
    missing = [str(j) for j in jars if not j.is_file()]
    if missing:
        raise JavaAppError(f"missing {', '.join(missing)}: run `make javafw`")
    return [str(j) for j in jars]
