"""Commands that reach the app runtime: am, monkey, pidof, ps, kill, input, uiautomator,
screencap. Output follows Android 14; the runtime does the app work."""

from __future__ import annotations

import io
import signal
import struct
import time

from harness.sim import props as P
from harness.sim.java.apps import JavaAppError
from harness.sim.native import NativeBuildError
from harness.sim.shell_exec import Proc

# (pid, user, name) of the system's own processes; app processes come from the runtime.
SYSTEM_PROCESSES: tuple[tuple[int, str, str], ...] = (
    (1, "root", "init"), (2, "root", "[kthreadd]"), (171, "logd", "logd"), (226, "system", "servicemanager"),
    (298, "root", "zygote64"), (299, "root", "zygote"), (389, "root", "adbd"), (512, "system", "system_server"),
    (768, "u0_a111", "com.android.systemui"), (901, "radio", "com.android.phone"),
    (1033, "u0_a192", "com.google.android.apps.nexuslauncher"),
    (1120, "u0_a140", "com.google.android.gms.persistent"), (1308, "u0_a140", "com.google.android.gms"),
)

KEYCODES = {
    "HOME": 3, "BACK": 4, "CALL": 5, "ENDCALL": 6, "DPAD_UP": 19, "DPAD_DOWN": 20, "DPAD_LEFT": 21,
    "DPAD_RIGHT": 22, "DPAD_CENTER": 23, "VOLUME_UP": 24, "VOLUME_DOWN": 25, "POWER": 26, "CAMERA": 27,
    "TAB": 61, "SPACE": 62, "ENTER": 66, "DEL": 67, "MENU": 82, "SEARCH": 84, "ESCAPE": 111,
    "VOLUME_MUTE": 164, "APP_SWITCH": 187, "WAKEUP": 224, "SLEEP": 223,
}
SIGNALS = {name[3:]: int(sig) for name, sig in signal.Signals.__members__.items() if name.startswith("SIG")}
EMPTY_DUMP = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\" />"


def _no_runtime(p: Proc) -> int:
    p.err("Error: the sim device has no app runtime\n")
    return 1


def _component(p: Proc, comp: str) -> tuple[str, str | None]:
    pkg, _, act = comp.partition("/")
    return pkg, act or None


def am(p: Proc, args: list[str]) -> int:
    if not args:
        p.err("usage: am [subcommand] [options]\n")
        return 1
    verb, rest = args[0], args[1:]
    rt = p.runtime
    if verb in ("start", "start-activity"):
        return _am_start(p, rest)
    if verb in ("force-stop", "kill", "stop-app"):
        pkg = next((a for a in rest if not a.startswith("-") and a not in ("all", "current")), None)
        if pkg and rt is not None:
            rt.force_stop(pkg)
        return 0
    if verb == "broadcast":
        action = rest[rest.index("-a") + 1] if "-a" in rest and rest.index("-a") + 1 < len(rest) else None
        p.out(f"Broadcasting: Intent {{ {'act=' + action + ' ' if action else ''}flg=0x400000 }}\n"
              "Broadcast completed: result=0\n")
        return 0
    if verb == "get-current-user":
        p.out("0\n")
        return 0
    p.err(f"Unknown command: {verb}\n")
    return 255


def _am_start(p: Proc, args: list[str]) -> int:
    wait = debug = stop = False
    comp = action = data = None
    categories: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a == "-W":
            wait = True
        elif a == "-D":
            debug = True
        elif a == "-S":
            stop = True
        elif a == "-n" and nxt:
            comp, i = nxt, i + 1
        elif a == "-a" and nxt:
            action, i = nxt, i + 1
        elif a == "-c" and nxt:
            categories.append(nxt)
            i += 1
        elif a == "-d" and nxt:
            data, i = nxt, i + 1
        elif a in ("-t", "-f", "--user", "-e", "--es", "--ei", "--ez", "--el", "--ef", "--eu") and nxt:
            i += 1 if a in ("-t", "-f", "--user") else 2
        elif not a.startswith("-") and "/" in a:
            comp = a
        i += 1
    parts = []
    if action:
        parts.append(f"act={action}")
    if categories:
        parts.append("cat=[" + ",".join(categories) + "]")
    if data:
        parts.append(f"dat={data}")
    if comp:
        parts.append(f"cmp={comp}")
    p.out("Starting: Intent { " + " ".join(parts) + " }\n")
    if comp is None and action == "android.intent.action.VIEW" and data and data.startswith(("http://", "https://")):
        from harness.sim.browser import open_url

        open_url(p.device, data)  # the stock browser handles it
        return 0
    if comp is None:
        p.err("Error: Activity not started, unable to resolve Intent { " + " ".join(parts) + " flg=0x10000000 }\n")
        return 0
    pkg, act = _component(p, comp)
    rec = p.device.packages.get(pkg)
    full_act = (pkg + act if act and act.startswith(".") else act) if act else None
    known = {pkg + a if a.startswith(".") else a for a in (rec.activities if rec else [])}
    if rec is None or (act and known and full_act not in known):
        p.err("Error type 3\n")
        p.err(f"Error: Activity class {{{pkg}/{full_act or ''}}} does not exist.\n")
        return 0
    if p.runtime is None:
        return _no_runtime(p)
    if stop:
        p.runtime.force_stop(pkg)
    was_running = p.runtime.pid_of(pkg) is not None
    try:
        result = p.runtime.launch(pkg, act, wait_debugger=debug)
    except (JavaAppError, NativeBuildError) as exc:  # the sim host cannot build the app's runtime
        p.err(f"Error: {pkg} cannot start on this sim device: {exc}\n")
        return 1
    if wait:
        p.out("Status: ok\n")
        p.out(f"LaunchState: {'COLD' if result.cold and not was_running else 'WARM'}\n")
        p.out(f"Activity: {result.activity}\n")
        p.out(f"TotalTime: {result.total_ms}\nWaitTime: {result.total_ms + 3}\nComplete\n")
    elif was_running:
        p.out("Warning: Activity not started, intent has been delivered to currently running top-most instance.\n")
    return 0


