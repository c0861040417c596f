"""`consentry doctor`: check what a run needs on this host and device, fix what can be fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_cmd)


def doctor_cmd(
    device: Annotated[str | None, typer.Option("--device", help="adb serial to check (default: ANDROID_SERIAL, or the only device).")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Fix what can be fixed: `adb root`, push and start frida-server, clear a stale proxy.")] = False,
    frida_server: Annotated[Path | None, typer.Option("--frida-server", help="frida-server binary (.xz accepted) of the host frida's version, pushed by --fix.")] = None,
    deep: Annotated[bool, typer.Option("--deep", help="Also check every assumption a run makes: spawn gating, Java in a spawned app, the CA in an app's namespace, the proxy from the device, dump time, identity.")] = False,
    remove_ca: Annotated[bool, typer.Option("--remove-ca", help="Remove consentry's CA from the device's user and system stores (and the Android 14 APEX mounts), then check.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per check (check, ok, detail, fix).")] = False,
) -> None:
    """Check adb, the device, root, frida-server, the CA and the proxy; one row per check with a fix.
    Exit 0 when every check passes, 3 otherwise."""
    from harness.run.doctor import DoctorOptions, print_rows, run_doctor

    rows = run_doctor(DoctorOptions(serial=device, fix=fix, frida_server=frida_server, deep=deep,
                                    remove_ca=remove_ca))
    print_rows(rows, json_out=json_out)
    raise typer.Exit(0 if all(r.ok for r in rows) else 3)
