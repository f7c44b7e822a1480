"""CLI hooks of the GVC design: counterfactual tables, after_fit files and the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.gvc_counterfactual import (
    DEFAULT_RESHORE_AMOUNT,
    POLICIES,
    counterfactual_tables,
)
from retrench.errors import SpecError
from retrench.workflow.hansen_bootstrap import hansen_analysis
from retrench.workflow.report_gvc import after_fit, phi_hansen_table, write_report


@pytest.fixture(scope="module")
def fitted(fitted_one):
    return fitted_one


def _hand_mu_change(model, amount: float) -> np.ndarray:
    """(S, n) change in E[GVCP]: sd_y · Δ/sd_μ · (β_μ + δ 1(ω > φ)), raw scale."""
    post, d = model.posterior, model.design
    k = d.covariate_names.index("mu")
    phi = d.grid[post.phi_index_draws[:, 0]]
    slope = post.samples["beta"][:, [k]] + post.samples["delta"] * (
        d.threshold_variable[None, :] > phi[:, None]
    )
    return d.scales["gvc"][1] * amount / d.scales["mu"][1] * slope


def test_reshore_mu_table_matches_hand_algebra(fitted):
    d = fitted.design
    (title_last, last), (title_mean, averaged) = counterfactual_tables(fitted, "reshore-mu", 0.01)
    assert "mu +0.01" in title_last and str(d.time_labels[-1]) in title_last
    change = _hand_mu_change(fitted, 0.01)
    is_last = d.time == d.n_times - 1
    for country in ("C00", "C07"):
        i = np.flatnonzero(is_last & (d.unit == d.unit_labels.index(country)))[0]
        row = last.loc[country]
        assert row.change_mean == pytest.approx(change[:, i].mean(), rel=1e-10)
        lo, hi = np.quantile(change[:, i], [0.05, 0.95])
        assert (row.change_lower, row.change_upper) == pytest.approx((lo, hi), rel=1e-10)
        rows = d.unit == d.unit_labels.index(country)
        assert averaged.loc[country, "change_mean"] == pytest.approx(
            change[:, rows].mean(), rel=1e-10
        )
    assert list(last.index) == list(d.unit_labels)


def test_reshore_omega_default_amount_and_bounds(fitted):
    default = counterfactual_tables(fitted, "reshore-mu")
    assert f"mu +{DEFAULT_RESHORE_AMOUNT:g}" in default[0][0]
    tables = counterfactual_tables(fitted, "reshore-omega", 0.005)
    table = tables[0][1]
    assert np.all(table.change_lower <= table.change_mean)
    assert np.all(table.change_mean <= table.change_upper)
    with pytest.raises(SpecError, match="leaves \\[0, 1\\]"):
        counterfactual_tables(fitted, "reshore-omega", 0.5)


def test_membership_tables_and_policy_errors(fitted):
    d, post = fitted.design, fitted.posterior
    (title, grid), (_, summary) = counterfactual_tables(fitted, "membership")
    assert grid.shape == (d.n_units, d.n_times)
    i = 11
    manual = post.phi_pmf[0][d.grid < d.threshold_variable[i]].sum()
    assert grid.loc[d.unit_labels[d.unit[i]], d.time_labels[d.time[i]]] == pytest.approx(manual)
    assert (summary.years_above == (grid > 0.5).sum(axis=1)).all()
    assert set(POLICIES) == {"reshore-omega", "reshore-mu", "membership"}
    with pytest.raises(SpecError, match="unknown policy"):
        counterfactual_tables(fitted, "tariff-war")
    with pytest.raises(SpecError, match="no amount"):
        counterfactual_tables(fitted, "membership", 0.1)


def test_after_fit_writes_hansen_beside_posterior(fitted, tmp_path):
    lines = after_fit(fitted, tmp_path)
    summary = pd.read_csv(tmp_path / "phi_summary.csv", index_col=0)
    independent = hansen_analysis(fitted.design, replications=50, alpha=0.10, seed=3)
    assert summary.loc["phi_1", "hansen_estimate"] == pytest.approx(independent.one.thresholds[0])
    # and the estimate is the least-squares threshold of a dummy-variable regression (lstsq)
    d = fitted.design
    dummies = np.concatenate([np.eye(d.n_units)[d.unit], np.eye(d.n_times)[d.time][:, 1:]], 1)

    def ssr(phi):
        above = d.threshold_regressor * (d.threshold_variable > phi)
        x = np.column_stack([dummies, d.covariates, above])
        return np.sum((d.y - x @ np.linalg.lstsq(x, d.y, rcond=None)[0]) ** 2)

    best = d.grid[int(np.argmin([ssr(phi) for phi in d.grid]))]
    assert summary.loc["phi_1", "hansen_estimate"] == pytest.approx(best)
    assert summary.loc["phi_1", "hansen_lower"] == pytest.approx(independent.one.intervals[0][0])
    tests = pd.read_csv(tmp_path / "hansen.csv", index_col=0)["value"]
    assert tests["p_0v1"] == pytest.approx(independent.test_0v1.p_value)
    assert tests["replications"] == 50
    membership = pd.read_csv(tmp_path / "membership.csv")
    assert len(membership) == fitted.design.n_obs
    assert any("Hansen bootstrap (50 reps)" in line for line in lines)


def test_write_report_has_plots_and_sections(fitted, tmp_path):
    hansen = hansen_analysis(fitted.design, replications=50, alpha=0.10, seed=3)
    path = write_report(fitted, tmp_path, hansen=hansen, exact_evidence=False)
    text = path.read_text()
    for name in ("phi_posterior.png", "regime_slopes.png", "membership_map.png"):
        assert (tmp_path / name).stat().st_size > 1000
        assert f"({name})" in text
    assert "## Convergence" in text and "How many thresholds?" in text
    assert f"{hansen.test_0v1.p_value:.4g}" in text
    table = phi_hansen_table(fitted, hansen)
    assert table.loc["phi_1", "hansen_upper"] == pytest.approx(hansen.one.intervals[0][1])


def test_report_and_tables_from_a_loaded_fit(fitted, strong_threshold_panel, tmp_path):
    from retrench.bayes.gvc_model import GVCThresholdModel

    loaded = GVCThresholdModel.load(fitted.save(tmp_path / "fit.nc"), strong_threshold_panel.panel)
    path = write_report(loaded, tmp_path / "report", exact_evidence=False)
    assert (tmp_path / "report" / "membership_map.png").is_file() and path.is_file()
    pd.testing.assert_frame_equal(
        counterfactual_tables(loaded, "membership")[0][1],
        counterfactual_tables(fitted, "membership")[0][1],
    )
