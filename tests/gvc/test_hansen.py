"""Hansen (1999) panel threshold estimator against independent computations and simulations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.gvc_design import design_from_panel, interval_covers, threshold_grid
from retrench.data.simulate_gvc import simulate_gvc_panel
from retrench.errors import DataError
from retrench.workflow.hansen import (
    concentrate,
    fit_one_threshold,
    fit_two_thresholds,
    hansen_critical_value,
    within_transform,
)
from retrench.workflow.hansen_bootstrap import (
    bootstrap_one_vs_two,
    bootstrap_zero_vs_one,
    hansen_analysis,
)


def _dummy_regression_ssr(design, threshold: float) -> float:
    """SSR of y on [country dummies, year dummies, z, x·1(q > φ)] by plain least squares."""
    above = design.threshold_regressor * (design.threshold_variable > threshold)
    dummies = np.concatenate(
        [np.eye(design.n_units)[design.unit], np.eye(design.n_times)[design.time][:, 1:]], axis=1
    )
    X = np.column_stack([dummies, design.covariates, above])
    coef, *_ = np.linalg.lstsq(X, design.y, rcond=None)
    return float(np.sum((design.y - X @ coef) ** 2))


def test_critical_values_match_hansen_table():
    # Hansen (1999), section 3.1: c(α) = 5.94, 7.35, 10.59 at α = 0.10, 0.05, 0.01.
    for alpha, table in [(0.10, 5.94), (0.05, 7.35), (0.01, 10.59)]:
        assert hansen_critical_value(alpha) == pytest.approx(table, abs=0.005)


def test_within_transform_is_two_way_demeaning(strong_threshold_design):
    d = strong_threshold_design
    problem = concentrate(d)
    frame = pd.DataFrame({"u": d.unit, "t": d.time, "v": d.y})
    demeaned = (
        frame.v
        - frame.groupby("u").v.transform("mean")
        - frame.groupby("t").v.transform("mean")
        + frame.v.mean()
    )
    np.testing.assert_allclose(within_transform(d.y, problem.fe_basis), demeaned, atol=1e-10)


def test_concentrated_ssr_equals_dummy_regression(strong_threshold_design):
    d = strong_threshold_design
    fit = fit_one_threshold(d)
    problem = concentrate(d)
    from retrench.workflow.hansen import ssr_one_threshold

    ssr = ssr_one_threshold(problem, problem.y_tilde[:, None])[:, 0]
    for g in [0, 50, d.grid.size // 2, d.grid.size - 1]:
        assert ssr[g] == pytest.approx(_dummy_regression_ssr(d, d.grid[g]), rel=1e-9)
    assert fit.ssr == pytest.approx(min(_dummy_regression_ssr(d, v) for v in d.grid), rel=1e-9)


def test_estimate_near_truth_and_interval_covers(strong_threshold_panel, strong_threshold_design):
    d, truth = strong_threshold_design, strong_threshold_panel.thresholds[0]
    fit = fit_one_threshold(d, alpha=0.10)
    lo, hi = fit.interval_index[0]
    assert abs(fit.thresholds[0] - truth) < 0.01
    assert interval_covers(d.grid, d.cell_upper, lo, hi, truth)
    slopes = strong_threshold_panel.standardized_truth()
    assert fit.slopes[0] == pytest.approx(slopes["regime_0"], abs=0.12)
    assert fit.slopes[1] == pytest.approx(slopes["regime_1"], abs=0.12)


def test_bootstrap_rejects_no_threshold_when_one_exists(strong_threshold_design):
    test = bootstrap_zero_vs_one(strong_threshold_design, replications=300, seed=3)
    assert test.bootstrap.shape == (300,)
    assert test.p_value < 0.01
    assert test.statistic > test.critical_values[0.01]


def test_bootstrap_does_not_reject_on_linear_panel(no_threshold_panel):
    test = bootstrap_zero_vs_one(design_from_panel(no_threshold_panel.panel), 300, seed=4)
    assert test.p_value > 0.05


def test_two_thresholds_recovered_sequentially():
    sim = simulate_gvc_panel(
        seed=21, thresholds=(0.84, 0.90), increments=(-0.8, 0.9), sigma=0.2, n_countries=30
    )
    d = design_from_panel(sim.panel)
    result = hansen_analysis(d, replications=300, seed=5)
    np.testing.assert_allclose(result.two.thresholds, sim.thresholds, atol=0.012)
    assert result.test_1v2.p_value < 0.05
    assert len(result.two.slopes) == 3


def test_one_vs_two_keeps_single_threshold(strong_threshold_design):
    first = fit_one_threshold(strong_threshold_design)
    second = fit_two_thresholds(strong_threshold_design, first=first)
    test = bootstrap_one_vs_two(strong_threshold_design, 300, first=first, second=second)
    assert test.p_value > 0.05


def test_grid_trimming_and_cells():
    q = np.arange(100, dtype=float)
    grid, upper = threshold_grid(q, trim=0.1)
    assert grid[0] == 9 and grid[-1] == 89  # ≥ 10 observations on each side
    np.testing.assert_array_equal(upper, grid + 1)
    with pytest.raises(DataError, match="trim"):
        threshold_grid(q, trim=0.6)


def test_bootstrap_needs_balanced_panel(strong_threshold_panel):
    panel = strong_threshold_panel.panel.drop(index=[0])
    with pytest.raises(DataError, match="balanced"):
        bootstrap_zero_vs_one(design_from_panel(panel), replications=10)


def test_missing_column_is_named(strong_threshold_panel):
    with pytest.raises(DataError, match="'gr'"):
        design_from_panel(strong_threshold_panel.panel.drop(columns=["gr"]))


def test_nonfinite_value_is_named(strong_threshold_panel):
    panel = strong_threshold_panel.panel.copy()
    panel.loc[5, "mu"] = np.nan
    with pytest.raises(DataError, match="'mu'.*rows \\[5\\]"):
        design_from_panel(panel)


@pytest.mark.slow
def test_bootstrap_size_under_null():
    """Rejection rate of the 10 % test on 150 linear panels lies near 10 %."""
    rejections = [
        bootstrap_zero_vs_one(
            design_from_panel(
                simulate_gvc_panel(seed=1000 + s, thresholds=(), increments=()).panel
            ),
            replications=300,
            seed=s,
        ).p_value
        < 0.10
        for s in range(150)
    ]
    assert 0.04 <= np.mean(rejections) <= 0.17
