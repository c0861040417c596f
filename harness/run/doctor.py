"""`consentry doctor`: check what a run needs and say what to fix, one line each."""

from __future__ import annotations

import shutil
import subprocess

from rich.console import Console
from rich.table import Table

from harness.errors import ConsentryError

console = Console()


def run_doctor(serial: str | None) -> int:
    rows: list[tuple[str, str, str]] = []  # (check, ok|warn|fail, detail / fix)

    def add(check: str, state: str, detail: str) -> None:
        rows.append((check, state, detail))

    adb = shutil.which("adb")
    add("adb", "ok" if adb else "fail", adb or "install it: apt-get install -y adb")
    if adb:
        proc = subprocess.run([adb, "start-server"], capture_output=True, text=True, timeout=30)
        add("adb server", "ok" if proc.returncode == 0 else "fail", proc.stderr.strip() or "running on 127.0.0.1:5037")
    try:
        import frida

        add("frida (host)", "ok", frida.__version__)
    except ImportError:
        add("frida (host)", "fail", "pip install frida (make setup)")
    from harness._agent import bundle_status

    ok, detail = bundle_status()
    add("agent bundle", "ok" if ok else "fail", detail)
    device = None
    if adb:
        try:
            from harness.device import connect_device

            device = connect_device(serial)
            info = device.info()
            add("device", "ok", f"{info.serial}: {info.model}, Android {info.release} (SDK {info.sdk}), {info.abi}, {info.kind}")
        except ConsentryError as exc:
            add("device", "fail", str(exc))
    if device is not None:
        info = device.info()
        rc, who = device.sh_rc("id -u")
        root = rc == 0 and who.strip() == "0"
        if info.kind == "sim":
            add("root", "ok", "sim device")
            add("frida-server", "ok", "not needed: sim apps are local processes (frida local device)")
        else:
            su_rc, _ = device.sh_rc("su -c id")
            add("root", "ok" if root or su_rc == 0 else "fail",
                "adbd runs as root" if root else ("su available" if su_rc == 0 else
                                                  "run `adb root` (emulator with a Google APIs image, not Play Store)"))
            from harness.device import frida_server

            st = frida_server.status(device)
            if not st.installed:
                add("frida-server", "fail", f"push frida-server {st.host_version} for {st.arch}: "
                    f"`consentry doctor --device {device.serial}` after `adb push frida-server-{st.host_version}-android-{st.arch} "
                    f"{frida_server.REMOTE}`")
            elif not st.version_ok:
                add("frida-server", "fail", f"device has {st.version}, host frida is {st.host_version}: use matching versions")
            else:
                add("frida-server", "ok" if st.running else "warn",
                    f"{st.version}{' running' if st.running else ' installed, not running (the runner starts it)'}")
        proxy = device.settings_get("global", "http_proxy")
        if proxy and proxy not in (":0",):
            add("device proxy", "warn", f"global http_proxy is {proxy} (left by a killed run?): "
                "`adb shell settings put global http_proxy :0`")
        else:
            add("device proxy", "ok", "not set (the runner sets it per run)")
        rc, listing = device.sh_rc("ls /data/misc/user/0/cacerts-added/")
        add("user CA store", "ok" if rc == 0 else "warn",
            f"{len(listing.split())} certificates" if rc == 0 else "not readable (the runner installs the CA per run)")
    table = Table(title="consentry doctor")
    for col in ("check", "state", "detail"):
        table.add_column(col, overflow="fold")
    colour = {"ok": "green", "warn": "yellow", "fail": "red"}
    for check, state, detail in rows:
        table.add_row(check, f"[{colour[state]}]{state}[/]", detail)
    console.print(table)
    return 3 if any(state == "fail" for _, state, _ in rows) else 0
