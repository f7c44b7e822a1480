"""Conjoint design for seed 000 (Yean 2025, *After Equilibrium*, Table 2).

``ENTRY`` is what :mod:`retrench.designs.registry` knows of it (registered by the line
``"conjoint": "retrench.designs.conjoint"`` in ``DESIGNS``). Modules: :mod:`.attributes`
(Table 2 levels, hypotheses), :mod:`.design` (randomised paired profiles), :mod:`.survey` (file
schema and validation), :mod:`.simulate` (surveys from known part-worths), :mod:`.encoding`,
:mod:`.ols` (AMCEs, marginal means, subgroup differences), :mod:`.spec` and :mod:`.model`
(hierarchical Bayesian model, ``ConjointModel``), :mod:`.posterior` (AMCEs, marginal means and
hypotheses as posterior quantities), :mod:`.checks` (predictive checks), :mod:`.power`,
:mod:`.results` (``amce.csv``, ``marginal_means.csv``), :mod:`.plots`, :mod:`.hooks` (data
source, after-fit tables, report), :mod:`.cli` (``design``/``fit``/``report``/``power``).
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="conjoint",
    class_path="retrench.designs.conjoint.model:ConjointModel",
    make_source="retrench.designs.conjoint.hooks:conjoint_source",
    load_data="retrench.designs.conjoint.hooks:load_conjoint_data",
    report="retrench.designs.conjoint.hooks:write_report",
    after_fit="retrench.designs.conjoint.hooks:after_fit",
    design_command="retrench.designs.conjoint.cli:design_command",
    commands="retrench.designs.conjoint.cli:app",
    description="trade-shock conjoint (Yean, seed 000): OLS AMCEs beside a hierarchical logit",
)
