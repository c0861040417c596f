"""Java hook delivery on a HotSpot JVM: events per second into the journal, the agent's batching
against one send() per event, in the same run.

A JVM program on the generated Android framework (harness/sim/java) calls a hooked framework
method (`TelephonyManager.getNetworkType()`, a real catalogue entry, Java stack captured) N times
between two marker calls. Three runs, same program, same N:
  1. no agent: the loop's own cost (the floor of any hook is far above it);
  2. consentry: the real agent and Instrument, events batched (1,000 events or 50 ms);
  3. one send() per event: the same agent with `batch_events = 1`, as naive agents report.
For each: events/s from the first marked call until the last row is in the journal, and rows
lost (every call must be a row; rows still missing 10 s after the last one arrived are lost).
The JVM's per-call hook cost (about 50 us on HotSpot on an idle machine, plus the Java stack) is
the ceiling both share. Goal: batched >= 1.5x one-send-per-event, no batched event lost (the
one-send baseline's losses are reported: its backlog is what batching avoids)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.catalogue import Catalogue, Hook, load_catalogue  # noqa: E402
from harness.instrument import AgentOptions, Instrument  # noqa: E402
from harness.journal import Journal, compact  # noqa: E402
from harness.sim.java.build import build  # noqa: E402

N = 3_000
GOAL = 1.5
HOOK_ID = "TelephonyManager.getNetworkType"

PROGRAM = r"""
public final class JavaHookBench {
    public static void mark(int i) { }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        android.content.Context ctx = new android.app.ContextImpl("consentry.bench");
        android.telephony.TelephonyManager tm =
            (android.telephony.TelephonyManager) ctx.getSystemService("phone");
        long t0 = System.nanoTime();
        mark(0);
        long s = 0;
        for (int i = 0; i < n; i++) s += tm.getNetworkType();
        mark(1);
        long t1 = System.nanoTime();
        java.nio.file.Files.writeString(java.nio.file.Path.of(a[1]), (t1 - t0) + " " + s);
        if (a.length > 2) return;
        Thread.sleep(Long.MAX_VALUE);
    }
}
"""

MARK = Hook.model_validate({"id": "bench.mark", "layer": "java", "class": "JavaHookBench", "method": "mark",
                            "overloads": [["int"]], "category": "ui", "pi": False, "stack": False})


def _compile(work: Path, framework: Path) -> Path:
    src = work / "JavaHookBench.java"
    src.write_text(PROGRAM)
    subprocess.run(["javac", "-nowarn", "-cp", str(framework), "-d", str(work), str(src)], check=True)
    return work


def _floor(cp: str, work: Path) -> float:
    done = work / "floor.done"
    subprocess.run(["java", "-cp", cp, "JavaHookBench", str(N), str(done), "exit"], check=True, timeout=300)
    ns = int(done.read_text().split()[0])
    return N / (ns / 1e9)


def _run(cp: str, work: Path, name: str, opts: AgentOptions) -> tuple[float, int]:
    import pyarrow.parquet as pq

    cat = load_catalogue()
    entry = cat.by_id()[HOOK_ID]
    catalogue = Catalogue(version=cat.version, paths=cat.paths, refs=cat.refs, hooks=(entry, MARK))
    run_dir = work / name
    done = work / f"{name}.done"
    journal = Journal(run_dir, writer_tag="bench")
    t0 = time.time_ns()
    inst = Instrument(journal, run_dir, t0, catalogue=catalogue, hook_ids={HOOK_ID, MARK.id}, options=opts)
    pid = inst.spawn_and_attach([os.path.realpath(shutil.which("java") or "java"), "-cp", cp, "JavaHookBench",
                                 str(N), str(done)])
    try:
        inst.resume()
        deadline = time.monotonic() + 600
        while not done.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the JVM did not finish")
            time.sleep(0.01)
        inst.flush()
        # one send() per event can leave a backlog in Frida's channel after the flush reply: wait
        # for the rows themselves (N calls + 2 marks), as long as they keep arriving
        last, idle = -1, time.monotonic()
        while inst.writer.counts["calls"] < N + 2 and time.monotonic() - idle < 10:
            if inst.writer.counts["calls"] != last:
                last, idle = inst.writer.counts["calls"], time.monotonic()
            time.sleep(0.01)
            inst.writer.drain()
        t_end = time.time_ns() - t0
    finally:
        os.kill(pid, signal.SIGKILL)  # never unload hooks from a live JVM
        inst.stop()
        journal.close()
    compact(run_dir)
    rows = pq.read_table(run_dir / "api_calls.parquet", columns=["hook_id", "t_ns", "count"]).to_pandas()
    start = int(rows.loc[rows["hook_id"] == MARK.id, "t_ns"].min())
    got = int(rows.loc[rows["hook_id"] == HOOK_ID, "count"].sum())
    loop_us = int(done.read_text().split()[0]) / 1000 / N
    print(f"  {name}: {loop_us:,.0f} us per hooked call inside the JVM", file=sys.stderr)
    return N / ((t_end - start) / 1e9), N - got


def main() -> int:
    if shutil.which("javac") is None:
        print("java_hooks: javac not found (openjdk-17-jdk-headless)", file=sys.stderr)
        return 2
    jars = build()
    with tempfile.TemporaryDirectory(prefix="consentry-bench-java-") as t:
        work = _compile(Path(t), jars.framework)
        cp = f"{jars.framework}:{work}"
        floor = _floor(cp, work)
        batched, lost_b = _run(cp, work, "batched", AgentOptions())
        single, lost_s = _run(cp, work, "single", AgentOptions(batch_events=1))
    print(f"Java hook delivery, {N:,} calls of {HOOK_ID} (Java stack each) on HotSpot")
    print(f"  no agent (loop only)        {floor:>12,.0f} calls/s")
    print(f"  consentry (batched)         {batched:>12,.0f} events/s into the journal, lost {lost_b}")
    print(f"  one send() per event        {single:>12,.0f} events/s into the journal, lost {lost_s}")
    ratio = batched / single if single else float("inf")
    print(f"  batched / one-send: {ratio:.2f}x (goal >= {GOAL}x, none of the batched events lost)")
    ok = ratio >= GOAL and lost_b == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
