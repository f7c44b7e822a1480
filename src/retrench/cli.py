"""Command line interface: ``retrench demo | fit | check | simulate | report | data ...``.

Each command is a thin wrapper over a library function; parsing is Typer's, output is Rich's.
"""

from __future__ import annotations

import typer

from retrench._cli_data import data_app

app = typer.Typer(
    name="retrench",
    help="Structural Bayesian estimation of theories of the globalization backlash.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(data_app, name="data")


@app.command()
def demo() -> None:
    """Run the theory layer on the papers' parameter values and print the tables."""
    from retrench.workflow.demo import run_demo

    run_demo()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
