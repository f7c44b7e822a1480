"""Exact marginal likelihoods and φ posteriors of the GVC threshold models (eq. 16, 19, 20).

Under the priors of :func:`retrench.designs.gvc.threshold.gvc_threshold_model` with zero-mean
Normal slopes (β ~ N(0, s_β²), δ ~ N(0, s_δ²) independently), flat fixed effects (integrated
out by the within transformation) and σ ~ HalfNormal(τ), every quantity is available without
MCMC except a one-dimensional integral over σ:

    p(y | φ, σ) = N(ỹ | 0, σ² I_dof + X̃ S X̃ᵀ)         (X̃ = within [Z, x·1(q > φ)], on the
                                                        dof-dimensional within space, S the
                                                        diagonal of prior variances)
    p(y | φ)    = ∫ p(y | φ, σ) HalfNormal(σ | τ) dσ    (trapezoid on a log-σ grid)
    p(y | K)    = Σ_φ π(φ) p(y | φ),   p(φ | y, K) ∝ π(φ) p(y | φ)

This gives (i) an independent check of the NUTS + Rao-Blackwell φ posterior, and (ii) the
log marginal likelihoods of K = 0, 1, 2 thresholds (Bayes factors), reported beside PSIS-LOO
and Hansen's bootstrap tests. The improper flat prior on the fixed effects contributes the
same constant for every K, so the Bayes factors are well defined.

Determinant and quadratic form use the k × k "small side" identities (X̃' = X̃S^{1/2}):
``log|σ²I + X̃'X̃'ᵀ| = (dof − k) log σ² + log|σ²I_k + X̃'ᵀX̃'|`` and
``ỹᵀ(σ²I + X̃'X̃'ᵀ)⁻¹ỹ = (ỹᵀỹ − b'ᵀ(σ²I_k + X̃'ᵀX̃')⁻¹ b')/σ²`` with ``b' = X̃'ᵀỹ``.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from retrench.designs.gvc.threshold import ThresholdArrays


@dataclass(frozen=True)
class ExactThresholdPosterior:
    """``log_marginal`` = log p(y | K); ``phi_pmf`` the exact pmf(s) of φ (K ≥ 1)."""

    n_thresholds: int
    log_marginal: float
    phi_pmf: tuple[np.ndarray, ...]


def _log_evidence_given_cross(
    yy: jax.Array, b: jax.Array, xtx: jax.Array, dof: int, scales: jax.Array, sigma: jax.Array
) -> jax.Array:
    """log N(ỹ | 0, σ²I + X̃SX̃ᵀ) from ỹᵀỹ, b = X̃ᵀỹ, X̃ᵀX̃ and prior sds ``scales`` (S = diag s²).

    With X̃' = X̃ S^{1/2}: log|σ²I + X̃'X̃'ᵀ| = (dof − k) log σ² + log|σ²I_k + X̃'ᵀX̃'|.
    """
    k = b.shape[-1]
    b_s = b * scales
    small = sigma**2 * jnp.eye(k) + scales[:, None] * xtx * scales[None, :]
    chol = jnp.linalg.cholesky(small)
    logdet = (dof - k) * jnp.log(sigma**2) + 2 * jnp.sum(jnp.log(jnp.diagonal(chol)))
    solved = jax.scipy.linalg.cho_solve((chol, True), b_s)
    quad = (yy - b_s @ solved) / sigma**2
    return -0.5 * (dof * jnp.log(2 * jnp.pi) + logdet + quad)


def _sigma_grid(sigma_scale: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Log-spaced σ nodes and the log of (HalfNormal density × trapezoid weight)."""
    log_sigma = np.linspace(np.log(1e-3), np.log(6 * sigma_scale), points)
    sigma = np.exp(log_sigma)
    density = (
        np.log(2) - 0.5 * np.log(2 * np.pi * sigma_scale**2) - 0.5 * (sigma / sigma_scale) ** 2
    )
    step = log_sigma[1] - log_sigma[0]
    trap = np.full(points, step)
    trap[[0, -1]] *= 0.5
    return sigma, density + log_sigma + np.log(trap)  # dσ = σ d log σ


def exact_threshold_posterior(
    data: ThresholdArrays,
    n_thresholds: int,
    beta_scale: float = 10.0,
    delta_scale: float = 1.0,
    sigma_scale: float = 2.0,
    sigma_points: int = 400,
) -> ExactThresholdPosterior:
    """Exact log p(y | K) and p(φ | y, K) for K = 0, 1, 2 (quadrature over σ only)."""
    sigma, log_w = _sigma_grid(sigma_scale, sigma_points)
    sigma, log_w = jnp.asarray(sigma), jnp.asarray(log_w)

    k = data.zy.shape[0]
    scales = jnp.asarray([beta_scale] * k + [delta_scale] * n_thresholds)

    def evidence(b, xtx):
        per_sigma = jax.vmap(
            lambda s: _log_evidence_given_cross(data.yy, b, xtx, data.dof, scales, s)
        )(sigma)
        return jax.nn.logsumexp(per_sigma + log_w)

    if n_thresholds == 0:
        return ExactThresholdPosterior(0, float(evidence(data.zy, data.zz)), ())

    def single(g):
        b = jnp.concatenate([data.zy, data.wy[g][None]])
        top = jnp.concatenate([data.zz, data.wz[g][:, None]], axis=1)
        bottom = jnp.concatenate([data.wz[g], data.w_norm2[g][None]])[None, :]
        return evidence(b, jnp.concatenate([top, bottom], axis=0))

    grid_size = data.wy.shape[0]
    if n_thresholds == 1:
        log_ev = jax.lax.map(single, jnp.arange(grid_size), batch_size=64)
        log_post = log_ev + data.log_prior_single
        total = jax.nn.logsumexp(log_post)
        return ExactThresholdPosterior(1, float(total), (np.asarray(jnp.exp(log_post - total)),))

    def pair(g1, g2):
        b = jnp.concatenate([data.zy, data.wy[jnp.array([g1, g2])]])
        wz = data.wz[jnp.array([g1, g2])]  # (2, k)
        ww = data.gram[jnp.array([[g1, g1], [g2, g2]]), jnp.array([[g1, g2], [g1, g2]])]
        top = jnp.concatenate([data.zz, wz.T], axis=1)
        bottom = jnp.concatenate([wz, ww], axis=1)
        return evidence(b, jnp.concatenate([top, bottom], axis=0))

    allowed = np.argwhere(np.isfinite(np.asarray(data.log_prior_pair)))
    log_ev = jax.lax.map(lambda ij: pair(ij[0], ij[1]), jnp.asarray(allowed), batch_size=256)
    log_post = log_ev + data.log_prior_pair[allowed[:, 0], allowed[:, 1]]
    total = jax.nn.logsumexp(log_post)
    weights = np.asarray(jnp.exp(log_post - total))
    pmf_first = np.bincount(allowed[:, 0], weights, minlength=grid_size)
    pmf_second = np.bincount(allowed[:, 1], weights, minlength=grid_size)
    return ExactThresholdPosterior(2, float(total), (pmf_first, pmf_second))
