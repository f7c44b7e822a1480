r"""Third threshold of Hansen (1999) and its bootstrap test (Qu & Yang 2023, Table 2 "triple").

Hansen's section 4 sequential estimator extended by one step, as Table 2 of seed 003 reports a
triple-threshold row: given the refined two-threshold estimates (φ̂1, φ̂2) of
:func:`retrench.workflow.hansen.fit_two_thresholds`, the third threshold minimises

.. math::  S_3(\phi_3) = \tilde y'\tilde y - a' G^{-1} a,

where ``G`` (3 × 3) and ``a`` are the Gram matrix and cross products of the three
within-transformed, z-partialled increments x·1(q > φ_j) (Frisch–Waugh, as for one and two
thresholds). Candidates that leave fewer than ⌈trim·n⌉ observations in any regime get +inf.
The test of two against three thresholds is

.. math::  F_3 = (S_2 - S_3(\hat\phi_3)) / (S_3(\hat\phi_3)/\mathrm{dof}),

with S_2 the stage-2 (unrefined) two-threshold SSR, bootstrapped as Hansen's F_2: residuals of
the three-threshold fit resampled by country, added to the fit under two thresholds, and the
whole sequential search (φ1*, φ2* | φ1*, φ3* | φ1*, φ2*) repeated in every replication.
No refinement of φ3 is done (Hansen refines only the two-threshold estimates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrench.designs.gvc.hansen import (
    ConcentratedProblem,
    ThresholdFit,
    concentrate,
    fit_two_thresholds,
    hansen_critical_value,
    ssr_one_threshold,
    ssr_two_thresholds,
)
from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.errors import DataError


@dataclass(frozen=True)
class TripleThresholdFit:
    """Third threshold ``threshold`` (grid index ``index``) given ``fixed`` = (φ̂1, φ̂2);
    ``ssr`` = S_3, ``lr_path`` its LR over the grid, ``interval`` the 1 − α LR-inversion hull."""

    fixed: tuple[float, float]
    threshold: float
    index: int
    ssr: float
    sigma2: float
    lr_path: np.ndarray
    interval: tuple[float, float]


@dataclass(frozen=True)
class TripleThresholdTest:
    """F_3 with its bootstrap p-value and draws."""

    statistic: float
    p_value: float
    bootstrap: np.ndarray


def _regime_ok(problem: ConcentratedProblem, fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
    """(G, B): every regime cut by {φ_fa, φ_fb, φ_g} keeps ≥ min_regime observations."""
    n = problem.y_tilde.shape[0]
    counts = problem.above_counts
    above = np.stack(
        np.broadcast_arrays(counts[fa][None, :], counts[fb][None, :], counts[:, None]), -1
    )
    ordered = np.sort(above, axis=-1)[..., ::-1]  # observations above each threshold, descending
    sizes = np.concatenate(
        [n - ordered[..., :1], ordered[..., :-1] - ordered[..., 1:], ordered[..., -1:]], axis=-1
    )
    return np.all(sizes >= problem.min_regime, axis=-1)


def ssr_three_thresholds(
    problem: ConcentratedProblem,
    y_tilde: np.ndarray,
    fixed_a: np.ndarray,
    fixed_b: np.ndarray,
) -> np.ndarray:
    """S_3(φ_fixed_a[b], φ_fixed_b[b], φ_g) for every column b of ``y_tilde`` and every g."""
    cross = problem.w_tilde.T @ y_tilde  # (G, B)
    total = np.sum(y_tilde**2, axis=0)
    cols = np.arange(y_tilde.shape[1])
    n_grid = problem.w_norm2.shape[0]
    idx = np.stack(
        np.broadcast_arrays(fixed_a[None, :], fixed_b[None, :], np.arange(n_grid)[:, None]), -1
    )  # (G, B, 3)
    gram = problem.gram[idx[..., :, None], idx[..., None, :]]  # (G, B, 3, 3)
    a = np.stack(
        [
            np.broadcast_to(cross[fixed_a, cols][None, :], cross.shape),
            np.broadcast_to(cross[fixed_b, cols][None, :], cross.shape),
            cross,
        ],
        -1,
    )
    det = np.linalg.det(gram)
    scale = np.prod(np.diagonal(gram, axis1=-2, axis2=-1), axis=-1)
    ok = _regime_ok(problem, fixed_a, fixed_b) & (np.abs(det) > 1e-10 * np.abs(scale))
    safe = np.where(ok[..., None, None], gram, np.eye(3))
    quad = np.einsum("gbi,gbi->gb", a, np.linalg.solve(safe, a[..., None])[..., 0])
    return np.where(ok, total[None, :] - quad, np.inf)


def fit_three_thresholds(
    design: ThresholdDesign,
    alpha: float = 0.10,
    problem: ConcentratedProblem | None = None,
    two: ThresholdFit | None = None,
) -> TripleThresholdFit:
    """Third threshold given the refined two-threshold fit (module docstring)."""
    problem = problem or concentrate(design)
    two = two or fit_two_thresholds(design, alpha, problem)
    ga, gb = two.threshold_index
    ssr3 = ssr_three_thresholds(problem, problem.y_tilde[:, None], np.array([ga]), np.array([gb]))
    ssr3 = ssr3[:, 0]
    if not np.isfinite(ssr3).any():
        raise DataError(
            f"no third threshold leaves ⌈trim·n⌉ observations per regime ({design.trim})"
        )
    g3 = int(np.argmin(ssr3))
    sigma2 = ssr3[g3] / problem.dof
    lr = (ssr3 - ssr3[g3]) / sigma2
    inside = np.flatnonzero(lr <= hansen_critical_value(alpha))
    return TripleThresholdFit(
        fixed=two.thresholds,
        threshold=float(design.grid[g3]),
        index=g3,
        ssr=float(ssr3[g3]),
        sigma2=float(sigma2),
        lr_path=lr,
        interval=(float(design.grid[inside.min()]), float(design.grid[inside.max()])),
    )


def _country_blocks(design: ThresholdDesign) -> np.ndarray:
    if not design.is_balanced:
        raise DataError("the bootstrap resamples whole countries and needs a balanced panel")
    blocks = np.full((design.n_units, design.n_times), -1, dtype=np.int64)
    blocks[design.unit, design.time] = np.arange(design.n_obs)
    return blocks


def _resample(residuals: np.ndarray, blocks: np.ndarray, b: int, rng) -> np.ndarray:
    draws = rng.integers(0, blocks.shape[0], size=(b, blocks.shape[0]))
    out = np.empty((residuals.shape[0], b))
    for slot in range(blocks.shape[0]):
        out[blocks[slot], :] = residuals[blocks[draws[:, slot]]].T
    return out


def _stage_two(problem: ConcentratedProblem, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sequential search without refinement: φ1 (single), φ2 | φ1; returns g1, g2, S2."""
    cols = np.arange(y.shape[1])
    g1 = np.argmin(ssr_one_threshold(problem, y), axis=0)
    s2_all = ssr_two_thresholds(problem, y, g1)
    g2 = np.argmin(s2_all, axis=0)
    return g1, g2, s2_all[g2, cols]


