"""Command line interface: ``retrench demo | fit | check | simulate | report | calibrate | data``.

Each command is a thin wrapper over a library function; parsing is Typer's, output is Rich's.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from retrench.cli import calibrate as _cli_calibrate  # noqa: F401  (adds the calibrate command)
from retrench.cli import workflow as _cli_workflow
from retrench.cli.data import data_app
from retrench.cli.errors import (
    INTERNAL_ERROR,
    USER_ERROR,
    USER_OS_ERRORS,
    cli_errors,
    report_internal_error,
    report_user_error,
)
from retrench.errors import RetrenchError

app = typer.Typer(
    name="retrench",
    help="Structural Bayesian estimation of theories of the globalization backlash.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def options(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="show the traceback of an internal error (RETRENCH_DEBUG=1)"),
    ] = False,
) -> None:
    """Structural Bayesian estimation of theories of the globalization backlash.

    Exit codes: 0 success; 1 a verdict of fail (check, calibrate); 2 a user error (message
    on stderr); 3 an internal error (a bug; traceback with --debug)."""
    if debug:
        os.environ["RETRENCH_DEBUG"] = "1"


app.add_typer(data_app, name="data")
_cli_workflow.register(app)  # fit MODEL, check, simulate, report, calibrate MODEL
design_app = typer.Typer(
    name="design", help="Write a study design (e.g. a randomised conjoint).", no_args_is_help=True
)


def _add_design_commands() -> None:
    """``retrench design <name>`` and ``retrench <name> ...`` for every design that declares them
    (its registry entry's ``design_command`` / ``commands``); no design is named here."""
    from retrench.designs import registry

    for entry in registry.entries():
        if entry.design_command is not None:
            design_app.command(entry.name)(registry.resolve(entry.design_command))
        if entry.commands is not None:
            app.add_typer(registry.resolve(entry.commands), name=entry.name)


_add_design_commands()
app.add_typer(design_app, name="design")


@app.command()
@cli_errors
def demo() -> None:
    """Theory tables at the papers' values, then each design's demo (the tariff model fitted to
    the embedded synthetic data)."""
    from retrench.workflow.demo import run_demo, run_design_demos

    run_demo()
    run_design_demos()


def main(argv: list[str] | None = None) -> None:
    """Console entry point (exit codes in :mod:`retrench.cli.errors`): an error that escapes a
    command still ends as a user error (exit 2) or an internal error (exit 3)."""
    try:
        app(args=argv)
    except (RetrenchError, *USER_OS_ERRORS) as exc:
        report_user_error(exc)
        sys.exit(USER_ERROR)
    except Exception as exc:  # noqa: BLE001 - no traceback for a bug unless --debug
        report_internal_error(exc)
        sys.exit(INTERNAL_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
