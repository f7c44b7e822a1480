"""Hansen's (1999, section 3.2) bootstrap tests for the number of thresholds.

``F1 = (S0 − S1(φ̂)) / σ̂1²`` tests no threshold against one; ``F2 = (S1(φ̂1) − S2(φ̂2)) / σ̂2²``
tests one threshold against two. φ is not identified under the null, so the statistics have
non-standard distributions; Hansen's bootstrap keeps the regressors and q fixed and resamples
the residuals of the fit under the alternative by *country* (each draw takes a whole
T-vector ê_i, so serial dependence within a country is preserved; this needs a balanced
panel). Under the null of no threshold the statistic is invariant to β, so ``y* = ê*``; under
the null of one threshold ``y* = fitted(φ̂1) + ê*``. Every replication repeats the full grid
search; all replications are computed together as matrix products (chunks of ``chunk``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrench.designs.gvc.hansen import (
    ConcentratedProblem,
    ThresholdFit,
    concentrate,
    fit_one_threshold,
    fit_two_thresholds,
    ssr_one_threshold,
    ssr_two_thresholds,
)
from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.errors import DataError


@dataclass(frozen=True)
class ThresholdTest:
    """One bootstrap test: ``statistic`` F, ``p_value`` = share of F* ≥ F, ``bootstrap`` F*."""

    null_thresholds: int
    statistic: float
    p_value: float
    bootstrap: np.ndarray
    critical_values: dict[float, float]


def _unit_blocks(design: ThresholdDesign) -> np.ndarray:
    """(N, T) array of observation indices by country and year (balanced panels only)."""
    if not design.is_balanced:
        raise DataError(
            "Hansen's bootstrap resamples whole countries and needs a balanced panel "
            f"({design.n_obs} rows for {design.n_units} countries × {design.n_times} years)"
        )
    blocks = np.full((design.n_units, design.n_times), -1, dtype=np.int64)
    blocks[design.unit, design.time] = np.arange(design.n_obs)
    return blocks


def _resampled_residuals(
    residuals: np.ndarray, blocks: np.ndarray, replications: int, rng: np.random.Generator
) -> np.ndarray:
    """(n, B) residual draws: each country's T-vector of residuals drawn with replacement."""
    n_units = blocks.shape[0]
    draws = rng.integers(0, n_units, size=(replications, n_units))
    out = np.empty((residuals.shape[0], replications))
    for slot in range(n_units):
        out[blocks[slot], :] = residuals[blocks[draws[:, slot]]].T
    return out


def _within_residuals(problem: ConcentratedProblem, grid_indices: tuple[int, ...]) -> np.ndarray:
    """Residuals of the within regression with thresholds at ``grid_indices``."""
    w = problem.w_tilde[:, list(grid_indices)]
    coef, *_ = np.linalg.lstsq(w, problem.y_tilde, rcond=None)
    return problem.y_tilde - w @ coef


def _summaries(statistic: float, boot: np.ndarray, null: int) -> ThresholdTest:
    quantiles = {a: float(np.quantile(boot, 1 - a)) for a in (0.10, 0.05, 0.01)}
    return ThresholdTest(null, float(statistic), float(np.mean(boot >= statistic)), boot, quantiles)


def bootstrap_zero_vs_one(
    design: ThresholdDesign,
    replications: int = 300,
    seed: int = 0,
    chunk: int = 500,
    problem: ConcentratedProblem | None = None,
    fit: ThresholdFit | None = None,
) -> ThresholdTest:
    """Bootstrap test of H0: no threshold against H1: one threshold (F1)."""
    problem = problem or concentrate(design)
    fit = fit or fit_one_threshold(design, problem=problem)
    statistic = (fit.ssr_linear - fit.ssr) / fit.sigma2
    blocks = _unit_blocks(design)
    residuals = _within_residuals(problem, fit.threshold_index)
    rng = np.random.default_rng(seed)
    boot = []
    for start in range(0, replications, chunk):
        b = min(chunk, replications - start)
        y_star = problem.residual_maker(_resampled_residuals(residuals, blocks, b, rng))
        s1 = ssr_one_threshold(problem, y_star).min(axis=0)
        s0 = np.sum(y_star**2, axis=0)
        boot.append((s0 - s1) / (s1 / problem.dof))
    return _summaries(statistic, np.concatenate(boot), 0)


def bootstrap_one_vs_two(
    design: ThresholdDesign,
    replications: int = 300,
    seed: int = 1,
    chunk: int = 200,
    problem: ConcentratedProblem | None = None,
    first: ThresholdFit | None = None,
    second: ThresholdFit | None = None,
) -> ThresholdTest:
    """Bootstrap test of H0: one threshold against H1: two thresholds (F2), sequential search.

    Each replication re-estimates φ1* by the single-threshold search and then φ2* given φ1*,
    exactly as for the observed sample (without the refinement step, as in Hansen's test).
    """
    problem = problem or concentrate(design)
    first = first or fit_one_threshold(design, problem=problem)
    second = second or fit_two_thresholds(design, problem=problem, first=first)
    g1 = first.threshold_index[0]
    ssr2_stage = ssr_two_thresholds(problem, problem.y_tilde[:, None], np.array([g1]))[:, 0]
    s2 = float(np.min(ssr2_stage))
    statistic = (first.ssr - s2) / (s2 / problem.dof)
    blocks = _unit_blocks(design)
    residuals = _within_residuals(problem, second.threshold_index)
    w1 = problem.w_tilde[:, g1]
    delta1 = float(w1 @ problem.y_tilde / problem.w_norm2[g1])
    rng = np.random.default_rng(seed)
    boot = []
    for start in range(0, replications, chunk):
        b = min(chunk, replications - start)
        noise = problem.residual_maker(_resampled_residuals(residuals, blocks, b, rng))
        y_star = (w1 * delta1)[:, None] + noise
        s1_all = ssr_one_threshold(problem, y_star)
        g1_star = np.argmin(s1_all, axis=0)
        s1 = s1_all[g1_star, np.arange(b)]
        s2_star = ssr_two_thresholds(problem, y_star, g1_star).min(axis=0)
        boot.append((s1 - s2_star) / (s2_star / problem.dof))
    return _summaries(statistic, np.concatenate(boot), 1)


@dataclass(frozen=True)
class HansenAnalysis:
    """Hansen's full sequence: fits with one and two thresholds and both bootstrap tests."""

    one: ThresholdFit
    two: ThresholdFit
    test_0v1: ThresholdTest
    test_1v2: ThresholdTest


def hansen_analysis(
    design: ThresholdDesign, replications: int = 300, alpha: float = 0.10, seed: int = 0
) -> HansenAnalysis:
    """Fit one and two thresholds and run both bootstrap tests (``replications`` ≥ 300 advised)."""
    problem = concentrate(design)
    one = fit_one_threshold(design, alpha, problem)
    two = fit_two_thresholds(design, alpha, problem, one)
    t01 = bootstrap_zero_vs_one(design, replications, seed, problem=problem, fit=one)
    t12 = bootstrap_one_vs_two(
        design, replications, seed + 1, problem=problem, first=one, second=two
    )
    return HansenAnalysis(one, two, t01, t12)
