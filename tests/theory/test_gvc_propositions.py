"""Propositions 1-4 of Qu & Yang (2023) on grids of (N, μ, υ, ω), under each closure.

Gross output fixed, final demand fixed, and the paper's reduced form (reference exports and
output gaps fixed) are tested separately; what holds where is derived by hand in
``docs/replication/seed003.md`` and cross-checked here against finite differences of the
independent NumPy MRIO (``benchmarks/baselines/gvc_numpy.py``).
"""

from __future__ import annotations

import itertools

import jax
import numpy as np
import pytest
from benchmarks.baselines import gvc_numpy as ref

import retrench  # noqa: F401  (x64)
from retrench.theory import gvc

NS = (2, 5, 21)
MUS = (0.1, 0.4, 0.7, 0.95)
UPSILONS = (0.1, 0.33, 0.7)
OMEGAS = (0.02, 0.08, 0.15, 0.3, 0.45, 0.6, 0.8, 0.95)


def _grid(n, min_pole_gap=0.05):
    pts = [
        (mu, up, om)
        for mu, up, om in itertools.product(MUS, UPSILONS, OMEGAS)
        if abs(n * om - 1) > min_pole_gap
    ]
    return np.array(pts)


def _gross_outputs(n, mu, up, om):
    """Outputs spread around 1, small enough that implied G and Ex stay positive."""
    d = n - n * mu + n * mu * up - up
    amp = 0.5 * np.abs(n * om - 1) * np.minimum(1.0, up / d)
    return 1.0 + amp[:, None] * np.linspace(-1.0, 1.0, n)[None, :]


def _final_demands(n, count):
    return np.tile(np.exp(np.linspace(-1.5, 1.5, n)), (count, 1))


_gross = jax.jit(jax.vmap(gvc.sensitivities_given_gross_output))
_final = jax.jit(jax.vmap(gvc.sensitivities_given_final_demand))


def _reduced(n):
    return jax.jit(jax.vmap(lambda *a: gvc.sensitivities_paper_reduced_form(n, *a)))


@pytest.mark.parametrize("n", NS)
def test_propositions_with_gross_output_fixed(n):
    pts = _grid(n)
    mu, up, om = pts.T
    y = _gross_outputs(n, mu, up, om)
    s = _gross(y, mu, up, om)
    assert bool(s.in_domain.all())
    dev = y - y.mean(axis=1, keepdims=True)
    big, small = dev > 1e-12, dev < -1e-12
    d_om = np.asarray(s.d_omega)
    # Prop. 1: ω lowers GVCP of above-average-output countries, on both sides of 1/N
    assert (d_om[big] < 0).all() and (d_om[small] > 0).all()
    # Props. 2 and 4: μ and υ lower GVCP for every country and every ω (no threshold needed)
    assert (np.asarray(s.d_mu) < 0).all()
    assert (np.asarray(s.d_upsilon) < 0).all()
    # Prop. 3: own relative growth raises GVCP iff ω > 1/N, lowers it below
    above = (n * om > 1)[:, None]
    growth = np.asarray(s.d_own_growth)
    assert (growth[np.broadcast_to(above, growth.shape)] > 0).all()
    assert (growth[np.broadcast_to(~above, growth.shape)] < 0).all()
    # hand-derived closed form: GVCP_i = T [N / (1 - x_i/(Nω - 1)) + N - 2]
    t = np.asarray(gvc.T(n, mu, up))[:, None]
    x = y / y.mean(axis=1, keepdims=True) - 1
    closed = t * (n / (1 - x / (n * om[:, None] - 1)) + n - 2)
    np.testing.assert_allclose(s.participation, closed, rtol=1e-9)
    _assert_matches_numpy_fd(ref.closure_given_gross_output, y, pts, s)


