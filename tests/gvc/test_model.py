"""GVCThresholdModel on the common interface: OLS agreement, save/load, counterfactuals, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.gvc_linear import two_way_fixed_effects_ols
from retrench.bayes.gvc_model import GVCThresholdModel
from retrench.errors import DataError, SpecError

SIM_SPEC = {"data": {"years": [2000, 2015]}}


def test_ols_matches_pandas_two_way_demeaning(strong_threshold_design):
    d = strong_threshold_design
    ols = two_way_fixed_effects_ols(d)
    frame = pd.DataFrame(d.covariates, columns=d.covariate_names).assign(y=d.y, u=d.unit, t=d.time)

    def demean(col):
        return (
            frame[col]
            - frame.groupby("u")[col].transform("mean")
            - frame.groupby("t")[col].transform("mean")
            + frame[col].mean()
        )

    X = np.column_stack([demean(c) for c in d.covariate_names])
    coef = np.linalg.lstsq(X, demean("y"), rcond=None)[0]
    np.testing.assert_allclose(list(ols.coef.values()), coef, atol=1e-10)


def test_fit_save_load_roundtrip(fitted_one, strong_threshold_panel, tmp_path):
    path = fitted_one.save(tmp_path / "gvc.nc")
    loaded = GVCThresholdModel.load(path, strong_threshold_panel.panel)
    pd.testing.assert_frame_equal(loaded.phi_summary(), fitted_one.phi_summary())
    other = strong_threshold_panel.panel.assign(mu=strong_threshold_panel.panel.mu * 1.01)
    with pytest.raises(DataError):
        GVCThresholdModel.load(path, other)


def test_phi_summary_brackets_truth(fitted_one, strong_threshold_panel):
    phi = fitted_one.phi_summary().loc["phi_1"]
    assert phi.lower <= strong_threshold_panel.thresholds[0] < phi.upper


def test_mu_counterfactual_matches_hand_algebra(fitted_one):
    """Raising μ by Δ changes E[GVCP] by sd_y · Δ/sd_μ · (β_μ + δ 1(ω > φ)) per draw."""
    post, d = fitted_one.posterior, fitted_one.design
    ds = fitted_one.counterfactual(mu=0.01)
    k = d.covariate_names.index("mu")
    phi = d.grid[post.phi_index_draws[:, 0]]
    slope = post.samples["beta"][:, [k]] + post.samples["delta"] * (
        d.threshold_variable[None, :] > phi[:, None]
    )
    expected = d.scales["gvc"][1] * 0.01 / d.scales["mu"][1] * slope  # (S, n)
    got = ds.gvc_change.values[:, d.unit, d.time]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_counterfactual_limited_to_countries(fitted_one):
    ds = fitted_one.counterfactual(countries=["C03"], omega=0.02)
    change = np.abs(ds.gvc_change).max("sample").max("year")
    assert float(change.sel(country="C03")) > 0
    assert float(change.drop_sel(country="C03").max()) == 0.0
    with pytest.raises(DataError, match="unknown countries"):
        fitted_one.counterfactual(countries=["XXX"], omega=0.02)
    with pytest.raises(SpecError):
        fitted_one.counterfactual()


def test_threshold_membership_from_pmf(fitted_one):
    post, d = fitted_one.posterior, fitted_one.design
    membership = fitted_one.threshold_membership()
    i = 7
    manual = post.phi_pmf[0][d.grid < d.threshold_variable[i]].sum()
    value = membership.sel(
        threshold=1, country=d.unit_labels[d.unit[i]], year=d.time_labels[d.time[i]]
    )
    assert float(value) == pytest.approx(manual)


def test_spec_rejects_three_thresholds(strong_threshold_panel):
    with pytest.raises(SpecError, match="thresholds.count"):
        GVCThresholdModel(strong_threshold_panel.panel, {**SIM_SPEC, "thresholds": {"count": 3}})


def test_posterior_predictive_scale(fitted_one):
    ppc = fitted_one.posterior_predictive()
    observed = fitted_one.panel["gvc_participation"].to_numpy()
    assert ppc.gvc.shape[-1] == observed.size
    assert abs(float(ppc.gvc.mean()) - observed.mean()) < 0.01


def test_cli_fit_gvc_writes_results(strong_threshold_panel, tmp_path):
    from typer.testing import CliRunner

    from retrench.cli import app

    csv = tmp_path / "panel.csv"
    strong_threshold_panel.panel.to_csv(csv, index=False)
    spec = tmp_path / "spec.toml"
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "models" / "gvc.toml").read_text()
    spec.write_text(text.replace("years = [1996, 2011]", "years = [2000, 2015]"))
    out = tmp_path / "out"
    args = [
        "fit",
        "gvc",
        "--thresholds",
        "1",
        "--out",
        str(out),
        "--data",
        str(csv),
        "--spec",
        str(spec),
        "--draws",
        "400",
        "--warmup",
        "300",
        "--chains",
        "2",
        "--seed",
        "3",
        "--set",
        "thresholds.hansen_replications=100",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "phi_summary.csv", index_col=0)
    assert {"hansen_lower", "hansen_upper", "lower", "upper"} <= set(summary.columns)
    assert (out / "fit.nc").is_file() and (out / "membership.csv").is_file()
