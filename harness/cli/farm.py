"""`consentry farm SUITE` and `consentry farm worker`: suites on a Dask cluster of device hosts."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from harness.run.gate import check_fail_on

FailOn = Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when a finding matches: rule ids and/or a "
                                             "severity (info, low, medium, high, critical), comma-separated.")]


class _SuiteByDefault(TyperGroup):
    """`consentry farm SUITE ...` means `consentry farm run SUITE ...`; `worker` is the other verb."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


farm_app = typer.Typer(cls=_SuiteByDefault, no_args_is_help=True,
                       help="Run suites on a Dask cluster whose workers own devices: `consentry farm SUITE "
                            "--scheduler ADDR` (each job published once, resumable), `consentry farm worker`.")


@farm_app.command("run")
def run_cmd(
    suite: Annotated[str, typer.Argument(help="Suite YAML file or built-in name (its apps must be APK files).")],
    scheduler: Annotated[str, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")],
    out: Annotated[str, typer.Option("--out", help="Output folder (shared by the workers): runs/ holds the "
                                     "published runs, report/ the reports.")] = "farm-out",
    time_scale: Annotated[float | None, typer.Option(help="Override the suite's time scale.")] = None,
    repeat: Annotated[int, typer.Option("--repeat", help="Run every app x scenario this many times.")] = 1,
    max_attempts: Annotated[int, typer.Option("--max-attempts", help="Attempts per job when devices or "
                                              "workers fail (a completed run is never retried).")] = 3,
    no_agent: Annotated[bool, typer.Option("--no-agent", help="Do not instrument the apps with Frida.")] = False,
    no_proxy: Annotated[bool, typer.Option("--no-proxy", help="Do not capture traffic.")] = False,
    report: Annotated[bool, typer.Option(help="Write the HTML/xlsx/JSON/JUnit reports into OUT/report.")] = True,
    fail_on: FailOn = None,
) -> None:
    """Run a suite on the farm; started again with the same --out it runs only what is left.

    Exit codes as for `consentry suite`: 0, 1 (findings matched --fail-on), 2 (bad input),
    3 (a job has no complete published run)."""
    from harness.farm.command import farm_suite
    from harness.run.gate import EXIT_INFRA
    from harness.run.orchestrate import console

    check_fail_on(fail_on)
    try:
        code = farm_suite(suite, scheduler, out, time_scale=time_scale, repeat=repeat, max_attempts=max_attempts,
                          instrument=not no_agent, capture=not no_proxy, report=report, fail_on=fail_on)
    except KeyboardInterrupt:
        console.print("farm: interrupted; run the same command again to finish what is left")
        code = EXIT_INFRA
    raise typer.Exit(code)


@farm_app.command("worker")
def worker_cmd(
    scheduler: Annotated[str, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")],
    devices: Annotated[str, typer.Option("--devices", help="`auto` (every adb device) or comma-separated "
                                         "serials.")] = "auto",
    name: Annotated[str | None, typer.Option("--name", help="Worker name shown by the farm.")] = None,
    host: Annotated[str | None, typer.Option("--host", help="Address the worker listens on.")] = None,
    doctor: Annotated[bool, typer.Option(help="Run doctor on each device first and leave out those "
                                         "that fail.")] = True,
) -> None:
    """Serve this host's devices to the farm: one `emulator` resource and one thread per device."""
    from harness.farm.worker import serve_worker

    raise typer.Exit(serve_worker(scheduler, devices, name=name, host=host, doctor=doctor))


def register(app: typer.Typer) -> None:
    app.add_typer(farm_app, name="farm")
