r"""Electoral realignment: Melnick (2025), seed 001, as a pure JAX equilibrium.

Two leaders, L (bias x_L = 0) and H (bias x_H > 0), each propose a globalization policy
a ∈ {R (remain), E (exit)} and, for each policy, a share θ_da of national income for the winners.
Voters have log utility over Table 1 incomes; the probability that L wins is Lemma 1's
π = 1/2 + b((1−λ)D_w + λD_ℓ). Proposals solve Proposition 1,

.. math:: b\Psi\frac{\lambda}{1-\theta^*_{da}} = b\Psi\frac{1-\lambda}{\theta^*_{da}}
          + (x_d + \alpha_a - \theta^*_{da}),

and leader d exits iff Φ_d(γ) ≤ 0, i.e. iff γ ≤ γ_d (Proposition 2).

Code name ↔ symbol: ``gamma`` γ, ``lam`` λ, ``alpha_R`` α_R, ``alpha_E`` α_E, ``b`` b,
``psi`` Ψ, ``x_H`` x_H, ``theta_LR`` θ*_LR (and so on), ``phi_L`` Φ_L(γ), ``gamma_L`` γ_L,
``D_w`` D*_w, ``D_l`` D*_ℓ, ``pi_L`` π. Only the product bΨ enters the proposals and the
thresholds; b alone scales π.

Every public function accepts scalars or arrays (broadcast against each other and mapped with
``jax.vmap``), is jit-able, vmap-able and differentiable in every continuous parameter (root
finds use implicit differentiation). Out-of-domain parameters raise
:class:`~retrench.errors.DomainError` when called eagerly; under ``jit``/``vmap``/``grad`` they
set ``in_domain = False`` and the returned values are NaN (gradients stay finite). A root find
that fails raises :class:`~retrench.errors.ConvergenceError` eagerly and sets
``converged = False`` when traced.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory import electoral_primitives as prim
from retrench.theory._domain import check_domain, is_traced, nan_unless
from retrench.theory._roots import RootResult, raise_if_not_converged
from retrench.theory.electoral_domain import (
    ElectoralParams,
    as_arrays,
    finite,
    map_pointwise,
    nan_where_invalid,
    params_domain,
    proposal_domain,
    safe_params,
    where_valid,
)

__all__ = [
    "ElectoralEquilibrium",
    "ElectoralParams",
    "ProposalResult",
    "ThresholdResult",
    "equilibrium",
    "exit_advantage",
    "exit_probability",
    "exit_threshold",
    "proposal",
    "solve_exit_threshold",
    "solve_proposal",
]

Array = jax.Array
Leader = Literal["L", "H"]


class ElectoralEquilibrium(NamedTuple):
    """Subgame-perfect equilibrium at one parameter point (or a batch of them).

    Attributes:
        theta_LR, theta_LE, theta_HR, theta_HE: proposals θ*_da (Proposition 1).
        phi_L, phi_H: Φ_d(γ) at ``p.gamma`` (Proposition 2); d remains iff Φ_d > 0.
        exit_L, exit_H: booleans, True iff Φ_d(γ) ≤ 0 (equivalently γ ≤ γ_d).
        D_w, D_l: log-income gaps D*_w, D*_ℓ under the equilibrium pair of policies.
        pi_L: probability that L wins (Lemma 1), unclipped.
        in_domain: all parameters inside the model's domain.
        converged: every root find (four proposals, two thresholds) converged.
        log_gamma_L, log_gamma_H: log of the thresholds γ_L, γ_H (finite even where γ_d
            overflows).
        pi_is_probability: 0 ≤ π ≤ 1, i.e. Lemma 1's linear formula is a probability here.
    """

    theta_LR: Array
    theta_LE: Array
    theta_HR: Array
    theta_HE: Array
    phi_L: Array
    phi_H: Array
    exit_L: Array
    exit_H: Array
    D_w: Array
    D_l: Array
    pi_L: Array
    in_domain: Array
    converged: Array
    log_gamma_L: Array
    log_gamma_H: Array
    pi_is_probability: Array


class ProposalResult(NamedTuple):
    """θ*_da with its flags (see :func:`solve_proposal`)."""

    theta: Array
    in_domain: Array
    converged: Array


class ThresholdResult(NamedTuple):
    """γ_d and log γ_d with their flags (see :func:`solve_exit_threshold`)."""

    gamma: Array
    log_gamma: Array
    in_domain: Array
    converged: Array


# ----------------------------------------------------------------------------------------
# Proposals (Proposition 1)
# ----------------------------------------------------------------------------------------


def _proposal_point(lam, alpha, x, b, psi) -> ProposalResult:
    ok = proposal_domain(lam, alpha, x, b, psi)
    safe = [
        where_valid(ok, v, s)
        for v, s in zip((lam, alpha, x, b, psi), (0.5, 0.7, 0, 1, 1), strict=True)
    ]
    root = prim.solve_proposal_logit(*safe)
    theta = jnp.where(ok, prim.shares(root.value)[0], jnp.nan)
    return ProposalResult(theta=theta, in_domain=ok, converged=root.converged)


def solve_proposal(
    lam: Array | float, alpha: Array | float, x: Array | float, b: Array | float, psi: Array | float
) -> ProposalResult:
    """θ*_da of Proposition 1 with ``in_domain`` and ``converged`` flags (never raises traced).

    Args:
        lam: λ ∈ (0, 1). alpha: α_a ∈ [0, 1]. x: x_d ≥ 0. b: b > 0. psi: Ψ > 0.

    The unique root in (0, 1) is found by safeguarded Newton on logit θ; gradients are implicit.
    """
    proposal_domain(*(jnp.asarray(v) for v in (lam, alpha, x, b, psi)))  # raises if eager
    result = map_pointwise(_proposal_point, lam, alpha, x, b, psi)
    if not is_traced(result):
        raise_if_not_converged(
            RootResult(result.theta, result.converged, jnp.zeros(())), "proposal"
        )
    return result


def proposal(
    lam: Array | float, alpha: Array | float, x: Array | float, b: Array | float, psi: Array | float
) -> Array:
    """θ*_da: share of income that a leader with bias ``x`` proposes for the winners under a
    policy whose status-quo winners' share is ``alpha`` (Proposition 1).

    Eager calls raise DomainError/ConvergenceError; traced calls return NaN where the input is
    out of domain (use :func:`solve_proposal` for the flags).
    """
    return solve_proposal(lam, alpha, x, b, psi).theta


# ----------------------------------------------------------------------------------------
# Equilibrium (Propositions 1-2, Lemma 1)
# ----------------------------------------------------------------------------------------


def _four_proposal_logits(p: ElectoralParams) -> tuple[RootResult, ...]:
    """Roots for (L, R), (L, E), (H, R), (H, E): four separate solves, not a vmap over a stack
    (a stacked axis of 4 becomes the minor dimension under the caller's vmap, which XLA's CPU
    backend vectorizes poorly)."""
    zero = 0.0 * p.x_H
    return tuple(
        prim.solve_proposal_logit(p.lam, alpha, x, p.b, p.psi)
        for alpha, x in (
            (p.alpha_R, zero),
            (p.alpha_E, zero),
            (p.alpha_R, p.x_H),
            (p.alpha_E, p.x_H),
        )
    )


def _equilibrium_point(*leaves: Array) -> ElectoralEquilibrium:
    p_raw = ElectoralParams(*leaves)
    ok = params_domain(p_raw, need_gamma=True)
    p = safe_params(p_raw, ok)
    r_lr, r_le, r_hr, r_he = _four_proposal_logits(p)
    u_lr, u_le, u_hr, u_he = r_lr.value, r_le.value, r_hr.value, r_he.value
    log_gamma = jnp.log(p.gamma)
    common = (p.lam, p.alpha_R, p.alpha_E)
    phi_l = prim.exit_advantage(log_gamma, *common, 0.0, p.b, p.psi, u_lr, u_le)
    phi_h = prim.exit_advantage(log_gamma, *common, p.x_H, p.b, p.psi, u_hr, u_he)
    thr_l = prim.solve_log_threshold(*common, 0.0 * p.x_H, p.b, p.psi, u_lr, u_le)
    thr_h = prim.solve_log_threshold(*common, p.x_H, p.b, p.psi, u_hr, u_he)
    exit_l, exit_h = phi_l <= 0.0, phi_h <= 0.0
    d_w, d_l = prim.log_income_gaps(
        jnp.where(exit_l, 0.0, log_gamma),
        jnp.where(exit_l, u_le, u_lr),
        jnp.where(exit_h, 0.0, log_gamma),
        jnp.where(exit_h, u_he, u_hr),
    )
    pi_l = prim.win_probability(d_w, d_l, p.lam, p.b)
    converged = r_lr.converged & r_le.converged & r_hr.converged & r_he.converged
    converged = converged & thr_l.converged & thr_h.converged
    values = ElectoralEquilibrium(
        theta_LR=prim.shares(u_lr)[0],
        theta_LE=prim.shares(u_le)[0],
        theta_HR=prim.shares(u_hr)[0],
        theta_HE=prim.shares(u_he)[0],
        phi_L=phi_l,
        phi_H=phi_h,
        exit_L=exit_l,
        exit_H=exit_h,
        D_w=d_w,
        D_l=d_l,
        pi_L=pi_l,
        in_domain=ok,
        converged=converged,
        log_gamma_L=thr_l.value,
        log_gamma_H=thr_h.value,
        pi_is_probability=(pi_l >= 0.0) & (pi_l <= 1.0),
    )
    masked = nan_where_invalid(values, ok)
    return masked._replace(in_domain=ok, converged=converged)


def equilibrium(p: ElectoralParams) -> ElectoralEquilibrium:
    """The subgame-perfect equilibrium of Melnick (2025) at ``p`` (any leaf may be an array).

    Proposals θ*_da solve Proposition 1; Φ_d is evaluated at ``p.gamma`` and leader d exits iff
    Φ_d ≤ 0 (Proposition 2; the paper's "γ ≤ γ_d"); D_w, D_ℓ are the log-income gaps of Table 1
    under the equilibrium policy pair; ``pi_L`` is Lemma 1's π.

    Raises (eager calls only): DomainError naming the violated condition; ConvergenceError if a
    root find failed.
    """
    params_domain(as_arrays(p), need_gamma=True)  # raises if eager
    result = map_pointwise(_equilibrium_point, *p)
    if not is_traced(result):
        raise_if_not_converged(
            RootResult(result.theta_LR, result.converged, jnp.zeros(())), "electoral equilibrium"
        )
    return result


# ----------------------------------------------------------------------------------------
# Thresholds and smooth exit probabilities (Proposition 2)
# ----------------------------------------------------------------------------------------


def _check_leader(leader: str) -> None:
    if leader not in ("L", "H"):
        raise ValueError(f"leader must be 'L' or 'H' (got {leader!r})")


def _leader_logits(p: ElectoralParams, leader: Leader) -> tuple[Array, Array, Array, Array]:
    x = 0.0 * p.x_H if leader == "L" else p.x_H
    r_R = prim.solve_proposal_logit(p.lam, p.alpha_R, x, p.b, p.psi)
    r_E = prim.solve_proposal_logit(p.lam, p.alpha_E, x, p.b, p.psi)
    return x, r_R.value, r_E.value, r_R.converged & r_E.converged


def _threshold_point(leader: Leader, *leaves: Array) -> ThresholdResult:
    p_raw = ElectoralParams(*leaves)
    ok = params_domain(p_raw, need_gamma=False)
    p = safe_params(p_raw, ok)
    x, u_R, u_E, conv = _leader_logits(p, leader)
    root = prim.solve_log_threshold(p.lam, p.alpha_R, p.alpha_E, x, p.b, p.psi, u_R, u_E)
    log_gamma = nan_unless(ok, root.value, *leaves)  # NaN value and NaN gradient outside
    return ThresholdResult(
        gamma=jnp.exp(log_gamma), log_gamma=log_gamma, in_domain=ok, converged=conv & root.converged
    )


def solve_exit_threshold(p: ElectoralParams, leader: Leader) -> ThresholdResult:
    """γ_d (and log γ_d): the root of Φ_d in γ (Proposition 2), with flags.

    ``p.gamma`` is ignored. The root is found by safeguarded Newton in log γ with implicit
    gradients; γ_d may exceed the float range for extreme bΨ (then ``gamma`` is inf but
    ``log_gamma`` is finite). Leader d exits iff γ ≤ γ_d; γ_L ≤ γ_H always (Proposition 2).
    """
    _check_leader(leader)
    params_domain(as_arrays(p), need_gamma=False)  # raises if eager
    result = map_pointwise(lambda *leaves: _threshold_point(leader, *leaves), *p)
    if not is_traced(result):
        raise_if_not_converged(
            RootResult(result.log_gamma, result.converged, jnp.zeros(())),
            f"exit threshold gamma_{leader}",
        )
    return result


def exit_threshold(p: ElectoralParams, leader: Leader) -> Array:
    """γ_L (``leader="L"``) or γ_H (``leader="H"``): exit iff γ ≤ γ_d (Proposition 2)."""
    return solve_exit_threshold(p, leader).gamma


def _advantage_point(leader: Leader, *leaves: Array) -> tuple[Array, Array, Array]:
    p_raw = ElectoralParams(*leaves)
    ok = params_domain(p_raw, need_gamma=True)
    p = safe_params(p_raw, ok)
    x, u_R, u_E, conv = _leader_logits(p, leader)
    phi = prim.exit_advantage(
        jnp.log(p.gamma), p.lam, p.alpha_R, p.alpha_E, x, p.b, p.psi, u_R, u_E
    )
    return jnp.where(ok, phi, jnp.nan), ok, conv


def exit_advantage(p: ElectoralParams, leader: Leader) -> Array:
    """Φ_d(γ) at ``p.gamma`` (Proposition 2): leader d remains iff positive."""
    _check_leader(leader)
    params_domain(as_arrays(p), need_gamma=True)  # raises if eager
    phi, _, conv = map_pointwise(lambda *leaves: _advantage_point(leader, *leaves), *p)
    if not is_traced(phi):
        raise_if_not_converged(RootResult(phi, conv, jnp.zeros(())), f"Phi_{leader}")
    return phi


def exit_probability(p: ElectoralParams, leader: Leader, scale: Array | float) -> Array:
    """Smooth (logit / quantal-response) probability that leader d exits: σ(−Φ_d(γ)/scale).

    As ``scale`` → 0 this tends to the equilibrium decision 1{Φ_d ≤ 0}; ``scale`` > 0 is the
    noise of a logit quantal response (in units of Φ, i.e. of leader utility).
    """
    scale = jnp.asarray(scale, dtype=jnp.result_type(float))
    check_domain({"scale must be finite and > 0": finite(scale) & (scale > 0)}, {"scale": scale})
    return jax.nn.sigmoid(-exit_advantage(p, leader) / scale)
