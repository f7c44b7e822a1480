"""Command line interface: ``retrench demo | fit | check | simulate | report | calibrate | data``.

Each command is a thin wrapper over a library function; parsing is Typer's, output is Rich's.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from retrench.cli import calibrate as _cli_calibrate  # noqa: F401  (adds the calibrate command)
from retrench.cli import workflow as _cli_workflow
from retrench.cli.data import data_app
from retrench.errors import RetrenchError

app = typer.Typer(
    name="retrench",
    help="Structural Bayesian estimation of theories of the globalization backlash.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
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
def demo() -> None:
    """Theory tables at the papers' values, then each design's demo (the tariff model fitted to
    the embedded synthetic data)."""
    from retrench.workflow.demo import run_demo, run_design_demos

    run_demo()
    run_design_demos()


def main() -> None:
    """Console entry point: a user error ends with one clear line and exit code 1."""
    try:
        app()
    except RetrenchError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
