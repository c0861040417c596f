"""Build the generated Android framework and the exercise program into jars with the system JDK.

`python -m harness.sim.java.build [OUT]` (run by `make setup`): generates the sources
(gen_framework, gen_exercise, gen_apps), compiles them with javac and packs framework.jar and
exercise.jar into OUT (default harness/sim/_java), plus calls.json; and the sim apps' Java code:
the templates (templates/*.java.in), one jar per SDK (sdk/NAME.jar) and one per bundled sample
app (app/PACKAGE.jar). A hash of every input is kept in
OUT/inputs.sha256: a second run with the same inputs does nothing. No JDK is downloaded: javac
comes from Debian's openjdk-17-jdk-headless (the Makefile installs it)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_OUT = HERE.parent / "_java"
JAVA_RELEASE = "17"


class JavaBuildError(Exception):
    """javac missing or failing; the message names the tool and the first errors."""


@dataclass(frozen=True)
class Jars:
    framework: Path
    exercise: Path
    calls: Path

    @property
    def classpath(self) -> str:
        return f"{self.framework}:{self.exercise}"


def _inputs() -> list[Path]:
    from harness.android_api import DECL
    from harness.catalogue import default_path

    files = sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix in (".py", ".java"))
    samples = sorted((HERE.parent / "samples").glob("*.yaml"))
    return [*files, *samples, HERE.parent / "app_process" / "actions.py", default_path(), REPO / "hooks" / DECL,
            REPO / "harness" / "android_api.py"]


def _digest() -> str:
    h = hashlib.sha256()
    for p in _inputs():
        h.update(str(p).encode())
        h.update(p.read_bytes() if p.suffix != ".ts" else str(p.stat().st_size).encode())
    return h.hexdigest()


def jars(out: Path = DEFAULT_OUT) -> Jars:
    return Jars(out / "framework.jar", out / "exercise.jar", out / "calls.json")


def _javac(args: list[str]) -> None:
    javac = shutil.which("javac")
    if javac is None:
        raise JavaBuildError("javac not found: install openjdk-17-jdk-headless (make setup does)")
    r = subprocess.run([javac, "-nowarn", "-encoding", "UTF-8", "--release", JAVA_RELEASE, *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise JavaBuildError(f"javac failed:\n{r.stderr[:4000]}")


def _jar(classes: Path, dest: Path) -> None:
    tmp = dest.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: consentry\n")
        for p in sorted(classes.rglob("*.class")):
            z.write(p, p.relative_to(classes).as_posix())
    tmp.replace(dest)


def build(out: Path = DEFAULT_OUT, *, force: bool = False) -> Jars:
    """Generate and compile when an input changed; return the jar paths."""
    from harness.android_api import DECL, AndroidApi
    from harness.catalogue import load_catalogue
    from harness.sim.java import gen_exercise, gen_framework

    result = jars(out)
    stamp = out / "inputs.sha256"
    decl = REPO / "hooks" / DECL
    if not decl.is_file():
        # an installed package without the repo's hooks/node_modules: use what was built, if any
        if result.framework.is_file() and result.exercise.is_file() and result.calls.is_file():
            return result
        raise JavaBuildError(f"{decl} not found: run `make agent` (npm ci in hooks/) to get the Android API "
                             "declarations the framework is generated from")
    digest = _digest()
    if not force and stamp.is_file() and stamp.read_text().strip() == digest and result.framework.is_file() \
            and result.exercise.is_file():
        _runtime_image(out, result)
        return result
    out.mkdir(parents=True, exist_ok=True)
    api = AndroidApi.load(REPO / "hooks" / DECL)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory(prefix="consentry-java-") as t:
        tmp = Path(t)
        fw_src, ex_src = tmp / "framework", tmp / "exercise"
        fw = gen_framework.generate(api, catalogue, fw_src)
        shutil.copytree(HERE / "src", fw_src, dirs_exist_ok=True)
        gen_exercise.write(fw, catalogue, ex_src)
        shutil.copytree(HERE / "exercise", ex_src, dirs_exist_ok=True)
        fw_classes, ex_classes = tmp / "fw-classes", tmp / "ex-classes"
        _javac(["-d", str(fw_classes), *map(str, sorted(fw_src.rglob("*.java")))])
        _javac(["-d", str(ex_classes), "-cp", str(fw_classes), *map(str, sorted(ex_src.rglob("*.java")))])
        _jar(fw_classes, result.framework)
        _jar(ex_classes, result.exercise)
        shutil.copy(ex_src / "calls.json", result.calls)
        (out / "notes.txt").write_text("\n".join(fw.notes) + "\n", encoding="utf-8")
        _build_apps(fw, result.framework, out, tmp)
    stamp.write_text(digest + "\n")
    _runtime_image(out, result)
    return result


def _runtime_image(out: Path, result: Jars) -> None:
    """The sim apps' JVM runtime image (runtime_image.py): kept when up to date; a machine whose
    JDK cannot jlink runs the sim on the JDK itself."""
    from harness.sim.java.runtime_image import RuntimeImageError, build_image

    jars = [result.framework, result.exercise, *sorted((out / "sdk").glob("*.jar")), *sorted((out / "app").glob("*.jar"))]
    try:
        if build_image(out, jars) is None:
            print("consentry: no jlink/jmods in this JDK: the sim apps run on the JDK's own runtime (slower attach)",
                  file=sys.stderr)
    except RuntimeImageError as exc:
        raise JavaBuildError(str(exc)) from exc


def _build_apps(fw: object, framework_jar: Path, out: Path, tmp: Path) -> None:
    """Templates, the SDK jars and the bundled sample apps' jars, from one javac run."""
    from harness.sim.java import apps, gen_apps
    from harness.sim.samples import sample_models

    texts = gen_apps.templates(fw)  # type: ignore[arg-type]
    (out / "templates").mkdir(parents=True, exist_ok=True)
    for kind, text in texts.items():
        (out / "templates" / f"{kind}.java.in").write_text(text, encoding="utf-8")
    sources = {cls: apps.fill(texts["sdk"], cls) for cls in apps.SDK_CLASSES.values()}
    packages = sorted({m.package for m in sample_models().values()})
    sources.update({apps.app_class(p): apps.fill(texts["app"], apps.app_class(p)) for p in packages})
    classes = tmp / "app-classes"
    try:
        apps.javac(sources, framework_jar, classes)
    except apps.JavaAppError as e:
        raise JavaBuildError(str(e)) from e
    for name, cls in apps.SDK_CLASSES.items():
        apps.jar_classes(classes, cls, out / "sdk" / f"{name}.jar")
    for p in packages:
        apps.jar_classes(classes, apps.app_class(p), out / "app" / f"{p}.jar")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    try:
        j = build(out, force="--force" in argv)
    except JavaBuildError as exc:
        print(f"consentry: {exc}", file=sys.stderr)
        return 1
    print(f"{j.framework}\n{j.exercise}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
