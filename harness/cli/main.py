"""Entry point of the `consentry` console script.

Each area registers its commands with `register(app)` in its own module; errors raised on
purpose (`ConsentryError`) become one clear line on stderr and the documented exit code:
2 for bad usage or input, 3 for infrastructure failures."""

from __future__ import annotations

import signal
import sys

import typer

from harness.errors import ConsentryError

app = typer.Typer(
    name="consentry",
    help="Catch Android apps collecting personal information without consent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


AREAS = ("sim", "run", "doctor", "farm", "hooks", "ui", "pii", "sdk", "report", "policy")


def _register_all() -> None:
    """Each area module owns its commands (`harness/cli/<area>.py::register`)."""
    import importlib

    for area in AREAS:
        importlib.import_module(f"harness.cli.{area}").register(app)


_register_all()


def _terminate(signum: int, frame: object) -> None:
    # `kill`, CI timeouts: unwind like Ctrl-C so runs end `incomplete` and sim devices stop.
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    from analysis.errors import AnalysisInputError

    try:
        app()
    except ConsentryError as exc:
        typer.echo(f"consentry: {exc}", err=True)
        sys.exit(exc.exit_code)
    except AnalysisInputError as exc:  # analysis has its own error type (it never imports harness)
        typer.echo(f"consentry: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
