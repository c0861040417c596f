"""Shell commands an app runs (Runtime.exec, ProcessBuilder, popen, system, execve, posix_spawn),
read as what they obtain.

SDKs read identifiers through the shell as often as through the API: `getprop ro.serialno`,
`cat /sys/class/net/wlan0/address`, `settings get secure android_id`, `ip addr`, `cat
/proc/net/arp`, `pm list packages`. A command line is split into its simple commands (through
`sh -c`, `;`, `&&`, `||` and pipes) and each is matched against the Android tools that return
personal information. The result is the row's category (the first read's), its `pi`, and the
reads as evidence; a command that reads nothing is a `process` start, and only `am start`,
`monkey -p` and `pm install` make an `app_launch` or `install`.

Identifier properties, settings and files are decided by the same tables as the API hooks
(`PROP_PI`/`PROP_CATEGORIES`, `ID_SETTINGS`, the catalogue's `paths:`), so a `getprop` in a shell
and a `__system_property_get` call of the same name agree."""

from __future__ import annotations

import fnmatch
import functools
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.catalogue import PI_CATEGORIES
from harness.instrument.rows import ID_SETTINGS, PATH_CATEGORIES, PROP_CATEGORIES, PROP_PI

MAX_COMMAND = 4096
PROP_PI_RE = re.compile(PROP_PI)
PROP_RES = tuple((re.compile(p), c) for p, c in PROP_CATEGORIES)
PATH_RES = tuple((re.compile(p), c) for p, c in PATH_CATEGORIES)
# tools that print the files named in their arguments
FILE_READERS = {"cat", "head", "tail", "more", "less", "strings", "grep", "egrep", "fgrep", "awk", "sed", "cut",
                "xxd", "od", "hexdump", "base64", "md5sum", "sha1sum", "sha256sum", "tr", "sort", "uniq", "wc"}
WRAPPERS = {"busybox", "toybox", "toolbox", "su", "nohup", "timeout", "nice", "env", "exec", "command"}
SHELLS = {"sh", "bash", "mksh", "ash", "dash", "zsh"}
LAUNCH = re.compile(r"^(am\s+(start|startservice|start-activity|start-service|start-foreground-service|broadcast)"
                    r"|cmd\s+activity\s+start|monkey\s+-p)\b")
INSTALL = re.compile(r"^(pm\s+install|cmd\s+package\s+install)\b")


@functools.cache
def catalogue_paths() -> tuple[str, ...]:
    """The identifier-file globs of the catalogue (`paths:`), shared with the native file hooks."""
    from harness.catalogue import load_catalogue

    return load_catalogue().paths


@dataclass(frozen=True)
class Read:
    """One piece of personal information a simple command obtains."""

    tool: str  # getprop, cat, settings, ip, ...
    target: str  # property, file, setting, subcommand
    category: str

    def to_json(self) -> dict[str, str]:
        return {"tool": self.tool, "target": self.target, "category": self.category}


@dataclass(frozen=True)
class Verdict:
    category: str
    pi: bool
    reads: tuple[Read, ...]

    def args(self, command: str) -> dict[str, object]:
        out: dict[str, object] = {"command": command}
        if self.reads:
            out["reads"] = [r.to_json() for r in self.reads]
        return out


def prop_category(name: str) -> str | None:
    """Category of an identifier property, None when the property is not an identifier."""
    low = name.lower()
    if not PROP_PI_RE.search(low):
        return None
    return next((c for r, c in PROP_RES if r.search(low)), "device_id")


def path_category(path: str, globs: Sequence[str] | None = None) -> str | None:
    """Category of an identifier file (the catalogue's `paths:` globs, `*` across `/`)."""
    if not any(fnmatch.fnmatchcase(path, g) for g in (catalogue_paths() if globs is None else globs)):
        return None
    return next((c for r, c in PATH_RES if r.search(path)), "device_id")


def split_commands(line: str) -> list[list[str]]:
    """The simple commands of a command line, as argv lists; `sh -c '...'` is opened up."""
    line = line[:MAX_COMMAND]
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lex.whitespace_split = True
        tokens = list(lex)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        tokens = line.split()
    out: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if tok and set(tok) <= set(";&|"):
            if cur:
                out.append(cur)
            cur = []
        elif not re.fullmatch(r"\d*[<>]&?\d*", tok):
            cur.append(tok)
    if cur:
        out.append(cur)
    expanded: list[list[str]] = []
    for argv in out:
        argv = _unwrap(argv)
        if argv and _base(argv[0]) in SHELLS and "-c" in argv[1:-1]:
            expanded += split_commands(argv[argv.index("-c") + 1])
        elif argv:
            expanded.append(argv)
    return expanded


def _base(prog: str) -> str:
    return prog.rsplit("/", 1)[-1]


