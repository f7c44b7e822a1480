"""Estimation designs: one sub-package per design, reached from outside only by the registry.

``retrench.designs.<name>/`` holds everything one design needs (model class and spec schema,
parameterisation, panel preparation and data source, counterfactual policies, report,
calibration tasks, baselines). Code outside ``designs/`` reaches a design only through
:mod:`retrench.designs.registry`; see ``docs/adding_a_design.md``.
"""
