"""The electoral design (Melnick, seed 001): realignment from roll calls and district votes.

``ENTRY`` is what :mod:`retrench.designs.registry` knows of it; the modules: ``model``
(``ElectoralModel`` and its spec schema), ``structure`` (parameterisation), ``panel`` (panel
preparation, embedded synthetic panels), ``source`` (data source), ``policies``
(counterfactuals), ``checks``, ``report``, ``calibration`` (SBC tasks).
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="electoral",
    class_path="retrench.designs.electoral.model:ElectoralModel",
    make_source="retrench.designs.electoral.source:electoral_source",
    load_data="retrench.designs.electoral.source:load_electoral_data",
    report="retrench.designs.electoral.report:write_report",
    counterfactuals="retrench.designs.electoral.policies",
    after_fit="retrench.designs.electoral.report:after_fit",
    calibration=(
        "retrench.designs.electoral.calibration:simulate",
        "retrench.designs.electoral.calibration:fit",
    ),
    source_options=("rollcalls", "districts"),
    option_help={
        "rollcalls": "roll-call panel CSV (replaces --data)",
        "districts": "district panel CSV (with --rollcalls)",
    },
    description="electoral realignment (Melnick, seed 001): roll calls + district votes",
)
