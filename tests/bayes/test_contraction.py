"""Posterior contraction (retrench.bayes.contraction) against variances written out by hand."""

from __future__ import annotations

import numpy as np
import xarray as xr

from retrench.bayes.contraction import contraction_by_site, contraction_table


def _draws(rng, shape, sd):
    return rng.normal(0.0, sd, size=shape)


def test_contraction_table_against_hand_variances():
    rng = np.random.default_rng(0)
    prior = xr.Dataset(
        {
            "a": (("chain", "draw"), _draws(rng, (1, 4000), 2.0)),
            "w": (("chain", "draw", "country"), _draws(rng, (1, 4000, 3), 1.0)),
            "fixed": (("chain", "draw"), np.full((1, 4000), 3.0)),
        },
        coords={"country": ["CHN", "VNM", "RUS"]},
    )
    post = xr.Dataset(
        {
            "a": (("chain", "draw"), _draws(rng, (2, 500), 0.5)),
            "w": (("chain", "draw", "country"), _draws(rng, (2, 500, 3), [0.1, 1.0, 0.5])),
            "fixed": (("chain", "draw"), np.full((2, 500), 3.0)),
            "y_rep": (("chain", "draw", "obs"), _draws(rng, (2, 500, 4), 1.0)),
            "only_posterior": (("chain", "draw"), _draws(rng, (2, 500), 1.0)),
        },
        coords={"country": ["CHN", "VNM", "RUS"]},
    )
    table = contraction_table(post, prior, exclude_dims=["obs"])
    assert list(table["parameter"]) == ["a", "w", "w", "w", "only_posterior"]  # fixed: constant
    assert list(table["label"]) == ["", "CHN", "VNM", "RUS", ""]
    a_post = post["a"].values.ravel()
    a_prior = prior["a"].values.ravel()
    expected = 1 - np.var(a_post, ddof=1) / np.var(a_prior, ddof=1)
    np.testing.assert_allclose(table["contraction"].iloc[0], expected, rtol=1e-12)
    w_post = post["w"].values.reshape(-1, 3)
    w_prior = prior["w"].values.reshape(-1, 3)
    np.testing.assert_allclose(
        table["contraction"].iloc[1:4],
        1 - w_post.var(0, ddof=1) / w_prior.var(0, ddof=1),
        rtol=1e-12,
    )
    assert np.isnan(table["contraction"].iloc[4])  # no prior draws: not a plausible number
    # what the numbers mean: 1 - 0.25/4 for a, about 0.99 / 0 / 0.75 for the weights
    assert table["contraction"].iloc[0] > 0.9 and abs(table["contraction"].iloc[2]) < 0.15
    by_site = contraction_by_site(table)
    assert list(by_site) == ["a", "w", "only_posterior"] and by_site["w"].shape == (3,)
