"""`consentry run`, `suite`, `recover`, `demo`, `farm`: the jobs users run (`doctor` is in cli/doctor.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.errors import InputError

FailOn = Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when a finding matches: rule ids and/or a "
                                             "severity (info, low, medium, high, critical), comma-separated.")]


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)
    app.command("suite")(suite_cmd)
    app.command("recover")(recover_cmd)
    app.command("demo")(demo_cmd)


def run_cmd(
    app_ref: Annotated[str, typer.Option("--app", help="APK file, or package name installed on the device.")],
    scenario: Annotated[str, typer.Option("--scenario", help="Built-in scenario name or a scenario YAML file.")],
    device: Annotated[str | None, typer.Option("--device", help="adb serial (default: ANDROID_SERIAL, or the only device).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder that receives the run directory.")] = Path("runs"),
    time_scale: Annotated[float, typer.Option(help="Multiply every wait of the scenario (e.g. 0.2 for a quick look).")] = 1.0,
    no_agent: Annotated[bool, typer.Option("--no-agent", help="Do not instrument the app with Frida.")] = False,
    no_proxy: Annotated[bool, typer.Option("--no-proxy", help="Do not capture traffic.")] = False,
    proxy_host: Annotated[str | None, typer.Option(help="Address the device uses to reach the proxy (default: 127.0.0.1 through `adb reverse`; 10.0.2.2 for an emulator without it).")] = None,
    proxy_listen: Annotated[str | None, typer.Option(
        help="Address the proxy listens on. Default: only where the device can reach it (loopback for the sim, for "
             "devices reached through `adb reverse` and for an emulator's 10.0.2.2, which is the host's loopback; the "
             "--proxy-host address for a phone on the network). Widen it explicitly, e.g. 0.0.0.0.")] = None,
    frida_server: Annotated[Path | None, typer.Option("--frida-server", help="frida-server binary (.xz accepted) to push when the device lacks the host's version (also CONSENTRY_FRIDA_SERVER).")] = None,
    fail_on: FailOn = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="The app's privacy policy to check against "
                                                "(HTML or text file, or a file holding its URL) instead of the one "
                                                "the run finds on screen.")] = None,
) -> None:
    """Run one app through one scenario on one device and write a run directory."""
    from harness.device import connect_device
    from harness.run.apps import resolve_app
    from harness.run.gate import EXIT_FINDINGS, EXIT_INFRA, check_fail_on, matched_findings
    from harness.run.runner import RunOptions, execute_run
    from harness.scenario import resolve_scenario

    check_fail_on(fail_on)
    sc = resolve_scenario(scenario)
    if policy is not None:
        from harness.run.policy import read_supplied

        read_supplied(policy, fetch=False)  # a bad policy file fails here, before any device work
    dev = connect_device(device)
    apk = resolve_app(app_ref, dev)
    options = RunOptions(out=out, time_scale=time_scale, instrument=not no_agent, capture=not no_proxy,
                         proxy_host=proxy_host, proxy_listen=proxy_listen, frida_server=frida_server, policy=policy)
    typer.echo(f"running {apk.package} / {sc.name} on {dev.serial} ...")
    result = execute_run(dev, apk, sc, options)
    typer.echo(f"{result.status}{': ' + result.reason if result.reason else ''}")
    typer.echo(f"run directory: {result.run_dir}  ({result.findings if result.findings is not None else '?'} findings, "
               f"{result.duration_s:.1f}s, overhead {result.overhead_s:.1f}s)")
    if result.status != "complete":
        raise typer.Exit(EXIT_INFRA)
    if matched_findings([result.run_dir], fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def suite_cmd(
    suite: Annotated[str, typer.Argument(help="Suite YAML file, or a built-in suite name (full, demo).")],
    devices: Annotated[str, typer.Option("--devices", help="Comma-separated serials, or `all` attached devices.")] = "all",
    out: Annotated[Path, typer.Option("--out")] = Path("runs"),
    time_scale: Annotated[float | None, typer.Option(help="Override the suite's time scale.")] = None,
    report: Annotated[bool, typer.Option(help="Write the HTML/xlsx/JSON/JUnit reports into OUT/report.")] = True,
    fail_on: FailOn = None,
) -> None:
    """Run apps x scenarios across devices in parallel (one run per device at a time); resumable."""
    from harness.run.gate import check_fail_on
    from harness.run.orchestrate import run_suite_file

    check_fail_on(fail_on)
    code = run_suite_file(suite, devices, out, time_scale=time_scale, report=report, fail_on=fail_on)
    raise typer.Exit(code)


def recover_cmd(run_dir: Annotated[Path, typer.Argument(help="A run directory whose harness was killed.")]) -> None:
    """Compact a killed run's journal into its tables, mark it incomplete, compute its findings."""
    from harness.run.runner import recover_run

    if not run_dir.is_dir():
        raise InputError("no such run directory", source=str(run_dir))
    manifest = recover_run(run_dir)
    rows = {k: v for k, v in (manifest.get("rows") or {}).items() if not k.startswith("_")}
    typer.echo(f"{run_dir}: {manifest.get('status')} ({manifest.get('reason')}); rows: {rows}")


def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the runs and the report.")] = Path("demo-out"),
    devices: Annotated[int, typer.Option(help="How many sim devices to start (runs mostly wait, so more devices than cores still help).")] = 6,
    fail_on: FailOn = None,
) -> None:
    """Start sim devices with the sample apps, run the full suite (scaled waits), write the report."""
    from harness.run.demo import run_demo

    raise typer.Exit(run_demo(out, n_devices=devices, fail_on=fail_on))


