"""Entry point of the `consentry` console script.

Each area registers its commands with `register(app)` in its own module; errors raised on
purpose (`ConsentryError`) become one clear line on stderr and the documented exit code:
2 for bad usage or input, 3 for infrastructure failures."""

from __future__ import annotations

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


def _register_all() -> None:
    # One line per area; each module owns its commands.
    from harness.cli import sim as _sim

    _sim.register(app)
    from harness.cli import run as _run

    _run.register(app)
    from harness.cli import pii as _pii

    _pii.register(app)
    from harness.cli import ui as _ui

    _ui.register(app)
    from harness.cli import hooks as _hooks

    _hooks.register(app)
    from harness.cli import report as _report

    _report.register(app)
    from harness.cli import sdk as _sdk

    _sdk.register(app)


_register_all()


def main() -> None:
    try:
        app()
    except ConsentryError as exc:
        typer.echo(f"consentry: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
