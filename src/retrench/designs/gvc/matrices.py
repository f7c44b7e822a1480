"""Design arrays for the GVC panel regressions of Qu & Yang (2023), eq. 16-20.

The regressions of the paper (seed 003, section 5.1) are

    GVCP_it = c0 + c1 ω_it + c2 μ_it + c3 υ_it + c4 gr_it + γ_i + η_t + ε_it            (16)
    GVCP_it = ... + c2 μ_it 1(ω_it ≤ φ1) + c3 μ_it 1(ω_it > φ1) + ...                   (19)
    GVCP_it = ... + c3 υ_it 1(ω_it ≤ φ2) + c4 υ_it 1(ω_it > φ2) + ...                   (20)

with "all variables standardised". This module turns a country-year table into the arrays that
both the frequentist baseline (:mod:`retrench.designs.gvc.hansen`) and the Bayesian models
(:mod:`retrench.designs.gvc.threshold`) use, so that the two are fitted to identical inputs:

=========================  ===========================================================
code name                  symbol / meaning
=========================  ===========================================================
``y``                      GVCP_it (standardised unless ``standardize=False``)
``covariates``             regime-invariant regressors, e.g. (ω, μ, υ, gr), standardised
``threshold_regressor``    the regressor whose slope changes (μ in eq. 19, υ in eq. 20);
                           it is also one of ``covariates`` (the slope below the threshold)
``threshold_variable``     q_it = ω_it, always on its raw scale so that φ reads as a share
``unit``, ``time``         integer codes of country i and year t
``scales``                 (mean, sd) used to standardise each logical column
``grid``                   candidate thresholds: observed q values inside the trimmed range
``cell_upper``             for each candidate, the next larger observed q (the split
                           1(q ≤ φ) is the same for every φ in [grid[g], cell_upper[g]))
=========================  ===========================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrench.errors import DataError

#: Column names of the country-year GVC panel (``retrench.data.gvc_panel``); a spec may remap.
DEFAULT_COLUMNS: dict[str, str] = {
    "country": "country",
    "year": "year",
    "gvc": "gvc_participation",
    "omega": "omega",
    "mu": "mu",
    "upsilon": "upsilon",
    "gr": "gr",
}

#: Regressors of eq. 16 in the paper's order (ω, μ, υ, gr).
EQ16_REGRESSORS: tuple[str, ...] = ("omega", "mu", "upsilon", "gr")


@dataclass(frozen=True)
class ThresholdDesign:
    """Arrays for one panel threshold regression (see the module docstring for the symbols)."""

    y: np.ndarray
    covariates: np.ndarray
    covariate_names: tuple[str, ...]
    threshold_regressor: np.ndarray
    threshold_regressor_name: str
    threshold_variable: np.ndarray
    unit: np.ndarray
    time: np.ndarray
    unit_labels: tuple[str, ...]
    time_labels: tuple[int, ...]
    grid: np.ndarray
    cell_upper: np.ndarray
    trim: float
    scales: Mapping[str, tuple[float, float]]
    threshold_variable_name: str = "omega"

    @property
    def n_obs(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_units(self) -> int:
        return len(self.unit_labels)

    @property
    def n_times(self) -> int:
        return len(self.time_labels)

    @property
    def is_balanced(self) -> bool:
        return self.n_obs == self.n_units * self.n_times


def minimum_regime_size(n_obs: int, trim: float) -> int:
    """Smallest number of observations allowed on each side of a threshold (Hansen's trimming)."""
    if not 0.0 < trim < 0.5:
        raise DataError(f"trim must lie in (0, 0.5) (got trim={trim})")
    return max(int(math.ceil(trim * n_obs)), 1)


def threshold_grid(
    q: np.ndarray, trim: float = 0.05, max_points: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate thresholds: observed values of q that leave ≥ ⌈trim·n⌉ observations per regime.

    Hansen (1999) searches φ over the observed values of the threshold variable after removing
    the smallest and largest ``trim`` share. Returns ``(grid, cell_upper)`` where
    ``cell_upper[g]`` is the next larger observed value (``inf`` after the largest): any φ in
    ``[grid[g], cell_upper[g])`` gives the same sample split, so intervals are reported as
    unions of such cells. ``max_points`` thins the grid to evenly spaced order statistics
    (keeps both ends); the default keeps every candidate.
    """
    q = np.asarray(q, dtype=float)
    if q.ndim != 1 or q.size < 4:
        raise DataError(f"threshold variable must be a 1-d array with ≥ 4 values (got {q.shape})")
    if not np.all(np.isfinite(q)):
        raise DataError("threshold variable contains non-finite values")
    n = q.size
    m = minimum_regime_size(n, trim)
    values = np.unique(q)
    below = np.searchsorted(np.sort(q), values, side="right")  # count(q ≤ v)
    keep = (below >= m) & (n - below >= m)
    if not np.any(keep):
        raise DataError(f"no candidate threshold leaves {m} observations per regime (trim={trim})")
    upper_all = np.append(values[1:], np.inf)
    grid, cell_upper = values[keep], upper_all[keep]
    if max_points is not None and grid.size > max_points:
        if max_points < 2:
            raise DataError(f"max_points must be ≥ 2 (got {max_points})")
        pick = np.unique(np.round(np.linspace(0, grid.size - 1, max_points)).astype(int))
        grid, cell_upper = grid[pick], cell_upper[pick]
    return grid, cell_upper


def _standardize(values: np.ndarray, name: str) -> tuple[np.ndarray, tuple[float, float]]:
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    if not sd > 0:
        raise DataError(f"column {name!r} is constant; it cannot be standardised")
    return (values - mean) / sd, (mean, sd)


def design_from_panel(
    panel: pd.DataFrame,
    threshold_regressor: str = "mu",
    regressors: Sequence[str] = EQ16_REGRESSORS,
    threshold_variable: str = "omega",
    columns: Mapping[str, str] | None = None,
    trim: float = 0.05,
    max_grid_points: int | None = None,
    standardize: bool = True,
) -> ThresholdDesign:
    """Build the :class:`ThresholdDesign` of eq. 19 (``threshold_regressor="mu"``) or eq. 20
    (``"upsilon"``) from a country-year panel. ``regressors`` are logical names (keys of
    :data:`DEFAULT_COLUMNS`); ``columns`` maps them to the table's column names.

    Raises :class:`DataError` naming the column and rows for missing columns, missing or
    non-finite values, and duplicated country-years.
    """
    cols = {**DEFAULT_COLUMNS, **(columns or {})}
    needed = ["country", "year", "gvc", threshold_variable, *regressors]
    if threshold_regressor not in regressors:
        raise DataError(
            f"threshold_regressor {threshold_regressor!r} must be one of regressors {regressors}"
        )
    missing = [cols[k] for k in needed if cols.get(k) not in panel.columns]
    if missing:
        raise DataError(f"GVC panel lacks column(s) {missing}; has {list(panel.columns)}")
    frame = panel[[cols[k] for k in dict.fromkeys(needed)]].copy()
    for key in dict.fromkeys(needed[2:]):
        col = pd.to_numeric(frame[cols[key]], errors="coerce")
        bad = frame.index[~np.isfinite(col.to_numpy(dtype=float))]
        if len(bad):
            raise DataError(
                f"column {cols[key]!r} has missing/non-finite values at rows {list(bad)}"
            )
    dup = frame.duplicated([cols["country"], cols["year"]], keep=False)
    if dup.any():
        raise DataError(f"duplicated country-year rows: {list(frame.index[dup])}")
    frame = frame.sort_values([cols["country"], cols["year"]]).reset_index(drop=True)
    unit_codes, unit_labels = pd.factorize(frame[cols["country"]], sort=True)
    time_codes, time_labels = pd.factorize(frame[cols["year"]], sort=True)

    scales: dict[str, tuple[float, float]] = {}

    def column(key: str) -> np.ndarray:
        raw = frame[cols[key]].to_numpy(dtype=float)
        if not standardize:
            scales[key] = (0.0, 1.0)
            return raw
        z, scales[key] = _standardize(raw, cols[key])
        return z

    y = column("gvc")
    covariates = np.column_stack([column(k) for k in regressors])
    q = frame[cols[threshold_variable]].to_numpy(dtype=float)
    grid, cell_upper = threshold_grid(q, trim, max_grid_points)
    return ThresholdDesign(
        y=y,
        covariates=covariates,
        covariate_names=tuple(regressors),
        threshold_regressor=covariates[:, list(regressors).index(threshold_regressor)].copy(),
        threshold_regressor_name=threshold_regressor,
        threshold_variable=q,
        unit=unit_codes.astype(np.int64),
        time=time_codes.astype(np.int64),
        unit_labels=tuple(str(u) for u in unit_labels),
        time_labels=tuple(int(t) for t in time_labels),
        grid=grid,
        cell_upper=cell_upper,
        trim=trim,
        scales=scales,
        threshold_variable_name=threshold_variable,
    )


def interval_covers(
    grid: np.ndarray, cell_upper: np.ndarray, lower_index: int, upper_index: int, value: float
) -> bool:
    """Whether the union of cells ``[grid[lower], cell_upper[upper])`` contains ``value``."""
    return bool(grid[lower_index] <= value < cell_upper[upper_index])
