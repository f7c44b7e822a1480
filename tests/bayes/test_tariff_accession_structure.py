"""The accession design's weight domain and regime path (pure functions, no sampling)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import retrench  # noqa: F401  (x64)
from retrench.designs.accession.structure import (
    gamma_E_from_reciprocal,
    gamma_M_from_logit,
    reciprocal_from_logit,
    regime_share,
    regime_tariffs,
    weights_to_logits,
)


def test_logit_coordinates_map_onto_the_stated_domain_and_back():
    rng = np.random.default_rng(0)
    u_R, u_M = rng.normal(0, 4, 5000), rng.normal(0, 4, 5000)
    gamma_M = np.asarray(gamma_M_from_logit(jnp.asarray(u_M)))
    gamma_E = np.asarray(gamma_E_from_reciprocal(reciprocal_from_logit(jnp.asarray(u_R)), gamma_M))
    assert np.all((gamma_M > 5 / 8) & (gamma_M < 7 / 4))
    assert np.all((gamma_E > (8 * gamma_M - 5) / 9) & (gamma_E < 3))
    back_R, back_M = weights_to_logits(gamma_E, gamma_M)
    moderate = (np.abs(u_R) < 15) & (np.abs(u_M) < 15)  # away from float saturation
    np.testing.assert_allclose(back_R[moderate], u_R[moderate], atol=1e-6)
    np.testing.assert_allclose(back_M[moderate], u_M[moderate], atol=1e-6)
    t_N, t_R, ok = regime_tariffs(jnp.asarray(gamma_E), jnp.asarray(gamma_M))
    assert bool(np.all(np.asarray(ok)[moderate]))
    # the two tariffs written out by hand
    np.testing.assert_allclose(t_N, (8 * gamma_M - 5) / (41 - 8 * gamma_M), rtol=1e-9)
    np.testing.assert_allclose(
        t_R, (2 * gamma_M + 1 - 3 * gamma_E) / (2 * (4 - gamma_M)), rtol=1e-9, atol=1e-12
    )
    assert np.all((np.asarray(t_N) >= 0) & (np.asarray(t_N) < 1 / 3))
    assert np.all((np.asarray(t_R) > -1) & (np.asarray(t_R) < 1 / 3))


def test_low_pre_accession_tariffs_fit_inside_the_domain():
    # issue 16: Baltic/Moldovan/Ukrainian/Kazakh pre-accession tariffs of 0.1-3.8 % are Nash
    # tariffs at gamma_M = (41 t + 5) / (8 (1 + t)), inside (5/8, 7/4)
    t = np.array([0.001, 0.038])
    gamma_M = (41 * t + 5) / (8 * (1 + t))
    assert np.all((gamma_M > 5 / 8) & (gamma_M < 0.8))
    t_N, _, ok = regime_tariffs(jnp.ones(2), jnp.asarray(gamma_M))
    np.testing.assert_allclose(t_N, t, rtol=1e-10)


def test_regime_share_phases_in_after_entry_only():
    x = jnp.array([jnp.nan, -2.0, 0.0, 1.0, 3.0, 30.0])
    share = np.asarray(regime_share(x, 3.0))
    np.testing.assert_allclose(
        share, [0, 0, 0, 1 - np.exp(-1 / 3), 1 - np.exp(-1), 1 - np.exp(-10)]
    )
