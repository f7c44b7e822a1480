r"""Structural block of the electoral design: Melnick (2025, seed 001) per Congress, smoothed.

Pure JAX functions that map the structural parameters of one Congress to what the likelihood
needs. They call the theory layer's building blocks
(:mod:`retrench.theory.electoral_primitives`): proposals θ*_da solve Proposition 1 (closed-form
start, Newton, implicit gradients), Φ_d(γ) is Proposition 2's exit advantage and the
thresholds γ_d its root. Parameters are in the domain by construction (see
:func:`alpha_R_from_logit`), so no domain check is needed inside the log density; root-find
failures are returned as flags.

Quantal response (the smooth version of Proposition 2 used for estimation): leader d proposes
exit with probability P(exit_d) = σ(−Φ_d(γ)/τ), τ > 0 the noise scale (in units of Φ, i.e. of a
leader's utility). As τ → 0 this is the equilibrium rule "exit iff γ ≤ γ_d".

Expected log-income gaps: with the two leaders' platforms drawn independently from their quantal
responses, E[D_j] = Σ_{a_L, a_H} P(a_L) P(a_H) D_j(a_L, a_H) (Table 1 incomes, log utility).
Lemma 1 applied to a district with loser share λ_c gives L's vote share
½ + m((1 − λ_c)E[D_w] + λ_c E[D_ℓ] + β).

| code | symbol |
|---|---|
| ``lam`` | λ, national share of globalization losers |
| ``alpha_R``, ``alpha_E`` | α_R (winners' share under globalization, per Congress), α_E |
| ``x_H`` | x_H, H's bias against redistribution (x_L = 0) |
| ``b``, ``psi`` | b (salience), Ψ (office benefit) |
| ``log_gamma`` | log γ (γ > 1: size of the globalized economy) |
| ``tau`` | τ, quantal-response noise scale |
| ``u_LR`` … ``u_HE`` | logit θ*_da |
| ``phi_L``, ``phi_H`` | Φ_L(γ), Φ_H(γ) |
| ``log_gamma_L``, ``log_gamma_H`` | log γ_L, log γ_H (Proposition 2 thresholds) |
| ``D_w``, ``D_l`` | E[D*_w], E[D*_ℓ] under the quantal-response platforms |
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory import electoral_primitives as prim

Array = jax.Array


class CongressEquilibrium(NamedTuple):
    """Smoothed equilibrium of one Congress (every field has the Congress axis first)."""

    u_LR: Array
    u_LE: Array
    u_HR: Array
    u_HE: Array
    phi_L: Array
    phi_H: Array
    p_exit_L: Array
    p_exit_H: Array
    D_w: Array
    D_l: Array
    log_gamma_L: Array
    log_gamma_H: Array
    converged: Array


def alpha_R_lower_bound(lam: Array, alpha_E: Array) -> Array:
    """Smallest admissible α_R: max(1 − λ, α_E) (winners better off; exit shrinks their share)."""
    return jnp.maximum(1.0 - lam, alpha_E)


#: Width (in shares) of the smooth maximum in :func:`alpha_R_floor`.
FLOOR_SMOOTHING = 0.01


def alpha_R_floor(lam: Array, alpha_E: Array, width: float = FLOOR_SMOOTHING) -> Array:
    """Smooth upper bound of max(1 − λ, α_E): w·log(exp((1 − λ)/w) + exp(α_E/w)).

    It lies in [max, max + w·log 2], so α_R built on it stays in the domain, and unlike the
    hard max it has a continuous gradient. The real-data posterior puts half its mass on each
    side of 1 − λ = α_E; the kink of the hard max there forced tiny leapfrog steps.
    """
    return width * jnp.logaddexp((1.0 - lam) / width, alpha_E / width)


def alpha_R_from_logit(z: Array, lam: Array, alpha_E: Array, width: float = 0.0) -> Array:
    """α_R = lo + (1 − lo) σ(z) with lo = max(1 − λ, α_E) (``width`` 0) or its smooth upper
    bound :func:`alpha_R_floor` (``width`` > 0): inside the domain (max(1 − λ, α_E), 1) for
    every real z."""
    lo = alpha_R_lower_bound(lam, alpha_E) if width <= 0 else alpha_R_floor(lam, alpha_E, width)
    return lo + (1.0 - lo) * jax.nn.sigmoid(z)


def proposal_logits(lam: Array, alpha: Array, x: Array, b_psi: Array) -> tuple[Array, Array]:
    """logit θ*_da for arrays of (α, x) at common (λ, bΨ) (Proposition 1), and success flags.

    The theory layer's solve (:func:`prim.solve_proposal_logit`: the cubic's closed-form root
    polished by safeguarded Newton, gradients by the implicit function theorem), mapped over the
    flattened, broadcast (λ, α, x, bΨ); the result has their broadcast shape. Under ``vmap`` the
    Newton loop runs until the slowest element has converged: one or two steps from the closed
    form.
    """
    lam, alpha, x, b_psi = jnp.broadcast_arrays(
        *(jnp.asarray(v, float) for v in (lam, alpha, x, b_psi))
    )
    shape = alpha.shape
    one = jnp.ones((), alpha.dtype)

    def solve(lam_i, alpha_i, x_i, b_psi_i):
        return prim.solve_proposal_logit(lam_i, alpha_i, x_i, b_psi_i, one)

    flat = (v.reshape(-1) for v in (lam, alpha, x, b_psi))
    result = jax.vmap(solve)(*flat)
    return result.value.reshape(shape), result.converged.reshape(shape)


def all_proposal_logits(
    lam: Array, alpha_R: Array, alpha_E: Array, x_H: Array, b: Array, psi: Array
) -> tuple[Array, Array, Array, Array, Array]:
    """logit θ*_LR,c, θ*_HR,c (per Congress), θ*_LE, θ*_HE (Proposition 1) and a success flag."""
    n = alpha_R.shape[0]
    alphas = jnp.concatenate([alpha_R, alpha_R, jnp.stack([alpha_E, alpha_E])])
    zero = 0.0 * x_H
    biases = jnp.concatenate([jnp.full((n,), zero), jnp.full((n,), x_H), jnp.stack([zero, x_H])])
    u, ok = proposal_logits(lam, alphas, biases, b * psi)
    return u[:n], u[n : 2 * n], u[2 * n], u[2 * n + 1], jnp.all(ok)


def log_threshold(lam, alpha_R, alpha_E, x, b, psi, u_R, u_E) -> Array:
    """log γ_d = −Q_d/(bΨ) − K_d: exact, because Φ_d is affine in log γ with slope bΨ.

    (Proof of Proposition 2; :func:`prim.exit_advantage_parts` gives Q_d and K_d. The theory
    layer finds the same root by Newton, :func:`prim.solve_log_threshold`, and tests the two
    against each other.)
    """
    quad, logs = prim.exit_advantage_parts(lam, alpha_R, alpha_E, x, u_R, u_E)
    return -quad / (b * psi) - logs


def expected_income_gaps(
    log_gamma: Array, u_LR, u_LE, u_HR, u_HE, p_exit_L: Array, p_exit_H: Array
) -> tuple[Array, Array]:
    """E[D_w], E[D_ℓ] over the four platform pairs, weighted by the quantal-response probabilities.

    D_j(a_L, a_H) are the Table 1 log-income gaps (:func:`prim.log_income_gaps`); the size of the
    economy is γ under R and 1 under E.
    """
    zero = jnp.zeros_like(log_gamma)
    d_w = jnp.zeros_like(log_gamma)
    d_l = jnp.zeros_like(log_gamma)
    for exit_L in (False, True):
        for exit_H in (False, True):
            w_L = p_exit_L if exit_L else 1.0 - p_exit_L
            w_H = p_exit_H if exit_H else 1.0 - p_exit_H
            gw, gl = prim.log_income_gaps(
                zero if exit_L else log_gamma,
                u_LE if exit_L else u_LR,
                zero if exit_H else log_gamma,
                u_HE if exit_H else u_HR,
            )
            d_w = d_w + w_L * w_H * gw
            d_l = d_l + w_L * w_H * gl
    return d_w, d_l


def congress_equilibrium(
    log_gamma: Array,
    lam: Array,
    alpha_R: Array,
    alpha_E: Array,
    x_H: Array,
    b: Array,
    psi: Array,
    tau: Array,
) -> CongressEquilibrium:
    """Proposals, Φ_d, P(exit_d), thresholds and expected D_j for every Congress.

    ``alpha_R`` (and optionally ``log_gamma``) is a vector over Congresses; the other arguments
    are scalars. Elementwise over the Congress axis.
    """
    alpha_R = jnp.asarray(alpha_R)
    log_gamma = jnp.broadcast_to(jnp.asarray(log_gamma, alpha_R.dtype), alpha_R.shape)
    u_LR, u_HR, u_LE, u_HE, converged = all_proposal_logits(lam, alpha_R, alpha_E, x_H, b, psi)
    u_LE, u_HE = jnp.full_like(u_LR, u_LE), jnp.full_like(u_HR, u_HE)
    common = (lam, alpha_R, alpha_E)
    zero = 0.0 * x_H
    phi_L = prim.exit_advantage(log_gamma, *common, zero, b, psi, u_LR, u_LE)
    phi_H = prim.exit_advantage(log_gamma, *common, x_H, b, psi, u_HR, u_HE)
    p_L, p_H = jax.nn.sigmoid(-phi_L / tau), jax.nn.sigmoid(-phi_H / tau)
    d_w, d_l = expected_income_gaps(log_gamma, u_LR, u_LE, u_HR, u_HE, p_L, p_H)
    return CongressEquilibrium(
        u_LR, u_LE, u_HR, u_HE, phi_L, phi_H, p_L, p_H, d_w, d_l,
        log_threshold(*common, zero, b, psi, u_LR, u_LE),
        log_threshold(*common, x_H, b, psi, u_HR, u_HE),
        jnp.broadcast_to(converged, alpha_R.shape),
    )  # fmt: skip


def platform_yea_probability(p_exit: Array, discipline: Array) -> Array:
    """Probability that a member votes yea on a liberalizing bill: f(1 − P(exit)) + (1 − f)P(exit).

    ``discipline`` f ∈ (½, 1) is the probability that a member follows the party platform
    (member-level deviation 1 − f).
    """
    return discipline * (1.0 - p_exit) + (1.0 - discipline) * p_exit


def expected_transfer(
    alpha_R: Array, alpha_E: Array, u_R: Array, u_E: Array, p_exit: Array
) -> Array:
    """Share of income a leader's platform moves from winners to losers: E[α_a − θ*_da].

    Positive for L (θ*_LR < α_R); smaller (possibly negative) for H, more so the larger x_H
    (Corollary 1). This is what a compensation (TAA) roll call speaks to.
    """
    return (1.0 - p_exit) * (alpha_R - jax.nn.sigmoid(u_R)) + p_exit * (
        alpha_E - jax.nn.sigmoid(u_E)
    )


def district_loser_share(lam_logit: Array, exposure_loading: Array, z_exposure: Array) -> Array:
    """λ_c = σ(logit λ + ℓ z_c): district loser share, rising with standardized exposure z_c."""
    return jax.nn.sigmoid(lam_logit + exposure_loading * z_exposure)


def exposure_slope(
    m: Array, lam: Array, exposure_loading: Array, d_w: Array, d_l: Array, sign_rep: float
) -> Array:
    """∂(Republican share, pp)/∂z at z = 0: sign·100·m·(D_ℓ − D_w)·ℓ·λ(1 − λ).

    ``sign_rep`` is +1 when Republicans are L and −1 when they are H. A realignment
    (Proposition 3) is a change in the sign of this slope.
    """
    return sign_rep * 100.0 * m * (d_l - d_w) * exposure_loading * lam * (1.0 - lam)