def monkey(p: Proc, args: list[str]) -> int:
    for a in args:
        p.out(f"  bash arg: {a}\n")
    pkg = args[args.index("-p") + 1] if "-p" in args and args.index("-p") + 1 < len(args) else None
    rec = p.device.packages.get(pkg or "")
    if rec is None or not rec.launcher_activity:
        p.err("** No activities found to run, monkey aborted.\n")
        return 252
    if p.runtime is None:
        return _no_runtime(p)
    start = time.monotonic()
    try:
        p.runtime.launch(rec.package, rec.launcher_activity)
    except (JavaAppError, NativeBuildError) as exc:
        p.err(f"** {rec.package} cannot start on this sim device: {exc}\n")
        return 252
    ms = int((time.monotonic() - start) * 1000)
    p.out(f"Events injected: 1\n## Network stats: elapsed time={ms}ms (0ms mobile, 0ms wifi, {ms}ms not connected)\n")
    return 0


def _processes(p: Proc) -> list[tuple[int, int, str, str]]:
    """(pid, ppid, user, name) of every process the device shows."""
    rows = [(pid, 0 if pid in (1, 2) else (2 if name.startswith("[") else 1), user, name)
            for pid, user, name in SYSTEM_PROCESSES]
    if p.runtime is not None:
        with p.device._lock:
            uids = {r.package: r.uid for r in p.device.packages.values()}
        for pid, name in p.runtime.processes():
            uid = uids.get(name.split(":")[0], 10100)
            rows.append((pid, 298, f"u0_a{uid - 10000}", name))
    standin = p.device.frida
    if standin is not None:
        rows.append((standin.pid, 1, "root", "frida-server"))
    return rows


