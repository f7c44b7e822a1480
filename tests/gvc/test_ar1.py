"""The AR(1)-error option of the linear GVC model (eq. 16): likelihood and recovery."""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

from retrench.bayes.gvc_ar1 import ar1_arrays, ar1_log_likelihood, fit_linear_ar1
from retrench.errors import DataError


def _dense_restricted_log_likelihood(design, beta, sigma, rho) -> float:
    """Independent dense formula: y ~ N(Xc + Dγ, σ²Ω), Ω_ts = ρ^|t−s| / (1 − ρ²) within a
    country, flat γ integrated: log N(r; 0, σ²Ω) + (q/2) log(2πσ²) − ½ log|DᵀΩ⁻¹D| + ½ log…
    written out in full with explicit inverses and log-determinants."""
    n, t_max = design.n_obs, design.n_times
    omega = np.zeros((n, n))
    for g in range(design.n_units):
        rows = np.flatnonzero(design.unit == g)
        lags = np.abs(design.time[rows][:, None] - design.time[rows][None, :])
        omega[np.ix_(rows, rows)] = rho**lags / (1 - rho**2)
    D = np.column_stack([np.eye(design.n_units)[design.unit], np.eye(t_max)[design.time][:, 1:]])
    q = D.shape[1]
    cov = sigma**2 * omega
    prec = np.linalg.inv(cov)
    r = design.y - design.covariates @ beta
    dpd = D.T @ prec @ D
    gls = prec - prec @ D @ np.linalg.solve(dpd, D.T @ prec)
    _, logdet_cov = np.linalg.slogdet(cov)
    _, logdet_dpd = np.linalg.slogdet(dpd)
    return float(
        -0.5 * n * np.log(2 * np.pi) - 0.5 * logdet_cov - 0.5 * r @ gls @ r
        + 0.5 * q * np.log(2 * np.pi) - 0.5 * logdet_dpd
    )  # fmt: skip


@pytest.mark.parametrize("rho", [0.0, 0.45, -0.3, 0.9])
def test_log_likelihood_matches_dense_gls(strong_threshold_design, rho):
    d = strong_threshold_design
    beta, sigma = np.array([0.1, -0.5, 0.2, 0.05]), 0.7
    got = ar1_log_likelihood(jnp.asarray(beta), sigma, rho, ar1_arrays(d))
    assert float(got) == pytest.approx(_dense_restricted_log_likelihood(d, beta, sigma, rho))


def test_gaps_in_years_are_refused(strong_threshold_design):
    d = strong_threshold_design
    keep = ~((d.unit == 2) & (d.time == 5))
    gappy = dataclasses.replace(
        d,
        y=d.y[keep],
        covariates=d.covariates[keep],
        unit=d.unit[keep],
        time=d.time[keep],
    )
    with pytest.raises(DataError, match="C02"):
        ar1_arrays(gappy)


@pytest.mark.slow
def test_recovers_serial_correlation(strong_threshold_design):
    """Simulated AR(1) errors (ρ = 0.6) on the paper-sized design: ρ and c recovered."""
    d = strong_threshold_design
    rng = np.random.default_rng(5)
    beta, rho, sigma = np.array([0.3, -0.6, 0.2, 0.0]), 0.6, 0.3
    e = np.zeros(d.n_obs)
    for g in range(d.n_units):
        rows = np.flatnonzero(d.unit == g)
        e[rows[0]] = rng.normal(0, sigma / np.sqrt(1 - rho**2))
        for a, b in zip(rows[:-1], rows[1:], strict=True):
            e[b] = rho * e[a] + rng.normal(0, sigma)
    effects = rng.normal(0, 1, d.n_units)[d.unit] + rng.normal(0, 0.3, d.n_times)[d.time]
    sim = dataclasses.replace(d, y=d.covariates @ beta + effects + e)
    post = fit_linear_ar1(sim, draws=500, warmup=400, seed=1)
    lo, hi = np.quantile(post.rho, [0.05, 0.95])
    assert lo < rho < hi and hi - lo < 0.3
    for j in range(4):
        b_lo, b_hi = np.quantile(post.beta[:, j], [0.005, 0.995])
        assert b_lo < beta[j] < b_hi
    assert post.divergences == 0
