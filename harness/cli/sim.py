"""`consentry sim start|stop` and `consentry devices`.

A detached sim device is a background `consentry sim start` process; its record (pid, serial,
state directory) lives in `$CONSENTRY_HOME/sims/` (default `~/.cache/consentry/sims/`), so `sim stop`
finds it from another shell."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from harness.errors import DeviceError, InputError, SimError

sim_app = typer.Typer(help="Simulated Android devices that the real adb talks to.", no_args_is_help=True)
ADB_PORT = 5037


def sims_home() -> Path:
    base = os.environ.get("CONSENTRY_HOME")
    home = Path(base) if base else Path.home() / ".cache" / "consentry"
    path = home / "sims"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _records() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for f in sorted(sims_home().glob("*.json")):
        try:
            out.append((f, json.loads(f.read_text())))
        except (OSError, ValueError):
            f.unlink(missing_ok=True)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _adb(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["adb", "-P", str(ADB_PORT), *args], capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        raise DeviceError("adb is not installed (run `make setup`, or `apt-get install adb`)") from None
    except subprocess.TimeoutExpired:
        raise DeviceError(f"`adb {' '.join(args)}` did not answer within {timeout:.0f} s") from None


def adb_connect(serial: str) -> None:
    _adb("start-server")
    out = ""
    for _ in range(50):
        out = _adb("connect", serial).stdout
        if "connected to" in out and _adb("-s", serial, "get-state").stdout.strip() == "device":
            return
        time.sleep(0.1)
    raise DeviceError(f"adb could not connect to {serial}: {out.strip()}")


def resolve_apps(spec: str) -> list[Path]:
    """`all`, `none`, or a comma list of sample names (package or file stem) or .apk paths."""
    spec = spec.strip()
    if spec == "none" or not spec:
        return []
    try:
        from harness.sim.samples import sample_app_paths
    except ImportError:
        named = {}
    else:
        try:
            found = sample_app_paths()  # {name: path} (or a list of paths)
            named = dict(found) if isinstance(found, dict) else {Path(p).stem: Path(p) for p in found}
        except Exception as exc:  # a broken sample model: say which, no traceback
            raise SimError(f"the sample sim apps could not be built: {exc}") from None
    if spec == "all":
        return list(named.values())
    chosen: list[Path] = []
    for name in (n.strip() for n in spec.split(",") if n.strip()):
        path = Path(name)
        if path.suffix in (".apk", ".yaml", ".yml") and path.is_file():
            chosen.append(path)
            continue
        match = [p for key, p in named.items() if name in (key, p.stem) or p.stem.endswith("." + name)]
        if not match:
            match = [p for key, p in named.items() if name in key or name in p.stem]
        if len(match) != 1:
            known = ", ".join(named) or "none available"
            raise InputError(f"unknown sim app {name!r} ({'ambiguous' if match else 'known: ' + known})",
                             source="--apps")
        chosen.append(match[0])
    return chosen


def _serve(port: int, apps: list[Path], state: Path, record: Path | None, ephemeral: bool,
           profile: str = "sim") -> None:
    """Run a sim device in this process until SIGINT/SIGTERM."""
    from harness.sim.server import SimDevice, SimStartError

    app_errors: tuple[type[Exception], ...]
    try:
        from harness.sim.model import SimAppError

        app_errors = (SimAppError,)
    except ImportError:  # pragma: no cover
        app_errors = (ValueError,)
    try:
        dev = SimDevice(state, port=port, apps=apps, profile=profile)
        serial = dev.start()
    except SimStartError as exc:
        raise SimError(str(exc)) from None
    except app_errors as exc:
        raise InputError(str(exc)) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    rec_path = record or sims_home() / f"{dev.port}.json"
    rec_path.write_text(json.dumps({"serial": serial, "pid": os.getpid(), "port": dev.port,
                                    "state_dir": str(state), "started": time.time(),
                                    "apps": [str(a) for a in apps], "ephemeral": ephemeral,
                                    "profile": profile}))
    try:
        if record is None:  # foreground: connect and report here
            adb_connect(serial)
            typer.echo(serial)
            typer.echo(f"sim device {serial} (state {state}); Ctrl-C stops it", err=True)
        stop.wait()
    finally:
        _adb("disconnect", serial, timeout=5)
        dev.stop()
        rec_path.unlink(missing_ok=True)
        if ephemeral:
            shutil.rmtree(state, ignore_errors=True)


@sim_app.command("start")
def start(
    port: Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1 (0: a free one).")] = 0,
    apps: Annotated[str, typer.Option("--apps", help="all, none, or NAME,... (sample app names or .apk paths).")] = "all",
    state: Annotated[Path | None, typer.Option("--state", help="State directory (default: a new one).")] = None,
    detach: Annotated[bool, typer.Option("--detach", help="Run in the background; `consentry sim stop` ends it.")] = False,
    profile: Annotated[str, typer.Option(
        "--profile", help="sim (default: rooted, booted, apps instrumented directly), emulator-34 (unrooted adbd "
        "until `adb root`, boot delay, Conscrypt APEX, frida-server to push and start) or phone-34 (a retail "
        "phone: no su, `adb root` refused), as docs/emulator.md says.")] = "sim",
    _record: Annotated[Path | None, typer.Option("--record-file", hidden=True)] = None,
    _ephemeral: Annotated[bool, typer.Option("--ephemeral", hidden=True)] = False,
) -> None:
    """Start a sim device, connect it to the adb server and print its serial."""
    if not 0 <= port <= 65535:
        raise InputError(f"port {port} is out of range", source="--port")
    from harness.sim.profile import PROFILES

    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})", source="--profile")
    app_paths = resolve_apps(apps)
    ephemeral = _ephemeral or state is None  # a state directory we made is removed at stop
    state_dir = state or Path(tempfile.mkdtemp(prefix="state-", dir=sims_home()))
    if not detach:
        _serve(port, app_paths, state_dir, _record, ephemeral, profile)
        return
    state_dir.mkdir(parents=True, exist_ok=True)
    record = Path(tempfile.mkstemp(prefix="pending-", suffix=".start", dir=sims_home())[1])
    record.unlink()
    log = open(state_dir / "sim.log", "ab")  # noqa: SIM115 - handed to the child
    cmd = [sys.executable, "-m", "harness.cli.main", "sim", "start", "--port", str(port),
           "--apps", ",".join(str(a) for a in app_paths) or "none", "--state", str(state_dir),
           "--record-file", str(record), "--profile", profile] + (["--ephemeral"] if ephemeral else [])
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 60
    while not record.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.kill()
            tail = (state_dir / "sim.log").read_text(errors="replace")[-800:]
            raise SimError(f"the sim device did not start:\n{tail}")
        time.sleep(0.05)
    info = json.loads(record.read_text())
    final = sims_home() / f"{info['port']}.json"
    record.replace(final)
    adb_connect(info["serial"])
    typer.echo(info["serial"])


@sim_app.command("stop")
def stop(
    serial: str | None = typer.Argument(None, help="Serial (127.0.0.1:PORT) of the sim device to stop."),
    all_: bool = typer.Option(False, "--all", help="Stop every sim device started with --detach."),
) -> None:
    """Disconnect and stop sim devices."""
    if not serial and not all_:
        raise InputError("give a SERIAL or --all", source="consentry sim stop")
    found = False
    for path, info in _records():
        if not all_ and info.get("serial") != serial and str(info.get("port")) != serial:
            continue
        found = True
        _adb("disconnect", info["serial"], timeout=5)
        pid = int(info.get("pid", 0))
        if pid and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        path.unlink(missing_ok=True)
        typer.echo(f"stopped {info['serial']}")
    if not found and not all_:
        raise InputError(f"no running sim device {serial!r} (see `consentry devices`)", source="consentry sim stop")


def device_rows() -> list[dict[str, Any]]:
    """Every device the adb server knows: serial, state, model, sdk, abi, kind."""
    out = _adb("devices").stdout
    rows = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 2:
            continue
        serial, state = parts[0], parts[1]
        row: dict[str, Any] = {"serial": serial, "state": state, "model": None, "sdk": None, "abi": None,
                               "kind": "emulator" if serial.startswith("emulator-") else "device"}
        if state == "device":
            r = _adb("-s", serial, "shell", "getprop ro.product.model; getprop ro.build.version.sdk; "
                     "getprop ro.product.cpu.abi; getprop ro.kernel.qemu; getprop ro.consentry.sim", timeout=15)
            vals = (r.stdout.splitlines() + [""] * 5)[:5]
            row["model"], row["abi"] = vals[0].strip() or None, vals[2].strip() or None
            row["sdk"] = int(vals[1]) if vals[1].strip().isdigit() else None
            if vals[4].strip() == "1":
                row["kind"] = "sim"
            elif vals[3].strip() == "1":
                row["kind"] = "emulator"
        rows.append(row)
    return rows


def devices(json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """List adb devices with model, SDK level, ABI and kind (emulator, device, sim)."""
    _adb("start-server")
    rows = device_rows()
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    if not rows:
        typer.echo("no devices (start one: consentry sim start --detach)")
        return
    table = Table()
    for col in ("serial", "state", "model", "sdk", "abi", "kind"):
        table.add_column(col)
    for r in rows:
        table.add_row(*("" if r[c] is None else str(r[c]) for c in ("serial", "state", "model", "sdk", "abi", "kind")))
    Console().print(table)


@sim_app.command("frida-server")
def frida_server_standin(
    out: Annotated[Path, typer.Argument(help="Where to write the stand-in binary.")],
    version: Annotated[str | None, typer.Option("--version", help="Frida version it claims (default: the host's).")] = None,
) -> None:
    """Write the emulator profile's frida-server stand-in, to push as a real frida-server is pushed
    (`consentry doctor --device S --fix --frida-server OUT`)."""
    from harness.sim.frida_standin import write_standin

    if version is None:
        import frida

        version = frida.__version__
    try:
        write_standin(out, version)
    except (ValueError, OSError) as exc:
        raise InputError(str(exc), source=str(out)) from None
    typer.echo(str(out))


def register(app: typer.Typer) -> None:
    app.add_typer(sim_app, name="sim")
    app.command("devices")(devices)
