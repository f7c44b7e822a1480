r"""Linear panel model of eq. 16 with AR(1) errors within country: an option, not the default.

The default GVC model (:mod:`retrench.designs.gvc.threshold`) has iid errors. Country panels of
shares are persistent, and within-country serial correlation makes iid standard errors too
small (the country-clustered OLS se of :func:`retrench.designs.gvc.linear.panel_ols_two_way` are
2-3 times the classical ones on the WIOD panel). This module gives the Bayesian answer for the
linear model (K = 0, seed 003 eq. 16):

.. math::  y_{it} = \alpha_i + \eta_t + x_{it}'c + e_{it}, \quad
           e_{it} = \rho\, e_{i,t-1} + \sigma\,\varepsilon_{it}, \quad
           e_{i1} \sim N(0, \sigma^2 / (1 - \rho^2)),

with flat country and year effects integrated out exactly. With the Prais-Winsten matrix P
(per country: first row √(1−ρ²), then v_t − ρ v_{t−1}; Ω⁻¹ = PᵀP) and the dummies D (q
columns, full rank), writing ỹ = Py, X̃ = PX, D̃ = PD and M̃ the residual maker of D̃:

.. math::  \log p(y \mid c, \sigma, \rho) = \tfrac{N}{2}\log(1-\rho^2)
           - \tfrac{n-q}{2}\log(2\pi\sigma^2) - \tfrac12\log|\tilde D'\tilde D|
           - \lVert \tilde M(\tilde y - \tilde X c)\rVert^2 / (2\sigma^2).

(the restricted likelihood; it avoids the downward bias of ρ̂ from within residuals). Since
Ω⁻¹ = A_0 + ρA_1 + ρ²A_2 is tridiagonal, all cross products are quadratic in ρ and are
precomputed once (:class:`AR1Arrays`); an evaluation costs a (q × q) Cholesky factorisation.

Priors: c ~ N(0, ``beta_scale``²), σ ~ HalfNormal(``sigma_scale``), ρ ~ Uniform(−1, 1).
:func:`fit_linear_ar1` samples (c, σ, ρ) with NumPyro's NUTS. Code names: ``beta`` ↔ c
(c1..c4 on standardised ω, μ, υ, gr), ``sigma`` ↔ σ (innovation sd), ``rho`` ↔ ρ.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import jax.scipy.linalg
import numpy as np
import pandas as pd

from retrench.bayes.factor import factor
from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.errors import DataError


@dataclass(frozen=True)
class AR1Arrays:
    """Sufficient statistics of the AR(1) likelihood: ``cross[k] = Zᵀ A_k Z`` for
    Z = [y, X, D] and Ω⁻¹(ρ) = A_0 + ρ A_1 + ρ² A_2 (A_0 = I, A_1 = −(lag + lagᵀ) within
    country, A_2 = indicator of the interior years), so every evaluation is (m × m) algebra."""

    cross: jax.Array  # (3, 1 + k + q, 1 + k + q)
    n_obs: int
    n_units: int
    n_covariates: int


def ar1_arrays(design: ThresholdDesign) -> AR1Arrays:
    """Check that every country has ≥ 2 consecutive years (rows sorted) and build the
    sufficient statistics. Raises :class:`DataError` naming the offending countries."""
    unit, time = np.asarray(design.unit), np.asarray(design.time)
    order = np.lexsort((time, unit))
    if not np.array_equal(order, np.arange(unit.size)):
        raise DataError("AR(1) errors need rows sorted by country then year")
    first = np.r_[True, unit[1:] != unit[:-1]]
    last = np.r_[unit[1:] != unit[:-1], True]
    gaps = ~first & (np.r_[0, np.diff(time)] != 1)
    if np.any(gaps):
        bad = sorted({design.unit_labels[unit[i]] for i in np.flatnonzero(gaps)})
        raise DataError(f"AR(1) errors need consecutive years within country; gaps in {bad}")
    if np.any(first & last):
        bad = sorted({design.unit_labels[unit[i]] for i in np.flatnonzero(first & last)})
        raise DataError(f"AR(1) errors need at least 2 years per country; one year for {bad}")
    n = unit.size
    lag = np.zeros((n, n))
    lag[np.flatnonzero(~first), np.flatnonzero(~first) - 1] = 1.0  # row t picks t - 1
    parts = (np.eye(n), -(lag + lag.T), np.diag((~first & ~last).astype(float)))
    units = np.eye(design.n_units)[unit]
    years = np.eye(design.n_times)[time][:, 1:]  # drop one year: D has full column rank
    z = np.column_stack([design.y, design.covariates, units, years])
    return AR1Arrays(
        cross=jnp.asarray(np.stack([z.T @ a @ z for a in parts])),
        n_obs=n,
        n_units=design.n_units,
        n_covariates=design.covariates.shape[1],
    )


def ar1_log_likelihood(
    beta: jax.Array, sigma: jax.Array, rho: jax.Array, data: AR1Arrays
) -> jax.Array:
    """log p(y | c, σ, ρ) with the flat fixed effects integrated out (module docstring):
    r'Ω⁻¹r − b'G⁻¹b with r = y − Xc, b = D'Ω⁻¹r, G = D'Ω⁻¹D = D̃'D̃."""
    cross = data.cross[0] + rho * data.cross[1] + rho**2 * data.cross[2]
    m = 1 + data.n_covariates
    v = jnp.concatenate([jnp.ones(1), -beta])
    quad = v @ cross[:m, :m] @ v
    b = cross[m:, :m] @ v
    chol = jnp.linalg.cholesky(cross[m:, m:])
    half = jax.scipy.linalg.solve_triangular(chol, b, lower=True)
    ssr_within = quad - half @ half
    q = cross.shape[-1] - m
    log_det_dtd = 2.0 * jnp.sum(jnp.log(jnp.diag(chol)))
    return (
        0.5 * data.n_units * jnp.log1p(-(rho**2))
        - 0.5 * (data.n_obs - q) * jnp.log(2.0 * jnp.pi * sigma**2)
        - 0.5 * log_det_dtd
        - 0.5 * ssr_within / sigma**2
    )


