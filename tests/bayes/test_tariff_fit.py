"""Fast parameter recovery and counterfactual checks on a small simulated tariff panel."""

from __future__ import annotations

import numpy as np

from retrench.bayes import tariff_counterfactuals as cf
from retrench.bayes import inference_data as idio
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
    expected = (2 * gamma_M + 1 - 3 * gamma_E_public) / (2 * (4 - gamma_M))
    np.testing.assert_allclose(ds["tariff_rules"].values, expected, rtol=1e-9, atol=1e-12)
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
    tau = model.idata.posterior["tariff_specific"].values
    pcbr = ds["pcbr_government"].values
    positive = tau > 0
    assert np.all(np.isnan(pcbr[~positive]))
    # seed 004 / retrench.theory.pcbr: PCBR(tau -> 0) = 2 S(p^w)/((b + s) tau) + s/(b + s)
    s_pw = 0.5 * 4 / 7
    np.testing.assert_allclose(
        pcbr[positive], 2 * s_pw / (1.5 * tau[positive]) + 0.5 / 1.5, rtol=1e-9
    )