@pytest.mark.parametrize("n", NS)
def test_propositions_with_final_demand_fixed(n):
    pts = _grid(n, min_pole_gap=0.0)
    mu, up, om = pts.T
    g = _final_demands(n, len(pts))
    s = _final(g, mu, up, om)
    assert bool(s.in_domain.all())
    scale = float(np.abs(s.participation).max())
    # Prop. 1 fails: with final demand fixed ω does not move GVCP at all
    np.testing.assert_allclose(s.d_omega, 0.0, atol=1e-11 * scale)
    # Props. 2 and 4 hold for every ω, every country; Prop. 3 too (no threshold)
    assert (np.asarray(s.d_mu) < 0).all()
    assert (np.asarray(s.d_upsilon) < 0).all()
    assert (np.asarray(s.d_own_growth) > 0).all()
    # ... and ω plays no role in any of them
    for field in ("participation", "d_mu", "d_upsilon", "d_own_growth"):
        values = np.asarray(getattr(s, field)).reshape(len(MUS) * len(UPSILONS), len(OMEGAS), n)
        np.testing.assert_allclose(
            values, np.broadcast_to(values[:, :1, :], values.shape), rtol=1e-9, atol=1e-12
        )
    # hand-derived closed form: GVCP_i = T [N / (1 - υ x_i / D) + N - 2]
    d = (n - n * mu + n * mu * up - up)[:, None]
    t = np.asarray(gvc.T(n, mu, up))[:, None]
    x = g / g.mean(axis=1, keepdims=True) - 1
    closed = t * (n / (1 - up[:, None] * x / d) + n - 2)
    np.testing.assert_allclose(s.participation, closed, rtol=1e-9)
    _assert_matches_numpy_fd(ref.closure_given_final_demand, g, pts, s)


@pytest.mark.parametrize("n", NS)
def test_propositions_in_the_papers_reduced_form(n):
    pts = _grid(n)
    mu, up, om = pts.T
    f_abs = np.abs(np.asarray(gvc.f(n, mu, up, om)))
    scale = 1.0 / np.maximum(f_abs, 1.0)  # keeps Ex_k + f·gap > 0
    own, others = 0.6 * scale, 0.1 * scale  # a "major economy": ΔY_{i,k} > mean of the others
    s = _reduced(n)(mu, up, om, np.ones_like(mu), own, others)
    assert bool(s.in_domain.all())
    prop2 = om > 1 / n
    prop4 = om > np.maximum(mu, 1 / n)
    assert (np.asarray(s.d_omega) < 0).all()  # Prop. 1
    assert (np.asarray(s.d_mu)[prop2] < 0).all()  # Prop. 2 above 1/N
    assert (np.asarray(s.d_own_growth)[prop2] > 0).all()  # Prop. 3 above 1/N
    assert (np.asarray(s.d_own_growth)[~prop2] < 0).all()  # ... reversed below
    assert (np.asarray(s.d_upsilon)[prop4] < 0).all()  # Prop. 4 above max(μ, 1/N)


def test_reduced_form_thresholds_bind():
    """Below the thresholds the reduced-form signs can flip (the thresholds are not slack)."""
    s = gvc.sensitivities_paper_reduced_form(2, 0.1, 0.1, 0.3, 1.0, 0.8, 0.0)  # ω < 1/N
    assert float(s.d_mu) > 0
    s = gvc.sensitivities_paper_reduced_form(2, 0.9, 0.5, 0.6, 1.0, 0.64, 0.0)  # 1/N<ω<μ
    assert float(s.d_upsilon) > 0


def _numpy_central_difference(closure, quantity, mu, up, om, which, h=1e-6):
    params = {"mu": mu, "up": up, "om": om}

    def run(delta):
        p = dict(params)
        p[which] = p[which] + delta
        return closure(quantity, p["mu"], p["up"], p["om"])[0]

    return (run(h) - run(-h)) / (2 * h)


def _assert_matches_numpy_fd(closure, quantities, pts, s, every=9):
    """Autodiff sensitivities equal central differences of the independent NumPy MRIO."""
    for k in range(0, len(pts), every):
        mu, up, om = pts[k]
        for which, field in (("mu", "d_mu"), ("up", "d_upsilon"), ("om", "d_omega")):
            fd = _numpy_central_difference(closure, quantities[k], mu, up, om, which)
            np.testing.assert_allclose(getattr(s, field)[k], fd, rtol=1e-5, atol=1e-7)
