"""The sim apps' Java runtime: a jlink image of the system JDK holding only the modules the sim's
Java code uses (found by jdeps over the built jars), built beside the jars by `make javafw`.

Why an image of its own: HotSpot maps its whole module image (`lib/modules`) into every process,
and Frida's attach reads each file mapping of the target that is not an ELF file back through
/proc/PID/mem (three times per attach with Frida 17). With the JDK's 128 MB image that was 0.5 s
of every attach to a sim app (strace of the host side: three 128 MB `pread64` of the mapping);
with java.base and jdk.unsupported the image is 26 MB and an attach 0.16-0.24 s instead of
0.7-0.9 s. Same HotSpot build and libjvm symbols (frida-java-bridge's list), same classes for the
app: only modules nothing loads are left out.

Without jlink or the JDK's jmods (a JRE-only machine) nothing is built and the sim uses the JDK's
own libjvm, as before: slower attaches, same behaviour."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness.sim.native import java_home

# Modules always in the image: the VM's own, and sun.misc.Unsafe's (jdk.unsupported), which
# framework code may reach through reflection where jdeps cannot see it.
BASE_MODULES = ("java.base", "jdk.unsupported")
STAMP = "image.sha256"


class RuntimeImageError(Exception):
    """jdeps or jlink failed; the message names the tool and its first lines of output."""


def image_dir(out: Path) -> Path:
    return out / "runtime"


def image_libjvm(out: Path) -> Path | None:
    """The image's libjvm.so when a complete image is there (its stamp is written last)."""
    image = image_dir(out)
    libjvm = image / "lib" / "server" / "libjvm.so"
    return libjvm if (image / STAMP).is_file() and libjvm.is_file() and (image / "lib" / "modules").is_file() else None


def _tool(name: str) -> Path | None:
    path = java_home() / "bin" / name
    return path if path.is_file() else None


def _modules(jars: list[Path]) -> list[str]:
    jdeps = _tool("jdeps")
    found: set[str] = set(BASE_MODULES)
    if jdeps is not None and jars:
        proc = subprocess.run([str(jdeps), "--multi-release", "17", "--ignore-missing-deps", "--print-module-deps",
                               *map(str, jars)], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeImageError(f"jdeps failed: {(proc.stderr or proc.stdout).strip()[:400]}")
        found.update(m.strip() for m in proc.stdout.strip().split(",") if m.strip())
    return sorted(found)


def _digest(jars: list[Path]) -> str:
    """What the image depends on: the JDK (its path and release file) and the jars' bytes. Cheap to
    compute, so an up-to-date image costs no jdeps run (4 s) at each `build()`."""
    release = java_home() / "release"
    h = hashlib.sha256(str(java_home()).encode())
    h.update(release.read_bytes() if release.is_file() else b"")
    h.update(",".join(BASE_MODULES).encode())
    for jar in jars:
        h.update(jar.name.encode())
        h.update(hashlib.sha256(jar.read_bytes()).digest())
    return h.hexdigest()


def build_image(out: Path, jars: list[Path]) -> Path | None:
    """Build (or keep) the image for `jars`; its libjvm.so, or None when this JDK cannot jlink."""
    jlink = _tool("jlink")
    if jlink is None or not (java_home() / "jmods" / "java.base.jmod").is_file():
        return None
    digest = _digest(jars)
    image = image_dir(out)
    current = image_libjvm(out)
    if current is not None and (image / STAMP).read_text().strip() == digest:
        return current
    modules = _modules(jars)
    with tempfile.TemporaryDirectory(prefix=".runtime-", dir=out) as t:
        tmp = Path(t) / "image"
        proc = subprocess.run([str(jlink), "--add-modules", ",".join(modules), "--output", str(tmp),
                               "--no-header-files", "--no-man-pages"], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeImageError(f"jlink failed: {(proc.stderr or proc.stdout).strip()[:400]}")
        (tmp / STAMP).write_text(digest + "\n")
        if image.exists():
            shutil.rmtree(image)
        tmp.replace(image)
    return image_libjvm(out)
