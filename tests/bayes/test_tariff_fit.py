"""Fast parameter recovery and counterfactual checks on a small simulated tariff panel."""

from __future__ import annotations

import re

import numpy as np
import pytest

from retrench.bayes import inference_data as idio
from retrench.bayes import tariff_counterfactuals as cf
from retrench.errors import SpecError
from retrench.theory.tariffs import efficient_tariff_closed_form
from retrench.workflow.results import load_results


def _model(fit):
    assert fit["result"].exit_code == 0, fit["result"].output
    return load_results(fit["out"])


def test_fast_recovery_of_country_tariffs(small_tariff_fit):
    model = _model(small_tariff_fit)
    truth = small_tariff_fit["truth"]
    assert list(model.countries) == list(truth.country_code)
    draws = idio.posterior_draws(model.idata, ["tariff_rules", "trend"])
    lo, hi = np.quantile(draws["tariff_rules"], [0.05, 0.95], axis=0)
    covered = (lo <= truth.tariff_rules) & (truth.tariff_rules <= hi)
    assert covered.mean() >= 0.75, (lo, hi, truth.tariff_rules)
    sd = draws["tariff_rules"].std(0)
    assert np.all(np.abs(draws["tariff_rules"].mean(0) - truth.tariff_rules) < 4 * sd + 0.005)
    # the data pin t_c down (sigma ~ 1 pp, 6 years) where most years are not censored at zero;
    # a country reported at 0 in most years only bounds t_c from above
    panel = small_tariff_fit["panel"]
    positive_share = (panel["tariff_applied_pct"] > 0).groupby(panel["country_code"]).mean()
    informative = positive_share.loc[model.countries].to_numpy() >= 0.5
    assert informative.sum() >= 5
    assert np.all(sd[informative] < 0.02)
    trend_lo, trend_hi = np.quantile(draws["trend"], [0.01, 0.99])
    assert trend_lo <= truth.trend <= trend_hi


def test_public_counterfactual_matches_the_closed_form_and_remark_1(small_tariff_fit):
    model = _model(small_tariff_fit)
    ds = cf.public_preferred(model)
    gamma_M = model.idata.posterior["gamma_M"].values
    gamma_E_public = model.spec["public_weights"]["gamma_E"]
    # eq. 7 in ad-valorem form at the public's weights, computed independently
    unbounded = (2 * gamma_M + 1 - 3 * gamma_E_public) / (2 * (4 - gamma_M))
    # past the prohibitive tariff (ad valorem 1/3 in the section 3.3 market) trade stops:
    # the efficient outcome is autarky, reported as the prohibitive tariff and flagged
    expected = np.minimum(unbounded, 1.0 / 3.0)
    np.testing.assert_allclose(ds["tariff_rules"].values, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ds["tariff_autarky"].values, unbounded >= 1.0 / 3.0)
    np.testing.assert_allclose(
        ds["tariff_rules_factual"].values, model.idata.posterior["tariff_rules"].values, rtol=1e-12
    )
    gamma_E = model.idata.posterior["gamma_E"].values
    lower_weight = gamma_E > gamma_E_public
    # Remark 1: with gamma_E^W < gamma_E^G the public wants higher tariffs and gains from them
    assert np.all(ds["tariff_rules_change"].values[lower_weight] > 0)
    assert np.all(ds["welfare_gap"].values[lower_weight] >= -1e-12)


def test_pcbr_counterfactual_falls_with_the_tariff(small_tariff_fit):
    model = _model(small_tariff_fit)
    ds = cf.free_trade_pcbr(model)
    post = model.idata.posterior
    # the fit stores no per-country tau (posterior.deterministics = "summary"): eq. 7 from the
    # theory layer at the posterior weights
    tau = np.asarray(efficient_tariff_closed_form(post["gamma_E"].values, post["gamma_M"].values))
    pcbr = ds["pcbr_government"].values
    positive = tau > 0
    assert np.all(np.isnan(pcbr[~positive]))
    # seed 004 / retrench.theory.pcbr: PCBR(tau -> 0) = 2 S(p^w)/((b + s) tau) + s/(b + s)
    s_pw = 0.5 * 4 / 7
    # rtol 1e-7: near tau -> 0 the ratio is ~1e4 and float64 rounding of tau is amplified
    np.testing.assert_allclose(
        pcbr[positive], 2 * s_pw / (1.5 * tau[positive]) + 0.5 / 1.5, rtol=1e-7
    )


