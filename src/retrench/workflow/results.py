"""Results folders: what ``retrench fit`` writes and ``check`` / ``simulate`` / ``report`` read.

A results folder holds ``fit.nc`` (the self-describing NetCDF of
:mod:`retrench.bayes.persistence`), ``spec.toml`` (the validated spec, for reading) and
``diagnostics.csv``. The file's attributes also record where the data came from
(``retrench_data_source``), so a later command reloads the same data and :meth:`load` checks its
hash: a folder whose data changed, or that holds another model, is refused with one clear error.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.bayes.spec import spec_to_toml
from retrench.errors import DataError, SpecError
from retrench.bayes import inference_data as idio
from retrench.bayes.base import StructuralModel

FIT_FILE = "fit.nc"
SPEC_FILE = "spec.toml"
DIAGNOSTICS_FILE = "diagnostics.csv"
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
SYNTHETIC_TARIFFS = REPOSITORY_ROOT / "data" / "tariffs_synthetic.csv"


_REGISTRY: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {}


def register_model(
    name: str, class_path: str, load_data: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """Make model ``name`` available to the CLI: ``class_path`` ("module:Class") and a function
    from a data-source record to the constructor's data arguments (``{"data": ..., **kwargs}``)."""
    _REGISTRY[name] = (class_path, load_data)


def model_class(name: str) -> type[StructuralModel]:
    """The model class registered under ``name`` (SpecError listing the known names)."""
    if name not in _REGISTRY:
        raise SpecError(f"model: unknown model {name!r} (known: {', '.join(_REGISTRY)})")
    module, _, cls = _REGISTRY[name][0].partition(":")
    return getattr(importlib.import_module(module), cls)


def read_panel_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A country panel saved as CSV (e.g. the embedded synthetic data), with typed columns."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    frame = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "NaN"])
    for column in ("country_code", "country_name", "region", "income_group", "suspect_reason"):
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
            frame[column] = frame[column].astype(str)
    return frame


def load_tariff_data(source: dict[str, Any]) -> dict[str, Any]:
    """Data of the tariff model from a data-source record (see :func:`tariff_data_source`)."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"]), "tradewar": None}
    from retrench.data.panels_tariffs import tariff_country_panel, tradewar_tariff_panel

    root = source.get("path")
    data = tariff_country_panel(root)
    tradewar = tradewar_tariff_panel(root) if source.get("tradewar", True) else None
    return {"data": data, "tradewar": tradewar}


def tariff_data_source(data: str | os.PathLike[str] | None, tradewar: bool = True) -> dict:
    """Record of where the tariff data come from: a CSV panel file, or a data root folder
    holding ``wdi_tariff_rates/`` and ``us_china_tradewar_tariffs/`` (None: the default place)."""
    if data is not None and Path(data).is_file():
        return {"kind": "csv", "path": str(Path(data).resolve())}
    if data is not None and not Path(data).is_dir():
        raise DataError(f"--data {data}: neither a CSV file nor a folder")
    return {
        "kind": "real",
        "path": None if data is None else str(Path(data).resolve()),
        "tradewar": tradewar,
    }


def load_data(name: str, source: dict[str, Any]) -> dict[str, Any]:
    """Constructor data arguments of model ``name`` for a data-source record."""
    model_class(name)
    return _REGISTRY[name][1](source)


def build_model(name: str, source: dict, spec: Any = None) -> StructuralModel:
    """Construct model ``name`` on the data of ``source`` (spec: None, path or dict)."""
    loaded = load_data(name, source)
    return model_class(name)(loaded.pop("data"), spec, **loaded)


def save_results(model: StructuralModel, out: str | os.PathLike[str], source: dict) -> Path:
    """Write ``fit.nc`` (with the data source in its attributes) and ``spec.toml`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idio.set_attrs(model._require_fit(), {"retrench_data_source": json.dumps(source)})
    model.save(out / FIT_FILE)
    (out / SPEC_FILE).write_text(spec_to_toml(model.spec), encoding="utf-8")
    return out


def read_attrs(out: str | os.PathLike[str]) -> tuple[Any, dict[str, Any]]:
    """``(idata, attrs)`` of a results folder, without rebuilding the model."""
    path = Path(out) / FIT_FILE
    if not path.is_file():
        raise DataError(f"{out}: no {FIT_FILE} here (is this a results folder of `retrench fit`?)")
    idata = idio.read_netcdf(str(path))
    attrs = idio.attrs_of(idata)
    if "retrench_model" not in attrs:
        raise SpecError(f"{path}: not a retrench results file")
    return idata, attrs


def load_results(out: str | os.PathLike[str]) -> StructuralModel:
    """Rebuild the fitted model of a results folder (data reloaded, hash and spec checked)."""
    _, attrs = read_attrs(out)
    name = attrs["retrench_model"]
    source = json.loads(attrs.get("retrench_data_source", '{"kind": "real", "path": null}'))
    loaded = load_data(name, source)
    return model_class(name).load(Path(out) / FIT_FILE, loaded.pop("data"), **loaded)


register_model("tariffs", "retrench.bayes.tariffs:TariffModel", load_tariff_data)
