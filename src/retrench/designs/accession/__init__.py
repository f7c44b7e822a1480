"""The WTO-accession tariff design (DeRemer, seed 002; issue 16): γ_E and γ_M identified
separately from tariffs outside (Nash) and inside (reciprocal efficient) the GATT/WTO.

``ENTRY`` is what :mod:`retrench.designs.registry` knows of it; the modules: ``model``
(``TariffAccessionModel``), ``spec`` (its spec schema), ``structure`` (weight domain,
transforms, phase-in), ``panel`` (panel preparation), ``source`` (data source), ``policies``
(counterfactuals "never_joined" and "join"), ``report``, ``calibration`` (SBC tasks).
See docs/tariffs_accession.md.
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="accession",
    class_path="retrench.designs.accession.model:TariffAccessionModel",
    make_source="retrench.designs.accession.source:accession_source",
    load_data="retrench.designs.accession.source:load_accession_data",
    report="retrench.designs.accession.report:write_report",
    counterfactuals="retrench.designs.accession.policies",
    calibration=(
        "retrench.designs.accession.calibration:simulate",
        "retrench.designs.accession.calibration:fit",
    ),
    fit_options={"phase_in": "regime.phase_in"},
    option_help={"phase_in": "'fixed' (default, 3 years) or 'estimated' (sensitivity run)"},
    description="WTO accession: Nash tariffs outside, reciprocal inside (DeRemer; issue 16)",
)
