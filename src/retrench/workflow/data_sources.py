"""Where a fit's data come from: source records written into a results folder, and their loaders.

A *source record* is a small JSON-able dict saved in ``fit.nc`` (attribute
``retrench_data_source``) so that ``retrench check | simulate | report`` reload exactly the data a
fit used, and :meth:`~retrench.bayes.base.StructuralModel.load` can refuse data whose hash
changed. Each estimation design has one function that builds a record from the command line
(``--data``, ``--synthetic``) and one that turns a record into the model constructor's
arguments (``{"data": ..., **keyword arguments}``).

``--data`` is either a data *root* (a folder holding ``wdi_tariff_rates/``,
``us_trade_rollcalls/``... as ``../shared/data`` does; ``None`` means the default place, see
:mod:`retrench.data.locate`) or a panel CSV of the design. ``--synthetic`` selects the embedded
default data in the repository's ``data/`` folder (simulated at known parameters; README there).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.errors import DataError, SpecError

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
EMBEDDED = REPOSITORY_ROOT / "data"
SYNTHETIC_TARIFFS = EMBEDDED / "tariffs_synthetic.csv"
SYNTHETIC_GVC = EMBEDDED / "gvc_synthetic.csv"
TEXT_COLUMNS = ("country_code", "country_name", "region", "income_group", "suspect_reason")

PathLike = str | os.PathLike[str]


def _csv_or_root(data: PathLike | None, what: str) -> dict[str, Any]:
    """``{"kind": "csv", "path": ...}`` for a file, ``{"kind": "real", "path": ...}`` for a root."""
    if data is not None and Path(data).is_file():
        if Path(data).suffix.lower() != ".csv":
            raise DataError(f"--data {data}: expected a {what} panel .csv file or a data folder")
        return {"kind": "csv", "path": str(Path(data).resolve())}
    if data is not None and not Path(data).is_dir():
        raise DataError(f"--data {data}: neither a CSV file nor a folder")
    return {"kind": "real", "path": None if data is None else str(Path(data).resolve())}


def _no_synthetic_with_data(data: PathLike | None, synthetic: bool) -> None:
    if synthetic and data is not None:
        raise SpecError("--synthetic and --data exclude each other: choose one data source")


def read_panel_csv(path: PathLike) -> pd.DataFrame:
    """A country panel saved as CSV (e.g. the embedded synthetic data), with typed columns:
    empty text cells stay empty strings, never NaN."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    frame = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "NaN"])
    for column in TEXT_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
            frame[column] = frame[column].astype(str)
    return frame


# --- tariffs (DeRemer, seed 002) ---------------------------------------------------------------
def tariff_source(
    data: PathLike | None = None, synthetic: bool = False, tradewar: bool = True
) -> dict[str, Any]:
    """Record for the tariff model: a panel CSV, the embedded synthetic panel, or a data root
    holding ``wdi_tariff_rates/`` and ``us_china_tradewar_tariffs/``."""
    _no_synthetic_with_data(data, synthetic)
    source = _csv_or_root(SYNTHETIC_TARIFFS if synthetic else data, "tariff")
    if source["kind"] == "real":
        source["tradewar"] = tradewar
    return source


def load_tariff_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~retrench.designs.tariffs.model.TariffModel`."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"]), "tradewar": None}
    from retrench.data.panels_tariffs import tariff_country_panel, tradewar_tariff_panel

    root = source.get("path")
    tradewar = tradewar_tariff_panel(root) if source.get("tradewar", True) else None
    return {"data": tariff_country_panel(root), "tradewar": tradewar}


# --- electoral (Melnick, seed 001) ---------------------------------------------------------------
def electoral_source(
    data: PathLike | None = None,
    synthetic: bool = False,
    rollcalls: PathLike | None = None,
    districts: PathLike | None = None,
) -> dict[str, Any]:
    """Record for the electoral model: the embedded synthetic panels, panel CSVs (roll calls,
    optionally districts), or a data root holding ``us_trade_rollcalls/`` and
    ``adhm_house_2002_2016/``."""
    _no_synthetic_with_data(data, synthetic)
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

    root = source.get("path")
    rc_path = None if root is None else Path(root) / "us_trade_rollcalls"
    d_path = None if root is None else Path(root) / "adhm_house_2002_2016"
    rollcalls = electoral_rollcall_panel(rc_path)
    return {"data": rollcalls, "districts": electoral_district_panel(d_path)}


# --- GVC (Qu & Yang, seed 003) ------------------------------------------------------------------
def gvc_source(data: PathLike | None = None, synthetic: bool = False) -> dict[str, Any]:
    """Record for the GVC threshold model: a panel CSV, the embedded synthetic panel, or a data
    root holding ``wiod2013_gvc_indicators/``."""
    _no_synthetic_with_data(data, synthetic)
    return _csv_or_root(SYNTHETIC_GVC if synthetic else data, "GVC")


def load_gvc_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~retrench.designs.gvc.model.GVCThresholdModel`."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"])}
    from retrench.data.panels_gvc import gvc_panel

    root = source.get("path")
    return {"data": gvc_panel(None if root is None else Path(root) / "wiod2013_gvc_indicators")}
