"""Qu & Yang (2023) §6.3: the investment multiplier z, against the two printed relations solved
by hand in NumPy, and its printed ω-derivative against central differences."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import retrench  # noqa: F401  (x64)
from retrench.theory.gvc_multiplier import (
    composite_openness,
    investment_multiplier,
    investment_multiplier_slope_printed,
)


def _grid(n_points=3000, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(2, 50, n_points).astype(float),
        rng.uniform(0.01, 0.99, n_points),
        rng.uniform(0.01, 0.99, n_points),
        rng.uniform(0.05, 0.95, n_points),
        rng.uniform(0.1, 0.9, n_points),
        rng.uniform(0.0, 0.99, n_points),
    )


def _hand(n, omega, mu, v, alpha, s):
    """ΔY = κ(ΔC + ΔI), ΔC = aΔY + bΔI ⇒ z = κ(1 + b)/(1 − κa), R and T from eq. 11."""
    d = n - n * mu + n * mu * v - v
    r = (1 - mu + mu * v + (n - 2) * v) / d
    t = (1 - v) * (1 - mu) / d
    kappa = (n * (r * omega + t * (1 - omega)) - 1) / ((n - 1) * v)
    a = v * (1 - alpha * (n - n * s) / (n - 1))
    b = (1 - n * s) / (n - 1)
    return kappa * (1 + b) / (1 - kappa * a), r * omega + t * (1 - omega)


def test_printed_z_solves_the_two_printed_relations():
    g = _grid()
    z_hand, openness = _hand(*g)
    np.testing.assert_allclose(investment_multiplier(*g), z_hand, rtol=1e-10)
    np.testing.assert_allclose(composite_openness(g[0], g[2], g[3], g[1]), openness, rtol=1e-12)


def test_z_positive_when_openness_exceeds_one_over_n():
    g = _grid(seed=1)
    z = np.asarray(investment_multiplier(*g))
    _, openness = _hand(*g)
    above = openness > 1 / g[0]
    assert above.sum() > 1000
    assert np.all(z[above] > 0)
    assert np.all(z[~above & (g[5] < 0.99)] <= 0)


def test_printed_derivative_in_omega_matches_central_differences_and_is_positive():
    g = _grid(400, seed=2)
    printed = np.asarray(investment_multiplier_slope_printed(*g))
    h = 1e-6
    fd = (_hand(g[0], g[1] + h, *g[2:])[0] - _hand(g[0], g[1] - h, *g[2:])[0]) / (2 * h)
    _, openness = _hand(*g)
    ok = openness > 1 / g[0]
    np.testing.assert_allclose(printed[ok], fd[ok], rtol=1e-5)
    assert np.all(printed[ok] > 0)
    grad = jax.vmap(jax.grad(investment_multiplier, argnums=1))(*g)
    np.testing.assert_allclose(np.asarray(grad)[ok], printed[ok], rtol=1e-9)


@pytest.mark.parametrize("s", [0.0, 0.5, 0.9])
def test_no_pole_where_openness_exceeds_one_over_n(s):
    """Denominator (N − 1)υ/u − a ≥ N(1 − μ)(1 − υ)/(N − 1) > 0 when u > 0."""
    n, omega, mu, v, alpha = 21.0, np.linspace(0.06, 0.99, 50), 0.9, 0.33, 0.3
    z = np.asarray(investment_multiplier(n, omega, mu, v, alpha, s))
    assert np.all(np.isfinite(z)) and np.all(np.diff(z) > 0)
