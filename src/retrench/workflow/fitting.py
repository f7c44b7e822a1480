"""Fit a registered design and write its results folder: what ``retrench fit MODEL`` does, as a
library function for scripts and notebooks.

>>> outcome = fit_to_folder("electoral", "runs/electoral",
...                         spec={"structure": {"republican_leader": "L"}})   # doctest: +SKIP
>>> outcome.verdict, outcome.seconds                                           # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from retrench.bayes.diagnostics import diagnose
from retrench.designs import registry
from retrench.workflow import results_folder
from retrench.workflow.results import DIAGNOSTICS_FILE, build_model, save_results


@dataclasses.dataclass
class FitOutcome:
    """The fitted model, its diagnostics, wall time (s) and the design's after-fit lines."""

    model: Any
    diagnostics: Any
    seconds: float
    lines: list[str]

    @property
    def verdict(self) -> str:
        return self.diagnostics.verdict

    @property
    def reasons(self) -> list[str]:
        return list(self.diagnostics.reasons)


def summary_sites(model_or_class: Any, posterior: Any) -> list[str]:
    """The summary sites of a design (incl. its optional ones, e.g. a trade-war block) present
    in ``posterior``."""
    names = list(model_or_class.summary_sites) + list(model_or_class.optional_summary_sites)
    return [s for s in dict.fromkeys(names) if s in posterior]


#: kept name of :func:`retrench.workflow.results.build_model`
build_from_source = build_model


def fit_to_folder(
    name: str,
    out: str | os.PathLike[str],
    source: Mapping[str, Any] | None = None,
    spec: Any = None,
    *,
    draws: int | None = None,
    chains: int | None = None,
    warmup: int | None = None,
    seed: int | None = None,
    pointwise: bool | None = None,
    on_model: Callable[[Any], None] | None = None,
    overwrite: bool = False,
    backend: str = "numpyro",
    sampler: str = "nutpie",
) -> FitOutcome:
    """Build design ``name`` on ``source`` (default: the real data at the default place), fit it
    with NUTS, write ``fit.nc`` / ``spec.toml`` / ``diagnostics.csv`` and the design's after-fit
    files into ``out``. ``on_model`` sees the model before sampling (e.g. to report its size);
    ``pointwise``, ``backend`` and ``sampler`` as in
    :meth:`~retrench.bayes.base.StructuralModel.fit`.

    ``out`` is written as a whole (:mod:`retrench.workflow.results_folder`): the files are
    assembled in a temporary sibling folder and swapped in at the end. A file at ``out``, or a
    non-empty folder without ``overwrite=True``, is refused before anything is fitted."""
    entry = registry.get(name)
    out = Path(out)
    results_folder.clean_leftovers(out)
    results_folder.check_destination(out, overwrite)
    source = dict(source) if source is not None else entry.make_source()
    start = time.perf_counter()
    model = build_from_source(name, source, spec)
    if on_model is not None:
        on_model(model)
    other_backend = {} if backend == "numpyro" else {"backend": backend, "sampler": sampler}
    idata = model.fit(
        draws=draws, chains=chains, seed=seed, warmup=warmup, pointwise=pointwise, **other_backend
    )
    diag = diagnose(
        idata,
        summary_sites(model, idata.posterior),
        max_tree_depth=model.spec["sampler"]["max_tree_depth"],
    )
    tmp = results_folder.temporary_sibling(out)
    try:
        save_results(model, tmp, source)
        diag.table.to_csv(tmp / DIAGNOSTICS_FILE)
        after_fit = entry.hook("after_fit")
        lines = list(after_fit(model, tmp)) if after_fit else []
        results_folder.pause_for_tests()
        results_folder.swap_in(tmp, out)
    finally:
        results_folder.clean_leftovers(out)
        if tmp.exists():
            results_folder.remove_tree(tmp)
    return FitOutcome(model, diag, time.perf_counter() - start, lines)
