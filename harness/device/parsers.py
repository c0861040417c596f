"""Parsers for what Android's shell commands print, Android 7 to 16.

Pure functions over text, tested against real outputs (../shared/android-samples) and against the
sim device. Each accepts the variants that real releases print (e.g. the focus lines moved from
`dumpsys window windows` to `dumpsys window displays` in Android 10) and returns None/empty rather
than raising when a device answers something unexpected."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PROP_LINE = re.compile(r"^\[(?P<key>[^\]]+)\]: \[(?P<value>.*)\]\s*$")


def parse_getprop(text: str) -> dict[str, str]:
    """`getprop` (all properties): lines `[key]: [value]`. Multi-line values keep their first line."""
    props: dict[str, str] = {}
    for line in text.splitlines():
        m = _PROP_LINE.match(line)
        if m:
            props[m["key"]] = m["value"]
    return props


@dataclass(frozen=True)
class PackagePermissions:
    """Permissions of one package as `dumpsys package PKG` reports them."""

    requested: tuple[str, ...]
    install: dict[str, bool]
    runtime: dict[str, bool]
    version_name: str | None
    version_code: int | None
    found: bool = True


_PERM_STATE = re.compile(r"^\s+(?P<name>[\w.]+): granted=(?P<granted>true|false)")
_VERSION_NAME = re.compile(r"^\s+versionName=(\S+)")
_VERSION_CODE = re.compile(r"^\s+versionCode=(\d+)")


def parse_dumpsys_package(text: str) -> PackagePermissions:
    """`dumpsys package PKG`: requested, install and runtime permissions (first user's block).

    Sections are found by their header line and last while lines stay indented deeper than it,
    which holds across Android 7-16 (extra flags, `restricted=true`, several users)."""
    if "Unable to find package" in text:
        return PackagePermissions((), {}, {}, None, None, found=False)
    requested: list[str] = []
    install: dict[str, bool] = {}
    runtime: dict[str, bool] = {}
    section: str | None = None
    section_indent = 0
    runtime_blocks = 0
    version_name = None
    version_code = None
    for line in text.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if section and indent <= section_indent:
            section = None
        if version_name is None and (m := _VERSION_NAME.match(line)):
            version_name = m.group(1)
        if version_code is None and (m := _VERSION_CODE.match(line)):
            version_code = int(m.group(1))
        if stripped in ("requested permissions:", "install permissions:", "runtime permissions:"):
            section = stripped.split()[0]
            section_indent = indent
            if section == "runtime":
                runtime_blocks += 1
                if runtime_blocks > 1:
                    section = "ignore"
            continue
        if section == "requested":
            requested.append(stripped.split(":")[0])
        elif section in ("install", "runtime"):
            m = _PERM_STATE.match(line)
            if m:
                (install if section == "install" else runtime)[m["name"]] = m["granted"] == "true"
    return PackagePermissions(tuple(requested), install, runtime, version_name, version_code)


_RECORD_COMPONENT = re.compile(r"\bu\d+ (?P<pkg>[\w.]+)/(?P<act>[\w.$]+)")


@dataclass(frozen=True)
class Foreground:
    package: str
    activity: str  # as printed: ".Main" or fully qualified

    @property
    def component(self) -> str:
        return f"{self.package}/{self.activity}"


def parse_focus(text: str) -> Foreground | None:
    """The focused app from `dumpsys window` (any subcommand) or `dumpsys activity activities`.

    Prefers mCurrentFocus (the window with input focus: a system permission dialog over the app
    shows up here), then mFocusedApp, then resumed activity lines. `mCurrentFocus=null` and
    focus on non-app windows (NotificationShade) fall through to the next source."""
    patterns = (
        r"mCurrentFocus=Window\{[^}]*\}",
        r"mFocusedWindow=Window\{[^}]*\}",
        r"mFocusedApp=\S*\{[^}]*\}",
        r"topResumedActivity=ActivityRecord\{[^}]*\}",
        r"mResumedActivity: ActivityRecord\{[^}]*\}",
        r"ResumedActivity: ActivityRecord\{[^}]*\}",
        r"Resumed: ActivityRecord\{[^}]*\}",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            comp = _RECORD_COMPONENT.search(m.group(0))
            if comp:
                return Foreground(comp["pkg"], comp["act"].rstrip("}"))
    return None


@dataclass(frozen=True)
class AmStartResult:
    ok: bool
    activity: str | None
    total_ms: int | None
    launch_state: str | None
    error: str | None


def parse_am_start(text: str) -> AmStartResult:
    """`am start -W`: Status, Activity, TotalTime; errors (`Error: Activity class ... does not exist`)."""
    errors = [ln.strip() for ln in text.splitlines() if ln.startswith(("Error", "Exception"))]
    # "Error type 3" only announces the real message on the next line.
    error = next((e for e in errors if not e.startswith("Error type")), errors[0] if errors else None)
    fields = dict(re.findall(r"^(Status|Activity|TotalTime|LaunchState): (.+)$", text, re.M))
    total = fields.get("TotalTime")
    ok = error is None and fields.get("Status", "ok") == "ok"
    return AmStartResult(ok, fields.get("Activity"), int(total) if total and total.isdigit() else None,
                         fields.get("LaunchState"), error)


def parse_pidof(text: str) -> list[int]:
    """`pidof NAME`: PIDs separated by spaces; empty output (exit 1) when not running."""
    return [int(tok) for tok in text.split() if tok.isdigit()]


def parse_pm_list(text: str) -> list[str]:
    """`pm list packages [-f]`: `package:NAME` or `package:/path/base.apk=NAME`."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("package:"):
            continue
        value = line[len("package:"):]
        if "=" in value and value.startswith("/"):
            value = value.rsplit("=", 1)[1]
        out.append(value)
    return out


def parse_pm_path(text: str) -> list[str]:
    """`pm path PKG`: one `package:/data/app/.../base.apk` line per split."""
    return [line.strip()[len("package:"):] for line in text.splitlines() if line.strip().startswith("package:")]
