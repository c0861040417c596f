"""`pm` (and `cmd package`): install (pushed file or streamed with -S), uninstall, list, path,
grant/revoke, clear. Installs validate the sim app with the model loader and store the apk where
Android 11+ puts it: `/data/app/~~<rand>==/<pkg>-<rand>==/base.apk`."""

from __future__ import annotations

import base64
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from harness.sim import props as P
from harness.sim.device import Package, is_runtime_permission
from harness.sim.shell_exec import Proc

MAX_APK = 256 * 1024 * 1024


def _rand() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=") + "=="


def install_file(p: Proc, source: Path, grant_all: bool = False) -> tuple[bool, str]:
    """Validate and install a sim app from a host file; (ok, pm's message)."""
    dev = p.device
    if dev.app_loader is None:  # a DeviceState not set up by SimDevice cannot validate apps
        return False, f"Failure [INSTALL_PARSE_FAILED_NOT_APK: Failed to parse {source.name}: no sim app loader]"
    try:
        model = dev.app_loader(source)
    except Exception as exc:  # SimAppError and anything a hostile zip raises
        return False, f"Failure [INSTALL_PARSE_FAILED_NOT_APK: Failed to parse {source.name}: {exc}]"
    pkg = model.package
    with dev._lock:
        old = dev.packages.get(pkg)
    if old is not None and p.runtime is not None:
        p.runtime.force_stop(pkg)
    rel = f"/data/app/~~{_rand()}/{pkg}-{_rand()}/base.apk"
    target = dev.host_path(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    dev.host_path(f"/data/data/{pkg}").mkdir(parents=True, exist_ok=True)
    perms = list(dict.fromkeys(model.permissions))
    with dev._lock:
        uid = old.uid if old else 10100 + len([x for x in dev.packages.values()])
        granted = [g for g in (old.granted if old else []) if g in perms]
        if grant_all:
            granted = [x for x in perms if is_runtime_permission(x)]
        dev.packages[pkg] = Package(
            package=pkg, apk=rel, label=model.label, version_name=str(model.version_name),
            version_code=int(model.version_code), permissions=perms,
            launcher_activity=getattr(model, "launcher_activity", None) or getattr(model, "launcher", None), activities=list(model.activities),
            uid=uid, installed_at=old.installed_at if old else time.time(), granted=granted)
        dev.save()
    if old is not None:
        old_dir = dev.host_path(old.apk).parent.parent
        if old_dir.name.startswith("~~"):
            shutil.rmtree(old_dir, ignore_errors=True)
    dev.logcat("PackageManager", f"Installed {pkg} at {rel}")
    return True, "Success"


def _install(p: Proc, args: list[str]) -> int:
    size = None
    grant_all = False
    path = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-S" and i + 1 < len(args):
            size = int(args[i + 1]) if args[i + 1].isdigit() else -1
            i += 1
        elif a == "-g":
            grant_all = True
        elif a in ("-i", "--user", "--install-reason", "--abi", "-p") and i + 1 < len(args):
            i += 1
        elif not a.startswith("-"):
            path = a
        i += 1
    if size is not None:
        if size < 0 or size > MAX_APK:
            p.out("Failure [INSTALL_FAILED_INVALID_APK: bad size]\n")
            return 1
        data = p.read_stdin_exact(size)
        if len(data) != size:
            p.out(f"Failure [INSTALL_FAILED_INVALID_APK: read {len(data)} of {size} bytes]\n")
            return 1
        with tempfile.TemporaryDirectory(prefix="sim-install-") as tmp:
            src = Path(tmp) / "base.apk"
            src.write_bytes(data)
            ok, msg = install_file(p, src, grant_all)
    elif path is None:
        p.err("Error: must either specify a package size or an APK file\n")
        return 1
    else:
        src = p.device.host_path(path)
        if not src.is_file():
            p.err(f"Error: Unable to open file: {path}\nConsider using a file under /data/local/tmp/\n"
                  f"Error: Can't open file: {path}\n")
            p.out(f"Exception occurred while executing 'install':\njava.lang.IllegalArgumentException: "
                  f"Error: Can't open file: {path}\n")
            return 1
        ok, msg = install_file(p, src, grant_all)
    p.out(msg + "\n")
    return 0 if ok else 1


def _uninstall(p: Proc, args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")]
    if not names:
        p.err("Error: package name not specified\n")
        return 1
    dev = p.device
    pkg = names[-1]
    with dev._lock:
        rec = dev.packages.pop(pkg, None)
        dev.save()
    if rec is None:
        p.out("Failure [DELETE_FAILED_INTERNAL_ERROR]\n")
        return 1
    if p.runtime is not None:
        p.runtime.force_stop(pkg)
    apk_dir = dev.host_path(rec.apk).parent.parent
    if apk_dir.name.startswith("~~"):
        shutil.rmtree(apk_dir, ignore_errors=True)
    shutil.rmtree(dev.host_path(f"/data/data/{pkg}"), ignore_errors=True)
    p.out("Success\n")
    return 0


def _list(p: Proc, args: list[str]) -> int:
    if not args or args[0] != "packages":
        if args and args[0] == "permissions":
            return 0
        p.err(f"Error: unknown list type '{args[0] if args else ''}'\n")
        return 1
    flags = "".join(a[1:] for a in args[1:] if a.startswith("-"))
    filt = next((a for a in args[1:] if not a.startswith("-")), "")
    rows: list[tuple[str, str]] = []
    if "3" not in flags:
        rows += list(P.SYSTEM_PACKAGES)
    if "s" not in flags:
        with p.device._lock:
            rows += [(r.package, r.apk) for r in p.device.packages.values()]
    for pkg, apk in rows:
        if filt in pkg:
            p.out(f"package:{apk}={pkg}\n" if "f" in flags else f"package:{pkg}\n")
    return 0


def _path(p: Proc, args: list[str]) -> int:
    pkg = next((a for a in args if not a.startswith("-")), None)
    with p.device._lock:
        rec = p.device.packages.get(pkg or "")
    system = dict(P.SYSTEM_PACKAGES).get(pkg or "")
    if rec is None and system is None:
        return 1
    p.out(f"package:{rec.apk if rec else system}\n")
    return 0


def _grant(p: Proc, args: list[str], grant: bool) -> int:
    verb = "grant" if grant else "revoke"
    rest = [a for a in args if not a.startswith("-")]
    if len(rest) < 2:
        p.err("Error: no permission specified\n")
        return 1
    pkg, perm = rest[0], rest[1]
    with p.device._lock:
        rec = p.device.packages.get(pkg)
    if rec is None:
        p.err(f"Exception occurred while executing '{verb}':\n"
              f"java.lang.IllegalArgumentException: Unknown package: {pkg}\n")
        return 255
    if perm not in rec.permissions:
        p.err(f"Exception occurred while executing '{verb}':\n"
              f"java.lang.SecurityException: Package {pkg} has not requested permission {perm}\n")
        return 255
    if not is_runtime_permission(perm):
        p.err(f"Exception occurred while executing '{verb}':\n"
              f"java.lang.SecurityException: Permission {perm} requested by {pkg} is not a changeable "
              "permission type\n")
        return 255
    p.device.set_permission(pkg, perm, grant)
    if not grant and p.runtime is not None and p.runtime.pid_of(pkg):
        p.runtime.force_stop(pkg)  # Android kills an app whose permission is revoked
    return 0


def _clear(p: Proc, args: list[str]) -> int:
    pkg = next((a for a in args if not a.startswith("-")), "")
    with p.device._lock:
        rec = p.device.packages.get(pkg)
    if rec is None:
        p.out("Failed\n")
        return 1
    if p.runtime is not None:
        p.runtime.force_stop(pkg)
        p.runtime.clear_data(pkg)
    data = p.device.host_path(f"/data/data/{pkg}")
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    with p.device._lock:
        rec.granted.clear()
        p.device.save()
    p.out("Success\n")
    return 0


def pm(p: Proc, args: list[str]) -> int:
    if not args:
        p.err("usage: pm path [--user USER_ID] PACKAGE\n       pm install [-r] [-t] [-g] [-S SIZE] PATH\n")
        return 1
    verb, rest = args[0], args[1:]
    if verb == "install":
        return _install(p, rest)
    if verb == "uninstall":
        return _uninstall(p, rest)
    if verb == "list":
        return _list(p, rest)
    if verb == "path":
        return _path(p, rest)
    if verb in ("grant", "revoke"):
        return _grant(p, rest, verb == "grant")
    if verb == "clear":
        return _clear(p, rest)
    if verb == "resolve-activity":
        pkg = next((a for a in rest if not a.startswith("-")), "")
        rec = p.device.packages.get(pkg)
        if rec is None or not rec.launcher_activity:
            p.out("No activity found\n")
            return 0
        p.out(f"{pkg}/{rec.launcher_activity}\n")
        return 0
    p.err(f"Unknown command: {verb}\n")
    return 255


def cmd(p: Proc, args: list[str]) -> int:
    """`cmd SERVICE ...`: the binder shell commands adb 29's streamed install uses."""
    from harness.sim.commands import COMMANDS

    if not args:
        p.err("cmd: No service specified; use -l to list all running services. Use -w to start and wait for a service.\n")
        return 20
    if args[0] == "clipboard":
        from harness.sim.commands.telephony import clipboard

        return clipboard(p, args[1:])
    if args[0] == "location":
        from harness.sim.commands.sensors import location_cmd

        return location_cmd(p, args[1:])
    alias = {"package": "pm", "activity": "am", "settings": "settings", "window": "wm"}.get(args[0])
    if alias is None:
        p.err(f"cmd: Can't find service: {args[0]}\n")
        return 20
    return COMMANDS[alias](p, args[1:])


COMMANDS = {"pm": pm, "cmd": cmd}
