"""The tariff model's log density, predictive draws and the public-weights counterfactual at
fixed parameter values against an independent computation.

Expected values: eq. 6 solved with ``scipy.optimize.fsolve`` on hand-differentiated first-order
conditions (``benchmarks/baselines/tariffs_scipy.py``, which does not import retrench), the
ad-valorem tariff τ/p^w(τ) from that module's linear market, and SciPy densities (``norm``,
``t``, ``halfnorm``) with the left-censoring of zeros written out row by row.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr
from benchmarks.baselines.tariffs_scipy import DEFAULT, reciprocal_efficient_tariffs_scipy
from numpyro.infer.util import log_density
from scipy import stats
from scipy.optimize import brentq
from scipy.special import expit

from retrench.bayes.tariffs import TariffModel
from retrench.data.simulate_tariffs import simulate_tariff_panel

N_COUNTRY = 6
THRESHOLD = 0.0005  # censor_below_pct = 0.05 (percent)


@pytest.fixture(scope="module")
def panel():
    frame, _ = simulate_tariff_panel(n_countries=N_COUNTRY, n_years=5, seed=2)
    frame = frame.copy()
    frame.loc[[3, 7, 8], "tariff_applied_pct"] = 0.0  # reported zeros: left-censored rows
    return frame


def _params(model):
    n_group = len(model.groups)
    return {
        "mu_tariff_logit": 1.1,
        "group_sd": 0.2,
        "country_sd": 0.35,
        "trend_scaled": -2.0,  # trend = −0.002 per year (trend_unit = 0.001)
        "sigma_log_mean": -4.2,
        "sigma_log_sd": 0.4,
        "group_mean": np.linspace(0.9, 1.4, n_group),
        "tariff_logit": np.array([1.3, 0.9, 1.6, 1.05, 1.2, 0.7]),
        "gamma_E_logit": np.array([-3.0, -2.0, -3.5, -1.0, -2.5, -4.0]),
        "log_sigma_excess": np.array([-4.0, -4.5, -3.6, -5.0, -4.2, -3.9]),
    }


def hand_weights(p):
    """(t_c, γ_E, γ_M) from the sampled coordinates, written from the module docstring."""
    t = -1.0 + (1.0 / 3.0 + 1.0) * expit(p["tariff_logit"])
    lower = np.maximum(1.0, 1.0 - 2.0 * t)
    gamma_E = lower + (3.0 - lower) * expit(p["gamma_E_logit"])
    gamma_M = (8 * t - 1 + 3 * gamma_E) / (2 * (1 + t))
    return t, gamma_E, gamma_M


def scipy_ad_valorem(gamma_E, gamma_M, autarky_corner=False):
    """Reciprocal efficient tariff by fsolve (symmetric partners), ad valorem τ / p^w(τ).

    ``autarky_corner``: where fsolve's tariff leaves no imports (the linear forms extended past
    the prohibitive tariff), the efficient outcome among trading tariffs is the corner: the
    prohibitive tariff, found here by brentq on the baseline market's imports.
    """
    prohibitive = brentq(DEFAULT.imports, 0.0, 1.0, xtol=1e-15)
    out = []
    for e, m in zip(gamma_E, gamma_M, strict=True):
        tau, tau_star = reciprocal_efficient_tariffs_scipy(e, m, e, m)
        assert tau == pytest.approx(tau_star, abs=1e-10)
        if autarky_corner and DEFAULT.imports(tau) <= 0:
            tau = prohibitive
        out.append(tau / DEFAULT.world_price(tau))
    return np.array(out)


def hand_log_prior(model, p):
    groups = np.asarray(model.inputs["country_group"])
    return float(
        stats.norm(1.3, 0.5).logpdf(p["mu_tariff_logit"])
        + stats.halfnorm(scale=0.3).logpdf(p["group_sd"])
        + stats.halfnorm(scale=0.5).logpdf(p["country_sd"])
        + stats.norm(0.0, 0.01 / 0.001).logpdf(p["trend_scaled"])
        + stats.norm(-4.6, 0.7).logpdf(p["sigma_log_mean"])
        + stats.halfnorm(scale=0.5).logpdf(p["sigma_log_sd"])
        + stats.norm(p["mu_tariff_logit"], p["group_sd"]).logpdf(p["group_mean"]).sum()
        + stats.norm(p["group_mean"][groups], p["country_sd"]).logpdf(p["tariff_logit"]).sum()
        + stats.norm(-3.0, 0.75).logpdf(p["gamma_E_logit"]).sum()
        + stats.norm(p["sigma_log_mean"], p["sigma_log_sd"]).logpdf(p["log_sigma_excess"]).sum()
    )


def hand_means_and_scales(model, p, tariff):
    trend = p["trend_scaled"] * 0.001
    country = np.asarray(model.inputs["country"])
    years = model.panel["year"].to_numpy() - 2009
    mean = (1.0 + tariff[country]) * np.exp(trend * years) - 1.0
    sigma = (0.1 / 100.0 + np.exp(p["log_sigma_excess"]))[country]
    return mean, sigma


def hand_loglik(model, p, family="normal", df=5.0):
    t, gamma_E, gamma_M = hand_weights(p)
    mean, sigma = hand_means_and_scales(model, p, scipy_ad_valorem(gamma_E, gamma_M))
    y = model.panel["tariff"].to_numpy()
    base = stats.norm if family == "normal" else stats.t(df)
    total = 0.0
    for yi, mi, si in zip(y, mean, sigma, strict=True):
        z = (THRESHOLD - mi) / si if yi <= THRESHOLD else (yi - mi) / si
        total += base.logcdf(z) if yi <= THRESHOLD else base.logpdf(z) - math.log(si)
    return total


@pytest.mark.parametrize("family", ["normal", "student_t"])
def test_log_density_equals_scipy_likelihood_plus_priors(panel, family):
    model = TariffModel(panel, {"likelihood": {"family": family, "df": 4.0}})
    assert int((model.panel["tariff"] <= THRESHOLD).sum()) == 3
    p = _params(model)
    t, gamma_E, gamma_M = hand_weights(p)
    np.testing.assert_allclose(scipy_ad_valorem(gamma_E, gamma_M), t, atol=1e-9)  # eq. 7 inverse

    def f(params):
        value, tr = log_density(model.model, (model.inputs, model.observed), {}, params)
        return value, {k: tr[k]["value"] for k in ("tariff_rules", "gamma_E", "gamma_M")}

    value, sites = jax.jit(f)({k: jnp.asarray(v) for k, v in p.items()})
    np.testing.assert_allclose(sites["gamma_E"], gamma_E, rtol=1e-12)
    np.testing.assert_allclose(sites["gamma_M"], gamma_M, rtol=1e-12)
    np.testing.assert_allclose(sites["tariff_rules"], t, atol=1e-9)
    expected = hand_loglik(model, p, family, df=4.0) + hand_log_prior(model, p)
    assert float(value) == pytest.approx(expected, rel=1e-9, abs=1e-6)


def _fake_posterior(model, draws):
    posterior = xr.Dataset(
        {
            k: (
                ("chain", "draw", *[f"{k}_{i}" for i in range(np.ndim(v) - 1)]),
                np.asarray(v)[None],
            )
            for k, v in draws.items()
        }
    )
    model.idata = xr.DataTree.from_dict({"posterior": posterior})
    model.seed = 0


def test_predictive_draws_average_the_censored_mean(panel):
    model = TariffModel(panel)
    p = _params(model)
    n = 300
    _fake_posterior(model, {k: np.repeat(np.asarray(v, float)[None], n, 0) for k, v in p.items()})
    rep = model.posterior_predictive(seed=2)["tariff_obs"].values.reshape(n, -1)
    t, gamma_E, gamma_M = hand_weights(p)
    mean, sigma = hand_means_and_scales(model, p, scipy_ad_valorem(gamma_E, gamma_M))
    # draws report 0 below the censoring point: E[y] = μ(1 − Φ(a)) + σφ(a), a = (c − μ)/σ
    a = (THRESHOLD - mean) / sigma
    expected = mean * stats.norm.sf(a) + sigma * stats.norm.pdf(a)
    assert np.all(np.abs(rep.mean(axis=0) - expected) < 5 * sigma / np.sqrt(n))
    assert np.all(rep[rep <= THRESHOLD] == 0.0)


def test_public_weights_counterfactual_against_fsolve(panel):
    model = TariffModel(panel)
    first = _params(model)
    second = dict(
        first, tariff_logit=first["tariff_logit"] - 0.3, gamma_E_logit=first["gamma_E_logit"] + 1.0
    )
    points = [first, second]
    _fake_posterior(model, {k: np.stack([np.asarray(q[k], float) for q in points]) for k in first})
    ds = model.counterfactual(
        **model.public_policy(), return_sites=["tariff_rules", "tariff_autarky"]
    )
    for s, point in enumerate(points):
        t, gamma_E, gamma_M = hand_weights(point)
        # γ_E^W = 1, γ_M^W = γ_M^G; S03 (γ_M ≈ 1.81 at the first point, eq. 7: t = 0.37) and at
        # the second point also S01 are past the prohibitive tariff: autarky, flagged
        public = scipy_ad_valorem(np.ones(N_COUNTRY), gamma_M, autarky_corner=True)
        np.testing.assert_allclose(ds["tariff_rules"].values[0, s], public, atol=1e-9)
        no_trade = np.isclose(public, 1.0 / 3.0, atol=1e-12)
        assert list(np.flatnonzero(no_trade)) == [[3], [1, 3]][s], public
        np.testing.assert_array_equal(ds["tariff_autarky"].values[0, s], no_trade.astype(float))
        np.testing.assert_allclose(ds["tariff_rules_factual"].values[0, s], t, atol=1e-9)
        # exporters' extra weight lowers the cooperative tariff: the public sets a higher one
        assert np.all(ds["tariff_rules_change"].values[0, s] > 0)
