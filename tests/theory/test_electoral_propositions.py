"""Melnick (2025), seed 001: Lemma 1, Propositions 1-3 and Corollaries 1-3 on parameter grids.

Expected values come from the paper's statements, hand algebra, ``numpy.roots`` of the cubic
equivalent to Proposition 1, or a Monte Carlo simulation of the voting model, never from the
code under test.
"""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import retrench  # noqa: F401  (x64)
from retrench.theory import electoral_primitives as prim
from retrench.theory.electoral import (
    ElectoralParams,
    equilibrium,
    exit_threshold,
    proposal,
)

LAMS = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
ALPHAS = np.array([0.0, 0.2, 0.45, 0.7, 0.95, 1.0])
BIASES = np.array([0.0, 0.05, 0.3, 1.0, 3.0])
B_PSI = np.array([0.02, 0.3, 1.0, 5.0, 50.0])
N_GRID = 400  # one shape for every equilibrium grid, so jit compiles once per module

eq_jit = jax.jit(equilibrium)
threshold_jit = jax.jit(exit_threshold, static_argnums=1)
proposal_jit = jax.jit(proposal)


def proposal_grid() -> tuple[np.ndarray, ...]:
    """All combinations of (lam, alpha, x, b) with psi = 1 (only bΨ enters Proposition 1)."""
    grid = np.array(list(itertools.product(LAMS, ALPHAS, BIASES, B_PSI)))
    return tuple(grid.T)


