"""Building blocks of Melnick (2025): proposals, income gaps, win probability, exit advantage.

Seed 001, "Domestic Inequality, Heterogeneous Redistribution, and the Globalization Backlash".
Scalar, pure JAX functions without domain checks; :mod:`retrench.theory.electoral` validates
parameters, batches them and assembles the equilibrium.

Code name ↔ symbol:

==============  ==========================================================================
``gamma``       γ > 1, size of the globalized economy (the de-globalized economy has size 1)
``lam``         λ ∈ (0, 1), share of globalization losers ℓ (winners w have share 1 − λ)
``alpha``       α_a, winners' status-quo share of income under policy a ∈ {R, E}
``x``           x_d, leader d's ideological bias against redistribution (x_L = 0 < x_H)
``b``           b, salience (density) of the common valence shock β ~ U[−1/(2b), 1/(2b)]
``psi``         Ψ > 0, office benefit
``theta``       θ_da, share of national income proposed for winners
``u``           logit(θ_da), the coordinate the proposal root find works in
``D_w, D_l``    D_j = v(income under L) − v(income under H), v = log (Table 1, Table 2)
``phi``         Φ_d(γ) = EU_d(R) − EU_d(E) (proof of Proposition 2); d remains iff Φ_d > 0
==============  ==========================================================================
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from retrench.theory._roots import RootResult, find_scalar_root

Array = jax.Array

#: Bracket for the proposal root find in logit coordinates: θ ∈ (σ(−60), σ(60)).
PROPOSAL_LOGIT_BRACKET = (-60.0, 60.0)


def proposal_foc_residual(
    theta: Array, lam: Array, alpha: Array, x: Array, b: Array, psi: Array
) -> Array:
    """Proposition 1 as a residual: bΨλ/(1−θ) − bΨ(1−λ)/θ − (x + α − θ).

    Zero at the equilibrium proposal θ*_da; strictly increasing in θ on (0, 1) (its derivative
    is bΨλ/(1−θ)² + bΨ(1−λ)/θ² + 1, the negative of the paper's second-order condition), so the
    root in (0, 1) is unique.
    """
    b_psi = b * psi
    return b_psi * lam / (1.0 - theta) - b_psi * (1.0 - lam) / theta - (x + alpha - theta)


def _scaled_foc_in_logit(u: Array, args: tuple) -> Array:
    """θ(1−θ) × the Proposition 1 residual at θ = σ(u), divided by a scale (sign-preserving).

    Multiplying by θ(1−θ) removes the poles at 0 and 1; 1 − θ is computed as σ(−u) so that
    proposals within 1e-16 of 1 keep full precision. The scale 1 + bΨ + |x + α| keeps the
    slope O(1), so bisection's absolute tolerance on the residual is attainable.
    """
    lam, alpha, x, b, psi = args
    theta = jax.nn.sigmoid(u)
    one_minus = jax.nn.sigmoid(-u)
    b_psi = b * psi
    value = b_psi * (lam - one_minus) - (x + alpha - theta) * theta * one_minus
    return value / (1.0 + b_psi + jnp.abs(x + alpha))


def solve_proposal_logit(lam: Array, alpha: Array, x: Array, b: Array, psi: Array) -> RootResult:
    """logit(θ*_da) by bisection on a fixed bracket, with implicit gradients (Proposition 1).

    Scalar inputs; no domain check (callers validate). ``value`` is u* = log(θ*/(1 − θ*)).
    """
    lower, upper = PROPOSAL_LOGIT_BRACKET
    return find_scalar_root(_scaled_foc_in_logit, lower, upper, (lam, alpha, x, b, psi))


def proposal_cubic_coefficients(
    lam: Array, alpha: Array, x: Array, b: Array, psi: Array
) -> tuple[Array, Array, Array, Array]:
    """Coefficients (c3, c2, c1, c0) of the cubic equivalent to Proposition 1.

    Multiplying the first-order condition by θ(1−θ) gives
    −θ³ + (1 + x + α)θ² + (bΨ − x − α)θ − bΨ(1 − λ) = 0, whose unique root in (0, 1) is θ*.
    Used by tests as a closed-form oracle (``numpy.roots``), not by the solver.
    """
    b_psi = b * psi
    return (-1.0, 1.0 + x + alpha, b_psi - x - alpha, -b_psi * (1.0 - lam))


def log_shares(u: Array) -> tuple[Array, Array]:
    """(log θ, log(1 − θ)) at θ = σ(u), accurate near both ends."""
    return jax.nn.log_sigmoid(u), jax.nn.log_sigmoid(-u)


def log_income_gaps(
    log_size_L: Array, u_L: Array, log_size_H: Array, u_H: Array
) -> tuple[Array, Array]:
    """D_w and D_ℓ (Table 1 incomes, log utility) for proposals θ_L = σ(u_L), θ_H = σ(u_H).

    ``log_size_d`` is log γ if leader d proposes the pro-globalization policy R, 0 if exit E.
    Winners' per-capita income is size·θ/(1−λ) and losers' size·(1−θ)/λ; the group sizes cancel
    in the difference, so D_w = log(size_L θ_L) − log(size_H θ_H) and
    D_ℓ = log(size_L (1−θ_L)) − log(size_H (1−θ_H)).
    """
    log_th_L, log_one_minus_L = log_shares(u_L)
    log_th_H, log_one_minus_H = log_shares(u_H)
    d_w = (log_size_L + log_th_L) - (log_size_H + log_th_H)
    d_l = (log_size_L + log_one_minus_L) - (log_size_H + log_one_minus_H)
    return d_w, d_l


def win_probability(d_w: Array, d_l: Array, lam: Array, b: Array) -> Array:
    """Lemma 1: π = 1/2 + b((1 − λ)D_w + λD_ℓ), the probability that L wins.

    This is a probability only while |(1 − λ)D_w + λD_ℓ| ≤ 1/(2b) (the support of β); the
    formula is returned unclipped, as in the paper, and callers flag values outside [0, 1].
    """
    return 0.5 + b * ((1.0 - lam) * d_w + lam * d_l)


def exit_advantage_parts(
    lam: Array,
    alpha_R: Array,
    alpha_E: Array,
    x: Array,
    u_R: Array,
    u_E: Array,
) -> tuple[Array, Array]:
    """The two γ-free parts of Φ_d: (Q_d, K_d) with Φ_d(γ) = Q_d + bΨ(log γ + K_d).

    Q_d = ½(2x_d + α_E + α_R − θ_dE − θ_dR)(α_E − α_R − θ_dE + θ_dR) (ideological costs) and
    K_d = (1 − λ) log(θ_dR/θ_dE) + λ log((1 − θ_dR)/(1 − θ_dE)) (proof of Proposition 2).
    """
    theta_R, theta_E = jax.nn.sigmoid(u_R), jax.nn.sigmoid(u_E)
    quad = (
        0.5
        * (2.0 * x + alpha_E + alpha_R - theta_E - theta_R)
        * (alpha_E - alpha_R - theta_E + theta_R)
    )
    log_th_R, log_one_minus_R = log_shares(u_R)
    log_th_E, log_one_minus_E = log_shares(u_E)
    logs = (1.0 - lam) * (log_th_R - log_th_E) + lam * (log_one_minus_R - log_one_minus_E)
    return quad, logs


def exit_advantage(
    log_gamma: Array,
    lam: Array,
    alpha_R: Array,
    alpha_E: Array,
    x: Array,
    b: Array,
    psi: Array,
    u_R: Array,
    u_E: Array,
) -> Array:
    """Φ_d(γ) of Proposition 2 at log γ, for proposals θ_dR = σ(u_R), θ_dE = σ(u_E).

    Φ_d = ½(2x_d + α_E + α_R − θ_dE − θ_dR)(α_E − α_R − θ_dE + θ_dR)
          + b(1−λ)Ψ log(γθ_dR/θ_dE) + bλΨ log(γ(1−θ_dR)/(1−θ_dE)).
    Leader d remains (R) iff Φ_d > 0 and exits (E) iff Φ_d ≤ 0; ∂Φ_d/∂γ = bΨ/γ.
    """
    quad, logs = exit_advantage_parts(lam, alpha_R, alpha_E, x, u_R, u_E)
    return quad + b * psi * (log_gamma + logs)


def _scaled_advantage_in_log_gamma(log_gamma: Array, args: tuple) -> Array:
    """Φ_d(γ)/(bΨ) as a function of log γ: slope exactly 1, so the root is well conditioned."""
    quad, logs, b_psi = args
    return quad / b_psi + logs + log_gamma


def solve_log_threshold(
    lam: Array,
    alpha_R: Array,
    alpha_E: Array,
    x: Array,
    b: Array,
    psi: Array,
    u_R: Array,
    u_E: Array,
) -> RootResult:
    """log γ_d, the root of Φ_d in log γ (Proposition 2), by bisection with implicit gradients.

    The bracket ±(|Q_d|/(bΨ) + |K_d| + 1) bounds the root because Φ_d/(bΨ) has slope one in
    log γ. The closed form log γ_d = −Q_d/(bΨ) − K_d is the tests' oracle.
    """
    quad, logs = exit_advantage_parts(lam, alpha_R, alpha_E, x, u_R, u_E)
    b_psi = b * psi
    half_width = jax.lax.stop_gradient(jnp.abs(quad) / b_psi + jnp.abs(logs) + 1.0)
    return find_scalar_root(
        _scaled_advantage_in_log_gamma, -half_width, half_width, (quad, logs, b_psi)
    )
