"""The one registry of estimation designs: everything outside ``retrench/designs/`` reaches a
design through here, never by importing its modules.

:data:`DESIGNS` lists the designs retrench ships, one line each: the design's name and the
package (``retrench/designs/<name>/``) whose ``__init__`` declares ``ENTRY``, a
:class:`ModelEntry`. A package is imported only when its design is asked for, and an entry names
its pieces as ``"module:attribute"`` strings imported only when used (``retrench --help`` stays
fast and a design's heavy imports are paid only by that design's commands). Another design
(a plug-in, a test's toy design) joins with :func:`register` or :func:`register_package`.

``retrench fit MODEL`` builds the model named ``MODEL`` from its data source; ``check``,
``simulate``, ``report`` read the model's name from the results folder and call the same entry's
hooks, so every design gets the same commands.

Pieces of an entry (all optional except the class and the data functions):

* ``make_source(data, synthetic, **source_options) -> dict`` and ``load_data(record) -> dict``:
  the design's data source (``designs/<name>/source.py``; see :mod:`retrench.data.sources`);
* ``report``: ``write_report(model, out: Path) -> Path`` writes plots and ``report.md``;
* ``counterfactuals``: a module with ``POLICIES: dict[str, str]`` (policy -> description) and
  ``counterfactual_tables(model, policy, amount=None) -> list[(title, DataFrame)]``;
* ``after_fit``: ``after_fit(model, out: Path) -> list[str]`` writes design-specific files after
  a fit (e.g. the GVC design's Hansen comparison) and returns lines to print;
* ``calibration``: ``(simulate, fit)`` task functions for simulation-based calibration
  (:func:`~retrench.workflow.executor_calibration.run_calibration`);
* ``demo``: ``run(console=None)``, the design's part of ``retrench demo``;
* ``fit_options``: command-line options of ``fit`` that only this design accepts, mapped to the
  spec key they set (e.g. ``--thresholds`` -> ``thresholds.count``);
* ``design_command``: a function that Typer turns into ``retrench design <name> ...`` (e.g. the
  conjoint design's randomised profile generator);
* ``commands``: a Typer app whose commands become ``retrench <name> ...`` (design-specific tools,
  e.g. ``retrench conjoint power``);
* ``source_options``: command-line options of ``fit`` passed to ``make_source`` (e.g. the
  electoral design's ``--rollcalls``); ``option_help`` describes every design option.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from typing import Any

from retrench.errors import SpecError


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    """One estimation design as the command line sees it."""

    name: str
    class_path: str
    make_source: Callable[..., dict[str, Any]] | str
    load_data: Callable[[dict[str, Any]], dict[str, Any]] | str
    report: str | None = None
    counterfactuals: str | None = None
    after_fit: str | None = None
    calibration: tuple[str, str] | None = None
    fit_options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    description: str = ""
    demo: str | None = None
    source_options: tuple[str, ...] = ()
    option_help: Mapping[str, str] = dataclasses.field(default_factory=dict)
    design_command: str | None = None
    commands: str | None = None

    def __post_init__(self) -> None:
        for field in ("make_source", "load_data"):
            reference = getattr(self, field)
            if isinstance(reference, str):
                object.__setattr__(self, field, _Deferred(reference))

    def options(self) -> list[str]:
        """Every design-specific option of ``fit`` (without ``--``)."""
        return [*self.fit_options, *self.source_options]

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


class _Deferred:
    """A ``"module:attribute"`` function, imported at its first call."""

    def __init__(self, reference: str) -> None:
        self.reference = reference

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return resolve(self.reference)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self.reference}>"


#: the designs retrench ships: name -> package whose ``__init__`` declares ``ENTRY``
DESIGNS: dict[str, str] = {
    "tariffs": "retrench.designs.tariffs",
    "electoral": "retrench.designs.electoral",
    "gvc": "retrench.designs.gvc",
    "conjoint": "retrench.designs.conjoint",
    "accession": "retrench.designs.accession",
}

_REGISTRY: dict[str, ModelEntry] = {}


def resolve(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def register(entry: ModelEntry) -> None:
    """Make a design available to the command line (replaces an entry of the same name)."""
    _REGISTRY[entry.name] = entry


def register_package(name: str, package: str) -> None:
    """Make the design whose package ``package`` declares ``ENTRY`` available as ``name``
    (imported at its first use, as the shipped designs are)."""
    DESIGNS[name] = package
    _REGISTRY.pop(name, None)


def unregister(name: str) -> None:
    """Forget design ``name`` (e.g. a test's toy design)."""
    DESIGNS.pop(name, None)
    _REGISTRY.pop(name, None)


def get(name: str) -> ModelEntry:
    """The entry registered under ``name`` (SpecError listing the known names)."""
    if name not in _REGISTRY and name in DESIGNS:
        entry = importlib.import_module(DESIGNS[name]).ENTRY
        if entry.name != name:
            raise SpecError(
                f"{DESIGNS[name]}: ENTRY is named {entry.name!r}, registered as {name!r}"
            )
        _REGISTRY[name] = entry
    if name not in _REGISTRY:
        raise SpecError(f"model: unknown model {name!r} (known: {', '.join(names())})")
    return _REGISTRY[name]


def names() -> list[str]:
    """Names of every design (shipped and registered)."""
    return sorted(set(_REGISTRY) | set(DESIGNS))


def entries() -> list[ModelEntry]:
    """Every design's entry (imports each design's package, not its model)."""
    return [get(name) for name in names()]


def apply_fit_options(entry: ModelEntry, spec: dict[str, Any], options: Mapping[str, Any]) -> None:
    """Write design-specific ``fit`` options (only those given) into the ``spec`` dict in place;
    an option another design owns is refused with its name."""
    for option, value in options.items():
        if value is None:
            continue
        if option not in entry.fit_options:
            raise SpecError(foreign_option_message(entry, option))
        *path, key = entry.fit_options[option].split(".")
        table = spec
        for part in path:
            table = table.setdefault(part, {})
        table[key] = value


def foreign_option_message(entry: ModelEntry, option: str) -> str:
    """Why ``--option`` is refused for design ``entry``: which designs own it, or none."""
    owners = [e.name for e in entries() if option in e.options()]
    flag = f"--{option.replace('_', '-')}"
    if owners:
        return f"{flag} applies to model {', '.join(owners)}, not {entry.name!r}"
    known = ", ".join(f"--{o.replace('_', '-')}" for o in entry.options()) or "none"
    return f"{flag}: no such option of `retrench fit {entry.name}` (its design options: {known})"
