r"""Hansen (1999) panel threshold regression: the frequentist baseline for eq. 19-20 of seed 003.

Hansen, B. E. (1999), "Threshold effects in non-dynamic panels: Estimation, testing, and
inference", *Journal of Econometrics* 93:345-368. The model is

.. math::  y_{it} = \alpha_i + \eta_t + z_{it}'\beta + x_{it}\,\delta\,1(q_{it} > \phi) + e_{it},

where ``z`` holds the regime-invariant regressors *including* ``x`` itself, so ``β_x`` is the
slope below the threshold (c2 of eq. 19) and ``β_x + δ`` the slope above it (c3).

Estimation, as in Hansen:

1. fixed effects are removed by the within transformation ``M = I − D D⁺`` with ``D`` the
   country (and, by default, year) dummies — for a balanced panel this is two-way demeaning;
2. for every candidate φ on the trimmed grid the slopes are concentrated out and the sum of
   squared residuals ``S1(φ)`` is computed in closed form (Frisch-Waugh), all candidates at
   once;
3. ``φ̂ = argmin S1``; ``LR(φ) = (S1(φ) − S1(φ̂)) / σ̂²`` with ``σ̂² = S1(φ̂) / (n − rank D)``
   (Hansen's ``n(T − 1)`` for one-way effects); the 1 − α confidence set is
   ``{φ : LR(φ) ≤ c(α)}``, ``c(α) = −2 log(1 − √(1 − α))`` (Hansen's eq. 16), reported as the
   hull of the set;
4. a second threshold is found sequentially given the first, and the first is refined given
   the second (Hansen's section 4).

Bootstrap tests of the number of thresholds live in :mod:`retrench.designs.gvc.hansen_bootstrap`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrench.designs.gvc.matrices import ThresholdDesign, minimum_regime_size
from retrench.errors import DataError


def hansen_critical_value(alpha: float) -> float:
    """Hansen's (1999) c(α) = −2 log(1 − √(1 − α)) for the LR-inversion interval (eq. 16)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1) (got alpha={alpha})")
    return float(-2.0 * np.log(1.0 - np.sqrt(1.0 - alpha)))


def fixed_effects_basis(unit: np.ndarray, time: np.ndarray | None) -> np.ndarray:
    """Orthonormal basis ``U`` of the span of the unit (and time) dummies: ``M v = v − U Uᵀ v``."""
    n = unit.shape[0]
    blocks = [np.eye(int(unit.max()) + 1)[unit]]
    if time is not None:
        blocks.append(np.eye(int(time.max()) + 1)[time])
    dummies = np.concatenate(blocks, axis=1)
    u, s, _ = np.linalg.svd(dummies, full_matrices=False)
    rank = int(np.sum(s > s[0] * n * np.finfo(float).eps))
    return u[:, :rank]


