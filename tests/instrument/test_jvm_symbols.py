"""The agent in a process where a HotSpot VM already runs (a sim app attached at its gate): the
bridge resolves its API from the short list of libjvm symbols (hooks/src/java/jvmsyms.ts), also
when its module is evaluated at load, and falls back to the whole table when the list lacks a name
a bridge needs. Real frida, real JVM (Debian's OpenJDK), the real agent built by Frida's compiler."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.agent_build import HOOKS_DIR, build

pytestmark = [pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK"),
              pytest.mark.usefixtures("agent_bundle")]

SLEEPER = "public class Sleeper { public static void main(String[] a) throws Exception {" \
          " System.out.println(\"up\"); System.out.flush(); Thread.sleep(120000); } }\n"
# One Java hook on a method every JVM has: enough to see the bridge work.
HOOKS = [{"id": "System.getProperty", "layer": "java", "class": "java.lang.System", "method": "getProperty",
          "extractor": "generic"}]
# A libjvm symbol lib/jvm.js requires and libjvm does not export: without it in the short list the
# bridge reports "Java API only partially available" and the agent must use the whole table.
REQUIRED_INTERNAL = "_ZN8VMThread7executeEP12VM_Operation"


@pytest.fixture(scope="module")
def jvm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A running JVM (the VM up, as a sim app's at its gate): its pid."""
    work = tmp_path_factory.mktemp("sleeper")
    (work / "Sleeper.java").write_text(SLEEPER)
    subprocess.run(["javac", "-d", str(work), str(work / "Sleeper.java")], check=True)
    procs = []

    def start() -> int:
        proc = subprocess.Popen(["java", "-cp", str(work), "Sleeper"], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"  # main() runs: the VM is up
        procs.append(proc)
        return proc.pid

    yield start  # type: ignore[misc]
    for proc in procs:
        proc.kill()
        proc.wait()


def _ready(bundle: Path, pid: int) -> dict:
    import frida

    session = frida.get_local_device().attach(pid)
    try:
        script = session.create_script(bundle.read_text(encoding="utf-8"))
        script.load()
        ready = script.exports_sync.init({"hooks": HOOKS, "paths": []})
        script.exports_sync.dispose()
        return ready
    finally:
        session.detach()


def test_the_bridge_never_reads_the_whole_libjvm_table(agent_bundle: Path, jvm) -> None:  # type: ignore[no-untyped-def]
    ready = _ready(agent_bundle, jvm())
    assert ready["java"]["available"] is True
    assert ready["installed"]["java"] >= 1
    # 0 also at load: the bridge's module initialises itself when evaluated (before the agent's
    # own code), which read the ~58,000-symbol table once per attach before presym.ts.
    assert ready["java_timing"]["jvm_full_table_reads"] == 0
    assert ready["java_timing"]["full_symbols"] is False


def test_a_symbol_missing_from_the_short_list_falls_back_to_the_whole_table(tmp_path: Path, jvm) -> None:  # type: ignore[no-untyped-def]
    hooks = tmp_path / "hooks"
    shutil.copytree(HOOKS_DIR / "src", hooks / "src")
    for name in ("package.json", "tsconfig.json"):
        shutil.copyfile(HOOKS_DIR / name, hooks / name)
    (hooks / "node_modules").symlink_to(HOOKS_DIR / "node_modules")
    syms = hooks / "src" / "java" / "jvmsyms.ts"
    text = syms.read_text(encoding="utf-8")
    assert f'"{REQUIRED_INTERNAL}",' in text
    syms.write_text(text.replace(f'    "{REQUIRED_INTERNAL}",\n', ""), encoding="utf-8")
    bundle = build(hooks, tmp_path / "agent.js", compress=False)
    ready = _ready(bundle, jvm())
    assert ready["java"]["available"] is True, ready["java"]
    assert ready["installed"]["java"] >= 1
    assert ready["java_timing"]["full_symbols"] is True
    assert ready["java_timing"]["jvm_full_table_reads"] >= 1
