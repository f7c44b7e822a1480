"""LeftCensored's data split (log F on censored rows only) against the all-rows form it replaced.

Tolerances of 1e-13 allow for XLA fusing the same formula differently in the two programs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from numpyro.infer.util import initialize_model
from scipy import stats

import retrench  # noqa: F401  (x64)
from retrench.bayes.censored import LeftCensored, _student_t_cdf
from retrench.bayes.factor import factor

THRESHOLD = 5e-4


def all_rows_log_prob(loc, scale, threshold, value, df=None):
    """The implementation before the split: both halves on every row, then ``where``."""
    loc, scale, threshold = jnp.broadcast_arrays(loc, scale, jnp.asarray(threshold))
    base = dist.Normal(loc, scale) if df is None else dist.StudentT(df, loc, scale)
    z = (threshold - loc) / scale
    if df is None:
        log_cdf = jax.scipy.special.log_ndtr(z)
    else:
        log_cdf = jnp.log(jnp.clip(_student_t_cdf(z, jnp.asarray(df, float)), 1e-300, 1.0))
    censored = value <= threshold
    safe = jnp.where(censored, threshold + scale, value)
    return jnp.where(censored, log_cdf, base.log_prob(safe))


def panel(n: int, seed: int):
    """Rows with about a third censored (reported zeros), some exactly at the threshold."""
    rng = np.random.default_rng(seed)
    loc = rng.normal(0.02, 0.03, n)
    scale = rng.uniform(0.005, 0.05, n)
    latent = loc + scale * rng.standard_normal(n)
    y = np.where(latent <= THRESHOLD, 0.0, latent)
    y[:3] = THRESHOLD
    return loc, scale, y


@pytest.mark.parametrize("df", [None, 4.0])
def test_split_log_prob_equals_all_rows_form_in_value_and_gradient(df):
    loc, scale, y = panel(3000, seed=1)
    assert 0.2 < np.mean(y <= THRESHOLD) < 0.6

    def split(m, s):  # y is a constant of the traced function: the split path runs
        return LeftCensored(m, s, THRESHOLD, df=df).log_prob(y)

    def reference(m, s):
        return all_rows_log_prob(m, s, THRESHOLD, y, df=df)

    got, want = jax.jit(split)(loc, scale), jax.jit(reference)(loc, scale)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)
    grad = jax.jit(jax.grad(lambda m, s: split(m, s).sum(), (0, 1)))(loc, scale)
    grad_ref = jax.jit(jax.grad(lambda m, s: reference(m, s).sum(), (0, 1)))(loc, scale)
    for g, r in zip(grad, grad_ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-13, atol=1e-300)


def test_split_log_prob_matches_scipy():
    loc, scale, y = panel(500, seed=2)
    got = np.asarray(jax.jit(lambda m: LeftCensored(m, scale, THRESHOLD).log_prob(y))(loc))
    expected = np.where(
        y <= THRESHOLD,
        stats.norm(loc, scale).logcdf(THRESHOLD),
        stats.norm(loc, scale).logpdf(y),
    )
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15)


def test_split_runs_log_cdf_on_censored_rows_only():
    loc, scale, y = panel(1000, seed=3)
    d = LeftCensored(loc, scale, THRESHOLD)
    rows = d._censored_rows(y)
    np.testing.assert_array_equal(rows, np.flatnonzero(y <= THRESHOLD))
    jaxpr = str(jax.make_jaxpr(lambda m: LeftCensored(m, scale, THRESHOLD).log_prob(y))(loc))
    assert f"f64[{rows.size}]" in jaxpr  # log Φ is evaluated on the gathered censored rows
    assert "erf" in jaxpr or "log_ndtr" in jaxpr or "ndtr" in jaxpr or "log" in jaxpr


def test_traced_observations_fall_back_to_all_rows_with_same_values():
    loc, scale, y = panel(400, seed=4)
    assert LeftCensored(loc, scale, THRESHOLD)._censored_rows(jnp.asarray(y)) is not None
    traced = jax.jit(lambda v: LeftCensored(loc, scale, THRESHOLD).log_prob(v))(y)
    np.testing.assert_allclose(traced, all_rows_log_prob(loc, scale, THRESHOLD, y), rtol=1e-13)
    traced_threshold = jax.jit(lambda c: LeftCensored(loc, scale, c).log_prob(y))(THRESHOLD)
    np.testing.assert_allclose(
        traced_threshold, all_rows_log_prob(loc, scale, THRESHOLD, y), rtol=1e-13
    )


def test_numpyro_potential_with_observed_data_is_unchanged():
    _, scale, y = panel(800, seed=5)

    def model(new: bool):
        mu = numpyro.sample("mu", dist.Normal(0.02, 0.05))
        with numpyro.plate("obs", y.size):
            if new:
                numpyro.sample("y", LeftCensored(mu, scale, THRESHOLD), obs=y)
            else:
                factor("y", all_rows_log_prob(mu, scale, THRESHOLD, y))

    values = []
    for new in (True, False):
        info = initialize_model(jax.random.PRNGKey(0), model, model_args=(new,))
        z = {"mu": jnp.asarray(0.013)}
        values.append(jax.jit(jax.value_and_grad(info.potential_fn))(z))
    np.testing.assert_allclose(values[0][0], values[1][0], rtol=1e-13)
    np.testing.assert_allclose(values[0][1]["mu"], values[1][1]["mu"], rtol=1e-12)


def test_scalar_and_broadcast_thresholds_per_row():
    loc, scale, y = panel(300, seed=6)
    thresholds = np.full(y.size, THRESHOLD)
    thresholds[::2] = 2 * THRESHOLD
    got = jax.jit(lambda m: LeftCensored(m, scale, thresholds).log_prob(y))(loc)
    np.testing.assert_allclose(got, all_rows_log_prob(loc, scale, thresholds, y), rtol=1e-13)
    single = LeftCensored(0.01, 0.02, THRESHOLD).log_prob(0.0)
    assert np.isclose(float(single), stats.norm(0.01, 0.02).logcdf(THRESHOLD))