def within_transform(values: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``M values`` with ``M = I − U Uᵀ`` (removes every fixed effect spanned by ``U``)."""
    return values - basis @ (basis.T @ values)


@dataclass(frozen=True)
class ConcentratedProblem:
    """Everything the grid search needs, with fixed effects and ``z`` already partialled out.

    ``y_tilde`` (n,) and ``w_tilde`` (n, G) are ``y`` and ``x·1(q > φ_g)`` after the within
    transformation and after projecting out the within-transformed ``z``; ``residual_maker``
    applies the same two steps to any other (n, B) array (used by the bootstrap).
    """

    y_tilde: np.ndarray
    w_tilde: np.ndarray
    w_norm2: np.ndarray
    gram: np.ndarray
    fe_basis: np.ndarray
    z_basis: np.ndarray
    dof: int
    min_regime: int
    above_counts: np.ndarray

    def residual_maker(self, values: np.ndarray) -> np.ndarray:
        within = within_transform(values, self.fe_basis)
        return within - self.z_basis @ (self.z_basis.T @ within)


def concentrate(design: ThresholdDesign, two_way: bool = True) -> ConcentratedProblem:
    """Within-transform and partial out ``z`` for every candidate threshold at once."""
    fe = fixed_effects_basis(design.unit, design.time if two_way else None)
    z_within = within_transform(design.covariates, fe)
    q_z, r_z = np.linalg.qr(z_within)
    if np.min(np.abs(np.diag(r_z))) < 1e-10 * np.max(np.abs(np.diag(r_z))):
        raise DataError(
            "regressors are collinear with the fixed effects after the within transformation "
            f"({design.covariate_names}); drop a time-invariant or redundant regressor"
        )
    above = design.threshold_variable[:, None] > design.grid[None, :]
    w = design.threshold_regressor[:, None] * above
    problem_y = design.y[:, None]

    def residualize(a: np.ndarray) -> np.ndarray:
        within = within_transform(a, fe)
        return within - q_z @ (q_z.T @ within)

    y_tilde = residualize(problem_y)[:, 0]
    w_tilde = residualize(w)
    gram = w_tilde.T @ w_tilde
    return ConcentratedProblem(
        y_tilde=y_tilde,
        w_tilde=w_tilde,
        w_norm2=np.diag(gram).copy(),
        gram=gram,
        fe_basis=fe,
        z_basis=q_z,
        dof=design.n_obs - fe.shape[1],
        min_regime=minimum_regime_size(design.n_obs, design.trim),
        above_counts=above.sum(axis=0),
    )


def ssr_one_threshold(problem: ConcentratedProblem, y_tilde: np.ndarray) -> np.ndarray:
    """S1(φ_g) for every candidate g and every column of ``y_tilde`` (n, B) → (G, B)."""
    cross = problem.w_tilde.T @ y_tilde  # (G, B)
    total = np.sum(y_tilde**2, axis=0)  # (B,)
    safe = np.where(problem.w_norm2 > 0, problem.w_norm2, np.inf)
    return total[None, :] - cross**2 / safe[:, None]


def ssr_two_thresholds(
    problem: ConcentratedProblem, y_tilde: np.ndarray, fixed_index: np.ndarray
) -> np.ndarray:
    """S2(φ_fixed[b], φ_g) for each column b of ``y_tilde`` (n, B) and every g → (G, B).

    Two increments ``x·1(q > φ_a)`` and ``x·1(q > φ_b)`` are concentrated out jointly with the
    2 × 2 normal equations. Pairs whose middle regime has fewer than ``min_regime``
    observations get ``+inf``.
    """
    cross = problem.w_tilde.T @ y_tilde  # (G, B)
    total = np.sum(y_tilde**2, axis=0)
    cols = np.arange(y_tilde.shape[1])
    a_fixed = cross[fixed_index, cols]  # (B,)
    g_ff = problem.w_norm2[fixed_index]  # (B,)
    g_gg = problem.w_norm2[:, None]  # (G, 1)
    g_fg = problem.gram[:, fixed_index]  # (G, B)
    det = g_ff[None, :] * g_gg - g_fg**2
    quad = (g_gg * a_fixed[None, :] ** 2 - 2 * g_fg * a_fixed[None, :] * cross) + g_ff[
        None, :
    ] * cross**2
    middle = np.abs(
        problem.above_counts[:, None] - problem.above_counts[fixed_index][None, :]
    )  # observations between the two thresholds
    ok = (middle >= problem.min_regime) & (det > 1e-12 * g_ff[None, :] * g_gg)
    return np.where(ok, total[None, :] - quad / np.where(ok, det, 1.0), np.inf)


@dataclass(frozen=True)
class ThresholdFit:
    """Result of a Hansen threshold fit with ``k`` = 1 or 2 thresholds.

    ``thresholds`` are the (refined, for k = 2) estimates φ̂ in raw ω units;
    ``threshold_index`` their grid indices; ``ssr`` the minimised S_k; ``sigma2`` = S_k/dof;
    ``lr_paths[j]`` the LR path over the grid for threshold j (the other held at its estimate);
    ``intervals[j]`` the hull ``(lower, upper)`` of ``{φ : LR ≤ c(α)}`` in grid values and
    ``interval_index[j]`` the matching grid indices; ``slopes`` the regime slopes of the
    threshold regressor, low to high; ``coefficients`` the ``z`` slopes (the entry of the
    threshold regressor is the lowest-regime slope); ``ssr_linear`` = S0 without threshold.
    """

    thresholds: tuple[float, ...]
    threshold_index: tuple[int, ...]
    ssr: float
    sigma2: float
    lr_paths: tuple[np.ndarray, ...]
    intervals: tuple[tuple[float, float], ...]
    interval_index: tuple[tuple[int, int], ...]
    slopes: tuple[float, ...]
    coefficients: dict[str, float]
    ssr_linear: float
    alpha: float


def _interval_from_lr(lr: np.ndarray, grid: np.ndarray, alpha: float) -> tuple[int, int]:
    inside = np.flatnonzero(lr <= hansen_critical_value(alpha))
    return int(inside.min()), int(inside.max())


def _slopes_at(
    design: ThresholdDesign, problem: ConcentratedProblem, indices: tuple[int, ...]
) -> tuple[dict[str, float], tuple[float, ...]]:
    """Least-squares slopes at given thresholds (Hansen's β̂(φ̂)), by an explicit regression."""
    above = [
        design.threshold_regressor * (design.threshold_variable > design.grid[g])
        for g in sorted(indices)
    ]
    regressors = np.column_stack([design.covariates, *above])
    coef, *_ = np.linalg.lstsq(
        within_transform(regressors, problem.fe_basis),
        within_transform(design.y, problem.fe_basis),
        rcond=None,
    )
    k = design.covariates.shape[1]
    base = coef[design.covariate_names.index(design.threshold_regressor_name)]
    slopes = tuple(float(base + np.sum(coef[k : k + j])) for j in range(len(indices) + 1))
    return dict(zip(design.covariate_names, map(float, coef[:k]), strict=True)), slopes


def fit_one_threshold(
    design: ThresholdDesign, alpha: float = 0.10, problem: ConcentratedProblem | None = None
) -> ThresholdFit:
    """Single-threshold fit: φ̂ by concentrated least squares, LR path and 1−α interval."""
    problem = problem or concentrate(design)
    ssr = ssr_one_threshold(problem, problem.y_tilde[:, None])[:, 0]
    best = int(np.argmin(ssr))
    sigma2 = ssr[best] / problem.dof
    lr = (ssr - ssr[best]) / sigma2
    lo, hi = _interval_from_lr(lr, design.grid, alpha)
    coefficients, slopes = _slopes_at(design, problem, (best,))
    return ThresholdFit(
        thresholds=(float(design.grid[best]),),
        threshold_index=(best,),
        ssr=float(ssr[best]),
        sigma2=float(sigma2),
        lr_paths=(lr,),
        intervals=((float(design.grid[lo]), float(design.grid[hi])),),
        interval_index=((lo, hi),),
        slopes=slopes,
        coefficients=coefficients,
        ssr_linear=float(np.sum(problem.y_tilde**2)),
        alpha=alpha,
    )


def fit_two_thresholds(
    design: ThresholdDesign,
    alpha: float = 0.10,
    problem: ConcentratedProblem | None = None,
    first: ThresholdFit | None = None,
) -> ThresholdFit:
    """Sequential two-threshold fit (Hansen 1999, section 4).

    Stage 1 takes φ̂1 from the single-threshold fit; stage 2 searches φ2 given φ̂1 (``S2r``);
    the refinement re-searches φ1 given φ̂2 (``S1r``). Intervals invert the LR paths of the
    refinement steps with the same c(α).
    """
    problem = problem or concentrate(design)
    first = first or fit_one_threshold(design, alpha, problem)
    y = problem.y_tilde[:, None]
    g1 = first.threshold_index[0]
    ssr2 = ssr_two_thresholds(problem, y, np.array([g1]))[:, 0]
    g2 = int(np.argmin(ssr2))
    ssr1r = ssr_two_thresholds(problem, y, np.array([g2]))[:, 0]
    g1r = int(np.argmin(ssr1r))
    ssr2r = ssr_two_thresholds(problem, y, np.array([g1r]))[:, 0]
    g2r = int(np.argmin(ssr2r))
    ssr = float(ssr2r[g2r])
    sigma2 = ssr / problem.dof
    lr1 = (ssr1r - ssr1r[g1r]) / sigma2
    lr2 = (ssr2r - ssr) / sigma2
    order = sorted([(g1r, lr1), (g2r, lr2)], key=lambda pair: pair[0])
    index = tuple(g for g, _ in order)
    bounds = tuple(_interval_from_lr(lr, design.grid, alpha) for _, lr in order)
    coefficients, slopes = _slopes_at(design, problem, index)
    return ThresholdFit(
        thresholds=tuple(float(design.grid[g]) for g in index),
        threshold_index=index,
        ssr=ssr,
        sigma2=float(sigma2),
        lr_paths=tuple(lr for _, lr in order),
        intervals=tuple((float(design.grid[lo]), float(design.grid[hi])) for lo, hi in bounds),
        interval_index=bounds,
        slopes=slopes,
        coefficients=coefficients,
        ssr_linear=first.ssr_linear,
        alpha=alpha,
    )
