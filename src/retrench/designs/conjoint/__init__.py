"""Conjoint design for seed 000 (Yean 2025, *After Equilibrium*, Table 2).

Modules: :mod:`.attributes` (Table 2 levels, hypotheses), :mod:`.design` (randomised paired
profiles), :mod:`.survey` (file schema and validation), :mod:`.simulate` (surveys from known
part-worths), :mod:`.ols` (AMCEs, marginal means, subgroup differences), :mod:`.model`
(hierarchical Bayesian model, :class:`~.model.ConjointModel`), :mod:`.posterior` (AMCEs,
marginal means and hypotheses as posterior quantities), :mod:`.power`, :mod:`.results`
(``amce.csv``, ``marginal_means.csv``), :mod:`.plots`, :mod:`.cli` (command entry points).
Heavy modules are imported on use.
"""

from retrench.designs.conjoint.attributes import ATTRIBUTES, HYPOTHESES

__all__ = ["ATTRIBUTES", "HYPOTHESES"]
