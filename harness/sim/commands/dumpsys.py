"""`dumpsys package|activity|window|battery|power`: the sections and lines parsers look for,
in Android 14's shapes (runtime permission lines, topResumedActivity / ResumedActivity /
mResumedActivity, mCurrentFocus / mFocusedApp)."""

from __future__ import annotations

import time
import zlib

from harness.sim.commands.apps import launcher
from harness.sim.device import is_runtime_permission
from harness.sim.shell_exec import Proc


def _hex(*parts: object) -> str:
    return f"{zlib.crc32(repr(parts).encode()) & 0xFFFFFFF:x}"


def _short(pkg: str, activity: str) -> str:
    """`pkg/.Act` the way ActivityRecord prints components."""
    act = activity.split("/", 1)[-1]
    if act.startswith(pkg + "."):
        act = act[len(pkg):]
    return f"{pkg}/{act}"


def _long(pkg: str, activity: str) -> str:
    act = activity.split("/", 1)[-1]
    return f"{pkg}/{pkg + act if act.startswith('.') else act}"


def _package(p: Proc, pkg: str | None) -> int:
    rec = p.device.packages.get(pkg or "")
    if rec is None:
        p.out(f"Unable to find package: {pkg}\n")
        return 0
    ts = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(rec.installed_at))
    code_path = rec.apk.rsplit("/", 1)[0]
    install = [x for x in rec.permissions if not is_runtime_permission(x)]
    runtime = [x for x in rec.permissions if is_runtime_permission(x)]
    lines = [
        "Activity Resolver Table:",
        "  Non-Data Actions:",
        "      android.intent.action.MAIN:",
    ]
    if rec.launcher_activity:
        lines += [f"        {_hex(rec.package, 'main')} {_short(rec.package, rec.launcher_activity)} filter {_hex('f')}",
                  '          Action: "android.intent.action.MAIN"',
                  '          Category: "android.intent.category.LAUNCHER"']
    lines += [
        "",
        "Packages:",
        f"  Package [{rec.package}] ({_hex(rec.package)}):",
        f"    appId={rec.uid}",
        f"    pkg=Package{{{_hex(rec.package, 'pkg')} {rec.package}}}",
        f"    codePath={code_path}",
        f"    resourcePath={code_path}",
        f"    legacyNativeLibraryDir={code_path}/lib",
        "    extractNativeLibs=false",
        f"    primaryCpuAbi={p.device.identity.abi}",
        "    secondaryCpuAbi=null",
        "    cpuAbiOverride=null",
        f"    versionCode={rec.version_code} minSdk=24 targetSdk=34",
        "    minExtensionVersions=[]",
        f"    versionName={rec.version_name or 'null'}",
        "    usesNonSdkApi=false",
        "    splits=[base]",
        "    apkSigningVersion=2",
        "    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]",
        "    privateFlags=[ PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE ]",
        "    forceQueryable=false",
        f"    dataDir=/data/user/0/{rec.package}",
        "    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]",
        f"    timeStamp={ts}",
        f"    lastUpdateTime={ts}",
        "    installerPackageName=null",
        f"    signatures=PackageSignatures{{{_hex(rec.package, 'sig')} version:2, signatures:[{_hex(rec.package, 'k')}], past signatures:[]}}",
        "    installPermissionsFixed=true",
        "    pkgFlags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]",
        f"    firstInstallTime={ts}",
        "    declared permissions:",
        "    requested permissions:",
        *[f"      {x}" for x in rec.permissions],
        "    install permissions:",
        *[f"      {x}: granted=true" for x in install],
        f"    User 0: ceDataInode={rec.uid * 7} installed=true hidden=false suspended=false distractionFlags=0 "
        f"stopped={'false' if p.runtime and p.runtime.pid_of(rec.package) else 'true'} notLaunched=false "
        "enabled=0 instant=false virtual=false quarantined=false",
        "      gids=[3003]",
        "      runtime permissions:",
    ]
    for perm in runtime:
        granted = perm in rec.granted
        flags = "USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED" if granted \
            else "USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED"
        lines.append(f"        {perm}: granted={'true' if granted else 'false'}, flags=[ {flags}]")
    lines += ["", "Queries:", "  system apps queryable: false", ""]
    p.out("\n".join(lines) + "\n")
    return 0


