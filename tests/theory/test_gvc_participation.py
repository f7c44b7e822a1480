"""Qu & Yang (2023) eq. (12)-(15) against an independent NumPy MRIO / KWW computation."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from benchmarks.baselines import gvc_numpy as ref

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory import gvc

RNG = np.random.default_rng(20230104)
POINTS = [
    (int(n), float(mu), float(up), float(om))
    for n, mu, up, om in zip(
        RNG.choice([2, 3, 5, 21], size=24),
        RNG.uniform(0.05, 0.95, size=24),
        RNG.uniform(0.05, 0.95, size=24),
        RNG.uniform(0.05, 0.95, size=24),
        strict=True,
    )
]


def _feasible_final_demand(n, mu, up, rng):
    """Any positive final demand is feasible (exports are then positive, see the closure)."""
    return np.exp(rng.uniform(-3.0, 3.0, size=n))


@pytest.mark.parametrize(("n", "mu", "up", "om"), POINTS)
def test_eq12_eq13_match_kww_value_added_shares(n, mu, up, om):
    exports = RNG.uniform(0.2, 3.0, size=n)
    a = ref.cobb_douglas_input_coefficients(n, mu, up)
    np.testing.assert_allclose(
        gvc.value_added_flows(exports, mu, up),
        ref.value_added_share_matrix(a, exports),
        rtol=1e-10,
        atol=1e-13,
    )
    expected = ref.kww_participation(a, exports)
    np.testing.assert_allclose(gvc.gvc_participation(exports, mu, up), expected, rtol=1e-10)
    # eq. (13) as printed: T·Σ_{j≠i} Ex_j / Ex_i + (N - 1)·T
    t = (1 - up) * (1 - mu) / (n - n * mu + n * mu * up - up)
    printed = t * (exports.sum() - exports) / exports + (n - 1) * t
    np.testing.assert_allclose(expected, printed, rtol=1e-10)


@pytest.mark.parametrize(("n", "mu", "up", "om"), POINTS)
def test_closures_match_numpy_mrio(n, mu, up, om):
    rng = np.random.default_rng(n)
    g = _feasible_final_demand(n, mu, up, rng)
    out = gvc.gvc_participation_given_final_demand(g, mu, up, om)
    part, exports, x = ref.closure_given_final_demand(g, mu, up, om)
    assert bool(out.in_domain)
    np.testing.assert_allclose(out.gross_output, x, rtol=1e-10)
    np.testing.assert_allclose(out.exports, exports, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out.participation, part, rtol=1e-9)
    if abs(n * om - 1) > 0.05:  # the same equilibrium, reached from its gross output
        back = gvc.gvc_participation_given_gross_output(x, mu, up, om)
        part2, _, g2 = ref.closure_given_gross_output(x, mu, up, om)
        np.testing.assert_allclose(back.final_demand, g, rtol=1e-8)
        np.testing.assert_allclose(g2, g, rtol=1e-8)
        np.testing.assert_allclose(back.participation, part2, rtol=1e-8)


@pytest.mark.parametrize(("n", "mu", "up", "om"), POINTS[:12])
def test_eq14_eq15_and_f_relation(n, mu, up, om):
    g = _feasible_final_demand(n, mu, up, np.random.default_rng(7 * n))
    out = gvc.gvc_participation_given_final_demand(g, mu, up, om)
    y, ex = np.asarray(out.gross_output), np.asarray(out.exports)
    # eq. (14): Ex_i = Y_i [1 - (1 - υ)μ] - ω G_i
    np.testing.assert_allclose(ex, y * (1 - (1 - up) * mu) - om * g, rtol=1e-9, atol=1e-12)
    # eq. (15): Y_i = υ^{-1}[Rω + T(1-ω)] G_i + υ^{-1}[(1 - Rω - T(1-ω))/(N-1)] Σ_{j≠i} G_j
    r = (1 - mu + mu * up + (n - 2) * up) / (n - n * mu + n * mu * up - up)
    t = (1 - up) * (1 - mu) / (n - n * mu + n * mu * up - up)
    h = r * om + t * (1 - om)
    y15 = h * g / up + (1 - h) / (n - 1) * (g.sum() - g) / up
    np.testing.assert_allclose(y, y15, rtol=1e-10)
    # ΔY_{i,j} = [N h - 1]/[(N - 1)υ] ΔG_{i,j} and ΔEx_{i,j} = f ΔY_{i,j}
    f = (mu - mu * up + up * om - 1) / (n * om - 1)
    for i, j in itertools.combinations(range(n), 2):
        dy, dg, dex = y[i] - y[j], g[i] - g[j], ex[i] - ex[j]
        assert dy == pytest.approx((n * h - 1) / ((n - 1) * up) * dg, rel=1e-8, abs=1e-12)
        assert dex == pytest.approx(f * dy, rel=1e-7, abs=1e-11)
    assert float(gvc.f(n, mu, up, om)) == pytest.approx(f, rel=1e-12)


def test_figure3_participation_scale_rises_with_n():
    """Section 6.1: GVCP ∝ T(N-1), higher for larger N at given μ (υ = 0.33, N = 7, 20, 50)."""
    mus = np.linspace(0.05, 0.95, 19)
    scale = {n: (n - 1) * np.asarray(gvc.T(n, mus, 0.33)) for n in (7, 20, 50)}
    assert (scale[7] < scale[20]).all() and (scale[20] < scale[50]).all()
    for n in (7, 20, 50):  # T(N-1) falls with μ: the range over μ grows with N
        assert (np.diff(scale[n]) < 0).all()
    assert np.ptp(scale[7]) < np.ptp(scale[20]) < np.ptp(scale[50])


def test_paper_reduced_form_equals_eq13_with_linear_exports():
    """The reduced form is eq. (13) with Ex_j = Ex_k + f ΔY_{j,k} for every j."""
    n, mu, up, om = 5, 0.4, 0.3, 0.6
    f = float(gvc.f(n, mu, up, om))
    gaps = np.array([0.0, 0.3, -0.2, 0.1, 0.5])  # ΔY_{j,k}, country 0 is the reference k
    exports = 2.0 + f * gaps
    direct = np.asarray(gvc.gvc_participation(exports, mu, up))
    for i in range(n):
        others = (gaps.sum() - gaps[i]) / (n - 1)
        reduced = gvc.gvc_participation_paper_reduced_form(n, mu, up, om, 2.0, gaps[i], others)
        assert float(reduced) == pytest.approx(direct[i], rel=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: gvc.gvc_participation(np.array([1.0, -1.0, 2.0]), 0.5, 0.5), "exports"),
        (lambda: gvc.gvc_participation(np.array([1.0]), 0.5, 0.5), "one entry per country"),
        (lambda: gvc.gvc_participation(np.ones((2, 3)), 0.5, 0.5), "one entry per country"),
        (lambda: gvc.gvc_participation(np.ones(3), 0.5, 1.5), "upsilon"),
        (lambda: gvc.value_added_flows(np.array([1.0, np.inf]), 0.5, 0.5), "exports"),
        (lambda: gvc.gvc_participation_given_gross_output(np.ones(4), 0.5, 0.5, 0.25), "1/n"),
        (
            lambda: gvc.gvc_participation_given_gross_output(np.array([1.0, 0.0]), 0.5, 0.5, 0.7),
            "gross_output",
        ),
        # far-from-average outputs near ω = 1/N imply negative final demand
        (
            lambda: gvc.gvc_participation_given_gross_output(np.array([1.0, 3.0]), 0.5, 0.5, 0.55),
            "final_demand",
        ),
        (
            lambda: gvc.gvc_participation_given_final_demand(np.array([1.0, 0.0]), 0.5, 0.5, 0.7),
            "final_demand",
        ),
        (
            lambda: gvc.gvc_participation_paper_reduced_form(3, 0.5, 0.5, 0.7, -1.0, 0.1, 0.0),
            "reference_exports",
        ),
    ],
)
def test_vector_domain_errors(call, match):
    with pytest.raises(DomainError, match=match):
        call()


def test_final_demand_closure_exports_positive_for_extreme_demand():
    for n, mu, up, om in POINTS:
        g = np.full(n, 1e-6)
        g[0] = 1e3  # one country holds almost all final demand
        out = gvc.gvc_participation_given_final_demand(g, mu, up, om)
        assert bool(out.in_domain) and (np.asarray(out.exports) > 0).all()


def test_traced_closures_flag_infeasible_points_without_nan():
    y = jnp.array([1.0, 3.0])
    run = jax.jit(gvc.gvc_participation_given_gross_output)
    bad = run(y, 0.5, 0.5, 0.55)
    pole = run(jnp.ones(4), 0.5, 0.5, 0.25)
    good = run(jnp.array([1.0, 1.2]), 0.5, 0.5, 0.95)
    for out, flag in ((bad, False), (pole, False), (good, True)):
        assert bool(out.in_domain) is flag
        assert all(np.isfinite(np.asarray(x)).all() for x in out[:4])
