"""Simulator schema and truth, eq. 13 structural prediction, PSIS-LOO aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.gvc_design import DEFAULT_COLUMNS, design_from_panel
from retrench.bayes.gvc_linear import two_way_fixed_effects_ols
from retrench.bayes.gvc_structural import (
    fit_measurement_error,
    structural_participation,
    structural_thresholds,
)
from retrench.data.simulate_gvc import simulate_gvc_panel
from retrench.errors import DataError
from retrench.workflow.hansen_compare import psis_loo


def test_simulated_panel_schema_and_size():
    sim = simulate_gvc_panel(n_countries=21, n_years=16, seed=3)
    assert len(sim.panel) == 21 * 16
    assert set(DEFAULT_COLUMNS.values()) <= set(sim.panel.columns)
    np.testing.assert_allclose(
        sim.panel.gvc_backward + sim.panel.gvc_forward, sim.panel.gvc_participation
    )
    assert sim.panel.omega.between(0.7, 1.0).all()


def test_simulated_slopes_recovered_with_known_threshold():
    """OLS with the true threshold split recovers the simulator's standardised slopes."""
    sim = simulate_gvc_panel(seed=4, n_countries=60, sigma=0.2)
    d = design_from_panel(sim.panel)
    above = d.threshold_regressor * (d.threshold_variable > sim.thresholds[0])
    ols = two_way_fixed_effects_ols(d, {"mu_above": above})
    truth = sim.standardized_truth()
    for name in ("omega", "mu", "upsilon", "gr"):
        assert ols.coef[name] == pytest.approx(truth[name], abs=4 * ols.se[name])
    jump = truth["regime_1"] - truth["regime_0"]
    assert ols.coef["mu_above"] == pytest.approx(jump, abs=4 * ols.se["mu_above"])


def test_simulator_rejects_mismatched_truth():
    with pytest.raises(DataError, match="one increment per threshold"):
        simulate_gvc_panel(thresholds=(0.8, 0.9), increments=(0.1,))
    with pytest.raises(DataError, match="increasing"):
        simulate_gvc_panel(thresholds=(0.9, 0.8), increments=(0.1, 0.1))


def test_eq13_prediction_matches_closed_form():
    """GVCP = T (Σ_{j≠i} Ex_j / Ex_i + N − 1), T = (1−υ)(1−μ)/(N − Nμ + Nμυ − υ) (eq. 11-13)."""
    rng = np.random.default_rng(0)
    panel = pd.DataFrame(
        {
            "country": list("ABCDE") * 2,
            "year": [2000] * 5 + [2001] * 5,
            "mu": rng.uniform(0.6, 0.9, 10),
            "upsilon": rng.uniform(0.3, 0.6, 10),
            "gross_exports": rng.uniform(1, 10, 10),
        }
    )
    got = structural_participation(panel)
    n = 5
    for idx, row in panel.iterrows():
        ex = panel[panel.year == row.year].gross_exports.to_numpy()
        mu, up = row.mu, row.upsilon
        t = (1 - up) * (1 - mu) / (n - n * mu + n * mu * up - up)
        expected = t * ((ex.sum() - row.gross_exports) / row.gross_exports + n - 1)
        assert got[idx] == pytest.approx(expected, rel=1e-10)


def test_measurement_error_posterior_recovers_bias():
    rng = np.random.default_rng(1)
    structural = pd.Series(rng.uniform(0.2, 0.6, 400))
    observed = structural * np.exp(0.3 + rng.normal(0, 0.1, 400))
    fit = fit_measurement_error(observed, structural, pd.Series(["X"] * 400))
    assert fit.bias_interval[0] < 0.3 < fit.bias_interval[1]
    assert fit.tau_median == pytest.approx(0.1, rel=0.15)


def test_structural_thresholds_are_one_over_n_and_max_mu():
    panel = pd.DataFrame(
        {"country": ["A", "B"], "year": [2000, 2000], "omega": [0.9, 0.5], "mu": [0.8, 0.02]}
    )
    th = structural_thresholds(panel, n_countries=20)
    np.testing.assert_allclose(th.one_over_n, 0.05)
    np.testing.assert_allclose(th.max_mu_one_over_n, [0.8, 0.05])
    assert list(th.omega_above_max_mu) == [True, True]


def test_psis_loo_matches_importance_sampling_by_hand():
    """With light-tailed ratios, PSIS-LOO equals plain importance-sampling LOO written out:
    elpd_i = -log mean_s exp(-log p(y_i | θ_s)), lppd_i = log mean_s p(y_i | θ_s)."""
    rng = np.random.default_rng(2)
    log_lik = rng.normal(-1.0, 0.1, size=(4000, 50))
    ours = psis_loo(log_lik)
    elpd_i = -np.log(np.mean(np.exp(-log_lik), axis=0))
    lppd_i = np.log(np.mean(np.exp(log_lik), axis=0))
    assert ours["elpd_loo"] == pytest.approx(elpd_i.sum(), rel=1e-4)
    assert ours["p_loo"] == pytest.approx(lppd_i.sum() - elpd_i.sum(), rel=2e-2)
    assert ours["elpd_loo_se"] == pytest.approx(np.sqrt(50 * np.var(elpd_i, ddof=1)), rel=1e-3)
    assert ours["max_pareto_k"] < 0.5
