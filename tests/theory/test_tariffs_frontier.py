"""DeRemer (2023): eq. 6 solved along the Pareto frontier, and Figure 1's curves.

Expected values come from ``benchmarks/baselines/tariffs_scipy.py`` (hand derivatives of eq. 1,
written from the paper) and a multi-start ``scipy.optimize.fsolve``, never from the code under
test.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from benchmarks.baselines.tariffs_scipy import DEFAULT as M
from benchmarks.baselines.tariffs_scipy import _gradients, nash_tariffs_scipy
from scipy.optimize import fsolve

import retrench  # noqa: F401  (x64)
from retrench.theory.tariffs import MarketParams, TariffWeights
from retrench.theory.tariffs_frontier import (
    figure1_curves,
    frontier_tariffs,
    reciprocal_efficient_tariffs_on_frontier,
)

solve_jit = jax.jit(reciprocal_efficient_tariffs_on_frontier, static_argnums=2)


def _ratio(tau, definition):
    if definition == "trade_volume":
        return M.world_price(tau[0]) / M.world_price(tau[1])
    return M.imports(tau[0]) / M.imports(tau[1])


def _eq6(tau, w, definition="terms_of_trade"):
    home, foreign = _gradients(tau, *w, M)
    r = _ratio(tau, definition)
    return np.array([home[0] + home[1] * r, foreign[0] + foreign[1] * r])


def _nonprohibitive(t):
    p_w = M.world_price(t)
    p = p_w + t
    return M.imports(t) > 0 and p_w > 0 and p > 0 and M.a - M.b * p_w > 0 and M.a - M.b * p > 0


def _curvatures(w, lam, h=1e-4):
    """Diagonal of λ H_G + H_G* by central differences of the hand gradients."""
    out = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        gp, fp = _gradients(e, *w, M)
        gm, fm = _gradients(-e, *w, M)
        out.append((lam * (gp[i] - gm[i]) + (fp[i] - fm[i])) / (2 * h))
    return np.array(out)


def scipy_frontier_solutions(w, definition="terms_of_trade"):
    """Every distinct nonprohibitive frontier solution of eq. 6 from a 5×5 grid of starts."""
    found = []
    for x0 in np.linspace(-0.9, 0.16, 5):
        for y0 in np.linspace(-0.9, 0.16, 5):
            sol, _, _, _ = fsolve(
                lambda t: _eq6(t, w, definition), [x0, y0], full_output=True, xtol=1e-13
            )
            if not np.all(np.isfinite(sol)) or np.max(np.abs(_eq6(sol, w, definition))) > 1e-10:
                continue
            if not (_nonprohibitive(sol[0]) and _nonprohibitive(sol[1])):
                continue
            home, foreign = _gradients(sol, *w, M)
            lam = -home @ foreign / (home @ home)
            if not (lam > 0 and np.all(_curvatures(w, lam) < 0)):
                continue
            if all(np.max(np.abs(sol - f)) > 1e-7 for f in found):
                found.append(sol)
    return found


def test_issue_example_weights_have_a_frontier_point():
    """Plain Newton diverges here (τ_y* ≈ −3e156); the frontier solve finds the point that
    fsolve from nearby confirms: (−0.194163, 0.074783), not the issue's rounded (−0.19539,
    0.07480), whose eq. 6 residual is 2.4e-4."""
    w = (1.230, 1.322, 1.127, 1.417)
    sol = reciprocal_efficient_tariffs_on_frontier(TariffWeights(*w))
    assert bool(sol.exists) and bool(sol.converged)
    ref = fsolve(lambda t: _eq6(t, w), [-0.19539, 0.07480], xtol=1e-13)
    np.testing.assert_allclose([sol.tau_x, sol.tau_y_star], ref, atol=1e-10)
    np.testing.assert_allclose(ref, [-0.194163, 0.074783], atol=5e-7)
    assert np.max(np.abs(_eq6(np.array([-0.19539, 0.07480]), w))) > 1e-4


@pytest.mark.parametrize("definition", ["terms_of_trade", "trade_volume"])
def test_finds_a_frontier_point_exactly_where_multistart_scipy_does(definition):
    rng = np.random.default_rng(19)
    draws = rng.uniform(1.0, 1.6, (24, 4))
    sol = solve_jit(TariffWeights(*draws.T), MarketParams(), definition)
    exists = np.asarray(sol.exists)
    assert np.all(np.asarray(sol.converged))
    for i, w in enumerate(draws):
        found = scipy_frontier_solutions(tuple(w), definition)
        assert exists[i] == bool(found), (w, found)
        if found:
            tau = np.array([sol.tau_x[i], sol.tau_y_star[i]])
            assert min(np.max(np.abs(tau - f)) for f in found) < 1e-8
    if definition == "terms_of_trade":
        assert 0 < exists.sum() < len(draws)  # the sample has both cases
    else:
        assert exists.all()


def test_gradient_of_frontier_solution_matches_finite_differences():
    w = np.array([1.3, 1.4, 1.1, 1.2])

    def tau_x(g):
        return reciprocal_efficient_tariffs_on_frontier(TariffWeights(*g)).tau_x

    grad = np.asarray(jax.grad(tau_x)(w))
    h = 1e-6
    fd = []
    for i in range(4):
        e = np.zeros(4)
        e[i] = h
        ref_p = fsolve(lambda t, g=w + e: _eq6(t, tuple(g)), [-0.05, 0.02], xtol=1e-12)
        ref_m = fsolve(lambda t, g=w - e: _eq6(t, tuple(g)), [-0.05, 0.02], xtol=1e-12)
        fd.append((ref_p[0] - ref_m[0]) / (2 * h))
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-7)


# ----------------------------------------------------------------------------- Figure 1


def test_figure1_curves_satisfy_their_defining_equations():
    """S, S*: eq. 6 lines; N, N*: the Nash gain; EF: λ∇G + ∇G* = 0, λ > 0; the stable point on
    S ∩ S* ∩ EF; W solves eq. 6 with the publics' weights (γ_E^W = 1) at higher tariffs."""
    w, w_pub = (1.1, 1.2, 1.1, 1.2), (1.0, 1.2, 1.0, 1.2)
    tau_x = np.linspace(-0.1, 0.15, 11)
    log_lam = np.linspace(-2, 2, 9)
    c = figure1_curves(TariffWeights(*w), TariffWeights(*w_pub), tau_x, log_lam)

    def gains(t, weights):
        home, foreign = _gradients(np.asarray(t), *weights, M)
        r = _ratio(t, "trade_volume")
        return home[0] + home[1] * r, foreign[0] + foreign[1] * r

    nash = nash_tariffs_scipy(*w)
    g_nash = gains(nash, w)
    for i, x in enumerate(tau_x):
        assert abs(gains((x, float(c.S[i])), w)[0]) < 1e-12
        assert abs(gains((x, float(c.S_star[i])), w)[1]) < 1e-12
        assert abs(gains((x, float(c.N[i])), w)[0] - g_nash[0]) < 1e-12
        assert abs(gains((x, float(c.N_star[i])), w)[1] - g_nash[1]) < 1e-12
    for j, s in enumerate(log_lam):
        home, foreign = _gradients(np.array([c.EF_tau_x[j], c.EF_tau_y_star[j]]), *w, M)
        np.testing.assert_allclose(np.exp(s) * home + foreign, 0.0, atol=1e-13)
    np.testing.assert_allclose(c.nash, nash, atol=1e-10)
    np.testing.assert_allclose(c.stable, [0.4 / 39.5] * 2, atol=1e-12)  # eq. 7
    np.testing.assert_allclose(c.public, [1.6 / 40.4] * 2, atol=1e-12)  # eq. 7 with γ^W
    assert np.max(np.abs(_eq6(np.asarray(c.public), w_pub, "trade_volume"))) < 1e-12


def test_frontier_tariffs_move_with_home_weight_as_section4_says():
    w = TariffWeights(1.3, 1.4, 1.1, 1.2)
    tx, ty = frontier_tariffs(w, np.array([0.5, 1.0, 2.0]))
    assert np.all(np.diff(np.asarray(tx)) > 0) and np.all(np.diff(np.asarray(ty)) < 0)
