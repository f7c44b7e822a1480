r"""Bayesian panel threshold regressions of Qu & Yang (2023), eq. 16, 19 and 20 (NumPyro).

.. math::
    y_{it} = \alpha_i + \eta_t + z_{it}'\beta
             + \sum_{j=1}^{K} \delta_j\, x_{it}\, 1(\omega_{it} > \phi_j) + \varepsilon_{it},
    \qquad \varepsilon_{it} \sim N(0, \sigma^2), \quad K \in \{0, 1, 2\}

=====================  =====================================================================
code name              symbol / meaning
=====================  =====================================================================
``beta``               β = (c1 on ω, c2 on μ, c3 on υ, c4 on gr) of eq. 16; the entry of the
                       threshold regressor x (μ in eq. 19, υ in eq. 20) is its slope *below* φ1
``delta``              δ_j, change of the slope on x when ω crosses φ_j (c3 − c2 in eq. 19)
``sigma``              σ, residual sd (variables standardised)
``country_effect``     α_i; ``year_effect`` η_t (t ≥ 2, the first year is the reference):
                       **integrated out analytically**, drawn afterwards (see below)
``phi``                φ_j: **not sampled, marginalised exactly** (see below)
=====================  =====================================================================

Fixed effects. α and η get flat (improper) priors and are integrated out in closed form: with
``D`` the dummies and ``M = I − D D⁺`` the within transformation,
``∫ N(y | Dθ + m, σ²I) dθ ∝ σ^{−(n − p)} exp(−‖M(y − m)‖² / 2σ²)``, p = rank D. This is the
Bayesian counterpart of the two-way within estimator (posterior means of β equal the FE-OLS
slopes under flat priors on β); the constant does not depend on K, so marginal likelihoods of
K = 0, 1, 2 stay comparable. Their exact conditional posterior given (β, δ, σ, φ) is Gaussian
and is drawn after sampling (:func:`retrench.designs.gvc.posterior.draw_fixed_effects`).

Thresholds. Every φ in ``[grid[g], cell_upper[g])`` gives the same likelihood, so φ has a
discrete prior over the candidates of :func:`retrench.designs.gvc.matrices.threshold_grid`
(``phi_prior="uniform"`` over candidates, like Hansen's grid; ``"width"`` weights each cell by
its width, i.e. a uniform prior on a continuous φ) and is summed out inside the log density,

    log p(y | β, δ, σ) = logsumexp_g [ log π_g + log p(y | β, δ, σ, φ = grid[g]) ].

All within-transformed cross-products are precomputed, so the residual sum of squares of every
candidate is a quadratic in (β, δ): ``S_g = ỹᵀỹ − 2βᵀZ̃ᵀỹ + βᵀZ̃ᵀZ̃β − 2δ(W̃ᵀỹ − W̃ᵀZ̃β)_g + δ²‖W̃_g‖²``
(``W̃_g`` = M x·1(q > φ_g)); for K = 2 the pair (g1 < g2) adds ``2δ1δ2 W̃_g1ᵀW̃_g2``, and pairs
whose middle regime is smaller than the trimming minimum have zero prior mass. NUTS thus moves
in (β, δ, σ) only (6-7 dimensions). The posterior of φ is recovered per draw from the
conditional weights p(φ = grid[g] | β, δ, σ, y) (:mod:`retrench.designs.gvc.posterior`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist

from retrench.bayes.factor import factor
from retrench.designs.gvc.matrices import ThresholdDesign, minimum_regime_size

#: Default priors on the standardised scale. β is wide (posterior means ≈ FE-OLS). δ, the slope
#: change at φ, is N(0, 1): on standardised variables a jump beyond ±2 is implausible, and a wider
#: prior makes the marginal likelihood penalise K ≥ 1 by ≈ log(scale / posterior sd) per δ
#: (Lindley), so Bayes factors over K depend on this scale; LOO hardly does.
DEFAULT_PRIORS: dict[str, dict[str, float]] = {
    "beta": {"loc": 0.0, "scale": 10.0},
    "delta": {"loc": 0.0, "scale": 1.0},
    "sigma": {"scale": 2.0},
}

_DATA_FIELDS = [
    "y",
    "covariates",
    "threshold_regressor",
    "threshold_variable",
    "unit",
    "time",
    "grid",
    "fe_basis",
    "yy",
    "zy",
    "zz",
    "wy",
    "wz",
    "w_norm2",
    "gram",
    "log_prior_single",
    "log_prior_pair",
]


@partial(
    jax.tree_util.register_dataclass,
    data_fields=_DATA_FIELDS,
    meta_fields=["n_units", "n_times", "dof"],
)
@dataclass(frozen=True)
class ThresholdArrays:
    """JAX arrays of one design, precomputed for the marginalised likelihood.

    Raw data (``y``, ``covariates`` = Z, ``threshold_regressor`` = x, ``threshold_variable`` =
    q, ``unit``, ``time``), ``fe_basis`` U with M = I − UUᵀ, and the within cross-products
    ``yy`` = ỹᵀỹ, ``zy`` = Z̃ᵀỹ, ``zz`` = Z̃ᵀZ̃, ``wy`` = W̃ᵀỹ (G), ``wz`` = W̃ᵀZ̃ (G, k),
    ``w_norm2`` (G), ``gram`` = W̃ᵀW̃ (G, G; 1 × 1 dummy unless K = 2 is wanted), and the log
    prior masses of φ for K = 1 (G) and K = 2 (G, G). ``dof`` = n − rank D. A JAX pytree with
    static counts, so one compiled sampler serves every panel of the same shape.
    """

    y: jax.Array
    covariates: jax.Array
    threshold_regressor: jax.Array
    threshold_variable: jax.Array
    unit: jax.Array
    time: jax.Array
    grid: jax.Array
    fe_basis: jax.Array
    yy: jax.Array
    zy: jax.Array
    zz: jax.Array
    wy: jax.Array
    wz: jax.Array
    w_norm2: jax.Array
    gram: jax.Array
    log_prior_single: jax.Array
    log_prior_pair: jax.Array
    n_units: int
    n_times: int
    dof: int


def _log_cell_weights(design: ThresholdDesign, phi_prior: str) -> np.ndarray:
    if phi_prior == "uniform":
        return np.zeros(design.grid.size)
    if phi_prior == "width":
        upper = np.where(np.isfinite(design.cell_upper), design.cell_upper, design.grid)
        return np.log(np.maximum(upper - design.grid, 1e-12))
    raise ValueError(f"phi_prior must be 'uniform' or 'width' (got {phi_prior!r})")


def fixed_effect_dummies(unit: np.ndarray, time: np.ndarray, n_units: int, n_times: int):
    """Dummies of α_i (all countries) and η_t (years 2..T; year 1 is the reference)."""
    return np.concatenate([np.eye(n_units)[unit], np.eye(n_times)[time][:, 1:]], axis=1)


def threshold_arrays(
    design: ThresholdDesign, phi_prior: str = "uniform", two_thresholds: bool = True
) -> ThresholdArrays:
    """Precompute the arrays of :func:`gvc_threshold_model` for ``design``."""
    dummies = fixed_effect_dummies(design.unit, design.time, design.n_units, design.n_times)
    u, s, _ = np.linalg.svd(dummies, full_matrices=False)
    basis = u[:, : int(np.sum(s > s[0] * 1e-10))]

    def within(a: np.ndarray) -> np.ndarray:
        return a - basis @ (basis.T @ a)

    above = design.threshold_variable[:, None] > design.grid[None, :]
    y_w, z_w = within(design.y), within(design.covariates)
    w_w = within(design.threshold_regressor[:, None] * above)
    log_cell = _log_cell_weights(design, phi_prior)
    log_single = log_cell - np.logaddexp.reduce(log_cell)
    if two_thresholds:
        counts = above.sum(axis=0)
        middle = counts[:, None] - counts[None, :]  # obs with φ_g1 < q ≤ φ_g2 (g1 < g2)
        allowed = middle >= minimum_regime_size(design.n_obs, design.trim)
        pair = np.where(allowed, log_cell[:, None] + log_cell[None, :], -np.inf)
        pair = pair - np.logaddexp.reduce(pair[np.isfinite(pair)])
        gram = w_w.T @ w_w
    else:
        pair, gram = np.full((1, 1), -np.inf), np.zeros((1, 1))
    return ThresholdArrays(
        y=jnp.asarray(design.y),
        covariates=jnp.asarray(design.covariates),
        threshold_regressor=jnp.asarray(design.threshold_regressor),
        threshold_variable=jnp.asarray(design.threshold_variable),
        unit=jnp.asarray(design.unit),
        time=jnp.asarray(design.time),
        grid=jnp.asarray(design.grid),
        fe_basis=jnp.asarray(basis),
        yy=jnp.asarray(y_w @ y_w),
        zy=jnp.asarray(z_w.T @ y_w),
        zz=jnp.asarray(z_w.T @ z_w),
        wy=jnp.asarray(w_w.T @ y_w),
        wz=jnp.asarray(w_w.T @ z_w),
        w_norm2=jnp.asarray(np.sum(w_w**2, axis=0)),
        gram=jnp.asarray(gram),
        log_prior_single=jnp.asarray(log_single),
        log_prior_pair=jnp.asarray(pair),
        n_units=design.n_units,
        n_times=design.n_times,
        dof=design.n_obs - basis.shape[1],
    )


def prior_distribution(priors: Mapping[str, Any], name: str) -> dist.Distribution:
    """A NumPyro distribution from ``priors[name]`` (a distribution or a {loc, scale} table)."""
    spec = priors[name]
    if isinstance(spec, dist.Distribution):
        return spec
    if name == "sigma":
        return dist.HalfNormal(spec["scale"])
    return dist.Normal(spec["loc"], spec["scale"])


def conditional_log_likelihood(
    params: Mapping[str, jax.Array], data: ThresholdArrays, n_thresholds: int
) -> jax.Array:
    """log p(y | β, δ, σ, φ) with fixed effects integrated out, for every candidate φ:
    shape () for K = 0, (G,) for K = 1, (G, G) for K = 2 (up to a K-free constant)."""
    beta, sigma = params["beta"], params["sigma"]
    base = data.yy - 2 * beta @ data.zy + beta @ data.zz @ beta
    const = -data.dof * jnp.log(sigma) - 0.5 * data.dof * jnp.log(2 * jnp.pi)
    if n_thresholds == 0:
        return const - 0.5 * base / sigma**2
    cross = data.wy - data.wz @ beta  # W̃ᵀ(ỹ − Z̃β), (G,)
    delta = params["delta"]
    if n_thresholds == 1:
        ssr = base - 2 * delta[0] * cross + delta[0] ** 2 * data.w_norm2
        return const - 0.5 * ssr / sigma**2
    d1, d2 = delta[0], delta[1]
    ssr = (
        base
        - 2 * d1 * cross[:, None]
        - 2 * d2 * cross[None, :]
        + d1**2 * data.w_norm2[:, None]
        + d2**2 * data.w_norm2[None, :]
        + 2 * d1 * d2 * data.gram
    )
    return const - 0.5 * ssr / sigma**2


def phi_log_weights(
    params: Mapping[str, jax.Array], data: ThresholdArrays, n_thresholds: int
) -> jax.Array:
    """Unnormalised log p(φ = grid[g] (, grid[g2]), y | β, δ, σ): prior + likelihood."""
    loglik = conditional_log_likelihood(params, data, n_thresholds)
    prior = data.log_prior_single if n_thresholds == 1 else data.log_prior_pair
    return loglik + prior


def _sample_slopes(data: ThresholdArrays, n_thresholds: int, priors: Mapping[str, Any]):
    k = data.zy.shape[0]
    params = {
        "beta": numpyro.sample("beta", prior_distribution(priors, "beta").expand([k]).to_event(1)),
        "sigma": numpyro.sample("sigma", prior_distribution(priors, "sigma")),
    }
    if n_thresholds:
        params["delta"] = numpyro.sample(
            "delta", prior_distribution(priors, "delta").expand([n_thresholds]).to_event(1)
        )
    return params


def gvc_threshold_model(
    data: ThresholdArrays,
    n_thresholds: int = 1,
    priors: Mapping[str, Any] | None = None,
) -> None:
    """NumPyro model of eq. 16 (K = 0) or eq. 19/20 (K = 1, 2); φ and the effects marginalised.

    ``priors`` maps ``beta, delta, sigma`` to NumPyro distributions or to ``{loc, scale}`` /
    ``{scale}`` tables (defaults :data:`DEFAULT_PRIORS`).
    """
    if n_thresholds not in (0, 1, 2):
        raise ValueError(f"n_thresholds must be 0, 1 or 2 (got {n_thresholds})")
    params = _sample_slopes(data, n_thresholds, {**DEFAULT_PRIORS, **(priors or {})})
    if n_thresholds == 0:
        factor("log_likelihood", conditional_log_likelihood(params, data, 0))
    else:
        factor("log_likelihood", jax.nn.logsumexp(phi_log_weights(params, data, n_thresholds)))
