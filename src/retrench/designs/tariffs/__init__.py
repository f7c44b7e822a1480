"""The tariff design (DeRemer, seed 002): exporter influence on tariffs, WDI + the trade war.

``ENTRY`` is what :mod:`retrench.designs.registry` knows of it; the modules:
``model`` (``TariffModel``), ``spec`` (its spec schema), ``structure`` (parameterisation),
``tradewar`` (the trade-war likelihood), ``panel`` (panel preparation), ``source`` (data source),
``policies`` (counterfactuals), ``report``, ``calibration`` (SBC tasks), ``demo``.
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="tariffs",
    class_path="retrench.designs.tariffs.model:TariffModel",
    make_source="retrench.designs.tariffs.source:tariff_source",
    load_data="retrench.designs.tariffs.source:load_tariff_data",
    report="retrench.designs.tariffs.report:write_report",
    counterfactuals="retrench.designs.tariffs.policies",
    calibration=(
        "retrench.designs.tariffs.calibration:simulate",
        "retrench.designs.tariffs.calibration:fit",
    ),
    demo="retrench.designs.tariffs.demo:run_tariff_demo",
    description="exporter influence on tariffs (DeRemer, seed 002): WDI + trade war",
)
