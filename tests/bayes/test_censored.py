"""Left-censored observation model against SciPy."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from scipy import stats

from retrench.bayes.censored import LeftCensored


@pytest.mark.parametrize("df", [None, 4.0])
def test_log_prob_is_log_cdf_below_and_log_pdf_above_the_threshold(df):
    loc = np.array([0.02, -0.01, 0.05, 0.0])
    scale = np.array([0.01, 0.02, 0.03, 0.005])
    y = np.array([0.0, 0.0004, 0.07, 0.001])
    c = 5e-4
    got = np.asarray(LeftCensored(loc, scale, c, df=df).log_prob(y))
    base = stats.norm(loc, scale) if df is None else stats.t(df, loc, scale)
    expected = np.where(y <= c, base.logcdf(c), base.logpdf(y))
    np.testing.assert_allclose(got, expected, rtol=1e-7)


def test_gradient_is_finite_at_censored_points():
    grad = jax.grad(lambda m: LeftCensored(m, 0.01, 5e-4).log_prob(0.0).sum())(0.02)
    assert np.isfinite(float(grad)) and float(grad) < 0  # higher mean: zero less likely


def test_samples_report_zero_where_the_latent_value_is_below_the_threshold():
    d = LeftCensored(0.001, 0.01, 5e-4)
    y = np.asarray(d.sample(jax.random.PRNGKey(0), (20000,)))
    assert np.all((y == 0.0) | (y > 5e-4))
    share_zero = float(np.mean(y == 0.0))
    assert abs(share_zero - stats.norm(0.001, 0.01).cdf(5e-4)) < 0.01