def linear_ar1_model(data: AR1Arrays, beta_scale: float = 10.0, sigma_scale: float = 2.0):
    """NumPyro model: priors of the module docstring and the integrated AR(1) likelihood."""
    import numpyro
    import numpyro.distributions as dist

    k = data.n_covariates
    beta = numpyro.sample("beta", dist.Normal(0.0, beta_scale).expand([k]).to_event(1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(sigma_scale))
    rho = numpyro.sample("rho", dist.Uniform(-1.0, 1.0))
    factor("gvc", ar1_log_likelihood(beta, sigma, rho, data))


@dataclass(frozen=True)
class AR1Posterior:
    """Draws (chain-major, flattened) of ``beta`` (S, k), ``sigma`` (S,), ``rho`` (S,)."""

    beta: np.ndarray
    sigma: np.ndarray
    rho: np.ndarray
    covariate_names: tuple[str, ...]
    divergences: int


def fit_linear_ar1(
    design: ThresholdDesign,
    draws: int = 1000,
    warmup: int = 500,
    chains: int = 2,
    seed: int = 0,
    beta_scale: float = 10.0,
    sigma_scale: float = 2.0,
) -> AR1Posterior:
    """NUTS on (c, σ, ρ) of the linear model with AR(1) errors (K = 0 only)."""
    from numpyro.infer import MCMC, NUTS

    data = ar1_arrays(design)
    mcmc = MCMC(
        NUTS(linear_ar1_model),
        num_warmup=warmup,
        num_samples=draws,
        num_chains=chains,
        chain_method="vectorized",
        progress_bar=False,
    )
    mcmc.run(jax.random.PRNGKey(seed), data, beta_scale, sigma_scale)
    samples = {k: np.asarray(v) for k, v in mcmc.get_samples().items()}
    diverging = np.asarray(mcmc.get_extra_fields()["diverging"])
    return AR1Posterior(
        beta=samples["beta"],
        sigma=samples["sigma"],
        rho=samples["rho"],
        covariate_names=tuple(design.covariate_names),
        divergences=int(diverging.sum()),
    )


def ar1_summary(posterior: AR1Posterior, prob: float = 0.90) -> pd.DataFrame:
    """Posterior mean, sd and equal-tailed ``prob`` interval of c (per regressor), σ and ρ."""
    tail = (1.0 - prob) / 2.0
    columns = {
        **{name: posterior.beta[:, j] for j, name in enumerate(posterior.covariate_names)},
        "sigma": posterior.sigma,
        "rho": posterior.rho,
    }
    rows = {
        name: {
            "mean": float(np.mean(draws)),
            "sd": float(np.std(draws, ddof=1)),
            "lower": float(np.quantile(draws, tail)),
            "upper": float(np.quantile(draws, 1.0 - tail)),
        }
        for name, draws in columns.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter")