def bootstrap_two_vs_three(
    design: ThresholdDesign,
    replications: int = 300,
    seed: int = 2,
    chunk: int = 25,
    problem: ConcentratedProblem | None = None,
) -> TripleThresholdTest:
    """Bootstrap test of H0: two thresholds against H1: three (F_3; module docstring)."""
    problem = problem or concentrate(design)
    y = problem.y_tilde[:, None]
    g1, g2, s2 = _stage_two(problem, y)
    s3_all = ssr_three_thresholds(problem, y, g1, g2)
    g3 = int(np.argmin(s3_all[:, 0]))
    s3 = float(s3_all[g3, 0])
    statistic = float((s2[0] - s3) / (s3 / problem.dof))
    w_alt = problem.w_tilde[:, [int(g1[0]), int(g2[0]), g3]]
    coef_alt, *_ = np.linalg.lstsq(w_alt, problem.y_tilde, rcond=None)
    residuals = problem.y_tilde - w_alt @ coef_alt
    w_null = problem.w_tilde[:, [int(g1[0]), int(g2[0])]]
    coef_null, *_ = np.linalg.lstsq(w_null, problem.y_tilde, rcond=None)
    fitted_null = w_null @ coef_null
    blocks = _country_blocks(design)
    rng = np.random.default_rng(seed)
    boot = []
    for start in range(0, replications, chunk):
        b = min(chunk, replications - start)
        noise = problem.residual_maker(_resample(residuals, blocks, b, rng))
        y_star = fitted_null[:, None] + noise
        g1s, g2s, s2s = _stage_two(problem, y_star)
        s3s = ssr_three_thresholds(problem, y_star, g1s, g2s).min(axis=0)
        boot.append((s2s - s3s) / (s3s / problem.dof))
    draws = np.concatenate(boot)
    return TripleThresholdTest(statistic, float(np.mean(draws >= statistic)), draws)
