"""Data source of the tariff design: a panel CSV, the embedded synthetic panel, or a data root
holding ``wdi_tariff_rates/`` and ``us_china_tradewar_tariffs/`` (see
:mod:`retrench.data.sources` for what a source record is)."""

from __future__ import annotations

from typing import Any

from retrench.data.sources import PathLike, csv_or_root, no_synthetic_with_data, read_panel_csv
from retrench.resources import embedded_file

SYNTHETIC_FILE = "tariffs_synthetic.csv"


def tariff_source(
    data: PathLike | None = None, synthetic: bool = False, tradewar: bool = True
) -> dict[str, Any]:
    """Record for the tariff model: a panel CSV, the embedded synthetic panel, or a data root."""
    no_synthetic_with_data(data, synthetic)
    source = csv_or_root(embedded_file(SYNTHETIC_FILE) if synthetic else data, "tariff")
    if source["kind"] == "real":
        source["tradewar"] = tradewar
    return source


def load_tariff_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~retrench.designs.tariffs.model.TariffModel`."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"], "tariffs"), "tradewar": None}
    from retrench.data.panels_tariffs import tariff_country_panel, tradewar_tariff_panel

    root = source.get("path")
    tradewar = tradewar_tariff_panel(root) if source.get("tradewar", True) else None
    return {"data": tariff_country_panel(root), "tradewar": tradewar}