def test_fit_keeps_per_country_deterministics_out_of_the_posterior(small_tariff_fit, tmp_path):
    model = _model(small_tariff_fit)
    post = model.idata.posterior
    n_obs = len(model.panel)
    for name in ("tariff_specific", "public_welfare", "pcbr_free_trade", "sigma_country"):
        assert name not in post, name
        assert name not in model.idata.prior, name
    for name in ("tariff_rules", "gamma_E", "gamma_M", "tariff_logit", "solver_failures"):
        assert name in post, name
    assert model.idata.log_likelihood["tariff_obs"].shape[-1] == n_obs
    assert model.idata.posterior_predictive["tariff_obs"].shape[-1] == n_obs
    # save / load round-trips every group exactly
    path = model.save(tmp_path / "fit.nc")
    panel = small_tariff_fit["panel"]
    again = type(model).load(path, panel)
    assert idio.group_names(again.idata) == idio.group_names(model.idata)
    for group in idio.group_names(model.idata):
        assert idio.group(again.idata, group).identical(idio.group(model.idata, group)), group


def test_counterfactual_tables_public_amount_matches_eq_7(small_tariff_fit):
    model = _model(small_tariff_fit)
    tables = cf.counterfactual_tables(model, "public", amount=1.5)
    titles = [title for title, _ in tables]
    assert len(tables) == 3 and all("gamma_E^W = 1.5" in t for t in titles[1:]), titles
    public = dict(tables)[titles[1]]
    assert list(public.index) == list(model.countries)
    gamma_M = model.idata.posterior["gamma_M"].values.reshape(-1, len(model.countries))
    unbounded = (2 * gamma_M + 1 - 3 * 1.5) / (2 * (4 - gamma_M))
    expected = np.minimum(unbounded, 1.0 / 3.0)  # autarky past the prohibitive tariff
    assert list(public.columns) == ["mean", "q5", "q95", "autarky_share"]
    np.testing.assert_allclose(public["autarky_share"], (unbounded >= 1.0 / 3.0).mean(0))
    np.testing.assert_allclose(public["mean"], expected.mean(0), rtol=1e-9)
    np.testing.assert_allclose(public["q5"], np.quantile(expected, 0.05, axis=0), rtol=1e-9)
    assert np.all(public["q5"] <= public["mean"]) and np.all(public["mean"] <= public["q95"])
    free = cf.counterfactual_tables(model, "free-trade")
    assert [t.split(":")[-1].strip() for t, _ in free] == ["pcbr_government", "pcbr_public"]


@pytest.mark.parametrize(
    ("policy", "amount", "message"),
    [
        ("tax-everything", None, "unknown policy 'tax-everything' (known: public, power, free"),
        ("public", 0.5, "gamma_E^W must lie in [1, 3)"),
        ("public", "1.2", "expected a number"),
        ("free-trade", 0.1, "takes no amount"),
        ("power", None, "tradewar.use"),
    ],
)
def test_counterfactual_tables_reject_bad_requests(small_tariff_fit, policy, amount, message):
    model = _model(small_tariff_fit)
    with pytest.raises(SpecError, match=re.escape(message)):
        cf.counterfactual_tables(model, policy, amount)


def test_policies_describe_every_policy():
    assert set(cf.POLICIES) == {"public", "power", "free-trade"}
    assert all(isinstance(v, str) and v for v in cf.POLICIES.values())
