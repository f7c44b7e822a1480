"""Statistics of simulation-based calibration ranks: interval hits and rank uniformity.

A rank is the number of posterior draws below the true value (``0..n_draws``) in one simulated
data set (Talts et al. 2018). These two functions are shared by
:class:`~retrench.workflow.executor_calibration.CalibrationResult` and the summary tables of
:mod:`retrench.workflow.calibration_summary` (kept apart so neither imports the other back).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from retrench.errors import SpecError

UNIFORMITY_BINS = 10


def _check_level(level: float) -> float:
    if not 0 < float(level) < 1:
        raise SpecError(f"level must be in (0, 1), got {level}")
    return float(level)


def central_interval_hits(ranks: np.ndarray, n_draws: int, level: float) -> np.ndarray:
    """True where the central ``level`` interval of ``n_draws`` draws holds the truth."""
    level = _check_level(level)
    lower, upper = (1 - level) / 2 * n_draws, (1 + level) / 2 * n_draws
    ranks = np.asarray(ranks)
    return (ranks >= lower) & (ranks <= upper)


def rank_uniformity_pvalue(ranks: np.ndarray, n_draws: int, bins: int = UNIFORMITY_BINS) -> float:
    """Chi-square p-value of ``ranks`` (values in ``0..n_draws``) against the discrete uniform.

    The ``n_draws + 1`` rank values are split into ``bins`` groups of consecutive values
    (``np.array_split``); each group's expected count is proportional to its number of values.
    """
    flat = np.asarray(ranks).ravel()
    if flat.size == 0:
        raise SpecError("no ranks to test for uniformity")
    if flat.min() < 0 or flat.max() > n_draws:
        raise SpecError(f"ranks must lie in 0..{n_draws}; found {flat.min()}..{flat.max()}")
    groups = np.array_split(np.arange(n_draws + 1), min(bins, n_draws + 1))
    group_of_value = np.concatenate([np.full(g.size, i) for i, g in enumerate(groups)])
    observed = np.bincount(group_of_value[flat.astype(int)], minlength=len(groups))
    expected = flat.size * np.array([g.size for g in groups]) / (n_draws + 1)
    return float(stats.chisquare(observed, expected).pvalue)
