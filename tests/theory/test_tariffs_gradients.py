"""Gradients through every tariff equilibrium vs central finite differences; vmap vs loop."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import retrench  # noqa: F401  (x64)
from retrench.theory.tariffs import (
    MarketParams,
    TariffWeights,
    nash_tariffs,
    power_shift,
    reciprocal_efficient_tariffs,
)

N_POINTS = 30
H = 1e-5


def _outputs_and_flags(w: TariffWeights, market: MarketParams):
    """Every continuous equilibrium quantity at one parameter point, stacked, and the flags."""
    eff = reciprocal_efficient_tariffs(w, market)
    nash = nash_tariffs(w, market)
    shift = power_shift(w, market)
    values = jnp.stack(
        [
            eff.tau_x,
            eff.tau_y_star,
            nash.tau_x,
            nash.tau_y_star,
            shift.dtau_x,
            shift.dtau_y_star,
            shift.home_weight,
        ]
    )
    return values, eff.ok & nash.ok & shift.converged & shift.in_domain


def _outputs(w: TariffWeights, market: MarketParams) -> jax.Array:
    """Every continuous equilibrium quantity at one parameter point, stacked."""
    return _outputs_and_flags(w, market)[0]


outputs_batch = jax.jit(jax.vmap(_outputs))
jacobian_batch = jax.jit(jax.vmap(jax.jacfwd(_outputs_and_flags, argnums=(0, 1), has_aux=True)))


def _points(seed: int = 0):
    rng = np.random.default_rng(seed)
    w = TariffWeights(*[jnp.asarray(rng.uniform(1.0, 1.5, N_POINTS)) for _ in range(4)])
    m = MarketParams(
        *[jnp.asarray(v * rng.uniform(0.95, 1.05, N_POINTS)) for v in (1.0, 1.0)],
        jnp.asarray(rng.uniform(0.0, 0.05, N_POINTS)),
        jnp.asarray(rng.uniform(0.9, 1.1, N_POINTS)),
        jnp.asarray(rng.uniform(0.0, 0.05, N_POINTS)),
        jnp.asarray(rng.uniform(0.45, 0.55, N_POINTS)),
    )
    return w, m


def _central_differences(w: TariffWeights, m: MarketParams):
    """FD derivative of every output with respect to every weight and market field."""
    leaves, treedef = jax.tree_util.tree_flatten((w, m))
    columns = []
    for i in range(len(leaves)):
        shifted = []
        for sign in (1.0, -1.0):
            bumped = [leaf + sign * H if j == i else leaf for j, leaf in enumerate(leaves)]
            shifted.append(jax.tree_util.tree_unflatten(treedef, bumped))
        up = outputs_batch(*shifted[0])
        down = outputs_batch(*shifted[1])
        columns.append((up - down) / (2 * H))
    return jnp.stack(columns, axis=-1)  # (points, outputs, parameters)


def test_gradients_match_central_finite_differences():
    w, m = _points()
    (jac_w, jac_m), flags = jacobian_batch(w, m)
    assert bool(jnp.all(flags))  # every point in the domain
    analytic = jnp.stack(
        [*jax.tree_util.tree_leaves(jac_w), *jax.tree_util.tree_leaves(jac_m)], axis=-1
    )
    numeric = _central_differences(w, m)
    assert analytic.shape == numeric.shape == (N_POINTS, 7, 10)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)
    assert float(jnp.max(jnp.abs(analytic))) > 0.1  # not trivially zero


def test_vmap_over_ten_thousand_points_equals_a_loop():
    rng = np.random.default_rng(7)
    n = 10_000
    w = TariffWeights(*[jnp.asarray(rng.uniform(0.9, 2.0, n)) for _ in range(4)])
    batched = jax.jit(jax.vmap(reciprocal_efficient_tariffs))(w)
    single = jax.jit(reciprocal_efficient_tariffs)
    for i in rng.choice(n, size=200, replace=False):
        point = TariffWeights(*[x[i] for x in w])
        one = single(point)
        assert bool(one.ok) == bool(batched.ok[i])
        assert bool(one.in_domain) == bool(batched.in_domain[i])
        if bool(one.ok):
            np.testing.assert_allclose(
                [one.tau_x, one.tau_y_star], [batched.tau_x[i], batched.tau_y_star[i]], atol=1e-13
            )
    assert float(batched.ok.mean()) > 0.5


def test_eager_arrays_are_vectorised_like_vmap():
    gE = jnp.array([1.0, 1.2, 1.5])
    gM = jnp.array([[1.1], [1.3]])  # broadcasts to (2, 3)
    sol = reciprocal_efficient_tariffs(TariffWeights(gE, gM, 1.2, 1.2))
    assert sol.tau_x.shape == (2, 3)
    ref = reciprocal_efficient_tariffs(TariffWeights(1.5, 1.3, 1.2, 1.2))
    assert float(sol.tau_x[1, 2]) == pytest.approx(float(ref.tau_x), abs=1e-14)
