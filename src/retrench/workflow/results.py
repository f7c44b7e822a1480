"""Results folders: what ``retrench fit`` writes and ``check`` / ``simulate`` / ``report`` read.

A results folder holds ``fit.nc`` (the self-describing NetCDF of
:mod:`retrench.bayes.persistence`), ``spec.toml`` (the validated spec, for reading) and
``diagnostics.csv``. The file's attributes also record where the data came from
(``retrench_data_source``, a record of :mod:`retrench.workflow.data_sources`), so a later command
reloads the same data and :meth:`load` checks its hash: a folder whose data changed, or that
holds another model, is refused with one clear error. Which class and hooks belong to a model
name is the business of :mod:`retrench.designs.registry`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from retrench.bayes import inference_data as idio
from retrench.bayes.base import StructuralModel
from retrench.bayes.persistence import read_results_file
from retrench.bayes.spec import spec_to_toml
from retrench.data.sources import read_panel_csv
from retrench.designs import registry
from retrench.errors import DataError, SpecError

FIT_FILE = "fit.nc"
SPEC_FILE = "spec.toml"
DIAGNOSTICS_FILE = "diagnostics.csv"

__all__ = [
    "DIAGNOSTICS_FILE",
    "FIT_FILE",
    "SPEC_FILE",
    "build_model",
    "load_results",
    "model_class",
    "read_attrs",
    "read_panel_csv",
    "save_results",
]


def model_class(name: str) -> type[StructuralModel]:
    """The model class registered under ``name`` (SpecError listing the known names)."""
    return registry.get(name).model_class()


def build_model(name: str, source: Mapping[str, Any], spec: Any = None) -> StructuralModel:
    """Construct model ``name`` on the data of a source record (spec: None, path or dict)."""
    entry = registry.get(name)
    loaded = entry.load_data(dict(source))
    return entry.model_class()(loaded.pop("data"), spec, **loaded)


def save_results(model: StructuralModel, out: str | os.PathLike[str], source: dict) -> Path:
    """Write ``fit.nc`` (with the data source in its attributes) and ``spec.toml`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idio.set_attrs(model.require_fit(), {"retrench_data_source": json.dumps(source)})
    model.save(out / FIT_FILE)
    (out / SPEC_FILE).write_text(spec_to_toml(model.spec), encoding="utf-8")
    return out


def read_attrs(out: str | os.PathLike[str]) -> tuple[Any, dict[str, Any]]:
    """``(idata, attrs)`` of a results folder, without rebuilding the model."""
    path = Path(out) / FIT_FILE
    if not path.is_file():
        raise DataError(f"{out}: no {FIT_FILE} here (is this a results folder of `retrench fit`?)")
    idata = read_results_file(path)
    attrs = idio.attrs_of(idata)
    if "retrench_model" not in attrs:
        raise SpecError(f"{path}: not a retrench results file")
    return idata, attrs


def load_results(out: str | os.PathLike[str]) -> StructuralModel:
    """Rebuild the fitted model of a results folder (data reloaded, hash and spec checked)."""
    _, attrs = read_attrs(out)
    entry = registry.get(attrs["retrench_model"])
    if "retrench_data_source" not in attrs:
        raise SpecError(
            f"{Path(out) / FIT_FILE}: records no data source (written by model.save(), not by "
            "`retrench fit`); reload it in Python with the model class's load(path, data)"
        )
    loaded = entry.load_data(json.loads(attrs["retrench_data_source"]))
    return entry.model_class().load(Path(out) / FIT_FILE, loaded.pop("data"), **loaded)
