"""Simulation-based calibration (SBC) on the executor: many simulate -> fit -> rank tasks.

For simulation ``i`` with seed ``s_i`` a worker draws true parameters and a data set,
``truth, data = simulate(sim_seed, **simulate_options)``, fits the model,
``draws = fit(data, fit_seed, **fit_options)``, and stores for every parameter the truth and its
rank among the posterior draws, ``rank = #{draws < truth}`` (Talts et al. 2018, "Validating
Bayesian inference algorithms with simulation-based calibration", Algorithm 1). If the fit is
calibrated the ranks are uniform on ``{0, ..., n_draws}`` and a central 90 % interval covers the
truth in about 90 % of simulations.

``simulate`` and ``fit`` are module-level functions (or ``"module:function"`` strings):

* ``simulate(seed: int, **options) -> (truth: dict[str, array], data: Any)``;
* ``fit(data, seed: int, **options) -> dict[str, array]`` with posterior draws stacked on the
  leading axis (shape ``(n_draws, *parameter_shape)``) for at least every key of ``truth``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from retrench.errors import SpecError
from retrench.workflow.executor import RunSummary, load_results, run_tasks
from retrench.workflow.executor_backends import resolve_task, task_reference
from retrench.workflow.rank_statistics import central_interval_hits, rank_uniformity_pvalue

RANK_PREFIX = "rank__"
TRUTH_PREFIX = "truth__"
N_DRAWS = "n_draws"


def _split_seed(seed: int) -> tuple[int, int]:
    sim_seed, fit_seed = np.random.SeedSequence(int(seed)).generate_state(2, dtype=np.uint32)
    return int(sim_seed), int(fit_seed)


def ranks_of_truth(truth: Mapping[str, Any], draws: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """``{"rank__p": #{draws_p < truth_p}, "truth__p": truth_p, "n_draws": n}`` per parameter."""
    out: dict[str, np.ndarray] = {}
    n_draws = None
    for name, value in truth.items():
        if name not in draws:
            raise SpecError(f"fit returned no draws for parameter {name!r} of the simulation")
        true = np.asarray(value, dtype=float)
        sample = np.asarray(draws[name], dtype=float)
        if sample.shape[1:] != true.shape:
            raise SpecError(
                f"draws of {name!r} have shape {sample.shape}; expected (n_draws, *{true.shape})"
            )
        if n_draws is not None and sample.shape[0] != n_draws:
            raise SpecError(f"parameters have different numbers of draws ({name!r})")
        n_draws = sample.shape[0]
        out[RANK_PREFIX + name] = np.sum(sample < true, axis=0)
        out[TRUTH_PREFIX + name] = true
    out[N_DRAWS] = np.asarray(n_draws or 0)
    return out


def calibration_task(spec: dict, seed: int) -> dict[str, np.ndarray]:
    """One SBC replicate (runs in a worker): simulate, fit, rank the truth among the draws."""
    simulate = resolve_task(spec["simulate"])
    fit = resolve_task(spec["fit"])
    sim_seed, fit_seed = _split_seed(seed)
    truth, data = simulate(sim_seed, **spec.get("simulate_options", {}))
    draws = fit(data, fit_seed, **spec.get("fit_options", {}))
    return ranks_of_truth(truth, draws)


@dataclasses.dataclass
class CalibrationResult:
    """Ranks and truths per parameter (leading axis: simulation) and the run summary."""

    ranks: dict[str, np.ndarray]
    truths: dict[str, np.ndarray]
    n_draws: int
    summary: RunSummary

    def coverage(self, level: float = 0.9) -> dict[str, float]:
        """Share of simulations whose central ``level`` interval holds the truth (pooled over a
        vector parameter's elements; :func:`~retrench.workflow.rank_statistics.
        central_interval_hits`)."""
        return {
            p: float(np.mean(central_interval_hits(r, self.n_draws, level)))
            for p, r in self.ranks.items()
        }

    def uniformity_pvalues(self, bins: int = 10) -> dict[str, float]:
        """Chi-square p-value of rank uniformity per parameter, ``bins`` groups of rank values
        with exact expected counts (:func:`~retrench.workflow.rank_statistics.
        rank_uniformity_pvalue`)."""
        return {p: rank_uniformity_pvalue(r, self.n_draws, bins) for p, r in self.ranks.items()}


def collect_calibration(out_dir: str | os.PathLike[str], summary: RunSummary) -> CalibrationResult:
    """Stack the per-simulation rank files of ``out_dir`` (sorted by task key)."""
    keys = set(summary.computed) | set(summary.skipped)
    results = {k: v for k, v in load_results(out_dir).items() if k in keys}
    if not results:
        raise SpecError(f"{out_dir}: no finished calibration tasks to collect")
    first = next(iter(results.values()))
    names = [k[len(RANK_PREFIX) :] for k in first if k.startswith(RANK_PREFIX)]
    ranks = {n: np.stack([r[RANK_PREFIX + n] for r in results.values()]) for n in names}
    truths = {n: np.stack([r[TRUTH_PREFIX + n] for r in results.values()]) for n in names}
    n_draws = {int(r[N_DRAWS]) for r in results.values()}
    if len(n_draws) != 1:
        raise SpecError(f"{out_dir}: tasks used different numbers of draws {sorted(n_draws)}")
    return CalibrationResult(ranks, truths, n_draws.pop(), summary)


def run_calibration(
    simulate: Callable[..., Any] | str,
    fit: Callable[..., Any] | str,
    n_simulations: int,
    out_dir: str | os.PathLike[str],
    *,
    base_seed: int = 0,
    simulate_options: Mapping[str, Any] | None = None,
    fit_options: Mapping[str, Any] | None = None,
    **executor_options: Any,
) -> CalibrationResult:
    """Run ``n_simulations`` SBC replicates with :func:`~retrench.workflow.executor.run_tasks`.

    ``executor_options`` go to ``run_tasks`` (``executor``, ``workers``, ``address``,
    ``retries``, ``progress``...). Options must be JSON data: they are stored with each result
    so that a rerun with other options refuses to mix the two studies.
    """
    if int(n_simulations) < 1:
        raise SpecError(f"n_simulations must be >= 1, got {n_simulations}")
    spec = {
        "simulate": task_reference(simulate),
        "fit": task_reference(fit),
        "simulate_options": dict(simulate_options or {}),
        "fit_options": dict(fit_options or {}),
    }
    executor_options.setdefault("description", "calibration")
    summary = run_tasks(
        calibration_task,
        [spec] * int(n_simulations),
        out_dir,
        base_seed=base_seed,
        keys=[f"sim-{i:05d}" for i in range(int(n_simulations))],
        **executor_options,
    )
    return collect_calibration(out_dir, summary)
