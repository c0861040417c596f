"""Who runs a command: `id`, `whoami`, AOSP's `su`, and executing pushed files (the frida-server
stand-in of the emulator profile).

The shell's user is root when adbd runs as root (the default profile, or after `adb root` on the
emulator profile) and `shell` (uid 2000) otherwise. AOSP's userdebug `su` takes `su [WHO [CMD...]]`
(`su 0 id`), not SuperSU/Magisk's `su -c CMD`: `su -c` fails here as it does on an emulator image."""

from __future__ import annotations

import itertools
import shlex

from harness.sim.shell_exec import Proc, Shell

_ID_ROOT = ("uid=0(root) gid=0(root) groups=0(root),1004(input),1007(log),1011(adb),1015(sdcard_rw),"
            "1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),"
            "3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) context=u:r:su:s0\n")
_ID_SHELL = ("uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),"
             "1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),"
             "3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) context=u:r:shell:s0\n")
_FRIDA_PIDS = itertools.count(7301)


def uid_of(p: Proc) -> int:
    """The uid the command runs as: set by `su` on its shell, else adbd's."""
    uid = getattr(p.shell, "uid", None)
    if uid is None:
        return 0 if p.device.adbd_root else 2000
    return int(uid)


def id_(p: Proc, args: list[str]) -> int:
    root = uid_of(p) == 0
    if "-u" in args:
        p.out("0\n" if root else "2000\n")
    elif "-un" in args or ("-u" in args and "-n" in args):
        p.out("root\n" if root else "shell\n")
    else:
        p.out(_ID_ROOT if root else _ID_SHELL)
    return 0


def whoami(p: Proc, args: list[str]) -> int:
    p.out("root\n" if uid_of(p) == 0 else "shell\n")
    return 0


def su(p: Proc, args: list[str]) -> int:
    """`su [WHO [COMMAND...]]` as in AOSP system/extras/su (userdebug builds only)."""
    if not p.device.profile.su:
        p.err("/system/bin/sh: su: inaccessible or not found\n")
        return 127
    if not args:
        p.err("su: interactive shells are not supported by the sim; give a command\n")
        return 1
    who = args[0]
    if who not in ("0", "root"):
        p.err(f"su: unknown user {who}\n" if not who.startswith("-") else f"su: invalid uid/gid '{who}'\n")
        return 1
    line = " ".join(shlex.quote(a) for a in args[1:]) if len(args) > 2 else (args[1] if len(args) == 2 else "id")
    shell = Shell(p.device, p.runtime, emit=None, read_stdin=p.read_stdin, is_closed=p.closed)
    shell.uid = 0  # type: ignore[attr-defined]
    sub_out: list[bytes] = []
    shell.emit = lambda channel, data: sub_out.append(data) if channel == 1 else p.err(data)
    status = shell.run_line(line)
    p.out(b"".join(sub_out))
    return status


def exec_file(p: Proc, args: list[str]) -> int:
    """Run a pushed file: the frida-server stand-in, or an honest refusal for anything else."""
    from harness.sim.frida_standin import FridaStandin, standin_version

    name = p.argv[0]
    path = p.device.host_path(name)
    if not path.is_file():
        p.err(f"/system/bin/sh: {name}: inaccessible or not found\n")
        return 127
    if not path.stat().st_mode & 0o111:
        p.err(f"/system/bin/sh: {name}: can't execute: Permission denied\n")
        return 126
    with open(path, "rb") as fh:
        head = fh.read(4096)
    version = standin_version(head)
    if version is None:
        p.err(f"/system/bin/sh: {name}: not executable: the sim runs only its frida-server stand-in\n")
        return 126
    if "--version" in args:
        p.out(version + "\n")
        return 0
    if uid_of(p) != 0:  # what frida-server prints when started without root
        p.err("Unable to load SELinux policy from the kernel: Failed to open file “/sys/fs/selinux/policy”: "
              "Permission denied\n")
        return 1
    with p.device._lock:
        if p.device.frida is not None:
            p.err("Unable to start: Error binding to address 127.0.0.1:27042: Address already in use\n")
            return 1
        p.device.frida = FridaStandin(next(_FRIDA_PIDS), version)
    p.device.logcat("frida-server", f"frida-server {version} listening on 127.0.0.1:27042", pid=p.device.frida.pid)
    return 0


def stop_frida(p: Proc, pid: int) -> bool:
    """`kill PID` of the stand-in."""
    with p.device._lock:
        standin = p.device.frida
        if standin is None or standin.pid != pid:
            return False
        p.device.frida = None
    standin.stop()
    return True


COMMANDS = {"id": id_, "whoami": whoami, "su": su}
