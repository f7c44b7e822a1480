"""Bayesian threshold models: exact marginalisation of φ checked against independent algebra."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from retrench.bayes.gvc_design import design_from_panel
from retrench.bayes.gvc_marginal import exact_threshold_posterior
from retrench.bayes.gvc_posterior import ThresholdPosterior, pointwise_log_likelihood
from retrench.bayes.gvc_threshold import conditional_log_likelihood, threshold_arrays
from retrench.data.simulate_gvc import simulate_gvc_panel


@pytest.fixture(scope="session")
def posterior_one(sampler_one, strong_threshold_design):
    return sampler_one.run(strong_threshold_design, seed=0)


def _explicit_loglik(design, beta, delta, sigma, thresholds):
    """Gaussian log likelihood of the two-way within residuals, with explicit dummies."""
    dummies = np.concatenate(
        [np.eye(design.n_units)[design.unit], np.eye(design.n_times)[design.time]], axis=1
    )
    mean = design.covariates @ np.asarray(beta)
    for d, phi in zip(delta, thresholds, strict=True):
        mean = mean + d * design.threshold_regressor * (design.threshold_variable > phi)
    resid = np.asarray(design.y - mean)
    fitted = dummies @ np.linalg.lstsq(dummies, resid, rcond=None)[0]
    dof = design.n_obs - np.linalg.matrix_rank(dummies)
    ssr = np.sum((resid - fitted) ** 2)
    return float(-dof * np.log(sigma) - 0.5 * dof * np.log(2 * np.pi) - 0.5 * ssr / sigma**2)


def test_conditional_loglik_matches_explicit_regression(strong_threshold_design):
    d = strong_threshold_design
    data = threshold_arrays(d)
    params = {
        "beta": jnp.array([0.1, -0.3, 0.2, -0.1]),
        "delta": jnp.array([-0.5, 0.4]),
        "sigma": jnp.array(0.7),
    }
    one = np.asarray(conditional_log_likelihood(params, data, 1))
    two = np.asarray(conditional_log_likelihood(params, data, 2))
    for g in [3, 100, 200]:
        expected = _explicit_loglik(d, params["beta"], [-0.5], 0.7, [d.grid[g]])
        assert one[g] == pytest.approx(expected, rel=1e-10)
    expected = _explicit_loglik(d, params["beta"], [-0.5, 0.4], 0.7, [d.grid[40], d.grid[220]])
    assert two[40, 220] == pytest.approx(expected, rel=1e-10)


def test_nuts_phi_posterior_equals_exact_quadrature(posterior_one):
    exact = exact_threshold_posterior(posterior_one.arrays, 1, sigma_points=150)
    total_variation = 0.5 * np.abs(posterior_one.phi_pmf[0] - exact.phi_pmf[0]).sum()
    assert total_variation < 0.03
    assert posterior_one.diagnostics["divergences"] == 0


def test_threshold_and_regime_slopes_recovered(posterior_one, strong_threshold_panel):
    truth = strong_threshold_panel
    interval = posterior_one.phi_interval(0, 0.90)
    assert interval.covers(truth.thresholds[0])
    assert abs(interval.mode - truth.thresholds[0]) < 0.01
    slopes = posterior_one.regime_slopes()
    expected = truth.standardized_truth()
    lo, hi = np.quantile(slopes, [0.01, 0.99], axis=0)
    for j in range(2):
        assert lo[j] < expected[f"regime_{j}"] < hi[j]


def test_joint_phi_draws_follow_the_pmf(posterior_one):
    counts = np.bincount(
        posterior_one.phi_index_draws[:, 0], minlength=posterior_one.design.grid.size
    )
    share = counts / counts.sum()
    assert 0.5 * np.abs(share - posterior_one.phi_pmf[0]).sum() < 0.15


def test_pointwise_loglik_sums_to_conditional(posterior_one):
    """With α, η at their least-squares values given (β, δ, φ) of a draw (lstsq on explicit
    dummies), Σ_it log p(y_it | α, η, β, δ, σ, φ) = −n/2 log 2πσ² − SSR/2σ², and the
    conditional log likelihood with the effects integrated out is −dof/2 log 2πσ² − SSR/2σ²:
    the two differ by exactly −(p/2) log 2πσ², p = rank of the dummies."""
    post, d = posterior_one, posterior_one.design
    draws = [0, 17, 123, 399]
    samples = {k: np.asarray(v)[draws] for k, v in post.samples.items()}
    picks = post.phi_index_draws[draws]
    dummies = np.concatenate([np.eye(d.n_units)[d.unit], np.eye(d.n_times)[d.time][:, 1:]], axis=1)
    alpha, eta = [], []
    for s in range(len(draws)):
        shift = (
            samples["delta"][s, 0]
            * d.threshold_regressor
            * (d.threshold_variable > d.grid[picks[s, 0]])
        )
        resid = d.y - d.covariates @ samples["beta"][s] - shift
        theta = np.linalg.lstsq(dummies, resid, rcond=None)[0]
        alpha.append(theta[: d.n_units])
        eta.append(np.concatenate([[0.0], theta[d.n_units :]]))
    samples["country_effect"], samples["year_effect"] = np.array(alpha), np.array(eta)
    at_mode = ThresholdPosterior(d, post.arrays, 1, samples, post.phi_pmf, picks, chains=1)
    ll = pointwise_log_likelihood(at_mode)
    assert ll.shape == (len(draws), d.n_obs)
    p = dummies.shape[1]
    assert np.linalg.matrix_rank(dummies) == p
    for s in range(len(draws)):
        params = {k: jnp.asarray(samples[k][s]) for k in ("beta", "delta", "sigma")}
        conditional = conditional_log_likelihood(params, post.arrays, 1)[picks[s, 0]]
        sigma = samples["sigma"][s]
        expected = float(conditional) - 0.5 * p * np.log(2 * np.pi * sigma**2)
        assert ll[s].sum() == pytest.approx(expected, rel=1e-9)
    # the drawn effects of the same draws are not the least-squares ones: a smaller sum
    assert np.all(pointwise_log_likelihood(post)[draws].sum(axis=1) < ll.sum(axis=1))


def test_no_threshold_gives_diffuse_phi(sampler_one, no_threshold_panel):
    post = sampler_one.run(design_from_panel(no_threshold_panel.panel), seed=1)
    assert post.phi_pmf[0].max() < 0.5
    assert np.abs(post.samples["delta"]).mean() < 0.5


def test_exact_marginal_prefers_threshold_when_present(strong_threshold_design):
    data = threshold_arrays(strong_threshold_design, two_thresholds=False)
    k0 = exact_threshold_posterior(data, 0, sigma_points=150).log_marginal
    k1 = exact_threshold_posterior(data, 1, sigma_points=150).log_marginal
    assert k1 - k0 > 3.0


def test_exact_marginal_k0_matches_brute_force_normal(strong_threshold_design):
    """K = 0: compare with the dof-dimensional Gaussian N(0, σ²I + s²XXᵀ) evaluated through a
    full eigendecomposition of XXᵀ, integrated over σ on a fine linear grid with scipy."""
    from scipy.integrate import trapezoid
    from scipy.stats import halfnorm

    d = strong_threshold_design
    data = threshold_arrays(d, two_thresholds=False)
    basis = np.asarray(data.fe_basis)
    u, s, _ = np.linalg.svd(np.eye(d.n_obs) - basis @ basis.T)
    complement = u[:, s > 0.5]  # orthonormal basis of the within space (dof columns)
    y, X = complement.T @ d.y, complement.T @ d.covariates
    lam, vecs = np.linalg.eigh(100.0 * X @ X.T)
    proj2 = (vecs.T @ y) ** 2
    sigmas = np.linspace(0.05, 1.5, 3000)
    logp = np.array(
        [
            -0.5
            * (
                y.size * np.log(2 * np.pi)
                + np.sum(np.log(sg**2 + lam))
                + np.sum(proj2 / (sg**2 + lam))
            )
            for sg in sigmas
        ]
    )
    integrand = np.exp(logp - logp.max()) * halfnorm(scale=2.0).pdf(sigmas)
    brute = logp.max() + np.log(trapezoid(integrand, sigmas))
    assert exact_threshold_posterior(data, 0).log_marginal == pytest.approx(brute, abs=0.02)


@pytest.mark.slow
def test_two_threshold_posterior_equals_exact_quadrature():
    """K = 2: NUTS + Rao-Blackwell marginals of (φ1, φ2) agree with the exact pair sum."""
    from retrench.bayes.gvc_posterior import ThresholdSampler

    sim = simulate_gvc_panel(
        seed=21, thresholds=(0.84, 0.90), increments=(-0.8, 0.9), sigma=0.2, n_countries=30
    )
    d = design_from_panel(sim.panel)
    post = ThresholdSampler(2, draws=400, warmup=300, chains=2).run(d, seed=0)
    exact = exact_threshold_posterior(post.arrays, 2, sigma_points=120)
    for j, truth in enumerate(sim.thresholds):
        assert 0.5 * np.abs(post.phi_pmf[j] - exact.phi_pmf[j]).sum() < 0.05
        assert post.phi_interval(j).covers(truth)
