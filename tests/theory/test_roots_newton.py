"""Safeguarded Newton on a bracket (``_roots.safeguarded_newton``, ``find_scalar_root_newton``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import retrench  # noqa: F401  (x64)
from retrench.theory._roots import find_scalar_root_newton, safeguarded_newton


def cube_minus(x, a):
    return x**3 - a


def arctan_shifted(x, shift):
    """Newton from far away diverges on arctan; only the bisection fallback can converge."""
    return jnp.arctan(x - shift)


@pytest.mark.parametrize("x0", [0.1, 1.9, 5.0, -3.0])
def test_converges_to_cube_root_from_any_start_clipped_into_the_bracket(x0):
    it = safeguarded_newton(cube_minus, x0, 0.0, 2.0, 2.0)
    assert bool(it.converged) and bool(it.bracketed)
    np.testing.assert_allclose(float(it.value), 2.0 ** (1 / 3), rtol=1e-14)
    assert int(it.steps) <= 12


def test_bisection_fallback_where_plain_newton_diverges():
    shift = 3.0
    # plain Newton on arctan from 10 units away overshoots ever further
    x = 3.0 + 10.0
    for _ in range(5):
        x = x - float(arctan_shifted(x, shift)) * (1 + (x - shift) ** 2)
    assert abs(x - shift) > 1e3
    it = safeguarded_newton(arctan_shifted, shift + 10.0, -50.0, 50.0, shift)
    assert bool(it.converged)
    np.testing.assert_allclose(float(it.value), shift, atol=1e-12)


def test_decreasing_function_and_exact_start():
    it = safeguarded_newton(lambda x, a: a - x**3, 1.0, 0.0, 3.0, 8.0)
    np.testing.assert_allclose(float(it.value), 2.0, rtol=1e-14)
    exact = safeguarded_newton(cube_minus, 2.0, 0.0, 3.0, 8.0)
    assert bool(exact.converged) and int(exact.steps) == 1 and float(exact.value) == 2.0


def test_no_sign_change_is_flagged_not_raised():
    res = jax.jit(lambda a: find_scalar_root_newton(cube_minus, 0.0, 1.0, a))(8.0)
    assert not bool(res.converged)
    assert not bool(safeguarded_newton(cube_minus, 0.5, 0.0, 1.0, 8.0).bracketed)


def test_implicit_gradient_of_the_root_matches_the_closed_form():
    def root(a):
        return find_scalar_root_newton(cube_minus, 0.0, 10.0, a, x0=1.0).value

    a = jnp.array([0.5, 2.0, 8.0, 27.0, 700.0])
    values = jax.jit(jax.vmap(root))(a)
    grads = jax.jit(jax.vmap(jax.grad(root)))(a)
    np.testing.assert_allclose(values, np.cbrt(a), rtol=1e-13)
    np.testing.assert_allclose(grads, 1.0 / (3.0 * np.cbrt(a) ** 2), rtol=1e-12)
    second = jax.grad(jax.grad(root))(2.0)  # twice differentiable (IFT applied twice)
    np.testing.assert_allclose(float(second), -2.0 / 9.0 * 2.0 ** (-5 / 3), rtol=1e-10)


def test_vmapped_lanes_share_the_loop_but_each_converges():
    shifts = jnp.array([-40.0, -1.0, 0.0, 2.5, 45.0])
    it = jax.jit(jax.vmap(lambda s: safeguarded_newton(arctan_shifted, 0.0, -50.0, 50.0, s)))(
        shifts
    )
    assert bool(jnp.all(it.converged))
    np.testing.assert_allclose(it.value, shifts, atol=1e-10)
    assert int(it.steps[2]) == 1  # the exact start stops at once even inside a batch
