"""Data source of the electoral design: the embedded synthetic panels, panel CSVs (roll calls,
optionally districts), or a data root holding ``us_trade_rollcalls/`` and
``adhm_house_2002_2016/`` (see :mod:`retrench.data.sources`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

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
        rollcalls = pd.read_csv(source["rollcalls"], parse_dates=["date"])
        districts = None
        if source.get("districts"):
            districts = pd.read_csv(source["districts"], dtype={"district": str, "state": str})
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