def equilibrium_grid(n: int = N_GRID, seed: int = 1) -> ElectoralParams:
    """Random in-domain parameter points spread over the whole domain."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.05, 0.95, n)
    alpha_R = rng.uniform(1 - lam + 1e-3, 1.0)
    alpha_E = rng.uniform(0.0, 1.0, n) * alpha_R
    return ElectoralParams(
        gamma=np.exp(rng.uniform(0.001, 0.5, n)),
        lam=lam,
        alpha_R=alpha_R,
        alpha_E=alpha_E,
        b=np.exp(rng.uniform(-2.5, 1.5, n)),
        psi=np.exp(rng.uniform(-1.5, 1.5, n)),
        x_H=np.exp(rng.uniform(-5, 1, n)),
    )


# ---------------------------------------------------------------------------------------------
# Proposition 1
# ---------------------------------------------------------------------------------------------


def test_proposition1_first_order_condition_holds_on_grid():
    lam, alpha, x, b = proposal_grid()
    theta = np.asarray(proposal_jit(lam, alpha, x, b, 1.0))
    assert np.all((theta > 0) & (theta < 1))
    lhs = b * lam / (1 - theta)
    rhs = b * (1 - lam) / theta + (x + alpha - theta)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-8, atol=1e-9)


def test_proposition1_second_order_condition_is_negative():
    lam, alpha, x, b = proposal_grid()
    theta = np.asarray(proposal_jit(lam, alpha, x, b, 1.0))
    soc = -1 - b * ((1 - lam) / theta**2 + lam / (1 - theta) ** 2)
    assert np.all(soc < 0)


def test_proposition1_matches_numpy_roots_of_the_cubic():
    """Hand algebra: θ(1−θ)·FOC is −θ³ + (1+x+α)θ² + (bΨ−x−α)θ − bΨ(1−λ) = 0."""
    lam, alpha, x, b = proposal_grid()
    theta = np.asarray(proposal_jit(lam, alpha, x, b, 1.0))
    for i in range(0, lam.size, 7):
        k = x[i] + alpha[i]
        roots = np.roots([-1.0, 1.0 + k, b[i] - k, -b[i] * (1 - lam[i])])
        real = roots[np.abs(roots.imag) < 1e-9].real
        inside = real[(real > 0) & (real < 1)]
        assert inside.size == 1, "the cubic has exactly one root in (0, 1)"
        np.testing.assert_allclose(theta[i], inside[0], rtol=1e-8, atol=1e-10)


def test_proposal_cubic_coefficients_are_the_hand_derived_ones():
    c = prim.proposal_cubic_coefficients(0.3, 0.6, 0.2, 2.0, 1.5)
    np.testing.assert_allclose(c, (-1.0, 1.8, 3.0 - 0.8, -3.0 * 0.7))


@pytest.mark.parametrize("lam", [0.2, 0.45, 0.6, 0.85])
def test_unbiased_leader_keeps_status_quo_when_it_equals_population_share(lam):
    """Hand algebra: with x = 0 and α = 1 − λ, θ = α solves Proposition 1 for every bΨ."""
    b = np.array([0.01, 0.5, 1.0, 20.0])
    theta = np.asarray(proposal_jit(lam, 1 - lam, 0.0, b, 1.0))
    np.testing.assert_allclose(theta, 1 - lam, atol=1e-9)


def test_half_share_when_hand_condition_holds():
    """Hand algebra: θ = 1/2 solves Proposition 1 iff x + α − 1/2 = 2bΨ(2λ − 1)."""
    lam = np.array([0.6, 0.7, 0.55, 0.8])
    b = np.array([1.0, 0.25, 2.0, 0.1])
    alpha = np.array([0.4, 0.6, 0.3, 0.5])
    x = 0.5 + 2 * b * (2 * lam - 1) - alpha
    theta = np.asarray(proposal_jit(lam, alpha, x, b, 1.0))
    np.testing.assert_allclose(theta, 0.5, atol=1e-9)


def test_no_ideological_cost_limit_gives_population_share():
    """Text after Corollary 1: without ideological costs θ* = 1 − λ (limit bΨ → ∞)."""
    lam = np.array([0.2, 0.5, 0.8, 0.95])
    theta = np.asarray(proposal_jit(lam, 0.9, 0.5, 1e8, 1.0))
    np.testing.assert_allclose(theta, 1 - lam, atol=1e-7)


def test_proposals_exceed_population_share_iff_status_quo_does():
    """Text after Corollary 1 says θ* > 1 − λ; that holds exactly when x_d + α_a > 1 − λ."""
    lam, alpha, x, b = proposal_grid()
    theta = np.asarray(proposal_jit(lam, alpha, x, b, 1.0))
    above = x + alpha > 1 - lam + 1e-9
    below = x + alpha < 1 - lam - 1e-9
    assert np.all(theta[above] > 1 - lam[above])
    assert np.all(theta[below] < 1 - lam[below])
    assert below.any(), "the grid contains the paper's own θ_LE case (α_E < 1 − λ)"


# ---------------------------------------------------------------------------------------------
# Corollaries 1 and 2
# ---------------------------------------------------------------------------------------------


def test_corollary1_low_bias_leader_redistributes_more():
    eq = eq_jit(equilibrium_grid())
    assert np.all(np.asarray(eq.theta_LR) < np.asarray(eq.theta_HR))
    assert np.all(np.asarray(eq.theta_LE) < np.asarray(eq.theta_HE))


def test_corollary2_proposals_increase_in_alpha_R():
    p = equilibrium_grid()
    eq = eq_jit(p)
    step = 1e-3 * (1 - np.asarray(p.alpha_R))
    eq_up = eq_jit(p._replace(alpha_R=p.alpha_R + step))
    assert np.all(np.asarray(eq_up.theta_LR) > np.asarray(eq.theta_LR))
    assert np.all(np.asarray(eq_up.theta_HR) > np.asarray(eq.theta_HR))
    np.testing.assert_array_equal(eq_up.theta_LE, eq.theta_LE)


# ---------------------------------------------------------------------------------------------
# Proposition 2 and Corollary 3
# ---------------------------------------------------------------------------------------------


def _phi_by_hand(p, theta_R, theta_E, x):
    """Φ_d(γ) typed from the proof of Proposition 2 (NumPy)."""
    quad = 0.5 * (2 * x + p.alpha_E + p.alpha_R - theta_E - theta_R)
    quad = quad * (p.alpha_E - p.alpha_R - theta_E + theta_R)
    b_psi = p.b * p.psi
    return (
        quad
        + b_psi * (1 - p.lam) * np.log(p.gamma * theta_R / theta_E)
        + b_psi * p.lam * np.log(p.gamma * (1 - theta_R) / (1 - theta_E))
    )


def test_phi_matches_hand_formula_and_exit_rule():
    p = equilibrium_grid()
    eq = eq_jit(p)
    phi_L = _phi_by_hand(p, np.asarray(eq.theta_LR), np.asarray(eq.theta_LE), 0.0)
    phi_H = _phi_by_hand(p, np.asarray(eq.theta_HR), np.asarray(eq.theta_HE), p.x_H)
    np.testing.assert_allclose(eq.phi_L, phi_L, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(eq.phi_H, phi_H, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(eq.exit_L, phi_L <= 0)
    np.testing.assert_array_equal(eq.exit_H, phi_H <= 0)


def test_proposition2_thresholds_are_ordered_and_separate_exit_from_remain():
    p = equilibrium_grid()
    eq = eq_jit(p)
    log_gL, log_gH = np.asarray(eq.log_gamma_L), np.asarray(eq.log_gamma_H)
    assert np.all(log_gL <= log_gH)
    log_gamma = np.log(p.gamma)
    clear = np.minimum(np.abs(log_gamma - log_gL), np.abs(log_gamma - log_gH)) > 1e-9
    np.testing.assert_array_equal(np.asarray(eq.exit_L)[clear], (log_gamma <= log_gL)[clear])
    np.testing.assert_array_equal(np.asarray(eq.exit_H)[clear], (log_gamma <= log_gH)[clear])
    assert not np.any(np.asarray(eq.exit_L) & ~np.asarray(eq.exit_H)), "L exits only if H does"


def test_threshold_equals_closed_form():
    """Φ_d is affine in log γ with slope bΨ, so log γ_d = −Q_d/(bΨ) − K_d (hand algebra)."""
    p = equilibrium_grid()
    eq = eq_jit(p)
    b_psi = p.b * p.psi
    for d, x in (("L", 0.0), ("H", p.x_H)):
        th_R = np.asarray(getattr(eq, f"theta_{d}R"))
        th_E = np.asarray(getattr(eq, f"theta_{d}E"))
        q = 0.5 * (2 * x + p.alpha_E + p.alpha_R - th_E - th_R)
        q = q * (p.alpha_E - p.alpha_R - th_E + th_R)
        k = (1 - p.lam) * np.log(th_R / th_E) + p.lam * np.log((1 - th_R) / (1 - th_E))
        np.testing.assert_allclose(getattr(eq, f"log_gamma_{d}"), -q / b_psi - k, atol=1e-9)
        gamma_d = np.asarray(threshold_jit(p, d))
        np.testing.assert_allclose(gamma_d, np.exp(-q / b_psi - k), rtol=1e-9)


def test_gamma_H_increases_in_x_H_and_meets_gamma_L_as_x_H_vanishes():
    base = equilibrium_grid(seed=3)
    x_grid = np.array([1e-8, 0.01, 0.1, 0.5, 2.0])
    thr = threshold_jit
    g_L = np.asarray(thr(base, "L"))
    previous = None
    for x in x_grid:
        g_H = np.asarray(thr(base._replace(x_H=np.full_like(base.x_H, x)), "H"))
        np.testing.assert_allclose(np.asarray(thr(base._replace(x_H=np.full(N_GRID, x)), "L")), g_L)
        if previous is None:
            np.testing.assert_allclose(g_H, g_L, rtol=1e-6)
        else:
            assert np.all(g_H > previous)
        previous = g_H


# ---------------------------------------------------------------------------------------------
# Derivatives claimed in the proofs (Corollaries 2-3, Proposition 2), from one shared Jacobian
# ---------------------------------------------------------------------------------------------

GAMMA, LAM, ALPHA_R, ALPHA_E, B, PSI, X_H = range(7)
OUTPUTS = ("theta_LR", "theta_HR", "phi_L", "phi_H", "log_gamma_L", "log_gamma_H")


def _selected_outputs(v: jax.Array) -> jax.Array:
    eq = equilibrium(ElectoralParams(*v))
    return jnp.stack([getattr(eq, name) for name in OUTPUTS])


@pytest.fixture(scope="module")
def jacobian_on_grid() -> tuple[ElectoralParams, object, dict[str, np.ndarray]]:
    """(params, equilibrium, {output: d output / d params (n × 7)}) on one grid."""
    p = equilibrium_grid(seed=5)
    jac = np.asarray(jax.jit(jax.vmap(jax.jacrev(_selected_outputs)))(np.stack(p, axis=1)))
    return p, eq_jit(p), {name: jac[:, i, :] for i, name in enumerate(OUTPUTS)}


def _hand_slope(theta: np.ndarray, p: ElectoralParams) -> np.ndarray:
    """Implicit differentiation by hand: dθ/dα = dθ/dx = 1/(1 + bΨ(λ/(1−θ)² + (1−λ)/θ²))."""
    return 1 / (1 + p.b * p.psi * (p.lam / (1 - theta) ** 2 + (1 - p.lam) / theta**2))


def test_corollary2_slopes_equal_hand_derivative_in_zero_one(jacobian_on_grid):
    p, eq, jac = jacobian_on_grid
    for d in ("L", "H"):
        expected = _hand_slope(np.asarray(getattr(eq, f"theta_{d}R")), p)
        np.testing.assert_allclose(jac[f"theta_{d}R"][:, ALPHA_R], expected, rtol=1e-6)
        assert np.all((expected > 0) & (expected < 1))
    np.testing.assert_allclose(jac["theta_HR"][:, X_H], jac["theta_HR"][:, ALPHA_R], rtol=1e-8)
    np.testing.assert_allclose(jac["theta_LR"][:, X_H], 0.0, atol=1e-14)


def test_phi_slope_in_gamma_is_b_psi_over_gamma(jacobian_on_grid):
    p, _, jac = jacobian_on_grid
    for d in ("L", "H"):
        np.testing.assert_allclose(jac[f"phi_{d}"][:, GAMMA], p.b * p.psi / p.gamma, rtol=1e-8)


def test_envelope_derivative_of_phi_H_in_x_H(jacobian_on_grid):
    """Proof of Proposition 2: dΦ_H/dx_H = α_E − α_R − θ_HE + θ_HR ≤ 0, so γ_H rises in x_H."""
    p, eq, jac = jacobian_on_grid
    expected = p.alpha_E - p.alpha_R - np.asarray(eq.theta_HE) + np.asarray(eq.theta_HR)
    assert np.all(expected <= 0)
    np.testing.assert_allclose(jac["phi_H"][:, X_H], expected, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(
        jac["log_gamma_H"][:, X_H], -expected / (p.b * p.psi), rtol=1e-6, atol=1e-10
    )
    np.testing.assert_allclose(jac["log_gamma_L"][:, X_H], 0.0, atol=1e-12)


def test_corollary3_thresholds_increase_in_alpha_R_with_envelope_slope(jacobian_on_grid):
    """dγ_d/dα_R = −(∂Φ_d/∂α_R)/(∂Φ_d/∂γ) with ∂Φ_d/∂α_R = θ_dR − α_R − x_d < 0."""
    p, eq, jac = jacobian_on_grid
    for d, x in (("L", 0.0), ("H", p.x_H)):
        dphi_dalpha = np.asarray(getattr(eq, f"theta_{d}R")) - p.alpha_R - x
        assert np.all(dphi_dalpha < 0)
        np.testing.assert_allclose(jac[f"phi_{d}"][:, ALPHA_R], dphi_dalpha, rtol=1e-6, atol=1e-10)
        expected = -dphi_dalpha / (p.b * p.psi)  # d log γ_d / dα_R
        np.testing.assert_allclose(jac[f"log_gamma_{d}"][:, ALPHA_R], expected, rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# Lemma 1 and Proposition 3
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("d_w", "d_l", "lam", "b"), [(0.1, -0.2, 0.4, 1.0), (-0.3, 0.5, 0.7, 0.6)])
def test_lemma1_against_monte_carlo_of_the_voting_model(d_w, d_l, lam, b):
    """Simulate β ~ U[−1/(2b), 1/(2b)], μ_i ~ U[−1/(2m), 1/(2m)]; L wins with vote share ≥ 1/2."""
    rng = np.random.default_rng(7)
    m = 0.8
    beta = rng.uniform(-1 / (2 * b), 1 / (2 * b), 200_000)
    share_w = np.clip(0.5 + m * (d_w + beta), 0, 1)  # P(μ_i ≥ −D_w − β)
    share_l = np.clip(0.5 + m * (d_l + beta), 0, 1)
    wins = (1 - lam) * share_w + lam * share_l >= 0.5
    expected = float(prim.win_probability(d_w, d_l, lam, b))
    assert abs(wins.mean() - expected) < 4 * np.sqrt(0.25 / beta.size)


def test_vote_alignment_in_the_regimes_of_figure3():
    """Both remain or both exit: winners favour H (D_w < 0) and losers favour L (D_ℓ > 0)."""
    p = equilibrium_grid(seed=11)
    eq = eq_jit(p)
    exit_L, exit_H = np.asarray(eq.exit_L), np.asarray(eq.exit_H)
    same = exit_L == exit_H
    assert same.sum() > 100
    assert np.all(np.asarray(eq.D_w)[same] < 0)
    assert np.all(np.asarray(eq.D_l)[same] > 0)
    lam, d_w, d_l = p.lam, np.asarray(eq.D_w), np.asarray(eq.D_l)
    np.testing.assert_allclose(eq.pi_L, 0.5 + p.b * ((1 - lam) * d_w + lam * d_l), rtol=1e-12)


def test_proposition3_realignment_exists_at_printed_parameters():
    """Raise α_R across the point where γ_H = γ = 1.05 (λ = .5, α_E = .4, b = Ψ = 1, x_H = .125).

    The crossing (α_R ≈ 0.7248 under the model's equations) is located with the hand closed form
    of γ_H built from ``numpy.roots`` proposals, independently of the code under test.
    """

    def theta(alpha, x):
        roots = np.roots([-1.0, 1.0 + x + alpha, 1.0 - x - alpha, -0.5])
        real = roots[np.abs(roots.imag) < 1e-9].real
        return real[(real > 0) & (real < 1)][0]

    def log_gamma_H(alpha_R):
        th_R, th_E = theta(alpha_R, 0.125), theta(0.4, 0.125)
        q = 0.5 * (0.25 + 0.4 + alpha_R - th_E - th_R) * (0.4 - alpha_R - th_E + th_R)
        return -q - 0.5 * np.log(th_R / th_E) - 0.5 * np.log((1 - th_R) / (1 - th_E))

    grid = np.linspace(0.70, 0.75, 501)
    crossing = grid[np.argmax(np.array([log_gamma_H(a) for a in grid]) > np.log(1.05))]
    assert 0.72 < crossing < 0.73
    base = ElectoralParams(1.05, 0.5, 0.7, 0.4, 1.0, 1.0, 0.125)
    before = equilibrium(base._replace(alpha_R=crossing - 0.002))
    after = equilibrium(base._replace(alpha_R=crossing + 0.002))
    assert not bool(before.exit_H) and not bool(before.exit_L)
    assert bool(after.exit_H) and not bool(after.exit_L)
    assert float(before.D_w) < 0 < float(after.D_w)
    assert float(before.D_l) > 0 > float(after.D_l)
