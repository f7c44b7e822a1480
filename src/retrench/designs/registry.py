"""The estimation designs the command line knows, and the hooks each one provides.

``retrench fit MODEL`` builds the model named ``MODEL`` from its data source; ``check``,
``simulate``, ``report`` read the model's name from the results folder and call the same entry's
hooks, so every design gets the same commands. An entry names its pieces as ``"module:attribute"``
strings, imported only when used (``retrench --help`` stays fast and a design's heavy imports are
paid only by that design's commands).

Hooks of an entry (all optional except the class and the data functions):

* ``report``: ``write_report(model, out: Path) -> Path`` writes plots and ``report.md``;
* ``counterfactuals``: a module with ``POLICIES: dict[str, str]`` (policy -> description) and
  ``counterfactual_tables(model, policy, amount=None) -> list[(title, DataFrame)]``;
* ``after_fit``: ``after_fit(model, out: Path) -> list[str]`` writes design-specific files after
  a fit (e.g. the GVC design's Hansen comparison) and returns lines to print;
* ``calibration``: ``(simulate, fit)`` task functions for simulation-based calibration
  (:func:`~retrench.workflow.executor_calibration.run_calibration`);
* ``fit_options``: command-line options of ``fit`` that only this design accepts, mapped to the
  spec key they set (e.g. ``--thresholds`` -> ``thresholds.count``).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from typing import Any

from retrench.errors import SpecError
from retrench.workflow import data_sources as ds


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    """One estimation design as the command line sees it."""

    name: str
    class_path: str
    make_source: Callable[..., dict[str, Any]]
    load_data: Callable[[dict[str, Any]], dict[str, Any]]
    report: str | None = None
    counterfactuals: str | None = None
    after_fit: str | None = None
    calibration: tuple[str, str] | None = None
    fit_options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    description: str = ""

    def model_class(self) -> type:
        return resolve(self.class_path)

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The hook ``name`` ("report" or "after_fit"), or None when the design has none."""
        reference = getattr(self, name)
        return None if reference is None else resolve(reference)

    def counterfactual_module(self) -> Any:
        if self.counterfactuals is None:
            raise SpecError(f"model {self.name!r} defines no counterfactual policies")
        return importlib.import_module(self.counterfactuals)


_REGISTRY: dict[str, ModelEntry] = {}


def resolve(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def register(entry: ModelEntry) -> None:
    """Make a design available to the command line (replaces an entry of the same name)."""
    _REGISTRY[entry.name] = entry


def get(name: str) -> ModelEntry:
    """The entry registered under ``name`` (SpecError listing the known names)."""
    if name not in _REGISTRY:
        raise SpecError(f"model: unknown model {name!r} (known: {', '.join(sorted(_REGISTRY))})")
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(_REGISTRY)


def apply_fit_options(entry: ModelEntry, spec: dict[str, Any], options: Mapping[str, Any]) -> None:
    """Write design-specific ``fit`` options (only those given) into the ``spec`` dict in place;
    an option another design owns is refused with its name."""
    for option, value in options.items():
        if value is None:
            continue
        if option not in entry.fit_options:
            owners = [e.name for e in _REGISTRY.values() if option in e.fit_options]
            raise SpecError(
                f"--{option.replace('_', '-')} applies to model {', '.join(owners) or '?'}, "
                f"not {entry.name!r}"
            )
        section, _, key = entry.fit_options[option].partition(".")
        spec.setdefault(section, {})[key] = value


register(
    ModelEntry(
        name="tariffs",
        class_path="retrench.designs.tariffs.model:TariffModel",
        make_source=ds.tariff_source,
        load_data=ds.load_tariff_data,
        report="retrench.designs.tariffs.report:write_report",
        counterfactuals="retrench.designs.tariffs.policies",
        calibration=(
            "retrench.designs.tariffs.calibration:simulate",
            "retrench.designs.tariffs.calibration:fit",
        ),
        description="exporter influence on tariffs (DeRemer, seed 002): WDI + trade war",
    )
)
register(
    ModelEntry(
        name="electoral",
        class_path="retrench.designs.electoral.model:ElectoralModel",
        make_source=ds.electoral_source,
        load_data=ds.load_electoral_data,
        report="retrench.designs.electoral.report:write_report",
        counterfactuals="retrench.designs.electoral.policies",
        after_fit="retrench.designs.electoral.report:after_fit",
        calibration=(
            "retrench.designs.electoral.calibration:simulate",
            "retrench.designs.electoral.calibration:fit",
        ),
        description="electoral realignment (Melnick, seed 001): roll calls + district votes",
    )
)
register(
    ModelEntry(
        name="gvc",
        class_path="retrench.designs.gvc.model:GVCThresholdModel",
        make_source=ds.gvc_source,
        load_data=ds.load_gvc_data,
        report="retrench.designs.gvc.report:write_report",
        counterfactuals="retrench.designs.gvc.policies",
        after_fit="retrench.designs.gvc.report:after_fit",
        fit_options={"thresholds": "thresholds.count", "regressor": "thresholds.regressor"},
        description="GVC localization thresholds (Qu & Yang, seed 003) beside Hansen (1999)",
    )
)
