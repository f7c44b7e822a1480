"""Data source of the electoral design: the embedded synthetic panels, panel CSVs (roll calls,
optionally districts), or a data root holding ``us_trade_rollcalls/`` and
``adhm_house_2002_2016/`` (see :mod:`retrench.data.sources`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.data.panel_csv import check_csv_file
from retrench.data.sources import PathLike, no_synthetic_with_data
from retrench.errors import DataError, SpecError


def electoral_source(
    data: PathLike | None = None,
    synthetic: bool = False,
    rollcalls: PathLike | None = None,
    districts: PathLike | None = None,
) -> dict[str, Any]:
    """Record for the electoral model (``rollcalls``/``districts``: panel CSVs that replace
    ``--data``)."""
    no_synthetic_with_data(data, synthetic)
    if rollcalls is not None:
        if synthetic or data is not None:
            raise SpecError("--rollcalls replaces --data/--synthetic: give only one data source")
        for flag, path in (("--rollcalls", rollcalls), ("--districts", districts)):
            if path is not None and not Path(path).is_file():
                raise DataError(f"{flag} {path}: no such file")
        return {
            "kind": "csv",
            "rollcalls": str(Path(rollcalls).resolve()),
            "districts": None if districts is None else str(Path(districts).resolve()),
        }
    if districts is not None:
        raise SpecError("--districts needs --rollcalls (the roll-call panel CSV) beside it")
    if synthetic:
        return {"kind": "synthetic"}
    if data is not None and not Path(data).is_dir():
        raise DataError(f"--data {data}: the electoral design needs a data folder (or --rollcalls)")
    return {"kind": "real", "path": None if data is None else str(Path(data).resolve())}


def load_electoral_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~retrench.designs.electoral.model.ElectoralModel`."""
    kind = source.get("kind")
    if kind == "csv":
        rollcalls = _read_csv(source["rollcalls"], parse_dates=["date"])
        districts = None
        if source.get("districts"):
            districts = _read_csv(source["districts"], dtype={"district": str, "state": str})
        return {"data": rollcalls, "districts": districts}
    if kind == "synthetic":
        from retrench.designs.electoral.panel import synthetic_panels

        rollcalls, districts = synthetic_panels()
        return {"data": rollcalls, "districts": districts}
    from retrench.data import electoral_district_panel, electoral_rollcall_panel

    # the loaders take the data root (the folder holding the dataset folders)
    root = source.get("path")
    return {
        "data": electoral_rollcall_panel(root),
        "districts": electoral_district_panel(root),
    }


def _read_csv(path: str | os.PathLike[str], **options: Any) -> pd.DataFrame:
    """A roll-call or district CSV after the file-level checks of a panel CSV (exists, UTF-8,
    header and rows, not truncated); the model then validates its columns, naming the file."""
    path = check_csv_file(path)
    try:
        frame = pd.read_csv(path, **options)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None
    frame.attrs["csv_file"] = str(path)
    return frame
