"""`logcat`: dump (-d), clear (-c), stream until the client goes away; threadtime by default."""

from __future__ import annotations

import time

from harness.sim.device import LogEntry
from harness.sim.shell_exec import Proc

LEVELS = "VDIWEFS"


def _format(e: LogEntry, fmt: str) -> str:
    lt = time.localtime(e.t)
    ms = int((e.t % 1) * 1000)
    stamp = time.strftime("%m-%d %H:%M:%S", lt) + f".{ms:03d}"
    if fmt == "brief":
        return f"{e.level}/{e.tag}({e.pid:5d}): {e.message}\n"
    if fmt == "time":
        return f"{stamp} {e.level}/{e.tag}({e.pid:5d}): {e.message}\n"
    if fmt == "raw":
        return e.message + "\n"
    return f"{stamp} {e.pid:5d} {e.tid:5d} {e.level} {e.tag:<8}: {e.message}\n"


def _filter(specs: list[str], silent_default: bool):
    rules: dict[str, int] = {}
    default = LEVELS.index("S") if silent_default else 0
    for spec in specs:
        tag, _, lvl = spec.partition(":")
        idx = LEVELS.index(lvl.upper()) if lvl and lvl.upper() in LEVELS else 0
        if tag == "*":
            default = idx
        else:
            rules[tag] = idx

    def keep(e: LogEntry) -> bool:
        need = rules.get(e.tag, default)
        return need < len(LEVELS) - 1 and LEVELS.index(e.level) >= need if e.level in LEVELS else True

    return keep


def logcat(p: Proc, args: list[str]) -> int:
    dump = clear = silent = False
    fmt = "threadtime"
    pid = None
    tail = None
    specs: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a == "-d":
            dump = True
        elif a in ("-c", "--clear"):
            clear = True
        elif a == "-s":
            silent = True
        elif a in ("-v", "-b", "-T", "-t", "-f", "-r", "-n") and nxt is not None:
            if a == "-v":
                fmt = nxt
            elif a in ("-t", "-T") and nxt.isdigit():
                tail = int(nxt)
                dump = dump or a == "-t"
            i += 1
        elif a.startswith("--pid="):
            pid = int(a.split("=", 1)[1]) if a.split("=", 1)[1].isdigit() else -1
        elif a.startswith("-v") and len(a) > 2:
            fmt = a[2:]
        elif not a.startswith("-"):
            specs.append(a)
        i += 1
    if clear:
        p.device.log_clear()
        return 0
    keep = _filter(specs, silent)

    def wanted(e: LogEntry) -> bool:
        return (pid is None or e.pid == pid) and keep(e)

    seq, entries = p.device.log_snapshot()
    entries = [e for e in entries if wanted(e)]
    if tail is not None:
        entries = entries[-tail:] if tail else []
    if entries and fmt != "raw":
        p.out("--------- beginning of main\n")
    for e in entries:
        p.out(_format(e, fmt))
    if dump:
        return 0
    p.flush()
    while not p.closed():
        seq, new = p.device.log_since(seq, timeout=0.2)
        for e in new:
            if wanted(e):
                p.out(_format(e, fmt))
        p.flush()
    return 0


COMMANDS = {"logcat": logcat}
