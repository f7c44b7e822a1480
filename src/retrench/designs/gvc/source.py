"""Data source of the GVC design: a panel CSV, the embedded synthetic panel, or a data root
holding ``wiod2013_gvc_indicators/`` (see :mod:`retrench.data.sources`)."""

from __future__ import annotations

from typing import Any

from retrench.data.sources import PathLike, csv_or_root, no_synthetic_with_data, read_panel_csv
from retrench.resources import embedded_file

SYNTHETIC_FILE = "gvc_synthetic.csv"


def gvc_source(data: PathLike | None = None, synthetic: bool = False) -> dict[str, Any]:
    """Record for the GVC threshold model: a panel CSV, the embedded synthetic panel, or a data
    root (the folder holding ``wiod2013_gvc_indicators/``)."""
    no_synthetic_with_data(data, synthetic)
    return csv_or_root(embedded_file(SYNTHETIC_FILE) if synthetic else data, "GVC")


def load_gvc_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~retrench.designs.gvc.model.GVCThresholdModel`."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"], "gvc")}
    from retrench.data.panels_gvc import gvc_panel

    # the loader takes the data root (the folder holding the dataset folders), not the dataset
    return {"data": gvc_panel(source.get("path"))}
