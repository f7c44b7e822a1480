"""Per-cell sufficient statistics of the tariff likelihood (issue 7) against the per-row form.

Checks: the reduction against a plain Python loop over cells; the cell log likelihood against
SciPy summed over rows; the model's log density and gradient with cells against the per-row
model at random points (mixed, all-censored, all-uncensored and single-row cells); the rule
(normal family and repeated cells only); and a small fit whose stored log likelihood and
posterior predictive are the per-row ones.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import pandas as pd
import pytest
from numpyro.infer import log_likelihood
from numpyro.infer.util import initialize_model
from scipy import stats

import retrench  # noqa: F401  (x64)
from retrench.bayes import inference_data as idio
from retrench.bayes.base import run_predictive
from retrench.bayes.cell_statistics import (
    censored_normal_cells_log_likelihood,
    observe_left_censored,
    reduce_to_cells,
)
from retrench.bayes.tariff_spec import SMALL_PANEL_OVERRIDES
from retrench.bayes.tariffs import TariffModel
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.errors import DataError

THRESHOLD = 5e-4  # models/tariffs.toml: censor_below_pct = 0.05


def product_panel(seed: int = 12) -> pd.DataFrame:
    """8 simulated countries x 6 years, each country-year repeated 1-5 times with noise; the
    first cells are, in order: one uncensored row, one censored row, three censored rows, four
    uncensored rows, then mixed cells (zeros and one row exactly at the threshold)."""
    base, _ = simulate_tariff_panel(n_countries=8, n_years=6, seed=seed, first_year=2006)
    base = base.sort_values(["country_code", "year"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    repeats = np.resize([1, 1, 3, 4, 5, 2, 3], len(base))
    rows = base.loc[base.index.repeat(repeats)].reset_index()
    pct = np.maximum(rows["tariff_applied_pct"].to_numpy(), 1.0)
    pct = pct * np.exp(0.3 * rng.standard_normal(len(rows)))
    cell = rows["index"].to_numpy()
    pct[cell == 1] = 0.0
    pct[cell == 2] = 0.0
    mixed = (cell >= 4) & (rng.uniform(size=len(rows)) < 0.35)
    pct[mixed] = 0.0
    pct[np.flatnonzero(cell == 4)[1]] = 100 * THRESHOLD  # y = c counts as censored
    rows["tariff_applied_pct"] = pct
    return rows.drop(columns="index")


def loop_reduction(country, years, y, threshold) -> dict:
    """Per-cell (n, mean, sum of squares, n censored) by a plain loop, for comparison."""
    cells: dict = {}
    for c, t, v in zip(country, years, y, strict=True):
        cells.setdefault((int(c), float(t)), []).append(float(v))
    out = {}
    for key, values in sorted(cells.items()):
        kept = [v for v in values if v > threshold]
        mean = sum(kept) / len(kept) if kept else 0.0
        out[key] = (len(kept), mean, sum((v - mean) ** 2 for v in kept), len(values) - len(kept))
    return out


def test_reduction_matches_a_loop_over_cells():
    model = TariffModel(product_panel())
    country = np.asarray(model.inputs["country"])
    years = np.asarray(model.inputs["years_from_ref"])
    y = np.asarray(model.observed["tariff"])
    cells = reduce_to_cells(country, years, y, THRESHOLD)
    expected = loop_reduction(country, years, y, THRESHOLD)
    assert int(cells.n_rows) == len(y) and int(cells.n_cells) == len(expected) < len(y)
    observed = {
        (int(c), float(t)): (n, m, s)
        for c, t, n, m, s in zip(
            cells.observed_country,
            cells.observed_years,
            cells.n_observed,
            cells.observed_mean,
            cells.observed_sum_sq,
            strict=True,
        )
    }
    censored = {
        (int(c), float(t)): m
        for c, t, m in zip(
            cells.censored_country, cells.censored_years, cells.n_censored, strict=True
        )
    }
    kinds = {"all censored": 0, "all uncensored": 0, "mixed": 0, "single row": 0}
    for key, (n, mean, sum_sq, m) in expected.items():
        assert (key in observed) == (n > 0) and (key in censored) == (m > 0)
        if n:
            np.testing.assert_allclose(observed[key], (n, mean, sum_sq), rtol=1e-12, atol=1e-18)
        if m:
            assert censored[key] == m
        kinds["all censored"] += n == 0
        kinds["all uncensored"] += m == 0 and n > 1
        kinds["mixed"] += n > 0 and m > 0
        kinds["single row"] += n + m == 1
    assert min(kinds.values()) >= 1, kinds


def test_cell_log_likelihood_equals_scipy_summed_over_rows():
    rng = np.random.default_rng(3)
    n_country, n = 5, 400
    country = rng.integers(0, n_country, n)
    years = rng.integers(-3, 4, n).astype(float)
    y = np.where(rng.uniform(size=n) < 0.3, 0.0, rng.normal(0.05, 0.03, n))
    intercept, slope = rng.normal(0.03, 0.02, n_country), 0.004
    sigma = rng.uniform(0.005, 0.05, n_country)
    cells = reduce_to_cells(country, years, y, THRESHOLD)
    total = censored_normal_cells_log_likelihood(
        cells, lambda c, t: jnp.asarray(intercept)[c] + slope * t, jnp.asarray(sigma), THRESHOLD
    )
    mu, s = intercept[country] + slope * years, sigma[country]
    cens = y <= THRESHOLD
    expected = stats.norm.logpdf(y[~cens], mu[~cens], s[~cens]).sum()
    expected += stats.norm.logcdf((THRESHOLD - mu[cens]) / s[cens]).sum()
    np.testing.assert_allclose(float(total), expected, rtol=1e-12)


def _potentials(model: TariffModel):
    rows = initialize_model(
        jax.random.PRNGKey(0), model.model, model_args=(model.inputs, model.observed)
    )
    cells = initialize_model(
        jax.random.PRNGKey(0), model.model, model_args=model.sampling_arguments()
    )
    return (
        jax.jit(jax.value_and_grad(rows.potential_fn)),
        jax.jit(jax.value_and_grad(cells.potential_fn)),
        rows.param_info.z,
    )


def test_log_density_and_gradient_with_cells_equal_the_rows_at_random_points():
    model = TariffModel(product_panel(), SMALL_PANEL_OVERRIDES)
    assert "tariff_cells" in model.sampling_arguments()[1]
    by_rows, by_cells, z0 = _potentials(model)
    rng = np.random.default_rng(7)
    for _ in range(5):
        z = {k: v + 0.3 * rng.standard_normal(np.shape(v)) for k, v in z0.items()}
        value_rows, grad_rows = by_rows(z)
        value_cells, grad_cells = by_cells(z)
        assert np.isfinite(value_rows)
        np.testing.assert_allclose(value_cells, value_rows, rtol=1e-10)
        scale = max(float(jnp.max(jnp.abs(g))) for g in grad_rows.values())
        for name in grad_rows:
            np.testing.assert_allclose(
                grad_cells[name], grad_rows[name], rtol=1e-10, atol=1e-10 * scale, err_msg=name
            )


def test_rows_are_kept_for_student_t_and_for_one_row_per_cell():
    student = TariffModel(product_panel(), {"likelihood": {"family": "student_t"}})
    assert "tariff_cells" not in student.sampling_arguments()[1]
    base, _ = simulate_tariff_panel(n_countries=8, n_years=6, seed=12, first_year=2006)
    wdi_like = TariffModel(base)
    assert "tariff_cells" not in wdi_like.sampling_arguments()[1]
    # cells handed to a Student-t model are refused, not silently treated as normal
    normal = TariffModel(product_panel())
    _, observed = normal.sampling_arguments()
    with pytest.raises(ValueError, match="normal errors only"):
        numpyro.handlers.seed(student.model, 0)(student.inputs, observed)


def test_observe_left_censored_refuses_cells_with_student_t():
    cells = reduce_to_cells(np.array([0, 0]), np.array([0.0, 0.0]), np.array([0.1, 0.0]), 0.0)
    with pytest.raises(ValueError, match="tariff_obs: cell statistics are exact for normal"):
        observe_left_censored(
            "tariff_obs",
            lambda c, t: jnp.zeros(jnp.shape(c)),
            jnp.ones(1),
            0.0,
            rows=(jnp.zeros(2, int), jnp.zeros(2)),
            observed=jnp.array([0.1, 0.0]),
            cells=cells,
            df=5.0,
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.array([0, 1]), np.array([0.0]), np.array([0.1, 0.2])), "years_from_ref: expected"),
        ((np.array([0, -1]), np.zeros(2), np.array([0.1, 0.2])), "country: expected non-neg"),
        ((np.array([0.5, 1]), np.zeros(2), np.array([0.1, 0.2])), "country: expected non-neg"),
        ((np.array([0, 1]), np.zeros(2), np.array([0.1, np.nan])), "values: must be finite"),
        ((np.array([], int), np.zeros(0), np.zeros(0)), "values: no rows"),
    ],
)
def test_reduction_rejects_bad_rows_by_name(args, message):
    with pytest.raises(DataError, match=message):
        reduce_to_cells(*args, THRESHOLD)


def test_fit_with_cells_stores_the_per_row_log_likelihood_and_predictive():
    panel = product_panel()
    model = TariffModel(panel, {**SMALL_PANEL_OVERRIDES, "posterior": {"deterministics": "all"}})
    assert "tariff_cells" in model.sampling_arguments()[1]
    idata = model.fit(draws=20, chains=1, seed=5, warmup=40, prior_draws=10)
    n_rows = len(model.panel)
    loglik = idio.group(idata, "log_likelihood")["tariff_obs"]
    assert loglik.dims == ("chain", "draw", "obs") and loglik.shape == (1, 20, n_rows)
    assert set(idio.group(idata, "log_likelihood").data_vars) == {"tariff_obs"}
    observed = idio.group(idata, "observed_data")
    assert set(observed.data_vars) == {"tariff_obs"}
    np.testing.assert_array_equal(observed["tariff_obs"].values, model.observed["tariff"])
    # independent per-row log likelihood (SciPy) at the posterior draws
    post = idio.group(idata, "posterior")
    t = post["tariff_rules"].values[0]
    sigma = post["sigma_country"].values[0]
    trend = post["trend"].values[0]
    country = np.asarray(model.inputs["country"])
    years = np.asarray(model.inputs["years_from_ref"])
    y = np.asarray(model.observed["tariff"])
    mu = (1 + t[:, country]) * np.exp(trend[:, None] * years) - 1
    s = sigma[:, country]
    expected = np.where(
        y <= THRESHOLD,
        stats.norm.logcdf((THRESHOLD - mu) / s),
        stats.norm.logpdf(y, mu, s),
    )
    np.testing.assert_allclose(loglik.values[0], expected, rtol=1e-9, atol=1e-12)
    # the row path's own log likelihood and posterior predictive at the same draws and key
    samples = model.posterior_samples()
    rows = log_likelihood(model.model, samples, model.inputs, model.observed)["tariff_obs"]
    np.testing.assert_allclose(loglik.values[0], np.asarray(rows), rtol=1e-12)
    key_ppc = jax.random.split(jax.random.PRNGKey(5), 3)[2]
    ppc = run_predictive(
        model.model, key_ppc, model.inputs, samples=samples, return_sites=["tariff_obs"]
    )
    stored = idio.group(idata, "posterior_predictive")["tariff_obs"]
    assert stored.shape == (1, 20, n_rows)
    np.testing.assert_array_equal(stored.values[0], np.asarray(ppc["tariff_obs"]))
