"""Melnick (2025) appendix extension (reputational cost c of exit) and the Figure 3 path.

Expected values come from ``benchmarks/baselines/electoral_scipy.py`` (Brent's method on the
paper's Φ_d + c, written without retrench), never from the code under test.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from benchmarks.baselines.electoral_scipy import (
    equilibrium_scipy,
    phi_scipy,
    proposal_scipy,
)
from scipy.optimize import brentq

import retrench  # noqa: F401  (x64)
from retrench.theory.electoral import ElectoralParams, equilibrium
from retrench.theory.electoral_reputation import (
    equilibrium_with_reputational_cost,
    exit_threshold_with_reputational_cost,
    realignment_path,
)

eq_jit = jax.jit(equilibrium)
eq_cost_jit = jax.jit(equilibrium_with_reputational_cost)
threshold_jit = jax.jit(exit_threshold_with_reputational_cost, static_argnums=1)
path_jit = jax.jit(realignment_path)
dthreshold_dcost = jax.jit(jax.grad(lambda c, q: exit_threshold_with_reputational_cost(q, "H", c)))

APPENDIX = ElectoralParams(gamma=1.05, lam=0.5, alpha_R=0.7, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125)


def _points(n=12, seed=3):
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.1, 0.9, n)
    alpha_R = rng.uniform(1 - lam + 0.01, 0.99)
    return ElectoralParams(
        gamma=np.exp(rng.uniform(0.005, 0.3, n)),
        lam=lam,
        alpha_R=alpha_R,
        alpha_E=rng.uniform(0.1, 0.9, n) * alpha_R,
        b=np.exp(rng.uniform(-1, 1, n)),
        psi=np.exp(rng.uniform(-1, 1, n)),
        x_H=np.exp(rng.uniform(-3, 0, n)),
    )


def _threshold_with_cost_scipy(p: ElectoralParams, i: int, leader: str, cost: float) -> float:
    args = [float(np.asarray(v)[i]) for v in p]
    _, lam, a_r, a_e, b, psi, x_h = args
    x = 0.0 if leader == "L" else x_h
    th_r, th_e = proposal_scipy(lam, a_r, x, b, psi), proposal_scipy(lam, a_e, x, b, psi)

    def z(g):
        return phi_scipy(g, lam, a_r, a_e, x, b, psi, th_r, th_e) + cost

    return brentq(z, 1e-6, 1e6, xtol=1e-14, rtol=1e-15)


@pytest.mark.parametrize("cost", [0.0, 0.02, 0.1])
def test_threshold_with_cost_is_the_root_of_phi_plus_c(cost):
    p = _points()
    for leader in ("L", "H"):
        got = np.asarray(threshold_jit(p, leader, cost))
        want = [_threshold_with_cost_scipy(p, i, leader, cost) for i in range(len(p.lam))]
        np.testing.assert_allclose(got, want, rtol=1e-9)
    g_l = np.asarray(threshold_jit(p, "L", cost))
    g_h = np.asarray(threshold_jit(p, "H", cost))
    assert np.all(g_l <= g_h)  # Proposition 2's ordering survives


def test_cost_lowers_thresholds_at_rate_gamma_over_b_psi():
    """∂γ_H/∂c = −γ_H(c)/(bΨ) < 0 (appendix: ∂γ_H/∂c ≤ 0), against finite differences of the
    SciPy thresholds."""
    p = _points(4)
    for i in range(4):
        pi = ElectoralParams(*(float(np.asarray(v)[i]) for v in p))
        grad = float(dthreshold_dcost(0.05, pi))
        h = 1e-6
        fd = (
            _threshold_with_cost_scipy(p, i, "H", 0.05 + h)
            - _threshold_with_cost_scipy(p, i, "H", 0.05 - h)
        ) / (2 * h)
        assert grad < 0
        assert grad == pytest.approx(fd, rel=1e-6)


def test_cost_leaves_proposals_unchanged_and_zero_cost_is_the_base_model():
    p = _points()
    base = eq_jit(p)
    with_cost = eq_cost_jit(p, 0.05)
    zero = eq_cost_jit(p, 0.0)
    for name in ("theta_LR", "theta_LE", "theta_HR", "theta_HE"):
        np.testing.assert_array_equal(getattr(with_cost, name), getattr(base, name))
    for name in ("exit_L", "exit_H", "D_w", "D_l", "pi_L", "phi_H"):
        np.testing.assert_allclose(getattr(zero, name), getattr(base, name), atol=1e-14)


@pytest.mark.parametrize("cost", [0.005, 0.03])
def test_equilibrium_with_cost_matches_scipy_decisions_and_vote_gaps(cost):
    p = _points(12, seed=5)
    eq = eq_cost_jit(p, cost)
    for i in range(12):
        args = {k: float(np.asarray(v)[i]) for k, v in p._asdict().items()}
        ref = equilibrium_scipy(**args)
        ex_l, ex_h = ref["phi_L"] + cost <= 0, ref["phi_H"] + cost <= 0
        assert bool(eq.exit_L[i]) == ex_l and bool(eq.exit_H[i]) == ex_h
        size_l = 1.0 if ex_l else args["gamma"]
        size_h = 1.0 if ex_h else args["gamma"]
        th_l = ref["theta_LE"] if ex_l else ref["theta_LR"]
        th_h = ref["theta_HE"] if ex_h else ref["theta_HR"]
        assert float(eq.D_w[i]) == pytest.approx(np.log(size_l * th_l / (size_h * th_h)), abs=1e-10)
        assert float(eq.D_l[i]) == pytest.approx(
            np.log(size_l * (1 - th_l) / (size_h * (1 - th_h))), abs=1e-10
        )


def test_realignment_still_exists_with_a_cost_at_higher_inequality():
    """Proposition 3 with c = 0.01 at the appendix parameters: the crossing γ_H(α_R) = 1.05 moves
    up from α_R ≈ 0.7248 but the realignment (H exits, D_w and D_ℓ change sign) still occurs."""
    grid = np.linspace(0.70, 0.80, 401)
    path0 = path_jit(APPENDIX, grid, 0.0)
    path = path_jit(APPENDIX, grid, 0.01)
    first0 = grid[np.argmax(np.asarray(path0.exit_H))]
    first = grid[np.argmax(np.asarray(path.exit_H))]
    assert 0.72 < first0 < 0.73 and first > first0
    k = int(np.argmax(np.asarray(path.exit_H)))
    assert not bool(path.exit_L[k])
    assert float(path.D_w[k - 1]) < 0 < float(path.D_w[k])
    assert float(path.D_l[k - 1]) > 0 > float(path.D_l[k])


def test_figure3_three_regimes_along_alpha_R():
    """Figure 3 at the appendix parameters: both remain (D_w < 0 < D_ℓ), H exits only
    (D_w > 0 > D_ℓ), both exit (D_w < 0 < D_ℓ); switches near α_R = 0.7248 and 0.8629."""
    grid = np.linspace(0.55, 0.95, 401)
    path = path_jit(APPENDIX, grid)
    ex_l, ex_h = np.asarray(path.exit_L), np.asarray(path.exit_H)
    d_w, d_l = np.asarray(path.D_w), np.asarray(path.D_l)
    both_in, only_h, both_out = ~ex_h & ~ex_l, ex_h & ~ex_l, ex_h & ex_l
    assert both_in.any() and only_h.any() and both_out.any()
    assert np.all(d_w[both_in] < 0) and np.all(d_l[both_in] > 0)
    assert np.all(d_w[only_h] > 0) and np.all(d_l[only_h] < 0)
    assert np.all(d_w[both_out] < 0) and np.all(d_l[both_out] > 0)
    assert grid[only_h].min() == pytest.approx(0.7248, abs=1.5e-3)
    assert grid[both_out].min() == pytest.approx(0.8629, abs=1.5e-3)
