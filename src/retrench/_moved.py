"""Old import paths of modules that issue 12 moved, kept working as aliases for one release.

The estimation designs moved from ``retrench.bayes.*`` / ``retrench.workflow.*`` into
``retrench.designs.<design>/`` and the command line into the ``retrench.cli`` package. The old
module files are gone (so that version control follows each file to its new path); instead, this
import hook answers an old name with the *same module object* as the new name, so attributes,
monkeypatching and ``isinstance`` checks behave exactly as with the new path. Import from the new
path in new code; :data:`MOVED` is the table old -> new.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

MOVED: dict[str, str] = {
    "retrench.bayes.tariffs": "retrench.designs.tariffs.model",
    "retrench.bayes.tariff_spec": "retrench.designs.tariffs.spec",
    "retrench.bayes.tariff_structure": "retrench.designs.tariffs.structure",
    "retrench.bayes.tariff_data": "retrench.designs.tariffs.panel",
    "retrench.bayes.tariff_tradewar": "retrench.designs.tariffs.tradewar",
    "retrench.bayes.tariff_counterfactuals": "retrench.designs.tariffs.policies",
    "retrench.bayes.tariff_calibration": "retrench.designs.tariffs.calibration",
    "retrench.workflow.report": "retrench.designs.tariffs.report",
    "retrench.workflow.tariff_demo": "retrench.designs.tariffs.demo",
    "retrench.bayes.electoral": "retrench.designs.electoral.model",
    "retrench.bayes.electoral_calibration": "retrench.designs.electoral.calibration",
    "retrench.bayes.electoral_checks": "retrench.designs.electoral.checks",
    "retrench.bayes.electoral_counterfactuals": "retrench.designs.electoral.policies",
    "retrench.bayes.electoral_data": "retrench.designs.electoral.panel",
    "retrench.bayes.electoral_structure": "retrench.designs.electoral.structure",
    "retrench.workflow.report_electoral": "retrench.designs.electoral.report",
    "retrench.bayes.gvc_model": "retrench.designs.gvc.model",
    "retrench.bayes.gvc_ar1": "retrench.designs.gvc.ar1",
    "retrench.bayes.gvc_counterfactual": "retrench.designs.gvc.policies",
    "retrench.bayes.gvc_design": "retrench.designs.gvc.matrices",
    "retrench.bayes.gvc_linear": "retrench.designs.gvc.linear",
    "retrench.bayes.gvc_marginal": "retrench.designs.gvc.marginal",
    "retrench.bayes.gvc_posterior": "retrench.designs.gvc.posterior",
    "retrench.bayes.gvc_structural": "retrench.designs.gvc.structural",
    "retrench.bayes.gvc_threshold": "retrench.designs.gvc.threshold",
    "retrench.workflow.report_gvc": "retrench.designs.gvc.report",
    "retrench.workflow.hansen": "retrench.designs.gvc.hansen",
    "retrench.workflow.hansen_bootstrap": "retrench.designs.gvc.hansen_bootstrap",
    "retrench.workflow.hansen_compare": "retrench.designs.gvc.hansen_compare",
    "retrench.workflow.hansen_coverage": "retrench.designs.gvc.hansen_coverage",
    "retrench.workflow.registry": "retrench.designs.registry",
    "retrench.workflow.diagnostics": "retrench.bayes.diagnostics",
    "retrench.workflow.plots": "retrench.bayes.plots",
    "retrench.workflow.render": "retrench.bayes.render",
    "retrench._cli_workflow": "retrench.cli.workflow",
    "retrench._cli_calibrate": "retrench.cli.calibrate",
    "retrench._cli_data": "retrench.cli.data",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old name as the module already (or now) imported under its new name."""

    def __init__(self, new_name: str) -> None:
        self.new_name = new_name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.new_name)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # the import system stamped the alias's spec onto the module: give it back its own
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the old names of :data:`MOVED` (and nothing else)."""

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        new_name = MOVED.get(fullname)
        if new_name is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new_name))


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` once (idempotent)."""
    if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(_AliasFinder())