def _unwrap(argv: list[str]) -> list[str]:
    """`busybox cat x` -> `cat x`; `su -c 'cmd'` -> `sh -c 'cmd'`; `env A=b cmd` -> `cmd`."""
    while argv and _base(argv[0]) in WRAPPERS:
        tool = _base(argv[0])
        rest = argv[1:]
        if tool == "su":
            return ["sh", *rest] if "-c" in rest else []
        if tool == "timeout" and rest:
            rest = rest[1:]
        while rest and (rest[0].startswith("-") or (tool == "env" and "=" in rest[0])):
            rest = rest[1:]
        argv = rest
    return argv


def reads_of(argv: list[str], globs: Sequence[str] | None = None) -> list[Read]:
    """What one simple command reads."""
    tool = _base(argv[0])
    args = [a for a in argv[1:] if not a.startswith("-")]
    if tool == "getprop":
        if not args:  # every property, serial and SIM ones included
            return [Read("getprop", "*", "device_id")]
        cat = prop_category(args[0])
        return [Read("getprop", args[0], cat)] if cat else []
    if tool in FILE_READERS:
        out = []
        for a in argv[1:]:
            path = a.split("=", 1)[1] if a.startswith("if=") else a
            cat = path_category(path, globs) if path.startswith("/") else None
            if cat:
                out.append(Read(tool, path, cat))
        return out
    if tool == "dd":
        paths = [a[3:] for a in argv[1:] if a.startswith("if=")]
        return [Read("dd", p, c) for p in paths if (c := path_category(p, globs))]
    if tool == "settings" and len(args) >= 3 and args[0] == "get":
        cat = ID_SETTINGS.get(args[2])
        return [Read("settings", f"{args[1]} {args[2]}", cat)] if cat else []
    if tool == "content" and args[:1] == ["query"]:
        uri = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--uri"), "")
        if "settings/secure" in uri and "android_id" in " ".join(argv):
            return [Read("content", uri, "device_id")]
    if tool == "ip":
        sub = args[0] if args else ""
        if sub in ("a", "ad", "addr", "address"):
            return [Read("ip", "addr", "ip_address"), Read("ip", "addr", "wifi_info")]
        if sub in ("l", "li", "link"):
            return [Read("ip", "link", "wifi_info")]
        if sub in ("n", "ne", "neigh", "neighbor", "neighbour"):
            return [Read("ip", "neigh", "network_info")]
        if sub in ("r", "ro", "route"):
            return [Read("ip", "route", "ip_address")]
        return []
    if tool == "ifconfig":
        return [Read("ifconfig", args[0] if args else "*", "ip_address"),
                Read("ifconfig", args[0] if args else "*", "wifi_info")]
    if tool in ("arp", "netstat", "ss"):
        return [Read(tool, " ".join(args) or "*", "network_info")]
    if tool in ("pm", "cmd"):
        words = args[1:] if tool == "cmd" and args[:1] == ["package"] else args
        if words[:2] == ["list", "packages"] or words[:1] == ["list-packages"]:
            return [Read(tool, "list packages", "installed_apps")]
        return []
    if tool == "dumpsys" and args:
        what = {"package": "installed_apps", "iphonesubinfo": "device_id", "wifi": "wifi_info",
                "bluetooth_manager": "bluetooth", "location": "location", "account": "accounts"}.get(args[0])
        return [Read("dumpsys", args[0], what)] if what else []
    if tool == "service" and args[:2] == ["call", "iphonesubinfo"]:
        return [Read("service", " ".join(args[1:3]), "device_id")]
    return []


def classify(command: str | Iterable[str], globs: Sequence[str] | None = None) -> Verdict:
    """The verdict on one command line (a string) or argv (a list)."""
    line = command if isinstance(command, str) else " ".join(shlex.quote(a) for a in command)
    reads: list[Read] = []
    launch = install = False
    for argv in split_commands(line):
        reads += reads_of(argv, globs)
        simple = " ".join([_base(argv[0]), *argv[1:]])
        install = install or bool(INSTALL.match(simple))
        launch = launch or bool(LAUNCH.match(simple))
    uniq = tuple(dict.fromkeys(reads))
    if uniq:
        return Verdict(uniq[0].category, uniq[0].category in PI_CATEGORIES, uniq)
    if install:
        return Verdict("install", True, ())
    if launch:
        return Verdict("app_launch", True, ())
    return Verdict("process", False, ())


def native_value(kind: str, blob: bytes) -> dict[str, object]:
    """The agent's record of a native command hook: `command` (popen/system: the line) or `argv`
    (posix_spawn: "path\0argv joined by 0x1f"): the argv as one shell-quoted command line."""
    if kind == "command":
        return {"command": blob.decode("utf-8", "replace")}
    path, _, joined = blob.partition(b"\0")
    argv = [a.decode("utf-8", "replace") for a in joined.split(b"\x1f")]
    return {"path": path.decode("utf-8", "replace"), "command": shlex.join(argv)}


def refine(value: dict[str, object]) -> tuple[str, bool, dict[str, object]]:
    """(category, pi, args) of a command row, from its `command` text."""
    command = str(value.get("command") or "")
    v = classify(command)
    return v.category, v.pi, {**value, **v.args(command)}
