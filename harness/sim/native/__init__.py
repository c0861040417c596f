"""The sim apps' native libraries: one C source built as several shared objects.

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

SOURCE = Path(__file__).with_name("simprop.c")
# compiled into every library too: an SDK running shell commands (sdk_shell)
EXTRA_SOURCES = (Path(__file__).with_name("sdkshell.c"),)
# the sim device's /system/bin/sh and toolbox for app processes (see simsh.c)
SIMSH_SOURCE = Path(__file__).with_name("simsh.c")
# libraries with a source of their own (name -> source); the others compile SOURCE as their module
SOURCES: dict[str, Path] = {"simclock": Path(__file__).with_name("simclock.c")}
PACKAGED = Path(__file__).resolve().parent.parent / "_native"
# library name -> module name compiled in; "simprop" is the app's own code, the rest are SDK copies.
LIBRARIES: dict[str, str] = {
    "simprop": "libsimprop.so",
    "umeng": "libumeng_sim.so",
    "jiguang": "libjiguang_sim.so",
    "baidulbs": "libbaidulbs_sim.so",
    "bugly": "libbugly_sim.so",
    "gdt": "libgdt_sim.so",
    "talkingdata": "libtalkingdata_sim.so",
    "smsdk": "libsmsdk_sim.so",
    "simclock": "libsimclock.so",  # preloaded only under the clock-jump fault (see simclock.c)
}
CFLAGS = ("-shared", "-fPIC", "-O0", "-g", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls")


class NativeBuildError(RuntimeError):
    """No C compiler, or the build failed: the message says what to install."""


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    data = b"".join(p.read_bytes() for p in (SOURCE, *EXTRA_SOURCES, SIMSH_SOURCE, *SOURCES.values()))
    digest = hashlib.sha256(data + " ".join(CFLAGS).encode()).hexdigest()[:16]
    return base / "consentry" / "sim-native" / digest


def build(name: str, out: Path) -> Path:
    """Compile one library (atomic: a reader never sees a half-written .so)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise NativeBuildError("no C compiler found: install gcc (apt-get install gcc libc6-dev) or run `make setup`")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    if name == "simsh":
        cmd = [cc, "-O1", "-o", str(tmp), str(SIMSH_SOURCE)]
    elif name in SOURCES:
        cmd = [cc, *CFLAGS, "-o", str(tmp), str(SOURCES[name]), "-ldl"]
    else:
        cmd = [cc, *CFLAGS, f'-DSIM_MODULE="{name}"', "-o", str(tmp), str(SOURCE), *map(str, EXTRA_SOURCES)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise NativeBuildError(f"building {out.name} failed: {proc.stderr.strip()[:500]}")
    tmp.replace(out)
    return out


def build_all(dest: Path) -> list[Path]:
    return [*(build(name, dest / lib) for name, lib in LIBRARIES.items()), build("simsh", dest / "simsh")]


def library_path(name: str) -> Path:
    """Path of lib for `name` (a key of LIBRARIES, or "simsh" for the sim shell program), building it
    into the cache when needed."""
    lib = "simsh" if name == "simsh" else LIBRARIES.get(name)
    if lib is None:
        raise NativeBuildError(f"unknown sim native library {name!r} (one of {', '.join(LIBRARIES)})")
    packaged = PACKAGED / lib
    own = (SOURCES[name],) if name in SOURCES else (SOURCE, *EXTRA_SOURCES, SIMSH_SOURCE)
    newest = max(p.stat().st_mtime for p in own)
    if packaged.exists() and packaged.stat().st_mtime >= newest:
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

