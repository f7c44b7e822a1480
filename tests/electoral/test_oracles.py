"""The electoral model's log density, predictive quantities and counterfactuals at fixed
parameter values against an independent computation.

The expected numbers come from ``benchmarks/baselines/electoral_scipy.py`` (Proposition 1 by
Brent's method on the first-order condition, Proposition 2's Φ_d written from the paper; it does
not import retrench) and from SciPy densities (``betabinom``, ``norm``, ``halfnorm``,
``lognorm``), assembled here by hand from the parameters: the quantal-response exit
probabilities, the platform and compensation yea probabilities, Table 1's log-income gaps,
Lemma 1 in each district. None of the model's structural helpers (its proposal solver, exit
advantage or income gaps) is used to build the expectation.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr
from benchmarks.baselines.electoral_scipy import phi_scipy, proposal_scipy
from numpyro.infer.util import log_density
from scipy import stats
from scipy.special import expit

from retrench.bayes.electoral import ElectoralModel
from retrench.bayes.electoral_data import synthetic_panels

N_CONGRESS = 14  # 103..116, the default spec

#: One parameter point (latent sites of the model), chosen so that the exit probabilities are
#: neither 0 nor 1 in most Congresses (else the quantal response would not be tested).
PARAMS = {
    "lam_logit": 0.1,
    "alpha_E_logit": -0.35,
    "x_H": 0.18,
    "log_gamma_excess": -2.9,
    "b": 0.9,
    "qr_scale": 0.01,
    "alpha_R_start": -0.2,
    "alpha_R_rw_sd": 0.25,
    "alpha_R_steps": np.linspace(-1.0, 1.4, N_CONGRESS - 1) * np.array([1, -1] * 6 + [1]),
    "discipline_logit": 1.1,
    "taa_intercept": 0.3,
    "taa_slope": 12.0,
    "concentration": 35.0,
    "m": 1.2,
    "exposure_loading": 0.6,
    "district_intercept": 2.5,
    "district_sigma": 7.0,
}


@pytest.fixture(scope="module")
def panels():
    return synthetic_panels()  # the embedded CSV panels (data/), read in milliseconds


@pytest.fixture(scope="module")
def model(panels):
    rollcalls, districts = panels
    return ElectoralModel(rollcalls, None, districts)


@pytest.fixture(scope="module")
def evaluated(model):
    """Log density and deterministic sites at PARAMS, compiled once (what NUTS evaluates)."""

    def f(p):
        value, tr = log_density(model.model, (model.inputs, model.observed), {}, p)
        return value, {k: s["value"] for k, s in tr.items() if s["type"] == "deterministic"}

    value, sites = jax.jit(f)({k: jnp.asarray(v) for k, v in PARAMS.items()})
    return float(value), {k: np.asarray(v) for k, v in sites.items()}


def _alpha_R(p, lam, alpha_E, width=0.01):
    z = p["alpha_R_start"] + np.concatenate(
        [[0.0], np.cumsum(p["alpha_R_rw_sd"] * p["alpha_R_steps"])]
    )
    lo = width * np.logaddexp((1 - lam) / width, alpha_E / width)
    return lo + (1 - lo) * expit(z)


def hand_structure(p, alpha_R_override=None):
    """Per Congress: proposals, Φ_d, P(exit_d), E[D_w], E[D_ℓ] (the baseline's SciPy solves)."""
    lam, alpha_E = expit(p["lam_logit"]), expit(p["alpha_E_logit"])
    gamma = 1.0 + math.exp(p["log_gamma_excess"])
    b, psi, x_H, tau = p["b"], 1.0, p["x_H"], p["qr_scale"]
    alpha_R = _alpha_R(p, lam, alpha_E) if alpha_R_override is None else alpha_R_override
    out = {k: [] for k in ("theta_LR", "theta_HR", "phi_L", "phi_H", "p_L", "p_H", "D_w", "D_l")}
    theta_LE = proposal_scipy(lam, alpha_E, 0.0, b, psi)
    theta_HE = proposal_scipy(lam, alpha_E, x_H, b, psi)
    for a in alpha_R:
        theta_LR = proposal_scipy(lam, a, 0.0, b, psi)
        theta_HR = proposal_scipy(lam, a, x_H, b, psi)
        phi_L = phi_scipy(gamma, lam, a, alpha_E, 0.0, b, psi, theta_LR, theta_LE)
        phi_H = phi_scipy(gamma, lam, a, alpha_E, x_H, b, psi, theta_HR, theta_HE)
        p_L, p_H = expit(-phi_L / tau), expit(-phi_H / tau)
        d_w = d_l = 0.0
        for exit_L, w_L in ((False, 1 - p_L), (True, p_L)):
            for exit_H, w_H in ((False, 1 - p_H), (True, p_H)):
                size_L, th_L = (1.0, theta_LE) if exit_L else (gamma, theta_LR)
                size_H, th_H = (1.0, theta_HE) if exit_H else (gamma, theta_HR)
                d_w += w_L * w_H * (math.log(size_L * th_L) - math.log(size_H * th_H))
                d_l += w_L * w_H * (math.log(size_L * (1 - th_L)) - math.log(size_H * (1 - th_H)))
        for key, value in zip(
            out, (theta_LR, theta_HR, phi_L, phi_H, p_L, p_H, d_w, d_l), strict=True
        ):
            out[key].append(value)
    out = {k: np.array(v) for k, v in out.items()}
    out.update(
        lam=lam, alpha_E=alpha_E, gamma=gamma, alpha_R=alpha_R, theta_LE=theta_LE,
        theta_HE=theta_HE,
    )  # fmt: skip
    return out


def hand_yea_probability(model, p, s):
    panel = model.panel
    f = 0.5 + 0.5 * expit(p["discipline_logit"])
    probs = []
    for _, row in panel.iterrows():
        c, is_H = int(row["congress_index"]), row["leader"] == "H"
        p_exit = s["p_H"][c] if is_H else s["p_L"][c]
        platform = f * (1 - p_exit) + (1 - f) * p_exit
        theta_R = s["theta_HR"][c] if is_H else s["theta_LR"][c]
        theta_E = s["theta_HE"] if is_H else s["theta_LE"]
        transfer = (1 - p_exit) * (s["alpha_R"][c] - theta_R) + p_exit * (s["alpha_E"] - theta_E)
        if row["kind"] == "compensation":
            q = expit(p["taa_intercept"] + p["taa_slope"] * transfer)
        elif row["kind"] == "reversed":
            q = 1 - platform
        else:
            q = platform
        probs.append(q)
    return np.array(probs)


def hand_district_mean(model, p, s):
    d = model.districts
    i0, i1 = 108 - 103, 115 - 103
    lam_i = expit(p["lam_logit"] + p["exposure_loading"] * d["z_exposure"].to_numpy())
    dw, dl = s["D_w"][i1] - s["D_w"][i0], s["D_l"][i1] - s["D_l"][i0]
    return -100.0 * p["m"] * ((1 - lam_i) * dw + lam_i * dl) + p["district_intercept"]


def hand_log_prior(p):
    norm, lognorm, half = stats.norm, stats.lognorm, stats.halfnorm
    return float(
        norm(0.0, 0.5).logpdf(p["lam_logit"])
        + half(scale=1.0).logpdf(p["exposure_loading"])
        + norm(-0.4, 0.5).logpdf(p["alpha_E_logit"])
        + lognorm(s=0.6, scale=math.exp(-1.9)).logpdf(p["x_H"])
        + norm(-3.0, 0.7).logpdf(p["log_gamma_excess"])
        + lognorm(s=0.3, scale=1.0).logpdf(p["b"])
        + lognorm(s=0.7, scale=math.exp(-5.3)).logpdf(p["qr_scale"])
        + norm(-0.5, 1.0).logpdf(p["alpha_R_start"])
        + half(scale=0.3).logpdf(p["alpha_R_rw_sd"])
        + norm(0.0, 1.0).logpdf(p["alpha_R_steps"]).sum()
        + norm(1.2, 0.8).logpdf(p["discipline_logit"])
        + lognorm(s=0.7, scale=math.exp(3.0)).logpdf(p["concentration"])
        + norm(0.0, 1.5).logpdf(p["taa_intercept"])
        + lognorm(s=0.7, scale=math.exp(2.7)).logpdf(p["taa_slope"])
        + lognorm(s=0.5, scale=1.0).logpdf(p["m"])
        + norm(0.0, 10.0).logpdf(p["district_intercept"])
        + half(scale=15.0).logpdf(p["district_sigma"])
    )


@pytest.fixture(scope="module")
def hand(model):
    s = hand_structure(PARAMS)
    # the point exercises the quantal response: interior exit probabilities somewhere
    both = np.concatenate([s["p_L"], s["p_H"]])
    assert np.any((both > 0.02) & (both < 0.98))
    return s


def test_structure_deterministics_match_the_scipy_baseline(evaluated, hand):
    tr = {k: {"value": v} for k, v in evaluated[1].items()}
    np.testing.assert_allclose(tr["alpha_R"]["value"], hand["alpha_R"], rtol=1e-12)
    np.testing.assert_allclose(tr["theta_LR"]["value"], hand["theta_LR"], atol=1e-10)
    np.testing.assert_allclose(tr["theta_HR"]["value"], hand["theta_HR"], atol=1e-10)
    np.testing.assert_allclose(tr["phi_L"]["value"], hand["phi_L"], atol=1e-9)
    np.testing.assert_allclose(tr["phi_H"]["value"], hand["phi_H"], atol=1e-9)
    np.testing.assert_allclose(tr["p_exit_L"]["value"], hand["p_L"], atol=1e-7)
    np.testing.assert_allclose(tr["p_exit_H"]["value"], hand["p_H"], atol=1e-7)
    np.testing.assert_allclose(tr["p_exit_R"]["value"], hand["p_H"], atol=1e-7)  # R = H
    np.testing.assert_allclose(tr["D_w"]["value"], hand["D_w"], atol=1e-9)
    np.testing.assert_allclose(tr["D_l"]["value"], hand["D_l"], atol=1e-9)
    assert int(tr["solver_failures"]["value"]) == 0


def test_thresholds_are_roots_of_the_baselines_phi(evaluated, hand):
    """γ_d,c from the model: the baseline's Φ_d vanishes there and changes sign around it."""
    tr = {k: {"value": v} for k, v in evaluated[1].items()}
    for d, x, theta_E in (("L", 0.0, hand["theta_LE"]), ("H", PARAMS["x_H"], hand["theta_HE"])):
        for c in (0, 6, 13):
            args = (hand["lam"], hand["alpha_R"][c], hand["alpha_E"], x, PARAMS["b"], 1.0)
            theta_R = hand[f"theta_{d}R"][c]
            g = float(tr[f"gamma_{d}"]["value"][c])
            assert abs(phi_scipy(g, *args, theta_R, theta_E)) < 1e-9
            assert (
                phi_scipy(g * 0.999, *args, theta_R, theta_E)
                < 0
                < phi_scipy(g * 1.001, *args, theta_R, theta_E)
            )


def test_log_density_equals_scipy_likelihood_plus_priors(model, evaluated, hand):
    yea_prob = hand_yea_probability(model, PARAMS, hand)
    panel = model.panel
    kappa = PARAMS["concentration"]
    loglik_rc = stats.betabinom.logpmf(
        panel["yea"].to_numpy(), panel["n_voting"].to_numpy(), yea_prob * kappa,
        (1 - yea_prob) * kappa,
    ).sum()  # fmt: skip
    mean = hand_district_mean(model, PARAMS, hand)
    loglik_d = (
        stats.norm(mean, PARAMS["district_sigma"])
        .logpdf(model.districts["d_rep_share"].to_numpy())
        .sum()
    )
    value, tr = log_density(
        model.model,
        (model.inputs, model.observed),
        {},
        {k: jnp.asarray(v) for k, v in PARAMS.items()},
    )
    np.testing.assert_allclose(tr["yea_prob"]["value"], yea_prob, atol=1e-8)
    np.testing.assert_allclose(tr["district_mean"]["value"], mean, atol=1e-7)
    expected = loglik_rc + loglik_d + hand_log_prior(PARAMS)
    assert float(value) == pytest.approx(expected, rel=1e-8, abs=1e-6)


def test_binomial_likelihood_option(panels, hand):
    rollcalls, districts = panels
    binomial = ElectoralModel(rollcalls, {"likelihood": {"rollcall": "binomial"}}, districts)
    params = {k: jnp.asarray(v) for k, v in PARAMS.items() if k != "concentration"}
    value = jax.jit(
        lambda p: log_density(binomial.model, (binomial.inputs, binomial.observed), {}, p)[0]
    )(params)
    yea_prob = hand_yea_probability(binomial, PARAMS, hand)
    panel = binomial.panel
    loglik = stats.binom.logpmf(panel["yea"], panel["n_voting"], yea_prob).sum()
    loglik += (
        stats.norm(hand_district_mean(binomial, PARAMS, hand), PARAMS["district_sigma"])
        .logpdf(binomial.districts["d_rep_share"])
        .sum()
    )
    prior = hand_log_prior(PARAMS) - stats.lognorm(s=0.7, scale=math.exp(3.0)).logpdf(
        PARAMS["concentration"]
    )
    assert float(value) == pytest.approx(loglik + prior, rel=1e-8, abs=1e-6)


def _fake_posterior(model, draws):
    """A fitted-looking model: posterior draws set by hand, (chain=1, draw=S)."""
    posterior = xr.Dataset({k: (("chain", "draw", *[f"{k}_{i}" for i in range(np.ndim(v) - 1)]),
                                np.asarray(v)[None]) for k, v in draws.items()})  # fmt: skip
    model.idata = xr.DataTree.from_dict({"posterior": posterior})
    model.seed = 0


def _draws():
    second = dict(PARAMS, x_H=0.3, qr_scale=0.02, alpha_R_start=0.4, m=0.8)
    return {k: np.stack([np.asarray(PARAMS[k], float), np.asarray(second[k], float)])
            for k in PARAMS}, [PARAMS, second]  # fmt: skip


def test_predictive_yea_shares_average_the_hand_probabilities(panels):
    rollcalls, districts = panels
    fresh = ElectoralModel(rollcalls, None, districts)
    stacked, points = _draws()
    # the same draw repeated: replicated yea counts average n·q, district draws the hand mean
    repeated = {k: np.repeat(v[:1], 200, axis=0) for k, v in stacked.items()}
    _fake_posterior(fresh, repeated)
    ppc = fresh.posterior_predictive(seed=1)
    s = hand_structure(points[0])
    q = hand_yea_probability(fresh, points[0], s)
    n = fresh.panel["n_voting"].to_numpy()
    yea = ppc["yea_obs"].values.reshape(200, -1)
    kappa = points[0]["concentration"]
    sd = np.sqrt(n * q * (1 - q) * (kappa + n) / (kappa + 1) / 200)  # beta-binomial, / √draws
    assert np.all(np.abs(yea.mean(axis=0) - n * q) < 5 * sd + 1e-9)
    mean = hand_district_mean(fresh, points[0], s)
    dist_draws = ppc["district_obs"].values.reshape(200, -1)
    assert np.all(
        np.abs(dist_draws.mean(axis=0) - mean) < 5 * points[0]["district_sigma"] / np.sqrt(200)
    )


@pytest.mark.parametrize("kappa", [0.02, 0.05])
def test_compensation_counterfactual_is_the_model_at_a_lower_alpha_R(model, kappa):
    stacked, points = _draws()
    _fake_posterior(model, stacked)
    ds = model.counterfactual(
        compensation=np.full(N_CONGRESS, kappa), return_sites=["p_exit_H", "alpha_R_used", "D_l"]
    )
    for s, point in enumerate(points):
        factual = hand_structure(point)
        lowered = hand_structure(point, alpha_R_override=factual["alpha_R"] - kappa)
        got = ds["p_exit_H"].values[0, s]
        np.testing.assert_allclose(ds["alpha_R_used"].values[0, s], factual["alpha_R"] - kappa)
        np.testing.assert_allclose(got, lowered["p_H"], atol=1e-7)
        np.testing.assert_allclose(ds["p_exit_H_factual"].values[0, s], factual["p_H"], atol=1e-7)
        np.testing.assert_allclose(ds["D_l"].values[0, s], lowered["D_l"], atol=1e-9)
    assert np.any(np.abs(ds["p_exit_H_change"].values) > 1e-3)  # the policy moved something


def test_inequality_hold_counterfactual_freezes_alpha_R(model):
    stacked, points = _draws()
    _fake_posterior(model, stacked)
    ds = model.counterfactual(inequality_hold=np.ones(N_CONGRESS), return_sites=["p_exit_L"])
    for s, point in enumerate(points):
        factual = hand_structure(point)
        held = hand_structure(point, alpha_R_override=np.full(N_CONGRESS, factual["alpha_R"][0]))
        np.testing.assert_allclose(ds["p_exit_L"].values[0, s], held["p_L"], atol=1e-7)


def test_uncontested_mixture_option(panels, hand):
    """``districts.uncontested = "mixture"``: flagged districts get (1 − w)N(mean, σ_d) +
    w N(mean, σ_u), the others N(mean, σ_d) (SciPy densities mixed by hand)."""
    rollcalls, districts = panels
    spec = {"districts": {"uncontested": "mixture", "uncontested_sd_pp": 40.0}}
    mixed = ElectoralModel(rollcalls, spec, districts)
    d = mixed.districts
    assert d["uncontested"].any() and len(d) == len(districts)
    value = jax.jit(lambda p: log_density(mixed.model, (mixed.inputs, mixed.observed), {}, p)[0])(
        {k: jnp.asarray(v) for k, v in PARAMS.items()}
    )
    mean = hand_district_mean(mixed, PARAMS, hand)
    w = np.where(d["uncontested"], d["uncontested_weight"], 0.0)
    y = d["d_rep_share"].to_numpy()
    dens = (1 - w) * stats.norm(mean, PARAMS["district_sigma"]).pdf(y) + w * stats.norm(
        mean, 40.0
    ).pdf(y)
    q = hand_yea_probability(mixed, PARAMS, hand)
    kappa = PARAMS["concentration"]
    rc = stats.betabinom.logpmf(
        mixed.panel["yea"], mixed.panel["n_voting"], q * kappa, (1 - q) * kappa
    ).sum()
    expected = rc + np.log(dens).sum() + hand_log_prior(PARAMS)
    assert float(value) == pytest.approx(expected, rel=1e-8, abs=1e-6)
