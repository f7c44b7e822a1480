"""The lean 2×2 Newton (``_roots.find_root_newton_2d``) used by every tariff equilibrium.

Checked against hand-solved systems, against optimistix's Newton (``_roots.find_root``, the
previous solver) on eq. 6 with asymmetric weights, and for its traced/eager failure contract.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import retrench  # noqa: F401  (x64)
from retrench.theory import tariffs_equilibria as teq
from retrench.theory._roots import find_root, find_root_newton_2d
from retrench.theory.tariffs import TariffWeights
from retrench.theory.tariffs_market import DEFAULT_MARKET


def square_and_product(x, args):
    """x0² = a, x0 x1 = c: root (√a, c/√a) for a > 0 (hand algebra)."""
    a, c = args
    return jnp.stack([x[0] ** 2 - a, x[0] * x[1] - c])


@pytest.mark.parametrize(("a", "c"), [(2.0, 1.0), (9.0, -4.5), (0.25, 3.0)])
def test_hand_solved_system_and_its_implicit_gradient(a, c):
    res = find_root_newton_2d(square_and_product, jnp.array([1.0, 1.0]), (a, c))
    assert bool(res.converged)
    np.testing.assert_allclose(np.asarray(res.value), [a**0.5, c / a**0.5], rtol=1e-13)
    # d√a/da = 1/(2√a); d(c/√a)/da = −c/(2 a^1.5); d(c/√a)/dc = 1/√a
    jac = jax.jacfwd(lambda p: find_root_newton_2d(square_and_product, jnp.ones(2), p).value)(
        (jnp.asarray(a), jnp.asarray(c))
    )
    np.testing.assert_allclose(float(jac[0][0]), 0.5 / a**0.5, rtol=1e-12)
    np.testing.assert_allclose(float(jac[0][1]), -c / (2 * a**1.5), rtol=1e-12)
    np.testing.assert_allclose(float(jac[1][1]), 1 / a**0.5, rtol=1e-12)
    grad = jax.grad(
        lambda a_: find_root_newton_2d(square_and_product, jnp.ones(2), (a_, c)).value[1]
    )(jnp.asarray(a))
    np.testing.assert_allclose(float(grad), -c / (2 * a**1.5), rtol=1e-12)


def test_no_root_is_flagged_under_jit_and_vmap_without_raising():
    def no_root(x, shift):
        return jnp.stack([x[0] ** 2 + shift, x[1]])

    solve = jax.jit(jax.vmap(lambda s: find_root_newton_2d(no_root, jnp.array([0.5, 0.5]), s)))
    res = solve(jnp.array([1.0, -1.0]))
    np.testing.assert_array_equal(np.asarray(res.converged), [False, True])
    np.testing.assert_allclose(float(res.value[1, 0]), 1.0, rtol=1e-13)


def test_singular_start_stops_early_and_is_not_converged():
    # Jacobian diag(2 x0, 1) is singular at x0 = 0: the step is non-finite, the loop stops
    res = find_root_newton_2d(square_and_product, jnp.zeros(2), (2.0, 1.0), max_steps=10**6)
    assert not bool(res.converged)


def test_rejects_an_initial_guess_that_is_not_two_dimensional():
    with pytest.raises(ValueError, match="shape"):
        find_root_newton_2d(square_and_product, jnp.ones(3), (2.0, 1.0))


def _asymmetric_weights(n, seed=1):
    rng = np.random.default_rng(seed)
    return TariffWeights(*(jnp.asarray(rng.uniform(1.0, 1.6, n)) for _ in range(4)))


@pytest.mark.parametrize("foc", [teq._reciprocal_foc, teq._nash_foc])
def test_eq6_and_nash_roots_and_gradients_match_optimistix_newton(foc):
    w = _asymmetric_weights(200)

    def both(w1, solver):
        args = (
            (w1, DEFAULT_MARKET, "trade_volume")
            if foc is teq._reciprocal_foc
            else (w1, DEFAULT_MARKET)
        )
        return solver(foc, jnp.zeros(2), args)

    lean = jax.vmap(lambda w1: both(w1, find_root_newton_2d))(w)
    reference = jax.vmap(lambda w1: both(w1, find_root))(w)
    assert bool(jnp.all(lean.converged)) and bool(jnp.all(reference.converged))
    np.testing.assert_allclose(np.asarray(lean.value), np.asarray(reference.value), atol=1e-12)

    def sensitivities(solver):
        return jax.vmap(jax.jacfwd(lambda w1: both(w1, solver).value))(w)

    for lean_d, ref_d in zip(
        sensitivities(find_root_newton_2d), sensitivities(find_root), strict=True
    ):
        np.testing.assert_allclose(np.asarray(lean_d), np.asarray(ref_d), atol=1e-11)
