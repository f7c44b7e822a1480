"""Hansen (1999) by more than one line of defence: every number against plain least squares.

* the LR path at many grid points, for one and two thresholds, against dummy-variable
  regressions of y on [country dummies, year dummies, z, x·1(q > φ)] solved with ``lstsq``;
* the confidence intervals against an independent inversion of that path with
  c(α) = −2 ln(1 − √(1 − α)) written out here (Hansen's eq. 16), at several α;
* the F statistic of the 0-vs-1 bootstrap test against the same regressions;
* coverage of the LR interval and size of the bootstrap test on simulated panels, bounded
  from above and below (fast: small panels, closed-form SSRs).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrench.bayes.gvc_design import design_from_panel, interval_covers
from retrench.data.simulate_gvc import simulate_gvc_panel
from retrench.workflow.hansen import fit_one_threshold, fit_two_thresholds
from retrench.workflow.hansen_bootstrap import bootstrap_zero_vs_one


def critical_value(alpha: float) -> float:
    return -2.0 * math.log(1.0 - math.sqrt(1.0 - alpha))


def dummy_ssr(design, thresholds=()) -> float:
    """SSR of y on [country dummies, year dummies 2..T, z, x·1(q > φ_j) for each j] (lstsq)."""
    columns = [np.eye(design.n_units)[design.unit], np.eye(design.n_times)[design.time][:, 1:]]
    columns.append(design.covariates)
    for phi in thresholds:
        columns.append((design.threshold_regressor * (design.threshold_variable > phi))[:, None])
    x = np.concatenate(columns, axis=1)
    coef, *_ = np.linalg.lstsq(x, design.y, rcond=None)
    return float(np.sum((design.y - x @ coef) ** 2))


@pytest.fixture(scope="module")
def panel_design():
    sim = simulate_gvc_panel(
        n_countries=12, n_years=8, thresholds=(0.87,), increments=(-0.6,), sigma=0.35, seed=41
    )
    return design_from_panel(sim.panel)


@pytest.fixture(scope="module")
def dummy_path(panel_design):
    """SSR(φ_g) for every grid point by dummy regression (the oracle)."""
    return np.array([dummy_ssr(panel_design, (phi,)) for phi in panel_design.grid])


def _dof(design) -> int:
    return design.n_obs - (design.n_units + design.n_times - 1)


def test_lr_path_equals_dummy_regressions(panel_design, dummy_path):
    d = panel_design
    fit = fit_one_threshold(d)
    best = int(np.argmin(dummy_path))
    sigma2 = dummy_path[best] / _dof(d)
    expected = (dummy_path - dummy_path[best]) / sigma2
    assert fit.threshold_index == (best,)
    assert fit.ssr == pytest.approx(dummy_path[best], rel=1e-10)
    assert fit.sigma2 == pytest.approx(sigma2, rel=1e-10)
    np.testing.assert_allclose(fit.lr_paths[0], expected, rtol=1e-7, atol=1e-7)
    assert fit.ssr_linear == pytest.approx(dummy_ssr(d), rel=1e-10)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.10, 0.25, 0.5, 0.8])
def test_interval_is_the_inversion_of_the_dummy_lr_path(panel_design, dummy_path, alpha):
    d = panel_design
    best = int(np.argmin(dummy_path))
    lr = (dummy_path - dummy_path[best]) / (dummy_path[best] / _dof(d))
    inside = np.flatnonzero(lr <= critical_value(alpha))
    fit = fit_one_threshold(d, alpha=alpha)
    assert fit.interval_index[0] == (inside.min(), inside.max())
    assert fit.intervals[0] == (d.grid[inside.min()], d.grid[inside.max()])


def test_intervals_shrink_as_alpha_grows(panel_design):
    widths = [
        np.subtract(*fit_one_threshold(panel_design, alpha=a).interval_index[0][::-1])
        for a in (0.01, 0.1, 0.5, 0.9)
    ]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]


def test_bootstrap_statistic_is_the_dummy_regression_F(panel_design, dummy_path):
    d = panel_design
    s0, s1 = dummy_ssr(d), dummy_path.min()
    test = bootstrap_zero_vs_one(d, replications=20, seed=0)
    assert test.statistic == pytest.approx((s0 - s1) / (s1 / _dof(d)), rel=1e-9)


def test_two_threshold_paths_equal_dummy_regressions():
    sim = simulate_gvc_panel(
        n_countries=12, n_years=8, thresholds=(0.84, 0.9), increments=(-0.8, 0.9), sigma=0.2,
        seed=43,
    )  # fmt: skip
    d = design_from_panel(sim.panel)
    fit = fit_two_thresholds(d, alpha=0.10)
    a, b = fit.threshold_index
    pair = dummy_ssr(d, (d.grid[a], d.grid[b]))
    assert fit.ssr == pytest.approx(pair, rel=1e-10)
    sigma2 = pair / _dof(d)
    assert fit.sigma2 == pytest.approx(sigma2, rel=1e-10)
    minimum = math.ceil(d.trim * d.n_obs)
    q = d.threshold_variable
    for j, other in ((0, b), (1, a)):
        path = fit.lr_paths[j]
        checked = 0
        for g in range(0, d.grid.size, 3):
            lo, hi = sorted((g, other))
            if lo == hi or np.sum((q > d.grid[lo]) & (q <= d.grid[hi])) < minimum:
                assert not np.isfinite(path[g])  # middle regime too small: excluded
                continue
            expected = (dummy_ssr(d, (d.grid[g], d.grid[other])) - pair) / sigma2
            assert path[g] == pytest.approx(expected, rel=1e-7, abs=1e-7)
            checked += 1
        assert checked >= 5
        inside = np.flatnonzero(path <= critical_value(0.10))
        assert fit.interval_index[j] == (inside.min(), inside.max())


def _coverage(alpha: float, n_panels: int = 100) -> float:
    hits = []
    for s in range(n_panels):
        sim = simulate_gvc_panel(
            n_countries=10, n_years=8, thresholds=(0.87,), increments=(-0.5,), sigma=0.3,
            seed=100 + s,
        )  # fmt: skip
        d = design_from_panel(sim.panel)
        lo, hi = fit_one_threshold(d, alpha=alpha).interval_index[0]
        hits.append(interval_covers(d.grid, d.cell_upper, lo, hi, sim.thresholds[0]))
    return float(np.mean(hits))


def test_lr_interval_coverage_on_simulated_panels():
    """100 small panels (10 × 8): Hansen's interval is conservative (coverage ≥ nominal in
    large samples); at these sizes it measured 0.97 (α = 0.1) and 0.72 (α = 0.5). The bounds
    leave about 3 binomial standard errors on each side where a bound can bind."""
    assert 0.85 <= _coverage(0.10) <= 1.0
    assert 0.50 <= _coverage(0.50) <= 0.88


def test_bootstrap_test_size_on_linear_panels():
    """40 panels without a threshold: p-values of the 0-vs-1 test are about uniform (mean 0.5,
    s.e. 0.046) and the 20 % test rejects about 20 % (s.e. 0.063)."""
    p_values = np.array(
        [
            bootstrap_zero_vs_one(
                design_from_panel(
                    simulate_gvc_panel(
                        n_countries=10, n_years=8, thresholds=(), increments=(), seed=500 + s
                    ).panel
                ),
                replications=99,
                seed=s,
            ).p_value
            for s in range(40)
        ]
    )
    assert 0.35 <= p_values.mean() <= 0.65
    assert 0.05 <= np.mean(p_values < 0.20) <= 0.40