def pidof(p: Proc, args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")]
    pids = [str(pid) for pid, _pp, _u, name in _processes(p) if name in names]
    if not pids:
        return 1
    p.out(" ".join(pids) + "\n")
    return 0


def ps(p: Proc, args: list[str]) -> int:
    cols = None
    if "-o" in args and args.index("-o") + 1 < len(args):
        cols = [c.strip().upper() for c in args[args.index("-o") + 1].split(",") if c.strip()]
    names = [a for a in args if not a.startswith("-") and a != (args[args.index("-o") + 1] if "-o" in args else None)]
    rows = sorted(_processes(p))
    if names:
        rows = [r for r in rows if r[3] in names or str(r[0]) in names]
    if cols:
        widths = {"PID": 5, "PPID": 5, "USER": -12, "NAME": 0, "ARGS": 0, "CMD": 0, "S": 1}
        def cell(c: str, v: str) -> str:
            w = widths.get(c, 0)
            return v.rjust(w) if w > 0 else v.ljust(-w) if w < 0 else v
        p.out(" ".join(cell(c, c) for c in cols) + "\n")
        for pid, ppid, user, name in rows:
            values = {"PID": str(pid), "PPID": str(ppid), "USER": user, "NAME": name, "ARGS": name, "CMD": name,
                      "S": "S"}
            p.out(" ".join(cell(c, values.get(c, "?")) for c in cols) + "\n")
        return 0
    p.out(f"{'USER':<12} {'PID':>5} {'PPID':>5} {'VSZ':>7} {'RSS':>6} {'WCHAN':<16} {'ADDR':>4} S NAME\n")
    for pid, ppid, user, name in rows:
        kernel = name.startswith("[")
        vsz, rss = (0, 0) if kernel else (14_000_000 + pid * 37 % 900_000, 90_000 + pid * 13 % 40_000)
        wchan = "kthreadd" if kernel else "do_epoll_wait"
        p.out(f"{user:<12} {pid:>5} {ppid:>5} {vsz:>7} {rss:>6} {wchan:<16} {0:>4} S {name}\n")
    return 0


def kill(p: Proc, args: list[str]) -> int:
    signum = int(signal.SIGTERM)
    pids: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-s" and i + 1 < len(args):
            name = args[i + 1].upper().removeprefix("SIG")
            signum = SIGNALS.get(name, int(name) if name.isdigit() else signum)
            i += 1
        elif a == "-l":
            p.out(" ".join(sorted(SIGNALS, key=SIGNALS.__getitem__)) + "\n")
            return 0
        elif a.startswith("-") and len(a) > 1:
            name = a[1:].upper().removeprefix("SIG")
            signum = int(name) if name.isdigit() else SIGNALS.get(name, signum)
        else:
            pids.append(a)
        i += 1
    status = 0
    from harness.sim.commands.root import stop_frida, uid_of
    from harness.sim.shell_exec import find_job

    for pid_s in pids:
        job = find_job(p.device, int(pid_s)) if pid_s.isdigit() else None
        if job is not None:  # a background job of a sim shell (`screenrecord x.mp4 &`)
            job.signal(signum)
            continue
        standin = p.device.frida
        if standin is not None and pid_s == str(standin.pid):
            if uid_of(p) != 0:
                p.err(f"/system/bin/sh: kill: {pid_s}: Operation not permitted\n")
                status = 1
            elif signum != 0:
                stop_frida(p, standin.pid)
            continue
        ok = pid_s.isdigit() and p.runtime is not None and p.runtime.signal(int(pid_s), signum)
        if not ok:
            p.err(f"/system/bin/sh: kill: {pid_s}: No such process\n")
            status = 1
    return status


def _keycode(name: str) -> int | None:
    if name.isdigit():
        return int(name)
    return KEYCODES.get(name.upper().removeprefix("KEYCODE_"))


def input_(p: Proc, args: list[str]) -> int:
    while args and args[0] in ("touchscreen", "keyboard", "mouse", "touchpad", "-d"):
        args = args[2:] if args[0] == "-d" else args[1:]
    if not args:
        p.err("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n")
        return 1
    rt = p.runtime
    if rt is None:
        return _no_runtime(p)
    verb, rest = args[0], args[1:]
    try:
        if verb == "tap" and len(rest) >= 2:
            rt.input_tap(int(float(rest[0])), int(float(rest[1])))
        elif verb in ("swipe", "draganddrop") and len(rest) >= 4:
            nums = [int(float(x)) for x in rest[:5]]
            rt.input_swipe(nums[0], nums[1], nums[2], nums[3], nums[4] if len(nums) > 4 else 300)
        elif verb == "text" and rest:
            rt.input_text(" ".join(rest).replace("%s", " "))
        elif verb == "keyevent" and rest:
            for name in (r for r in rest if not r.startswith("--")):
                code = _keycode(name)
                if code is None:
                    p.err(f"Error: Unknown keycode: {name}\n")
                    return 1
                rt.input_keyevent(code)
        else:
            p.err(f"Error: Unknown command: {verb}\n")
            return 1
    except ValueError as exc:
        p.err(f"Error: {exc}\n")
        return 1
    return 0


def uiautomator(p: Proc, args: list[str]) -> int:
    if not args or args[0] != "dump":
        p.err("Usage: uiautomator <subcommand> [options]\n\nAvailable subcommands:\n\n"
              "help: displays help message\n\nruntest: executes UI automation tests\n\n"
              "dump: creates an XML dump of current UI hierarchy\n\nevents: prints out accessibility events until terminated\n")
        return 1
    target = next((a for a in args[1:] if not a.startswith("-")), "/sdcard/window_dump.xml")
    faults = p.device.faults
    if faults.dump_delay_s:
        time.sleep(min(faults.dump_delay_s, 600))
    if faults.dump_fail:
        p.err("ERROR: null root node returned by UiTestAutomationBridge.\n")
        return 0
    if faults.secure_window:
        xml = EMPTY_DUMP
    elif p.runtime is None:
        return _no_runtime(p)
    else:
        xml = p.runtime.dump_hierarchy()
    if target == "/dev/tty":
        p.out(xml)
    else:
        path = p.device.host_path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xml, encoding="utf-8")
    p.out(f"UI hierchary dumped to: {target}\n")
    return 0


def _blank_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1080, 2400), (0, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def screencap(p: Proc, args: list[str]) -> int:
    png_flag = "-p" in args
    target = next((a for a in args if not a.startswith("-")), None)
    png = _blank_png() if p.device.faults.secure_window or p.runtime is None else p.runtime.screenshot_png()
    if target and (png_flag or target.endswith(".png")):
        data = png
    else:
        from PIL import Image

        img = Image.open(io.BytesIO(png)).convert("RGBA")
        data = png if png_flag else struct.pack("<IIII", img.width, img.height, 1, 0) + img.tobytes()
    if target:
        path = p.device.host_path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    else:
        p.out(data)
    return 0


def launcher(p: Proc) -> tuple[str, str]:
    return p.runtime.foreground() if p.runtime is not None else P.LAUNCHER


COMMANDS = {
    "am": am, "monkey": monkey, "pidof": pidof, "ps": ps, "kill": kill, "input": input_,
    "uiautomator": uiautomator, "screencap": screencap,
}
