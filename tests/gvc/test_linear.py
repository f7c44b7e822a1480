"""Model 1 of issue 6: the Bayesian linear panel model of eq. 16 beside linearmodels.PanelOLS."""

from __future__ import annotations

import numpy as np
import pytest

from retrench.bayes.gvc_linear import (
    linear_agreement_table,
    panel_ols_two_way,
    two_way_fixed_effects_ols,
)
from retrench.bayes.gvc_model import GVCThresholdModel
from retrench.errors import DataError, SpecError
from retrench.workflow.report_gvc import after_fit, write_report

pytest.importorskip("linearmodels")

FIT = {"draws": 400, "warmup": 300, "chains": 2, "seed": 3}  # as conftest.SIM_FIT


def _linear_fit(panel, spec):
    model = GVCThresholdModel(panel, {**spec, "thresholds": {"count": 0}})
    model.fit(**FIT)
    return model


def _assert_agreement(model) -> None:
    """Flat priors: posterior mean ≈ OLS (≤ 0.2 posterior sd: ~4 Monte Carlo se with ~400
    effective draws) and posterior sd ≈ classical OLS se (within 15 %)."""
    table = linear_agreement_table(model.design, model.posterior.samples["beta"])
    assert np.all(np.abs(table.diff_in_sd) < 0.2), table
    assert np.all((table.sd_over_se > 0.85) & (table.sd_over_se < 1.15)), table


def test_panel_ols_equals_dummy_variable_least_squares(strong_threshold_design):
    """linearmodels (within transformation) against lstsq on explicit dummies (this package)."""
    d = strong_threshold_design
    reference = panel_ols_two_way(d)
    own = two_way_fixed_effects_ols(d)
    names = list(d.covariate_names)
    np.testing.assert_allclose(reference.coef[names], [own.coef[n] for n in names], atol=1e-10)
    np.testing.assert_allclose(reference.se[names], [own.se[n] for n in names], rtol=1e-8)
    assert reference.attrs["sigma2"] == pytest.approx(own.sigma2, rel=1e-8)


def test_clustered_se_differ_from_classical_but_keep_coefficients(strong_threshold_design):
    classical = panel_ols_two_way(strong_threshold_design)
    clustered = panel_ols_two_way(strong_threshold_design, "clustered")
    np.testing.assert_allclose(clustered.coef, classical.coef, atol=1e-12)
    assert not np.allclose(clustered.se, classical.se, rtol=0.01)


def test_bad_inputs_are_named(strong_threshold_design):
    with pytest.raises(SpecError, match="cov_type"):
        panel_ols_two_way(strong_threshold_design, "robust-ish")
    with pytest.raises(ValueError, match="beta_draws"):
        linear_agreement_table(strong_threshold_design, np.zeros((10, 3)))


def test_agreement_table_flags_a_shifted_posterior(strong_threshold_design):
    """The check can fail: draws centred one se away from OLS give |diff_in_sd| ≈ 1."""
    d = strong_threshold_design
    ols = panel_ols_two_way(d)
    rng = np.random.default_rng(0)
    draws = (ols.coef + ols.se).to_numpy() + rng.standard_normal((4000, 4)) * ols.se.to_numpy()
    table = linear_agreement_table(d, draws, ols)
    np.testing.assert_allclose(table.diff_in_sd, 1.0, atol=0.1)
    np.testing.assert_allclose(table.sd_over_se, 1.0, atol=0.05)


def test_bayes_linear_model_agrees_with_panel_ols_simulated(no_threshold_panel, tmp_path):
    model = _linear_fit(no_threshold_panel.panel, {"data": {"years": [2000, 2015]}})
    _assert_agreement(model)
    # the K = 0 fit also goes through the report (no φ, no δ: slopes, diagnostics, LOO only)
    assert model.summary_sites == ("beta", "sigma")
    text = write_report(model, tmp_path, exact_evidence=False).read_text()
    assert "## Convergence: **" in text and "(regime_slopes.png)" in text
    assert not (tmp_path / "phi_posterior.png").exists()
    assert after_fit(model, tmp_path)[-1].startswith("wrote phi_summary.csv, hansen.csv to")


@pytest.fixture(scope="module")
def real_panel(require_data):
    from retrench.data.panels_gvc import gvc_panel

    try:
        return gvc_panel()
    except DataError as err:  # shared WIOD data absent on this machine
        require_data(f"WIOD 2013 panel unavailable: {err}")


@pytest.mark.slow  # its own compile of the K = 0 sampler for the 18 × 16 shape (~30 s)
def test_bayes_linear_model_agrees_with_panel_ols_real(real_panel):
    model = _linear_fit(real_panel, {})
    assert model.design.n_units == 18 and model.design.time_labels[0] == 1996
    _assert_agreement(model)
