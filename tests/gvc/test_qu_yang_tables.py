"""Qu & Yang (2023) eq. 17, eq. 18, the triple-threshold test and the method switch, against
explicit dummy regressions (numpy.linalg.lstsq) and linearmodels, never the code under test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS

from retrench.bayes.gvc_design import design_from_panel
from retrench.data.simulate_gvc import simulate_gvc_panel
from retrench.designs.gvc.hansen_triple import (
    bootstrap_two_vs_three,
    fit_three_thresholds,
    ssr_three_thresholds,
)
from retrench.designs.gvc.qu_yang_tables import (
    MethodChoices,
    differenced_panel,
    problem_with_dof,
    table1,
    table3_column,
    threshold_tests,
)

REGRESSORS = ["omega", "mu", "upsilon", "gr"]


@pytest.fixture(scope="module")
def panel():
    sim = simulate_gvc_panel(seed=5, thresholds=(0.8, 0.9), increments=(-0.6, -0.5), sigma=0.3)
    frame = sim.panel.copy()
    frame["log_size"] = np.random.default_rng(1).normal(size=len(frame))
    return frame


def _ssr_with_increments(design, thresholds) -> float:
    """SSR of y on [country dummies, year dummies, z, x·1(q > φ_j) for each φ_j]."""
    dummies = np.concatenate(
        [np.eye(design.n_units)[design.unit], np.eye(design.n_times)[design.time][:, 1:]], axis=1
    )
    inc = [design.threshold_regressor * (design.threshold_variable > t) for t in thresholds]
    X = np.column_stack([dummies, design.covariates, *inc])
    coef, *_ = np.linalg.lstsq(X, design.y, rcond=None)
    return float(np.sum((design.y - X @ coef) ** 2))


def _standardized(frame, cols):
    out = frame.copy()
    for c in cols:
        out[c] = (frame[c] - frame[c].mean()) / frame[c].std(ddof=1)
    return out


def _panel_ols(frame, y, xs):
    data = frame.set_index(["country", "year"])
    return PanelOLS(data[y], data[xs], entity_effects=True, time_effects=True).fit()


def test_three_threshold_ssr_equals_explicit_dummy_regression(panel):
    design = design_from_panel(panel)
    problem = problem_with_dof(design, "two_way")
    grid = design.grid
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(8):
        a, b, c = sorted(rng.choice(len(grid), 3, replace=False))
        got = ssr_three_thresholds(problem, problem.y_tilde[:, None], np.array([a]), np.array([b]))
        want = _ssr_with_increments(design, [grid[a], grid[b], grid[c]])
        if np.isfinite(got[c, 0]):
            assert got[c, 0] == pytest.approx(want, rel=1e-9)
            checked += 1
    assert checked >= 3


def test_triple_fit_and_statistic_match_explicit_regressions(panel):
    design = design_from_panel(panel)
    problem = problem_with_dof(design, "two_way")
    three = fit_three_thresholds(design, problem=problem)
    s3 = _ssr_with_increments(design, [*three.fixed, three.threshold])
    assert three.ssr == pytest.approx(s3, rel=1e-9)
    assert three.sigma2 == pytest.approx(s3 / (design.n_obs - design.n_units - design.n_times + 1))
    test = bootstrap_two_vs_three(design, replications=20, problem=problem)
    assert 0.0 <= test.p_value <= 1.0 and np.all(np.isfinite(test.bootstrap))
    assert test.statistic >= 0


def test_dof_switch_scales_f_and_leaves_p_values(panel):
    """dof: two-way n − (N + T − 1) vs Hansen's N(T − 1); F1 from explicit SSRs."""
    project = threshold_tests(panel, "mu", MethodChoices(replications=30))
    hansen = threshold_tests(panel, "mu", MethodChoices(dof="hansen", replications=30))
    n_units, n_times = panel.country.nunique(), panel.year.nunique()
    assert project.attrs["dof"] == len(panel) - n_units - n_times + 1
    assert hansen.attrs["dof"] == n_units * (n_times - 1)
    design = design_from_panel(panel)
    s0 = _ssr_with_increments(design, [])
    s1 = _ssr_with_increments(design, [project.loc["single", "threshold"]])
    assert project.loc["single", "F"] == pytest.approx((s0 - s1) / (s1 / project.attrs["dof"]))
    ratio = hansen.loc["single", "F"] / project.loc["single", "F"]
    assert ratio == pytest.approx(hansen.attrs["dof"] / project.attrs["dof"])
    assert hansen.loc["single", "p_value"] == project.loc["single", "p_value"]


def test_trim_switch_changes_the_grid(panel):
    narrow = design_from_panel(panel, trim=0.15)
    wide = design_from_panel(panel, trim=0.05)
    q = np.sort(panel.omega.to_numpy())
    assert narrow.grid.min() >= q[int(np.ceil(0.15 * len(q))) - 1]
    assert len(narrow.grid) < len(wide.grid)


def test_eq16_and_eq17_equal_linearmodels(panel):
    table = table1(panel, controls=["log_size"])
    frame = _standardized(panel, ["gvc_participation", *REGRESSORS, "log_size"])
    r16 = _panel_ols(frame, "gvc_participation", REGRESSORS)
    r17 = _panel_ols(frame, "gvc_participation", [*REGRESSORS, "log_size"])
    for name in REGRESSORS:
        assert table.loc[(name, "coef"), "16"] == pytest.approx(r16.params[name], abs=1e-10)
        assert table.loc[(name, "t"), "16"] == pytest.approx(r16.tstats[name], rel=1e-8)
        assert table.loc[(name, "coef"), "17"] == pytest.approx(r17.params[name], abs=1e-10)
    assert table.loc[("log_size", "coef"), "17"] == pytest.approx(r17.params["log_size"], abs=1e-10)
    assert table.loc[("r2_within_two_way", "coef"), "16"] == pytest.approx(r16.rsquared)
    assert table.loc[("r2_within_country", "coef"), "16"] == pytest.approx(r16.rsquared_within)


@pytest.mark.parametrize("lag", [2, 4])
def test_eq18_k_year_changes_equal_linearmodels_on_pandas_diff(panel, lag):
    cols = ["gvc_participation", *REGRESSORS]
    frame = panel.sort_values(["country", "year"])
    diff = frame[["country", "year"]].copy()
    diff[cols] = frame.groupby("country")[cols].diff(lag)
    diff = _standardized(diff.dropna(), cols)
    ref = _panel_ols(diff, "gvc_participation", REGRESSORS)
    table = table1(panel)
    for name in REGRESSORS:
        assert table.loc[(name, "coef"), f"18 ({lag}-year)"] == pytest.approx(
            ref.params[name], abs=1e-10
        )
    years = panel.year.nunique()
    assert len(differenced_panel(panel, lag, cols)) == panel.country.nunique() * (years - lag)


def test_table3_split_slopes_equal_linearmodels(panel):
    phi = 0.85
    col = table3_column(panel, "mu", phi)
    frame = _standardized(panel, ["gvc_participation", *REGRESSORS])
    frame["mu_below"] = frame.mu * (panel.omega <= phi)
    frame["mu_above"] = frame.mu * (panel.omega > phi)
    ref = _panel_ols(frame, "gvc_participation", ["omega", "upsilon", "gr", "mu_below", "mu_above"])
    for name in ("mu_below", "mu_above", "omega"):
        assert col[(name, "coef")] == pytest.approx(ref.params[name], abs=1e-10)
        assert col[(name, "t")] == pytest.approx(ref.tstats[name], rel=1e-8)
    assert isinstance(col, pd.Series)
