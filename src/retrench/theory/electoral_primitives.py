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

from retrench.theory._roots import RootResult, find_scalar_root_newton

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

    Multiplying by θ(1−θ) removes the poles at 0 and 1; 1 − θ is computed as σ(−u)
    (:func:`shares`) so that proposals within 1e-16 of 1 keep full precision. The scale
    1 + bΨ + |x + α| keeps the slope O(1), so the absolute tolerance on the residual is
    attainable.
    """
    lam, alpha, x, b, psi = args
    theta, one_minus = shares(u)
    b_psi = b * psi
    value = b_psi * (lam - one_minus) - (x + alpha - theta) * theta * one_minus
    return value / (1.0 + b_psi + jnp.abs(x + alpha))


def proposal_logit_guess(lam: Array, alpha: Array, x: Array, b: Array, psi: Array) -> Array:
    """logit of the root in (0, 1) of Proposition 1's cubic, by the trigonometric formula.

    The monic cubic θ³ − (1 + s)θ² − (bΨ − s)θ + bΨ(1 − λ), s = x + α, is positive at 0,
    negative at 1 (value −bΨλ) and tends to ±∞ at ±∞, so it has three real roots, one in each of
    (−∞, 0), (0, 1) and (1, ∞); θ* is the middle one, k = 1 in Viète's formula
    t_k = 2√(−p/3) cos(⅓ arccos(3q/(2p) √(−3/p)) − 2πk/3) for the depressed cubic t³ + pt + q.
    Rounding (cancellation when bΨ is large, θ* within 1e-16 of 0 or 1) makes it a starting
    point, not the answer: the Newton solve polishes it. Returned clipped to the bracket.
    """
    s = x + alpha
    b_psi = b * psi
    a2, a1, a0 = -(1.0 + s), -(b_psi - s), b_psi * (1.0 - lam)
    p = a1 - a2 * a2 / 3.0
    q = 2.0 * a2**3 / 27.0 - a2 * a1 / 3.0 + a0
    neg_p = jnp.maximum(-p, 1e-300)
    cos_arg = jnp.clip(-1.5 * q / neg_p * jnp.sqrt(3.0 / neg_p), -1.0, 1.0)
    t_mid = 2.0 * jnp.sqrt(neg_p / 3.0) * jnp.cos(jnp.arccos(cos_arg) / 3.0 - 2.0 * jnp.pi / 3.0)
    theta = jnp.clip(t_mid - a2 / 3.0, 1e-300, 1.0 - 2.0**-53)
    u = jnp.log(theta / (1.0 - theta))  # one logarithm: a starting point needs no more
    lower, upper = PROPOSAL_LOGIT_BRACKET
    return jnp.clip(jnp.where(jnp.isfinite(u), u, 0.0), lower, upper)


def solve_proposal_logit(lam: Array, alpha: Array, x: Array, b: Array, psi: Array) -> RootResult:
    """logit(θ*_da) by safeguarded Newton on a fixed bracket, with implicit gradients (Prop. 1).

    Starts from the cubic's closed-form root (:func:`proposal_logit_guess`), so one or two
    Newton steps reach double precision; bisection takes over only if Newton leaves the bracket.
    Scalar inputs; no domain check (callers validate). ``value`` is u* = log(θ*/(1 − θ*)).
    """
    lower, upper = PROPOSAL_LOGIT_BRACKET
    args = (lam, alpha, x, b, psi)
    guess = proposal_logit_guess(*jax.lax.stop_gradient(args))
    return find_scalar_root_newton(_scaled_foc_in_logit, lower, upper, args, x0=guess)


def proposal_cubic_coefficients(
    lam: Array, alpha: Array, x: Array, b: Array, psi: Array
) -> tuple[Array, Array, Array, Array]:
    """Coefficients (c3, c2, c1, c0) of the cubic equivalent to Proposition 1.

    Multiplying the first-order condition by θ(1−θ) gives
    −θ³ + (1 + x + α)θ² + (bΨ − x − α)θ − bΨ(1 − λ) = 0, whose unique root in (0, 1) is θ*.
    Used by tests as a closed-form oracle (``numpy.roots``); the solver's starting point
    (:func:`proposal_logit_guess`) solves the same cubic by Viète's formula.
    """
    b_psi = b * psi
    return (-1.0, 1.0 + x + alpha, b_psi - x - alpha, -b_psi * (1.0 - lam))


@jax.custom_jvp
def shares(u: Array) -> tuple[Array, Array]:
    """(θ, 1 − θ) at θ = σ(u), each accurate in its own tail, from one exponential.

    With e = exp(−|u|): the larger share is 1/(1 + e), the smaller e/(1 + e). Same values as
    ``(jax.nn.sigmoid(u), jax.nn.sigmoid(-u))`` to rounding at half the cost (the equilibrium
    evaluates these shares dozens of times per point); derivative θ(1 − θ) supplied exactly.
    """
    e = jnp.exp(-jnp.abs(u))
    large = 1.0 / (1.0 + e)
    small = e * large
    positive = u >= 0
    return jnp.where(positive, large, small), jnp.where(positive, small, large)


@shares.defjvp
def _shares_jvp(primals, tangents):
    (u,), (du,) = primals, tangents
    theta, one_minus = shares(u)
    slope = theta * one_minus * du
    return (theta, one_minus), (slope, -slope)


@jax.custom_jvp
def log_shares(u: Array) -> tuple[Array, Array]:
    """(log θ, log(1 − θ)) at θ = σ(u), accurate near both ends.

    log θ = −log(1 + e^{−|u|}) − max(−u, 0) and log(1 − θ) = −log(1 + e^{−|u|}) − max(u, 0):
    one exponential and one log1p for both (``jax.nn.log_sigmoid`` twice takes two of each).
    """
    common = jnp.log1p(jnp.exp(-jnp.abs(u)))
    return -common - jnp.maximum(-u, 0.0), -common - jnp.maximum(u, 0.0)


@log_shares.defjvp
def _log_shares_jvp(primals, tangents):
    (u,), (du,) = primals, tangents
    theta, one_minus = shares(u)
    return log_shares(u), (one_minus * du, -theta * du)


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
    theta_R, theta_E = shares(u_R)[0], shares(u_E)[0]
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
    """log γ_d, the root of Φ_d in log γ (Proposition 2), by Newton with implicit gradients.

    The bracket ±(|Q_d|/(bΨ) + |K_d| + 1) bounds the root because Φ_d/(bΨ) has slope one in
    log γ. Newton on an affine function is exact in one step, so the closed form
    log γ_d = −Q_d/(bΨ) − K_d serves as the starting point and the solve verifies it in one
    iteration (the root find is kept for its implicit gradients and convergence flag).
    """
    quad, logs = exit_advantage_parts(lam, alpha_R, alpha_E, x, u_R, u_E)
    b_psi = b * psi
    half_width = jax.lax.stop_gradient(jnp.abs(quad) / b_psi + jnp.abs(logs) + 1.0)
    guess = jax.lax.stop_gradient(-quad / b_psi - logs)
    return find_scalar_root_newton(
        _scaled_advantage_in_log_gamma, -half_width, half_width, (quad, logs, b_psi), x0=guess
    )
