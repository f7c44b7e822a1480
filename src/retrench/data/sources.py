"""Generic pieces of a design's *data source*: the record a results folder keeps of its data.

A *source record* is a small JSON-able dict saved in ``fit.nc`` (attribute
``retrench_data_source``) so that ``retrench check | simulate | report`` reload exactly the data a
fit used. Each design builds its records in its own ``designs/<name>/source.py`` from the
command line's ``--data`` (a data *root*, i.e. a folder holding dataset folders such as
``wdi_tariff_rates/``, or a panel CSV of the design) and ``--synthetic`` (the embedded default
data, :func:`retrench.resources.embedded_dir`); the helpers here are shared by all designs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.errors import DataError, SpecError

TEXT_COLUMNS = ("country_code", "country_name", "region", "income_group", "suspect_reason")

PathLike = str | os.PathLike[str]


def csv_or_root(data: PathLike | None, what: str) -> dict[str, Any]:
    """``{"kind": "csv", "path": ...}`` for a file, ``{"kind": "real", "path": ...}`` for a data
    root (``path`` None: the default places of :mod:`retrench.data.locate`)."""
    if data is not None and Path(data).is_file():
        if Path(data).suffix.lower() != ".csv":
            raise DataError(f"--data {data}: expected a {what} panel .csv file or a data folder")
        return {"kind": "csv", "path": str(Path(data).resolve())}
    if data is not None and not Path(data).is_dir():
        raise DataError(f"--data {data}: neither a CSV file nor a folder")
    return {"kind": "real", "path": None if data is None else str(Path(data).resolve())}


def no_synthetic_with_data(data: PathLike | None, synthetic: bool) -> None:
    """``--synthetic`` and ``--data`` name two data sources: refuse both at once."""
    if synthetic and data is not None:
        raise SpecError("--synthetic and --data exclude each other: choose one data source")


def read_panel_csv(path: PathLike, layout: str | None = None) -> pd.DataFrame:
    """A country panel saved as CSV (e.g. the embedded synthetic data), with typed columns:
    empty text cells stay empty strings, never NaN.

    Every file first passes the file-level checks of :func:`retrench.data.panel_csv.
    check_csv_file` (empty, header only, not UTF-8, truncated); with ``layout`` (``"tariffs"``,
    ``"gvc"``) it is read through that layout's schema (types, ranges, unique keys; errors name
    file, column, line and value)."""
    from retrench.data.panel_csv import check_csv_file, read_panel_table

    path = check_csv_file(path)
    if layout is not None:
        frame = read_panel_table(path, layout)
    else:
        try:
            frame = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "NaN"])
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataError(f"cannot parse {path} as CSV: {exc}") from exc
    for column in TEXT_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
            frame[column] = frame[column].astype(str)
    frame.attrs["csv_file"] = str(path)  # named by the model's own column checks
    return frame
