"""`mount`, `umount`, `mountpoint`, `nsenter`, `cp`, `chown`, `chcon`: what installing a CA into
Android 14's Conscrypt APEX takes (see harness/sim/mounts.py for the namespace model).

Mounting needs root, as on a device; `nsenter --mount=/proc/PID/ns/mnt -- CMD` runs CMD in the
namespace of PID (zygote, zygote64, an app process, or init for anything else)."""

from __future__ import annotations

import shlex
import shutil

from harness.sim.commands.root import uid_of
from harness.sim.shell_exec import Proc, Shell


def _norm(path: str) -> str:
    parts = [x for x in path.split("/") if x not in ("", ".")]
    return "/" + "/".join(parts)


def _need_root(p: Proc, name: str) -> bool:
    if uid_of(p) != 0:
        p.err(f"{name}: Permission denied\n")
        return False
    return True


def mount(p: Proc, args: list[str]) -> int:
    if not args:  # list, as /proc/mounts reads
        for m in p.device.mounts.visible():
            p.out(f"{m.source} {m.target} {m.fstype if m.fstype == 'tmpfs' else 'none'} "
                  f"rw,{'bind,' if m.fstype == 'bind' else ''}relatime 0 0\n")
        return 0
    if not _need_root(p, "mount"):
        return 1
    rest = [a for a in args if a not in ("-o", "rw", "ro")]
    if rest[:2] == ["-t", "tmpfs"] and len(rest) >= 4:
        target = _norm(rest[3])
        if not p.device.host_path(target).is_dir():
            p.err(f"mount: '{rest[3]}'->'{rest[3]}': No such file or directory\n")
            return 1
        p.device.mounts.mount_tmpfs(target)
        return 0
    if rest[:1] == ["--bind"] and len(rest) == 3:
        source, target = _norm(rest[1]), _norm(rest[2])
        src_dir, dst_dir = p.device.host_path(source), p.device.host_path(target)
        if not src_dir.is_dir() or not dst_dir.is_dir():
            p.err(f"mount: '{rest[1]}'->'{rest[2]}': No such file or directory\n")
            return 1
        p.device.mounts.mount_bind(src_dir, source, target)
        return 0
    p.err("mount: the sim models `mount -t tmpfs tmpfs DIR` and `mount --bind SRC DIR`\n")
    return 1


def umount(p: Proc, args: list[str]) -> int:
    if not _need_root(p, "umount"):
        return 1
    status = 0
    for target in (a for a in args if not a.startswith("-")):
        if not p.device.mounts.umount(_norm(target)):
            p.err(f"umount: {target}: Invalid argument\n")
            status = 1
    return status


def mountpoint(p: Proc, args: list[str]) -> int:
    quiet = "-q" in args
    paths = [a for a in args if not a.startswith("-")]
    if not paths:
        p.err("usage: mountpoint [-qd] DIR\n")
        return 1
    is_mount = p.device.mounts.count(_norm(paths[0])) > 0
    if not quiet:
        p.out(f"{paths[0]} is {'' if is_mount else 'not '}a mountpoint\n")
    return 0 if is_mount else 1


def nsenter(p: Proc, args: list[str]) -> int:
    if not _need_root(p, "nsenter"):
        return 1
    target_pid = None
    i = 0
    while i < len(args) and args[i] != "--" and args[i].startswith("-"):
        a = args[i]
        if a.startswith("--mount="):
            spec = a.split("=", 1)[1]
            parts = spec.strip("/").split("/")
            if len(parts) == 4 and parts[0] == "proc" and parts[1].isdigit() and parts[2:] == ["ns", "mnt"]:
                target_pid = int(parts[1])
        elif a in ("-t", "--target") and i + 1 < len(args):
            target_pid = int(args[i + 1]) if args[i + 1].isdigit() else None
            i += 1
        i += 1
    command = args[i + 1:] if i < len(args) and args[i] == "--" else args[i:]
    if target_pid is None or not command:
        p.err("usage: nsenter --mount=/proc/PID/ns/mnt -- COMMAND...\n")
        return 1
    from harness.sim.commands.apps import _processes

    rows = {pid: name for pid, _pp, _u, name in _processes(p)}
    if target_pid not in rows:
        p.err(f"nsenter: open /proc/{target_pid}/ns/mnt: No such file or directory\n")
        return 1
    app_pids = {pid for pid, _name in (p.runtime.processes() if p.runtime is not None else [])}
    ns = p.device.mounts.ns_of_pid(target_pid, app_pids) or "init"
    shell = Shell(p.device, p.runtime, emit=lambda ch, data: p.out(data) if ch == 1 else p.err(data),
                  read_stdin=p.read_stdin, is_closed=p.closed)
    shell.uid = 0  # type: ignore[attr-defined]
    with p.device.mounts.entered(ns):
        return shell.run_line(" ".join(shlex.quote(c) for c in command))


def cp(p: Proc, args: list[str]) -> int:
    recursive = any(a.startswith("-") and ("r" in a or "R" in a or "a" in a) for a in args)
    paths = [a for a in args if not a.startswith("-")]
    if len(paths) < 2:
        p.err("usage: cp [-afprR] SOURCE... DEST\n")
        return 1
    *sources, dest = paths
    dest_path = p.device.host_path(dest)
    status = 0
    for src in sources:
        contents_only = src.rstrip("/").endswith("/.")
        src_path = p.device.host_path(src)
        try:
            if src_path.is_dir():
                if not recursive:
                    p.err(f"cp: Skipped dir '{src}'\n")
                    status = 1
                    continue
                target = dest_path if contents_only or not dest_path.is_dir() else dest_path / src_path.name
                shutil.copytree(src_path, target, dirs_exist_ok=True)
            elif src_path.is_file():
                target = dest_path / src_path.name if dest_path.is_dir() else dest_path
                shutil.copyfile(src_path, target)
            else:
                p.err(f"cp: {src}: No such file or directory\n")
                status = 1
        except OSError as exc:
            p.err(f"cp: {dest}: {exc.strerror}\n")
            status = 1
    return status


def chown(p: Proc, args: list[str]) -> int:
    return 0 if _need_root(p, "chown") else 1


def chcon(p: Proc, args: list[str]) -> int:
    return 0 if _need_root(p, "chcon") else 1


COMMANDS = {"mount": mount, "umount": umount, "mountpoint": mountpoint, "nsenter": nsenter, "cp": cp,
            "chown": chown, "chcon": chcon}
