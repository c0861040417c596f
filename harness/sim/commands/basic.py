"""toybox-like file and system commands on the sim's file tree, with Android's messages."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat as st
import time

from harness.sim.shell_exec import Proc

BIN = ("echo cat ls rm mkdir touch chmod which id whoami date getenforce sleep grep getprop setprop "
       "pm am cmd dumpsys settings input uiautomator screencap logcat content monkey pidof ps kill "
       "wm true false sh head wc pwd log ip ifconfig su service mount umount mountpoint nsenter cp chown chcon "
       "appops screenrecord").split()


def echo(p: Proc, args: list[str]) -> int:
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    p.out(" ".join(args) + ("\n" if newline else ""))
    return 0


def cat(p: Proc, args: list[str]) -> int:
    if not args or args == ["-"]:
        while chunk := p.read_stdin(-1):
            p.out(chunk)
        return 0
    status = 0
    from harness.sim.commands.root import uid_of

    for name in args:
        path = p.device.host_path(name)
        if uid_of(p) != 0 and name.startswith(("/data/data/", "/data/user/")):  # apps' private data
            p.err(f"cat: {name}: Permission denied\n")
            status = 1
        elif path.is_dir():
            p.err(f"cat: {name}: Is a directory\n")
            status = 1
        elif not path.is_file():
            p.err(f"cat: {name}: No such file or directory\n")
            status = 1
        else:
            with open(path, "rb") as fh:
                while chunk := fh.read(256 * 1024):
                    p.out(chunk)
    return status


def _mode_string(mode: int) -> str:
    kind = "d" if st.S_ISDIR(mode) else "l" if st.S_ISLNK(mode) else "-"
    bits = "".join(c if mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))
    return kind + bits


def ls(p: Proc, args: list[str]) -> int:
    long = any(a.startswith("-") and "l" in a for a in args)
    show_all = any(a.startswith("-") and "a" in a for a in args)
    paths = [a for a in args if not a.startswith("-")] or ["/"]
    status = 0
    for name in paths:
        path = p.device.host_path(name)
        if not path.exists():
            p.err(f"ls: {name}: No such file or directory\n")
            status = 1
            continue
        entries = sorted(os.listdir(path)) if path.is_dir() else [None]
        if show_all and path.is_dir():
            entries = [".", "..", *entries]
        for entry in entries:
            target = path if entry is None else path / entry
            label = name if entry is None else entry
            if long:
                s = os.lstat(target)
                when = dt.datetime.fromtimestamp(s.st_mtime).strftime("%Y-%m-%d %H:%M")
                p.out(f"{_mode_string(s.st_mode)} 1 root root {s.st_size:>8} {when} {label}\n")
            else:
                p.out(f"{label}\n")
    return status


def rm(p: Proc, args: list[str]) -> int:
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    status = 0
    for name in (a for a in args if not a.startswith("-")):
        path = p.device.host_path(name)
        if path == p.device.root:
            p.err("rm: /: Permission denied\n")
            status = 1
        elif path.is_dir() and not path.is_symlink():
            if "r" in flags or "R" in flags:
                shutil.rmtree(path, ignore_errors=True)
            else:
                p.err(f"rm: {name}: Is a directory\n")
                status = 1
        elif path.exists() or path.is_symlink():
            path.unlink()
        elif "f" not in flags:
            p.err(f"rm: {name}: No such file or directory\n")
            status = 1
    return status


def mkdir(p: Proc, args: list[str]) -> int:
    parents = "-p" in args
    status = 0
    for name in (a for a in args if not a.startswith("-")):
        path = p.device.host_path(name)
        try:
            path.mkdir(parents=parents, exist_ok=parents)
        except FileExistsError:
            p.err(f"mkdir: '{name}': File exists\n")
            status = 1
        except FileNotFoundError:
            p.err(f"mkdir: '{name}': No such file or directory\n")
            status = 1
    return status


def touch(p: Proc, args: list[str]) -> int:
    for name in (a for a in args if not a.startswith("-")):
        path = p.device.host_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return 0


def chmod(p: Proc, args: list[str]) -> int:
    rest = [a for a in args if not a.startswith("-")]
    if len(rest) < 2:
        p.err("chmod: Need 2 arguments (see \"chmod --help\")\n")
        return 1
    mode, names = rest[0], rest[1:]
    status = 0
    for name in names:
        path = p.device.host_path(name)
        if not path.exists():
            p.err(f"chmod: {name}: No such file or directory\n")
            status = 1
        elif re.fullmatch(r"[0-7]{3,4}", mode):
            os.chmod(path, int(mode, 8))
    return status


def which(p: Proc, args: list[str]) -> int:
    status = 0
    for name in args:
        if name in BIN:
            p.out(f"/system/bin/{name}\n")
        else:
            status = 1
    return status


def id_(p: Proc, args: list[str]) -> int:
    if "-u" in args:
        p.out("0\n")
    else:
        p.out("uid=0(root) gid=0(root) groups=0(root),1004(input),1007(log),1011(adb),1015(sdcard_rw),"
              "1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),"
              "3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) "
              "context=u:r:su:s0\n")
    return 0


def whoami(p: Proc, args: list[str]) -> int:
    p.out("root\n")
    return 0


def date(p: Proc, args: list[str]) -> int:
    ns = time.time_ns() + p.device.clock_offset_ns()  # the device's clock (the clock-jump fault moves it)
    now = ns / 1e9
    fmt = next((a[1:] for a in args if a.startswith("+")), None)
    if fmt is None:
        p.out(time.strftime("%a %b %e %H:%M:%S %Z %Y", time.localtime(now)) + "\n")
        return 0
    fmt = fmt.replace("%N", f"{ns % 1_000_000_000:09d}").replace("%s", str(ns // 1_000_000_000))
    p.out(time.strftime(fmt, time.localtime(now)) + "\n")
    return 0


def getenforce(p: Proc, args: list[str]) -> int:
    p.out("Enforcing\n")
    return 0


def sleep(p: Proc, args: list[str]) -> int:
    try:
        delay = min(float(args[0]), 3600.0) if args else 0.0
    except ValueError:
        p.err(f"sleep: invalid number '{args[0]}'\n")
        return 1
    end = time.monotonic() + delay
    while time.monotonic() < end and not p.stopped():
        time.sleep(min(0.1, max(0.0, end - time.monotonic())))
    sig = p.signalled()
    return 128 + sig if sig is not None else 0  # killed by a signal (`kill PID` of a `sleep &` job)


def grep(p: Proc, args: list[str]) -> int:
    flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
    rest = [a for a in args if not (a.startswith("-") and len(a) > 1)]
    if not rest:
        p.err("usage: grep [-EFivc] PATTERN [FILE...]\n")
        return 2
    pattern, files = rest[0], rest[1:]
    try:
        rx = re.compile(re.escape(pattern) if "F" in flags else pattern, re.I if "i" in flags else 0)
    except re.error:
        rx = re.compile(re.escape(pattern), re.I if "i" in flags else 0)
    text = b"".join(p.device.host_path(f).read_bytes() for f in files if p.device.host_path(f).is_file()) \
        if files else p.read_all_stdin()
    matched = [line for line in text.decode("utf-8", "replace").splitlines()
               if bool(rx.search(line)) != ("v" in flags)]
    if "c" in flags:
        p.out(f"{len(matched)}\n")
    else:
        for line in matched:
            p.out(line + "\n")
    return 0 if matched else 1


def head(p: Proc, args: list[str]) -> int:
    count = 10
    for i, a in enumerate(args):
        if a == "-n" and i + 1 < len(args) and args[i + 1].isdigit():
            count = int(args[i + 1])
        elif a.startswith("-") and a[1:].isdigit():
            count = int(a[1:])
    lines = p.read_all_stdin().decode("utf-8", "replace").splitlines()
    for line in lines[:count]:
        p.out(line + "\n")
    return 0


def wc(p: Proc, args: list[str]) -> int:
    data = p.read_all_stdin()
    if "-l" in args:
        p.out(f"{data.count(b'\n')}\n")
    else:
        p.out(f"{data.count(b'\n'):>7} {len(data.split()):>7} {len(data):>7}\n")
    return 0


def true(p: Proc, args: list[str]) -> int:
    return 0


def false(p: Proc, args: list[str]) -> int:
    return 1


MAX_SCRIPT = 1024 * 1024


def sh(p: Proc, args: list[str]) -> int:
    """`sh -c CMD [NAME ARG...]`, `sh FILE [ARG...]` (a pushed script, `$1`... its arguments) or
    `sh` reading its script from stdin; each in a new shell process, as mksh does."""
    if args[:1] == ["-c"]:
        if len(args) < 2:
            p.err("/system/bin/sh: -c: option requires an argument\n")
            return 2
        return p.child_shell(args[2:] or ["/system/bin/sh"]).run_line(args[1])
    if not args:
        script = p.read_all_stdin(MAX_SCRIPT).decode("utf-8", "replace")
        return p.child_shell(["/system/bin/sh"]).run_line(script)
    path = p.device.host_path(args[0])
    if not path.is_file():
        p.err(f"/system/bin/sh: can't open '{args[0]}': "
              f"{'Is a directory' if path.is_dir() else 'No such file or directory'}\n")
        return 127 if not path.exists() else 2
    if path.stat().st_size > MAX_SCRIPT:
        p.err(f"/system/bin/sh: {args[0]}: script larger than {MAX_SCRIPT} bytes\n")
        return 2
    script = path.read_bytes().decode("utf-8", "replace")
    return p.child_shell(list(args)).run_line(script)


def export(p: Proc, args: list[str]) -> int:
    """`export X=Y` (adb's logcat sends `export ANDROID_LOG_TAGS=...; exec logcat`): sets the shell
    variable (the sim's programs read no environment)."""
    for a in args:
        name, eq, value = a.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            p.shell.vars[name] = value
    return 0


def read(p: Proc, args: list[str]) -> int:
    """mksh's `read [-r] [NAME...]`: one line of stdin, byte by byte (so what follows the line stays
    for the next reader), split on blanks; status 1 at end of input with nothing read."""
    raw = "-r" in args
    names = [a for a in args if not a.startswith("-")] or ["REPLY"]
    line = bytearray()
    got_newline = False
    while len(line) < 64 * 1024:
        b = p.read_stdin(1)
        if not b:
            break
        if b == b"\n":
            if not raw and line.endswith(b"\\"):  # a backslash-newline continues the line
                line = line[:-1]
                continue
            got_newline = True
            break
        line += b
    text = line.decode("utf-8", "replace")
    if not raw:
        text = re.sub(r"\\(.)", r"\1", text)
    words = text.split(None, len(names) - 1) if len(names) > 1 else [text.strip(" \t")]
    for i, name in enumerate(names):
        p.shell.vars[name] = words[i] if i < len(words) else ""
    return 0 if got_newline or line else 1


def wait(p: Proc, args: list[str]) -> int:
    """`wait [PID...]`: until this shell's background jobs have ended; the status of the last PID."""
    pids: list[int] = []
    for a in args:
        if not a.isdigit():
            p.err(f"/system/bin/sh: wait: {a}: arguments must be jobs or process IDs\n")
            return 1
        pids.append(int(a))
    return p.shell.wait_jobs(pids or None)


def exec_(p: Proc, args: list[str]) -> int:
    from harness.sim.commands import COMMANDS

    if not args:
        return 0
    func = COMMANDS.get(args[0].rsplit("/", 1)[-1])
    if func is None:
        p.err(f"/system/bin/sh: exec: {args[0]}: not found\n")
        return 127
    return func(p, args[1:])


def getprop(p: Proc, args: list[str]) -> int:
    if args:
        value = p.device.getprop(args[0])
        p.out((value or (args[1] if len(args) > 1 else "")) + "\n")
        return 0
    items = sorted(p.device.all_props().items())
    p.out("".join(f"[{k}]: [{v}]\n" for k, v in items))
    return 0


def setprop(p: Proc, args: list[str]) -> int:
    if len(args) != 2:
        p.err("usage: setprop NAME VALUE\n\nSets an Android system property.\n")
        return 1
    if args[0].startswith("ro.") and p.device.getprop(args[0]):
        p.err(f"Failed to set property '{args[0]}' to '{args[1]}'.\n"
              "See dmesg for error reason.\n")
        return 1
    p.device.setprop(args[0], args[1])
    return 0


def wm(p: Proc, args: list[str]) -> int:
    if args[:1] == ["size"]:
        p.out("Physical size: 1080x2400\n")
    elif args[:1] == ["density"]:
        p.out("Physical density: 420\n")
    else:
        p.err("Error: unknown command '" + (args[0] if args else "") + "'\n")
        return 255
    return 0


COMMANDS = {
    "echo": echo, "cat": cat, "ls": ls, "rm": rm, "mkdir": mkdir, "touch": touch, "chmod": chmod,
    "which": which, "id": id_, "whoami": whoami, "date": date, "getenforce": getenforce, "sleep": sleep,
    "grep": grep, "head": head, "wc": wc, "true": true, "false": false, "sh": sh, "getprop": getprop,
    "setprop": setprop, "wm": wm, "export": export, "exec": exec_, "read": read, "wait": wait,
}
