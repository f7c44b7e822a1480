"""The GVC threshold design against independent computations at fixed parameter values.

Nothing here is fitted: parameters are set by hand, and every expected number is computed from
them with NumPy/SciPy loops written from eq. 19 (dummy-variable least squares, a Gaussian
integral over the fixed effects with ``scipy.stats.multivariate_normal``, ``scipy.stats.norm``),
never with the design's own helpers.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpyro.infer.util import log_density
from scipy import stats
from scipy.special import logsumexp

from retrench.bayes.gvc_design import design_from_panel
from retrench.bayes.gvc_model import GVCThresholdModel
from retrench.bayes.gvc_posterior import (
    ThresholdPosterior,
    pointwise_log_likelihood,
    posterior_mean_draws,
)
from retrench.bayes.gvc_threshold import gvc_threshold_model, threshold_arrays
from retrench.data.simulate_gvc import simulate_gvc_panel

N_COUNTRIES, N_YEARS = 6, 5
SPEC = {"data": {"years": [2000, 2000 + N_YEARS - 1]}}


@pytest.fixture(scope="module")
def small_panel():
    sim = simulate_gvc_panel(
        n_countries=N_COUNTRIES, n_years=N_YEARS, thresholds=(0.87,), increments=(-0.8,), seed=5
    )
    return sim.panel


@pytest.fixture(scope="module")
def design(small_panel):
    return design_from_panel(small_panel)


def _dummies(design) -> np.ndarray:
    """Country dummies (all) and year dummies (years 2..T), built with loops."""
    n, p = design.n_obs, design.n_units + design.n_times - 1
    out = np.zeros((n, p))
    for i in range(n):
        out[i, design.unit[i]] = 1.0
        if design.time[i] > 0:
            out[i, design.n_units + design.time[i] - 1] = 1.0
    return out


def _regime_shift(design, deltas, phis) -> np.ndarray:
    """Σ_j δ_j x_i 1(q_i > φ_j), one observation at a time."""
    out = np.zeros(design.n_obs)
    for i in range(design.n_obs):
        for delta, phi in zip(deltas, phis, strict=True):
            if design.threshold_variable[i] > phi:
                out[i] += delta * design.threshold_regressor[i]
    return out


def _integrated_loglik(design, resid: np.ndarray, sigma: float) -> float:
    """log ∫ N(resid | Dθ, σ²I) dθ under a flat prior on θ, as the limit of a N(0, s²I) prior:
    log N(resid | 0, σ²I + s²DDᵀ) + (p/2) log(2π s²) (SciPy's multivariate normal, s large)."""
    d = _dummies(design)
    s = 1e3
    cov = sigma**2 * np.eye(design.n_obs) + s**2 * d @ d.T
    value = stats.multivariate_normal(np.zeros(design.n_obs), cov).logpdf(resid)
    return float(value + 0.5 * d.shape[1] * np.log(2 * np.pi * s**2))


def _fe_constant(design) -> float:
    """The K-free constant the code leaves out of the integrated likelihood: ½ log det(DᵀD)."""
    d = _dummies(design)
    return 0.5 * float(np.linalg.slogdet(d.T @ d)[1])


def _hand_log_joint(design, beta, sigma, deltas_by_phi, prior_terms) -> float:
    """log p(y, β, δ, σ) summing the φ grid: logsumexp_g [log π_g + log p(y | ..., φ_g)]."""
    base = design.y - design.covariates @ beta
    terms = []
    for deltas, phis, log_prior in deltas_by_phi:
        resid = base - _regime_shift(design, deltas, phis)
        terms.append(log_prior + _integrated_loglik(design, resid, sigma))
    return float(logsumexp(terms)) + prior_terms + _fe_constant(design)


def _prior_terms(beta, sigma, delta) -> float:
    return float(
        stats.norm(0.0, 10.0).logpdf(beta).sum()
        + stats.halfnorm(scale=2.0).logpdf(sigma)
        + stats.norm(0.0, 1.0).logpdf(delta).sum()
    )


BETA = np.array([0.3, -0.4, 0.2, 0.1])


@pytest.mark.parametrize("sigma", [0.35, 0.9])
def test_log_density_no_threshold_matches_gaussian_integral(design, sigma):
    arrays = threshold_arrays(design, "uniform", two_thresholds=False)
    value, _ = log_density(gvc_threshold_model, (arrays, 0), {}, {"beta": BETA, "sigma": sigma})
    expected = _hand_log_joint(design, BETA, sigma, [((), (), 0.0)], _prior_terms(BETA, sigma, []))
    assert float(value) == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("sigma, delta", [(0.4, -0.7), (1.3, 0.5)])
def test_log_density_one_threshold_sums_the_grid(design, sigma, delta):
    arrays = threshold_arrays(design, "uniform", two_thresholds=False)
    params = {"beta": BETA, "sigma": sigma, "delta": np.array([delta])}
    value, _ = log_density(gvc_threshold_model, (arrays, 1), {}, params)
    g = design.grid.size
    per_phi = [((delta,), (phi,), -np.log(g)) for phi in design.grid]
    expected = _hand_log_joint(design, BETA, sigma, per_phi, _prior_terms(BETA, sigma, [delta]))
    assert float(value) == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_log_density_two_thresholds_sums_the_allowed_pairs(design):
    arrays = threshold_arrays(design, "uniform", two_thresholds=True)
    sigma, deltas = 0.6, np.array([-0.5, 0.8])
    params = {"beta": BETA, "sigma": sigma, "delta": deltas}
    value, _ = log_density(gvc_threshold_model, (arrays, 2), {}, params)
    # allowed pairs: φ_a < φ_b with at least ceil(trim · n) observations in the middle regime
    q, grid = design.threshold_variable, design.grid
    minimum = int(np.ceil(design.trim * design.n_obs))
    pairs = [
        (a, b)
        for a in range(grid.size)
        for b in range(a + 1, grid.size)
        if np.sum((q > grid[a]) & (q <= grid[b])) >= minimum
    ]
    assert 0 < len(pairs) < grid.size * (grid.size - 1) // 2
    per_pair = [(tuple(deltas), (grid[a], grid[b]), -np.log(len(pairs))) for a, b in pairs]
    expected = _hand_log_joint(design, BETA, sigma, per_pair, _prior_terms(BETA, sigma, deltas))
    assert float(value) == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_model_class_log_density_uses_the_spec_priors(small_panel, design):
    """The class's model (spec priors changed) against the hand log joint with those priors."""
    spec = {
        **SPEC,
        "priors": {
            "beta": {"family": "normal", "loc": 0.5, "scale": 2.0},
            "delta": {"family": "normal", "loc": -1.0, "scale": 0.5},
            "sigma": {"family": "half_normal", "scale": 0.7},
        },
    }
    model = GVCThresholdModel(small_panel, spec)
    sigma, delta = 0.5, -0.3
    params = {"beta": BETA, "sigma": sigma, "delta": np.array([delta])}
    value, _ = log_density(model.model, (model.inputs, model.observed), {}, params)
    d = model.design
    np.testing.assert_allclose(d.y, design.y)
    priors = (
        stats.norm(0.5, 2.0).logpdf(BETA).sum()
        + stats.norm(-1.0, 0.5).logpdf(delta)
        + stats.halfnorm(scale=0.7).logpdf(sigma)
    )
    per_phi = [((delta,), (phi,), -np.log(d.grid.size)) for phi in d.grid]
    expected = _hand_log_joint(d, BETA, sigma, per_phi, float(priors))
    assert float(value) == pytest.approx(expected, rel=1e-6, abs=1e-6)


# --- joint draws: pointwise log likelihood, predictive draws, counterfactuals -----------------


def _hand_posterior(design, n_thresholds: int = 1, sigma=(0.3, 0.5, 0.8)):
    """Three joint draws set by hand (φ indices spread over the grid) as a ThresholdPosterior."""
    rng = np.random.default_rng(7)
    s = len(sigma)
    g = design.grid.size
    picks = np.array([[g // 5], [g // 2], [4 * g // 5]])
    if n_thresholds == 2:
        picks = np.array([[g // 5, g // 2], [g // 4, 4 * g // 5], [g // 2, 4 * g // 5]])
    samples = {
        "beta": rng.normal(0, 0.5, (s, 4)),
        "sigma": np.asarray(sigma, dtype=float),
        "delta": rng.normal(-0.8, 0.3, (s, n_thresholds)),
        "country_effect": rng.normal(0, 1, (s, design.n_units)),
        "year_effect": rng.normal(0, 0.3, (s, design.n_times)),
    }
    arrays = threshold_arrays(design, "uniform", two_thresholds=n_thresholds == 2)
    pmf = tuple(np.full(g, 1.0 / g) for _ in range(n_thresholds))
    return ThresholdPosterior(design, arrays, n_thresholds, samples, pmf, picks, chains=1)


def _hand_means(design, post, covariates=None, q=None) -> np.ndarray:
    """(S, n) E[y_it | draw] by loops: z'β + Σ δ_j x 1(q > φ_j) + α_i + η_t."""
    covariates = design.covariates if covariates is None else covariates
    q = design.threshold_variable if q is None else q
    k = design.covariate_names.index(design.threshold_regressor_name)
    smp = post.samples
    out = np.zeros((len(smp["sigma"]), design.n_obs))
    for s in range(out.shape[0]):
        for i in range(design.n_obs):
            value = covariates[i] @ smp["beta"][s]
            for j, g in enumerate(post.phi_index_draws[s]):
                if q[i] > design.grid[g]:
                    value += smp["delta"][s, j] * covariates[i, k]
            value += smp["country_effect"][s, design.unit[i]]
            value += smp["year_effect"][s, design.time[i]]
            out[s, i] = value
    return out


@pytest.mark.parametrize("n_thresholds", [1, 2])
def test_pointwise_log_likelihood_is_the_normal_density_at_hand_means(design, n_thresholds):
    post = _hand_posterior(design, n_thresholds)
    means = _hand_means(design, post)
    # the draws put observations on both sides of each φ (else the regime term is untested)
    above = design.threshold_variable[None, :] > design.grid[post.phi_index_draws[:, 0]][:, None]
    assert above.any() and (~above).any()
    expected = stats.norm(means, post.samples["sigma"][:, None]).logpdf(design.y[None, :])
    np.testing.assert_allclose(posterior_mean_draws(post), means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pointwise_log_likelihood(post), expected, rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def model_with_hand_posterior(small_panel):
    """A GVCThresholdModel whose posterior is set by hand (no fit)."""
    model = GVCThresholdModel(small_panel, SPEC)
    model.posterior = _hand_posterior(model.design, sigma=(1e-9, 1e-9, 1e-9))
    model.seed = 0
    return model


def test_posterior_predictive_draws_center_on_hand_means(model_with_hand_posterior):
    model = model_with_hand_posterior
    d = model.design
    loc, scale = d.scales["gvc"]
    # raw-scale GVCP: standardisation undone by hand from the panel column
    raw = model.panel["gvc_participation"].to_numpy()
    assert loc == pytest.approx(raw.mean()) and scale == pytest.approx(raw.std(ddof=1))
    expected = loc + scale * _hand_means(d, model.posterior)
    rep = model.posterior_predictive(seed=3)["gvc"].values.reshape(3, d.n_obs)
    np.testing.assert_allclose(rep, expected, atol=1e-7)


def test_posterior_predictive_spread_is_sigma(small_panel):
    model = GVCThresholdModel(small_panel, SPEC)
    post = _hand_posterior(model.design, sigma=(0.3, 0.5, 0.8))
    model.posterior, model.seed = post, 0
    d = model.design
    loc, scale = d.scales["gvc"]
    means = loc + scale * _hand_means(d, post)
    draws = np.stack([model.posterior_predictive(seed=k)["gvc"].values[0] for k in range(200)])
    z = (draws - means[None]) / (scale * post.samples["sigma"][None, :, None])
    # 200 × 3 × 30 standardised residuals: mean 0 and sd 1 (loose bounds, ≈ 6 standard errors)
    assert abs(z.mean()) < 0.05
    assert z.std() == pytest.approx(1.0, abs=0.04)


@pytest.mark.parametrize("shift", [{"omega": 0.02}, {"mu": 0.03}, {"omega": 0.05, "gr": -0.01}])
def test_counterfactual_matches_hand_recomputation(model_with_hand_posterior, shift):
    model = model_with_hand_posterior
    d, post = model.design, model.posterior
    loc, scale = d.scales["gvc"]
    cov = d.covariates.copy()
    q = d.threshold_variable.copy()
    for name, amount in shift.items():
        column = d.covariate_names.index(name)
        raw_sd = model.panel[name].std(ddof=1)  # standardised by the column's sample sd
        cov[:, column] += amount / raw_sd
        if name == "omega":
            q = q + amount
    factual = loc + scale * _hand_means(d, post)
    changed = loc + scale * _hand_means(d, post, cov, q)
    ds = model.counterfactual(**shift)
    got = ds.gvc_change.values[:, d.unit, d.time]
    np.testing.assert_allclose(ds.gvc_factual.values[:, d.unit, d.time], factual, atol=1e-7)
    np.testing.assert_allclose(got, changed - factual, atol=1e-7)
    if "omega" in shift:  # some country-years cross a threshold: the regime term moved
        grid = d.grid[post.phi_index_draws[:, 0]][:, None]
        crossed = (d.threshold_variable[None] <= grid) & (q[None] > grid)
        assert crossed.any()