def _activities(p: Proc) -> None:
    pkg, act = launcher(p)
    comp = _short(pkg, act)
    rec_id = _hex(pkg, act, "rec")
    task = 2 if p.runtime is None or pkg == "com.google.android.apps.nexuslauncher" else 20
    pid = p.runtime.pid_of(pkg) if p.runtime is not None else None
    kind = "home" if task == 2 else "standard"
    record = f"ActivityRecord{{{rec_id} u0 {comp} t{task}}}"
    p.out("\n".join([
        "ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)",
        "Display #0 (activities from top to bottom):",
        f"  * Task{{{_hex(task)} #{task} type={kind} A=10{task} U=0 visible=true visibleRequested=true mode=fullscreen translucent=false sz=1}}",
        "    mLastPausedActivity: null",
        "    isSleeping=false",
        f"    topResumedActivity={record}",
        f"    * Hist  #0: {record}",
        f"      packageName={pkg} processName={pkg}",
        f"      app=ProcessRecord{{{_hex(pid)} {pid or 0}:{pkg}/u0a{task}}}",
        f"      Intent {{ act=android.intent.action.MAIN cat=[android.intent.category.LAUNCHER] flg=0x10000000 cmp={comp} }}",
        f"      mActivityComponent={comp}",
        "      state=RESUMED finishing=false",
        f"      windows=[Window{{{_hex(pkg, act, 'win')} u0 {_long(pkg, act)}}}]",
        "",
        "  Resumed activities in task display areas (from top to bottom):",
        f"    Resumed: {record}",
        "",
        f"  ResumedActivity: {record}",
        "",
        "ActivityTaskSupervisor state:",
        f"  topDisplayFocusedRootTask=Task{{{_hex(task)} #{task} type={kind}}}",
        f"  mCurrentFocus=Window{{{_hex(pkg, act, 'win')} u0 {_long(pkg, act)}}}",
        f"  mFocusedApp={record}",
        "",
    ]) + "\n")


def _top(p: Proc) -> None:
    pkg, act = launcher(p)
    pid = p.runtime.pid_of(pkg) if p.runtime is not None else None
    p.out(f"TASK 10020:{pkg} id=20 userId=0\n  ACTIVITY {_short(pkg, act)} {_hex(pkg, act)} pid={pid or 0}\n")


def _window(p: Proc, section: str | None) -> None:
    pkg, act = launcher(p)
    win = f"Window{{{_hex(pkg, act, 'win')} u0 {_long(pkg, act)}}}"
    task = 2 if pkg == "com.google.android.apps.nexuslauncher" else 20
    record = f"ActivityRecord{{{_hex(pkg, act, 'rec')} u0 {_short(pkg, act)} t{task}}}"
    focus = [f"  mCurrentFocus={win}", f"  mFocusedApp={record}"]
    if section in (None, "displays"):
        p.out("WINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n"
              "  Display: mDisplayId=0 rootTasks=4\n"
              "    init=1080x2400 420dpi mMinSizeOfResizeableTaskDp=220 cur=1080x2400 app=1080x2337 rng=1080x1017-2337x2274\n"
              "    deferred=false mLayoutNeeded=false mTouchExcludeRegion=SkRegion((0,0,1080,2400))\n\n"
              + "\n".join(focus) + "\n\n")
    if section in (None, "windows"):
        p.out("WINDOW MANAGER WINDOWS (dumpsys window windows)\n"
              f"  Window #0 {win}:\n"
              "    mDisplayId=0 rootTaskId=" + str(task) + " mSession=Session{1 0:u0a10000} mClient=android.os.BinderProxy\n"
              "    mHasSurface=true isReadyForDisplay()=true mWindowRemovalAllowed=false\n"
              "\n" + "\n".join(focus) + "\n  mFocusedDisplayId=0\n")


def dumpsys(p: Proc, args: list[str]) -> int:
    if not args:
        p.err("dumpsys: a service name is required\n")
        return 1
    service, rest = args[0], [a for a in args[1:] if a not in ("-a",)]
    if service == "package":
        return _package(p, rest[0] if rest else None)
    if service == "activity":
        what = rest[0] if rest else "activities"
        if what in ("activities", "a"):
            _activities(p)
        elif what == "top":
            _top(p)
        else:
            p.out(f"Unknown command: {what}\nBad activity command, or no activities match: {what}\nUse -h for help.\n")
        return 0
    if service == "window":
        _window(p, rest[0] if rest and rest[0] in ("windows", "displays") else None)
        return 0
    if service == "display":
        from harness.sim.commands.display import dumpsys_display

        dumpsys_display(p)
        return 0
    if service in ("location", "wifi", "account"):
        from harness.sim.commands import sensors

        {"location": sensors.dumpsys_location, "wifi": sensors.dumpsys_wifi,
         "account": sensors.dumpsys_account}[service](p)
        return 0
    if service == "battery":
        p.out("Current Battery Service state:\n  AC powered: true\n  USB powered: false\n  Wireless powered: false\n"
              "  status: 2\n  health: 2\n  present: true\n  level: 100\n  scale: 100\n  voltage: 5000\n"
              "  temperature: 250\n  technology: Li-ion\n")
        return 0
    if service == "power":
        p.out("POWER MANAGER (dumpsys power)\n  mWakefulness=Awake\n  mHoldingDisplaySuspendBlocker=true\n"
              "Display Power: state=ON\n")
        return 0
    p.err(f"Can't find service: {service}\n")
    return 0


COMMANDS = {"dumpsys": dumpsys}
