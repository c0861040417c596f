"""The sim apps' native libraries.

- `simprop.c` (with `sdkshell.c`), built several times: libsimprop.so (the app's own native code)
  and SDK-named copies (libumeng_sim.so, ...), so native stacks name the SDK module that made a call.
- `simruntime.c` -> libsimruntime.so (named like Android's libandroid_runtime.so; not
  `*jvm.so`, which frida-java-bridge would take for the JVM itself): boots a HotSpot JVM inside the
  app process through the JNI invocation API (as app_process hosts ART) and makes the app's Java
  calls. Compiled against the system JDK's jni.h, found from `javac` (Debian's openjdk-17-jdk-headless).
- `simclock.c` -> libsimclock.so, preloaded only under the clock-jump fault.
- `simsh.c` -> simsh, the sim device's /system/bin/sh and toolbox for app processes.

`make simlib` builds them into `harness/sim/_native/`; when they are missing there (a pip-installed
tool, a fresh checkout) `library_path()` builds them with `cc` into a per-user cache directory on
first use, under a file lock so that parallel sim devices build once."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "simprop.c"
# compiled into every simprop copy too: an SDK running shell commands (sdk_shell)
EXTRA_SOURCES = (HERE / "sdkshell.c",)
# libraries and programs with a source of their own (name -> source); the others compile SOURCE
SOURCES: dict[str, Path] = {"simruntime": HERE / "simruntime.c", "simclock": HERE / "simclock.c",
                            "simsh": HERE / "simsh.c"}
PACKAGED = HERE.parent / "_native"
# name -> file; "simprop" is the app's own code, "simruntime" the Java runtime host, "simclock" the
# clock-jump interposer, "simsh" the sim shell program; the rest are SDK copies of simprop.c.
LIBRARIES: dict[str, str] = {
    "simprop": "libsimprop.so",
    "simruntime": "libsimruntime.so",
    "umeng": "libumeng_sim.so",
    "jiguang": "libjiguang_sim.so",
    "baidulbs": "libbaidulbs_sim.so",
    "bugly": "libbugly_sim.so",
    "gdt": "libgdt_sim.so",
    "talkingdata": "libtalkingdata_sim.so",
    "smsdk": "libsmsdk_sim.so",
    "simclock": "libsimclock.so",  # preloaded only under the clock-jump fault (see simclock.c)
    "simsh": "simsh",
}
CFLAGS = ("-shared", "-fPIC", "-O0", "-g", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls")


class NativeBuildError(RuntimeError):
    """No C compiler or JDK, or the build failed: the message says what to install."""


def java_home() -> Path:
    """The JDK the sim's JVM comes from: `javac`'s installation (symlinks resolved)."""
    javac = shutil.which("javac")
    if javac is None:
        raise NativeBuildError("javac not found: install openjdk-17-jdk-headless (make setup does)")
    return Path(os.path.realpath(javac)).parent.parent


def libjvm_path() -> Path:
    """The HotSpot libjvm.so (server VM) the sim's app processes load: the sim's runtime image
    when `make javafw` built one (harness/sim/java/runtime_image.py says why), else the JDK's."""
    from harness.sim.java.build import DEFAULT_OUT
    from harness.sim.java.runtime_image import image_libjvm

    image = image_libjvm(DEFAULT_OUT)
    if image is not None:
        return image
    p = java_home() / "lib" / "server" / "libjvm.so"
    if not p.is_file():
        raise NativeBuildError(f"{p} not found: the JDK at {java_home()} has no server VM")
    return p


def _sources(name: str) -> tuple[Path, ...]:
    return (SOURCES[name],) if name in SOURCES else (SOURCE, *EXTRA_SOURCES)


def _command(cc: str, name: str, out: Path) -> list[str]:
    if name == "simsh":
        return [cc, "-O1", "-o", str(out), str(SOURCES[name])]
    if name == "simclock":
        return [cc, *CFLAGS, "-o", str(out), str(SOURCES[name]), "-ldl"]
    if name == "simruntime":
        inc = java_home() / "include"
        if not (inc / "jni.h").is_file():
            raise NativeBuildError(f"{inc / 'jni.h'} not found: install openjdk-17-jdk-headless (make setup does)")
        return [cc, *CFLAGS, f"-I{inc}", f"-I{inc / 'linux'}", "-o", str(out), str(SOURCES[name]), "-ldl", "-lpthread"]
    return [cc, *CFLAGS, f'-DSIM_MODULE="{name}"', "-o", str(out), *map(str, _sources(name)), "-ldl", "-lpthread"]


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    data = b"".join(p.read_bytes() for p in (SOURCE, *EXTRA_SOURCES, *SOURCES.values()))
    digest = hashlib.sha256(data + " ".join(CFLAGS).encode()).hexdigest()[:16]
    return base / "consentry" / "sim-native" / digest


def build(name: str, out: Path) -> Path:
    """Compile one library or program (atomic: a reader never sees a half-written file)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise NativeBuildError("no C compiler found: install gcc (apt-get install gcc libc6-dev) or run `make setup`")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    proc = subprocess.run(_command(cc, name, tmp), capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise NativeBuildError(f"building {out.name} failed: {proc.stderr.strip()[:500]}")
    tmp.replace(out)
    return out


def build_all(dest: Path) -> list[Path]:
    return [build(name, dest / lib) for name, lib in LIBRARIES.items()]


def library_path(name: str) -> Path:
    """Path of the file for `name` (a key of LIBRARIES), building it into the cache when needed."""
    lib = LIBRARIES.get(name)
    if lib is None:
        raise NativeBuildError(f"unknown sim native library {name!r} (one of {', '.join(LIBRARIES)})")
    packaged = PACKAGED / lib
    if packaged.exists() and packaged.stat().st_mtime >= max(p.stat().st_mtime for p in _sources(name)):
        return packaged
    cache = _cache_dir()
    out = cache / lib
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists():
            build(name, out)
    return out
