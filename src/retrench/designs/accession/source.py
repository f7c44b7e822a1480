"""Data source of the tariff-accession design: a panel CSV, the embedded synthetic panel, or a
data root holding ``wdi_tariff_rates/`` and ``wto_membership/`` (see
:mod:`retrench.data.sources` for what a source record is).

``--synthetic`` is ``data/accession_synthetic.csv``, written by
``data/make_accession_synthetic.py`` with
:func:`retrench.data.simulate_tariffs_accession.simulate_accession_panel` (acceding,
always-member and never-member economies, known weights); ``--data ROOT`` is
:func:`retrench.data.wto_status_panel` of that root.
"""

from __future__ import annotations

from typing import Any

from retrench.data.sources import PathLike, csv_or_root, no_synthetic_with_data, read_panel_csv
from retrench.resources import embedded_file

SYNTHETIC_FILE = "accession_synthetic.csv"


def accession_source(data: PathLike | None = None, synthetic: bool = False) -> dict[str, Any]:
    """Record for the accession model: a panel CSV, the embedded synthetic panel, or a root."""
    no_synthetic_with_data(data, synthetic)
    return csv_or_root(embedded_file(SYNTHETIC_FILE) if synthetic else data, "accession")


def load_accession_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of
    :class:`~retrench.designs.accession.model.TariffAccessionModel`."""
    if source["kind"] == "csv":
        return {"data": read_panel_csv(source["path"])}
    from retrench.data import wto_status_panel

    return {"data": wto_status_panel(source.get("path"))}
