"""The structural block of the electoral design against the theory layer and independent algebra."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from retrench.bayes import electoral_structure as es
from retrench.data.simulate_electoral import ElectoralTruth, congress_outcomes
from retrench.theory.electoral import ElectoralParams, equilibrium, exit_threshold

GRID = [
    (lam, alpha, x, b_psi)
    for lam in (0.3, 0.5, 0.7)
    for alpha in (0.35, 0.6, 0.9)
    for x in (0.0, 0.15, 0.6)
    for b_psi in (0.3, 1.0, 3.0)
]


def cubic_root(lam, alpha, x, b_psi) -> float:
    """Proposition 1 times θ(1 − θ): −θ³ + (1 + x + α)θ² + (bΨ − x − α)θ − bΨ(1 − λ) = 0
    (hand algebra), its unique root in (0, 1) by numpy.roots."""
    roots = np.roots([-1.0, 1 + x + alpha, b_psi - x - alpha, -b_psi * (1 - lam)])
    real = roots[np.abs(roots.imag) < 1e-9].real
    inside = real[(real > 0) & (real < 1)]
    assert inside.size == 1
    return float(inside[0])


def test_proposals_solve_the_cubic_of_proposition_1():
    lam, alpha, x, b_psi = (np.array(v) for v in zip(*GRID, strict=True))
    u, ok = es.proposal_logits(jnp.asarray(lam), alpha, x, jnp.asarray(b_psi))
    expected = [cubic_root(*row) for row in GRID]
    assert bool(jnp.all(ok))
    np.testing.assert_allclose(jax.nn.sigmoid(u), expected, atol=1e-10)


def test_proposal_gradients_match_finite_differences():
    def theta(params):
        lam, alpha, x, b_psi = params
        return jax.nn.sigmoid(es.proposal_logits(lam, alpha, x, b_psi)[0])

    point = jnp.array([0.45, 0.7, 0.2, 0.8])
    grad = jax.grad(theta)(point)
    eps = 1e-6
    for i in range(4):
        step = jnp.zeros(4).at[i].set(eps)
        fd = (theta(point + step) - theta(point - step)) / (2 * eps)
        assert float(grad[i]) == pytest.approx(float(fd), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("alpha_R", [0.62, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("x_H", [0.05, 0.125, 0.5])
def test_closed_form_thresholds_equal_the_theory_bisection(alpha_R, x_H):
    p = ElectoralParams(1.05, 0.5, alpha_R, 0.4, 1.0, 1.0, x_H)
    eq = es.congress_equilibrium(jnp.log(1.05), 0.5, jnp.array([alpha_R]), 0.4, x_H, 1.0, 1.0, 0.01)
    assert float(jnp.exp(eq.log_gamma_L[0])) == pytest.approx(
        float(exit_threshold(p, "L")), rel=1e-9
    )
    assert float(jnp.exp(eq.log_gamma_H[0])) == pytest.approx(
        float(exit_threshold(p, "H")), rel=1e-9
    )


def test_small_noise_reproduces_the_equilibrium_decisions_and_vote_gaps():
    alpha_R = jnp.array([0.62, 0.70, 0.71, 0.75, 0.8, 0.9])
    p = ElectoralParams(1.05, 0.5, alpha_R, 0.4, 1.0, 1.0, 0.125)
    eq_theory = equilibrium(p)
    eq = es.congress_equilibrium(jnp.log(1.05), 0.5, alpha_R, 0.4, 0.125, 1.0, 1.0, 1e-6)
    np.testing.assert_array_equal(np.asarray(eq.p_exit_L) > 0.5, np.asarray(eq_theory.exit_L))
    np.testing.assert_array_equal(np.asarray(eq.p_exit_H) > 0.5, np.asarray(eq_theory.exit_H))
    np.testing.assert_allclose(eq.D_w, eq_theory.D_w, atol=1e-9)
    np.testing.assert_allclose(eq.D_l, eq_theory.D_l, atol=1e-9)
    np.testing.assert_allclose(eq.phi_H, eq_theory.phi_H, atol=1e-10)


def test_expected_gaps_agree_with_the_simulators_numpy_mixture():
    truth = ElectoralTruth()
    out = congress_outcomes(truth)
    eq = es.congress_equilibrium(
        jnp.log(truth.gamma), truth.lam, jnp.asarray(truth.alpha_R), truth.alpha_E, truth.x_H,
        truth.b, truth.psi, truth.qr_scale,
    )  # fmt: skip
    np.testing.assert_allclose(eq.p_exit_H, out.p_exit_H, atol=1e-10)
    np.testing.assert_allclose(eq.D_w, out.D_w, atol=1e-10)
    np.testing.assert_allclose(eq.D_l, out.D_l, atol=1e-10)


def test_alpha_R_transform_stays_in_the_domain():
    z = jnp.linspace(-30, 30, 61)
    for lam, alpha_E in ((0.3, 0.4), (0.6, 0.2), (0.5, 0.5)):
        a = es.alpha_R_from_logit(z, lam, alpha_E)
        assert bool(jnp.all(a > max(1 - lam, alpha_E) - 1e-15)) and bool(jnp.all(a <= 1.0))


def test_exposure_slope_sign_follows_the_loser_winner_gap():
    # Republicans = H (sign −1): losers backing L (D_ℓ > D_w) make exposed districts less
    # Republican; after a realignment (D_ℓ < D_w) the slope turns positive.
    before = es.exposure_slope(1.0, 0.5, 0.5, -0.05, 0.06, -1.0)
    after = es.exposure_slope(1.0, 0.5, 0.5, 0.10, -0.03, -1.0)
    assert float(before) == pytest.approx(-100 * 0.11 * 0.5 * 0.25)
    assert float(after) > 0


@pytest.mark.parametrize("lam, alpha_E", [(0.3, 0.4), (0.6, 0.2), (0.5, 0.5), (0.47, 0.53)])
def test_smooth_alpha_R_floor_bounds_the_hard_max_from_above(lam, alpha_E):
    hard = max(1 - lam, alpha_E)
    width = 0.01
    floor = float(es.alpha_R_floor(lam, alpha_E, width))
    # w·log(e^{a/w} + e^{e/w}) lies in [max, max + w log 2] (hand algebra)
    assert hard <= floor <= hard + width * np.log(2) + 1e-15
    a = es.alpha_R_from_logit(jnp.linspace(-30, 30, 61), lam, alpha_E, width)
    assert bool(jnp.all(a > hard)) and bool(jnp.all(a <= 1.0))


def test_smooth_alpha_R_floor_has_a_continuous_gradient_at_the_kink():
    # the hard max jumps from d/dλ = −1 to 0 where 1 − λ = α_E; the smooth floor passes −½ there
    grad = jax.grad(lambda lam: es.alpha_R_floor(lam, 0.5, 0.01))
    assert float(grad(0.5)) == pytest.approx(-0.5, abs=1e-12)
    left, right = float(grad(0.5 - 1e-4)), float(grad(0.5 + 1e-4))
    assert abs(left - right) < 0.01
    hard = jax.grad(lambda lam: jnp.maximum(1 - lam, 0.5))
    assert abs(float(hard(0.5 - 1e-4)) - float(hard(0.5 + 1e-4))) == pytest.approx(1.0)
