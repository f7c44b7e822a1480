"""``retrench data list | check | load | fetch``: the data commands, as a Typer sub-app.

``data_app`` is registered in :mod:`retrench.cli`.  Every command follows the error convention
of :mod:`retrench.cli.errors`: a :class:`~retrench.errors.DataError` prints its details, then one
closing red line, and exits 2; a bug exits 3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from retrench.cli.errors import USER_ERROR, cli_errors
from retrench.errors import DataError

data_app = typer.Typer(help="Load, check and fetch the real datasets.", no_args_is_help=True)
console = Console()
error_console = Console(stderr=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="folder holding the dataset folders (else $RETRENCH_DATA, else ../shared/data)",
    ),
]


def _fail_cleanly(action: Callable[[], Any]) -> Any:
    """Run ``action``; on DataError/OSError print the details, then one closing error line."""
    try:
        return action()
    except (DataError, OSError) as exc:
        headline, *details = str(exc).splitlines() or [type(exc).__name__]
        for line in details:
            error_console.print(line, markup=False, highlight=False, soft_wrap=True)
        more = " (details above)" if details else ""
        error_console.print(
            f"[red]error:[/red] {escape(headline)}{more}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(code=USER_ERROR) from None


@data_app.command("list")
@cli_errors
def list_datasets(data: DataOption = None) -> None:
    """List the datasets, what each loader returns, and whether its files are found."""
    from retrench.data.locate import DATASETS, dataset_file

    table = Table(title="retrench datasets")
    table.add_column("name", no_wrap=True)
    for column in ("description", "returns", "found"):
        table.add_column(column)
    for info in DATASETS.values():
        try:
            for filename in info.files:
                dataset_file(info.name, filename, data)
            found = "yes"
        except DataError:
            found = "[red]no[/red]"
        table.add_row(info.name, info.title, info.returns, found)
    console.print(table)


@data_app.command("check")
@cli_errors
def check(
    name: Annotated[str, typer.Argument(help="dataset folder name, see `retrench data list`")],
    data: DataOption = None,
    max_outliers: Annotated[int, typer.Option(help="flagged values to print")] = 40,
) -> None:
    """Validate a dataset and print its quality report (coverage, missingness, outliers)."""
    from retrench.data.quality import quality_report

    report = _fail_cleanly(lambda: quality_report(name, data))
    for item in report.rich_tables(max_outliers):
        console.print(item)


@data_app.command("load")
@cli_errors
def load_to_csv(
    name: Annotated[str, typer.Argument(help="dataset folder name")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    table: Annotated[
        str | None,
        typer.Option(
            help="which table of a multi-file dataset (default: all, "
            "one file per table named OUT-stem_TABLE.csv)"
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Load and validate a dataset, then write it (or one of its tables) to CSV."""
    from retrench.data.loaders import frames_of, load

    frames = frames_of(_fail_cleanly(lambda: load(name, data)))
    if table is not None:
        if table not in frames:
            error_console.print(
                f"[red]error:[/red] {name} has no table {table!r}; tables: {', '.join(frames)}"
            )
            raise typer.Exit(code=USER_ERROR)
        frames = {table: frames[table]}
    written = []
    for key, frame in frames.items():
        target = out if len(frames) == 1 else out.with_name(f"{out.stem}_{key}{out.suffix}")
        _fail_cleanly(lambda t=target, f=frame: f.to_csv(t, index=False))
        written.append(f"{target} ({len(frame)} rows)")
    console.print("wrote " + ", ".join(written))


@data_app.command("fetch")
@cli_errors
def fetch(
    name: Annotated[str, typer.Argument(help="dataset folder name")],
    to: Annotated[Path, typer.Option("--to", help="folder to put the dataset folder in")],
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0.001, help="overall seconds allowed for the fetch"),
    ] = None,
) -> None:
    """Download a dataset from its public source into TO/NAME (see docs/data.md)."""
    from retrench.data.fetch import fetch_dataset

    result = _fail_cleanly(lambda: fetch_dataset(name, to, time_limit=time_limit))
    console.print(f"fetched {name} into {result if result is not None else to}")
