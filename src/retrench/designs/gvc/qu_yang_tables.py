r"""Qu & Yang (2023) Tables 1-3 recomputed: eq. 16-20 with every method choice explicit.

Regressions (seed 003, section 5.1; all variables standardised; country and year effects):

* eq. 16: GVCP on ω, μ, υ, gr (:func:`table1`, column "16");
* eq. 17: eq. 16 plus controls X (the paper: log GDP per capita and log population);
* eq. 18: the k-year changes ΔGVCP on Δω, Δμ, Δυ, Δgr (k = 2, 4; Δ_k x_it = x_it − x_i,t−k,
  overlapping, standardised after differencing);
* eq. 19 / 20: one threshold in ω on the μ / υ slope (Hansen 1999; Table 2 tests 1, 2, 3
  thresholds, Table 3 reports the single-threshold slopes).

Method choices (:class:`MethodChoices`; ``PROJECT`` and ``PAPER`` presets):

``dof``   "two_way": σ̂² = S/(n − rank of the country and year dummies), exact for two-way
          effects (255 on the WIOD panel: 288 − 18 − 16 + 1); "hansen": Hansen's (1999)
          one-way n(T − 1) (270). F statistics and LR intervals scale with it; bootstrap
          p-values do not (F and F* scale alike).
``trim``  share of observations each regime must keep (0.05 project; 0.15 in ``PAPER``, the
          common package default; the paper prints neither).
``replications``  bootstrap draws (the paper: 500).

t-values are classical (two-way FE OLS, n − p degrees of freedom); the paper does not say.
Three R² are reported: ``r2`` with the fixed effects (LSDV), ``r2_within_two_way`` of the two-way
demeaned regression (linearmodels' ``rsquared``, reghdfe's "within R²") and
``r2_within_country`` = 1 − Σ(ỹ − x̃β̂)²/Σỹ² on country-demeaned data with the two-way slopes and
no year effects (linearmodels' ``rsquared_within``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from retrench.designs.gvc.hansen import (
    ConcentratedProblem,
    concentrate,
    fit_one_threshold,
    fit_two_thresholds,
)
from retrench.designs.gvc.hansen_bootstrap import bootstrap_one_vs_two, bootstrap_zero_vs_one
from retrench.designs.gvc.hansen_triple import bootstrap_two_vs_three, fit_three_thresholds
from retrench.designs.gvc.linear import two_way_fixed_effects_ols
from retrench.designs.gvc.matrices import ThresholdDesign, design_from_panel


@dataclass(frozen=True)
class MethodChoices:
    """How the threshold tests are computed (module docstring)."""

    dof: str = "two_way"
    trim: float = 0.05
    replications: int = 300
    alpha: float = 0.10
    seed: int = 0


PROJECT = MethodChoices()
PAPER = MethodChoices(dof="hansen", trim=0.15, replications=500)


def problem_with_dof(design: ThresholdDesign, dof: str) -> ConcentratedProblem:
    """:func:`~retrench.workflow.hansen.concentrate` with the chosen residual degrees of freedom."""
    problem = concentrate(design)
    if dof == "two_way":
        return problem
    if dof == "hansen":
        return replace(problem, dof=design.n_units * (design.n_times - 1))
    raise ValueError(f"dof must be 'two_way' or 'hansen' (got {dof!r})")


def _ols_rows(design: ThresholdDesign, extra: dict[str, np.ndarray] | None = None) -> dict:
    fit = two_way_fixed_effects_ols(design, extra)
    out = {}
    for name, coef in fit.coef.items():
        out[(name, "coef")] = coef
        out[(name, "t")] = coef / fit.se[name]
    out[("r2", "coef")] = fit.r2
    out[("r2_within_two_way", "coef")] = fit.r2_within
    x = np.column_stack([design.covariates, *(extra or {}).values()])
    counts = np.bincount(design.unit)

    def country_demeaned(v: np.ndarray) -> np.ndarray:
        return v - (np.bincount(design.unit, v) / counts)[design.unit]

    y_w = country_demeaned(design.y)
    x_w = np.column_stack([country_demeaned(c) for c in x.T])
    resid = y_w - x_w @ np.array(list(fit.coef.values()))
    out[("r2_within_country", "coef")] = 1.0 - float(resid @ resid) / float(y_w @ y_w)
    out[("n", "coef")] = fit.n_obs
    return out


def differenced_panel(panel: pd.DataFrame, lag: int, columns: Sequence[str]) -> pd.DataFrame:
    """x_it − x_i,t−lag for ``columns`` (rows without a lagged value dropped)."""
    frame = panel.sort_values(["country", "year"]).copy()
    lagged = frame.groupby("country")[list(columns)].shift(lag)
    same_gap = frame.groupby("country")["year"].shift(lag) == frame["year"] - lag
    out = frame[["country", "year"]].copy()
    for col in columns:
        out[col] = (frame[col] - lagged[col]).where(same_gap)
    return out.dropna().reset_index(drop=True)


def table1(panel: pd.DataFrame, controls: Sequence[str] = ()) -> pd.DataFrame:
    """Columns 16, 17 (if ``controls``), 18 (2-year), 18 (4-year): coefficient and t of ω, μ,
    υ, gr (and controls), R² with the fixed effects, two-way within R², n."""
    cols = ["gvc_participation", "omega", "mu", "upsilon", "gr"]
    columns = {}
    base = design_from_panel(panel)
    columns["16"] = _ols_rows(base)
    if controls:
        extra = {}
        for c in controls:
            raw = panel.sort_values(["country", "year"])[c].to_numpy(dtype=float)
            extra[c] = (raw - raw.mean()) / raw.std(ddof=1)
        columns["17"] = _ols_rows(base, extra)
    for lag in (2, 4):
        diff = differenced_panel(panel, lag, cols)
        columns[f"18 ({lag}-year)"] = _ols_rows(design_from_panel(diff))
    table = pd.DataFrame(columns)
    table.index = pd.MultiIndex.from_tuples(table.index, names=["variable", "statistic"])
    return table


def threshold_tests(
    panel: pd.DataFrame, regressor: str, choices: MethodChoices = PROJECT
) -> pd.DataFrame:
    """Table 2 for one threshold regressor (μ: eq. 19, υ: eq. 20): thresholds, 1 − α
    intervals, F and bootstrap p-values for one, two and three thresholds."""
    design = design_from_panel(panel, regressor, trim=choices.trim)
    problem = problem_with_dof(design, choices.dof)
    one = fit_one_threshold(design, choices.alpha, problem)
    two = fit_two_thresholds(design, choices.alpha, problem, one)
    three = fit_three_thresholds(design, choices.alpha, problem, two)
    reps, seed = choices.replications, choices.seed
    t1 = bootstrap_zero_vs_one(design, reps, seed, problem=problem, fit=one)
    t2 = bootstrap_one_vs_two(design, reps, seed + 1, problem=problem, first=one, second=two)
    t3 = bootstrap_two_vs_three(design, reps, seed + 2, problem=problem)
    new2 = [i for i in range(2) if two.threshold_index[i] != one.threshold_index[0]]
    k2 = new2[0] if new2 else 1
    rows = [
        ("single", one.thresholds[0], *one.intervals[0], t1.statistic, t1.p_value),
        ("dual", two.thresholds[k2], *two.intervals[k2], t2.statistic, t2.p_value),
        ("triple", three.threshold, *three.interval, t3.statistic, t3.p_value),
    ]
    table = pd.DataFrame(
        rows, columns=["thresholds", "threshold", "interval_low", "interval_high", "F", "p_value"]
    ).set_index("thresholds")
    table.attrs.update(dof=problem.dof, trim=choices.trim, replications=reps, n=design.n_obs)
    return table


def table3_column(panel: pd.DataFrame, regressor: str, threshold: float) -> pd.Series:
    """Eq. 19/20 at a given threshold: ω, the regressor below/above, the others, gr; t, R²."""
    design = design_from_panel(panel, regressor)
    names = list(design.covariate_names)
    k = names.index(regressor)
    x = design.covariates[:, k]
    below = design.threshold_variable <= threshold
    covariates = np.delete(design.covariates, k, axis=1)
    split = replace(
        design,
        covariates=np.column_stack([covariates, x * below, x * ~below]),
        covariate_names=(
            *[n for n in names if n != regressor],
            f"{regressor}_below",
            f"{regressor}_above",
        ),
    )
    rows = _ols_rows(split)
    series = pd.Series(rows)
    series.index = pd.MultiIndex.from_tuples(series.index, names=["variable", "statistic"])
    return series
