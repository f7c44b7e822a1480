"""The design-free identification table (issue 16): contraction against a hand computation on a
hand-made DataTree, labels, per-observation sites left out, and the log prior of each draw
against scipy.stats."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from scipy import stats

from retrench.bayes import inference_data as idio
from retrench.bayes.log_prior import log_prior_draws
from retrench.workflow.identification import identification_table


def _tree(rng, with_log_lik: bool = True):
    post_a = rng.normal(0.5, 0.2, size=(2, 300))
    post_b = rng.normal(0.0, [0.1, 0.5, 1.0], size=(2, 300, 3))
    prior_a = rng.normal(0.0, 1.0, size=(1, 500))
    prior_b = rng.normal(0.0, 1.0, size=(1, 500, 3))
    y = rng.normal(size=4)
    log_lik = stats.norm.logpdf(y[None, None, :], post_a[..., None], 1.0)
    tree = idio.from_arrays(
        {
            "a": post_a,
            "b": post_b,
            "mu_obs": rng.normal(size=(2, 300, 4)),
            "k": np.ones((2, 300)),
            "m": np.stack([np.ones((2, 300)), rng.normal(size=(2, 300))], axis=-1),
        },
        prior={
            "a": prior_a,
            "b": prior_b,
            "k": np.ones((1, 500)),
            "m": np.stack([np.ones((1, 500)), rng.normal(size=(1, 500))], axis=-1),
        },
        log_likelihood={"y": log_lik} if with_log_lik else None,
        observed_data={"y": y},
        coords={"country": ["CHN", "VNM", "RUS"], "obs": [0, 1, 2, 3]},
        dims={"b": ["country"], "mu_obs": ["obs"], "y": ["obs"]},
    )
    return tree, post_a, post_b, prior_a, prior_b


def test_contraction_matches_a_hand_computation() -> None:
    tree, post_a, post_b, prior_a, prior_b = _tree(np.random.default_rng(0))
    table = identification_table(tree, exclude_dims=["obs"])
    # mu_obs has the observations' dim; k and the first element of m are constants: left out
    assert list(zip(table["parameter"], table["label"], strict=True)) == [
        ("a", ""),
        ("b", "CHN"),
        ("b", "VNM"),
        ("b", "RUS"),
        ("m", "1"),
    ]
    expected_a = 1 - np.var(post_a.ravel(), ddof=1) / np.var(prior_a.ravel(), ddof=1)
    expected_b = [
        1 - np.var(post_b[..., j].ravel(), ddof=1) / np.var(prior_b[..., j].ravel(), ddof=1)
        for j in range(3)
    ]
    np.testing.assert_allclose(table["contraction"][:4], [expected_a, *expected_b], rtol=1e-12)
    np.testing.assert_allclose(table["prior_sd"].iloc[0], np.std(prior_a, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(table["posterior_sd"].iloc[1], np.std(post_b[..., 0], ddof=1))
    # no log prior given: prior sensitivity NaN; the likelihood one comes from log_likelihood
    assert table["prior_sensitivity"].isna().all()
    assert np.isfinite(table["likelihood_sensitivity"]).all()


def test_sensitivity_columns_with_a_log_prior() -> None:
    rng = np.random.default_rng(1)
    tree, post_a, *_ = _tree(rng)
    log_prior = stats.norm.logpdf(post_a, 0.0, 1.0)
    table = identification_table(tree, log_prior=log_prior, exclude_dims=["obs"])
    assert np.isfinite(table["prior_sensitivity"]).all()
    assert np.isfinite(table["likelihood_sensitivity"]).all()
    bare, *_ = _tree(np.random.default_rng(1), with_log_lik=False)
    assert identification_table(bare, exclude_dims=["obs"])["likelihood_sensitivity"].isna().all()


def _model(inputs, observed):
    a = numpyro.sample("a", dist.Normal(0.0, 2.0))
    b = numpyro.sample("b", dist.HalfNormal(1.0))
    with numpyro.plate("obs", inputs["x"].shape[0]):
        numpyro.sample("y", dist.Normal(a * inputs["x"], b), obs=observed["y"])


def test_log_prior_of_each_draw_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    draws = {"a": rng.normal(size=(2, 7)), "b": rng.uniform(0.1, 2.0, size=(2, 7))}
    inputs, observed = {"x": jnp.arange(5.0)}, {"y": jnp.ones(5)}
    values, _ = log_prior_draws(_model, inputs, observed, draws, ["a", "b"])
    expected = stats.norm.logpdf(draws["a"], 0, 2) + stats.halfnorm.logpdf(draws["b"], 0, 1)
    np.testing.assert_allclose(values, expected, rtol=1e-10)
    missing, note = log_prior_draws(_model, inputs, observed, {"a": draws["a"]}, ["a", "b"])
    assert missing is None and "b" in note
