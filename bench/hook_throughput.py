"""Hook throughput: events per second that reach the journal, consentry's agent vs a naive agent.

A target process (Python + a small C library built here with cc) calls a hooked native function
in a tight loop. Three runs in the same process, same library:
  1. no hook: the loop's own per-call cost;
  2. consentry: the real agent and Instrument (CModule callback -> ring -> binary batches -> one
     writer thread -> journal), every call a row (no rate cap);
  3. naive: one send() per call from a JS callback and one journal row per message on the host,
     as camille and MobSF's API monitor report.
For each: events/s from the first call until the last row is in the journal, rows lost, and the
target's per-call cost. Goal: consentry >= 20x the naive rate with no event lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _report import Report  # noqa: E402

from harness.catalogue import Catalogue, Hook, load_catalogue  # noqa: E402
from harness.instrument import AgentOptions, Instrument  # noqa: E402
from harness.journal import Journal  # noqa: E402

N_CONSENTRY = 300_000
N_NAIVE = 40_000

LIB = r"""
volatile long consentry_sink;
void consentry_tick(long i) { consentry_sink += i; }
double consentry_loop(long n) { for (long i = 0; i < n; i++) consentry_tick(i); return 0; }
"""

TARGET = r"""
import ctypes, json, sys, time
lib = ctypes.CDLL(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    t = time.perf_counter()
    lib.consentry_loop(ctypes.c_long(n))
    print(json.dumps({"seconds": time.perf_counter() - t}), flush=True)
"""

NAIVE_AGENT = """
const f = Process.getModuleByName('libconsentrybench.so').getExportByName('consentry_tick');
Interceptor.attach(f, {
  onEnter(args) {
    send({ type: 'call', api: 'consentry_tick', args: [args[0].toInt32()], t: Date.now(), tid: this.threadId });
  }
});
"""


class Target:
    def __init__(self, lib: Path):
        self.p = subprocess.Popen([sys.executable, "-c", TARGET, str(lib)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert self.p.stdout and self.p.stdout.readline().strip() == "ready"

    def loop(self, n: int) -> float:
        assert self.p.stdin and self.p.stdout
        self.p.stdin.write(f"{n}\n")
        self.p.stdin.flush()
        return float(json.loads(self.p.stdout.readline())["seconds"])

    def close(self) -> None:
        self.p.kill()
        self.p.wait()


def build_lib(tmp: Path) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        sys.exit("hook_throughput: needs a C compiler (cc)")
    (tmp / "bench.c").write_text(LIB)
    out = tmp / "libconsentrybench.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(out), str(tmp / "bench.c")], check=True)
    return out


def run_consentry(lib: Path, tmp: Path, n: int) -> dict[str, float]:
    tick = Hook.model_validate({"id": "bench.consentry_tick", "layer": "native", "module": ["libconsentrybench.so"],
                                "export": "consentry_tick", "category": "device_id", "pi": False,
                                "extractor": "raw"})
    base = load_catalogue()
    cat = Catalogue(version=1, paths=base.paths, refs=base.refs, hooks=(tick,))
    target = Target(lib)
    journal = Journal(tmp / "run-consentry", writer_tag="bench")
    try:
        inst = Instrument(journal, journal.run_dir, time.time_ns(), catalogue=cat, options=AgentOptions())
        inst.attach(target.p.pid)
        t = time.perf_counter()
        loop_s = target.loop(n)
        inst.flush()  # every row the agent holds is now in the journal
        elapsed = time.perf_counter() - t
        summary = inst.stop()
    finally:
        journal.close()
        target.close()
    rows = sum(1 for _ in _journal_rows(journal.run_dir))
    return {"rows": rows, "lost": n - rows, "dropped": summary.dropped, "seconds": elapsed,
            "rate": rows / elapsed, "per_call_us": loop_s / n * 1e6}


def _journal_rows(run_dir: Path):  # type: ignore[no-untyped-def]
    for path in (run_dir / "journal").glob("api_calls.*.jsonl"):
        for line in path.read_text().splitlines():
            value = json.loads(line)
            yield from (value if isinstance(value, list) else [value])


def run_naive(lib: Path, tmp: Path, n: int) -> dict[str, float]:
    import frida

    target = Target(lib)
    journal = Journal(tmp / "run-naive", writer_tag="bench")
    got = 0
    done = threading.Event()

    def on_message(message, data):  # type: ignore[no-untyped-def]
        nonlocal got
        if message.get("type") == "send":
            p = message["payload"]
            journal.append("api_calls", {"t_ns": p["t"] * 1_000_000, "layer": "native", "api": p["api"],
                                         "args": json.dumps(p["args"]), "thread": str(p["tid"])})
            got += 1
            if got >= n:
                done.set()

    session = frida.get_local_device().attach(target.p.pid)
    script = session.create_script(NAIVE_AGENT)
    script.on("message", on_message)
    script.load()
    try:
        t = time.perf_counter()
        loop_s = target.loop(n)
        done.wait(timeout=120)
        journal.flush()
        elapsed = time.perf_counter() - t
    finally:
        target.close()  # killing the target avoids the slow unload of a flooded agent
        try:
            session.detach()
        except frida.InvalidOperationError:
            pass
        journal.close()
    return {"rows": got, "lost": n - got, "seconds": elapsed, "rate": got / elapsed, "per_call_us": loop_s / n * 1e6}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="consentry-bench-") as d:
        tmp = Path(d)
        lib = build_lib(tmp)
        t = Target(lib)
        t.loop(10_000)
        base_us = t.loop(1_000_000) / 1_000_000 * 1e6
        t.close()
        ours = run_consentry(lib, tmp, N_CONSENTRY)
        naive = run_naive(lib, tmp, N_NAIVE)
    print(f"target per call, no hook:      {base_us:.3f} us")
    print(f"consentry agent: {ours['rate']:>10,.0f} events/s to the journal ({ours['rows']:,} of {N_CONSENTRY:,} rows, "
          f"lost {ours['lost']}, dropped {ours['dropped']}); target {ours['per_call_us']:.2f} us/call "
          f"(+{ours['per_call_us'] - base_us:.2f})")
    print(f"naive agent:     {naive['rate']:>10,.0f} events/s to the journal ({naive['rows']:,} of {N_NAIVE:,} rows, "
          f"lost {naive['lost']}); target {naive['per_call_us']:.2f} us/call (+{naive['per_call_us'] - base_us:.2f})")
    report = Report("hook_throughput")
    report.figure("hooked events/s to the journal", ours["rate"], "events/s", baseline=naive["rate"],
                  baseline_name="send() per call", goal_ratio=20)
    report.figure("added cost per hooked call", ours["per_call_us"] - base_us, "us",
                  baseline=naive["per_call_us"] - base_us, baseline_name="send() per call", lower_is_better=True)
    report.check("no event lost or dropped", ours["lost"] == 0 and ours["dropped"] == 0,
                 f"{ours['rows']:,}/{N_CONSENTRY:,} rows, {ours['dropped']} dropped")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
