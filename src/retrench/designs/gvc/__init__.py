"""The GVC design (Qu & Yang, seed 003): localization thresholds beside Hansen (1999).

``ENTRY`` is what :mod:`retrench.designs.registry` knows of it; the modules: ``model``
(``GVCThresholdModel`` and its spec schema), ``threshold`` / ``posterior`` / ``marginal``
(the threshold likelihood and its sampler), ``matrices`` (design matrices), ``source`` (data
source), ``policies`` (counterfactuals), ``report``, and the baselines ``hansen*`` (Hansen 1999),
``linear`` (two-way fixed-effects OLS), ``ar1`` (AR(1) errors), ``structural``.
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="gvc",
    class_path="retrench.designs.gvc.model:GVCThresholdModel",
    make_source="retrench.designs.gvc.source:gvc_source",
    load_data="retrench.designs.gvc.source:load_gvc_data",
    report="retrench.designs.gvc.report:write_report",
    counterfactuals="retrench.designs.gvc.policies",
    after_fit="retrench.designs.gvc.report:after_fit",
    fit_options={"thresholds": "thresholds.count", "regressor": "thresholds.regressor"},
    option_help={
        "thresholds": "number of thresholds: 0, 1 or 2",
        "regressor": "threshold variable: mu (eq. 19) or upsilon (eq. 20)",
    },
    description="GVC localization thresholds (Qu & Yang, seed 003) beside Hansen (1999)",
)
