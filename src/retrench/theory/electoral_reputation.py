r"""Melnick (2025), appendix "Extension: Reputational Costs", and the Figure 3 path.

A leader who pursues the anti-globalization policy pays an extra cost c > 0, so EU_d(E) falls by
c and d remains iff

.. math:: Z_d(\gamma) := \Phi_d(\gamma) + c > 0

(the appendix writes Z_H; Z_L is the same with x_L = 0). The appendix's claims, each a test:

* proposals θ*_da are unchanged (Proposition 1 does not involve c);
* the threshold rule survives: d exits iff γ ≤ γ_d(c). Φ_d is affine in log γ with slope bΨ
  (Proposition 2's proof), so log γ_d(c) = log γ_d − c/(bΨ) exactly;
* ∂γ_d/∂c = −γ_d(c)/(bΨ) ≤ 0 ("increasing c lowers the willingness for leaders to exit");
* γ_L(c) ≤ γ_H(c) (the same shift for both), so the equilibrium's structure is unchanged.

:func:`realignment_path` gives D*_w and D*_ℓ along α_R (Figure 3, which prints no parameter
values; the appendix example's parameters are used by the plot).

Code name ↔ symbol: ``cost`` c, ``phi`` Φ_d, ``log_gamma_L``/``log_gamma_H`` log γ_d(c), other
names as in :mod:`retrench.theory.electoral`.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain
from retrench.theory.electoral import (
    ElectoralEquilibrium,
    ElectoralParams,
    Leader,
    equilibrium,
    solve_exit_threshold,
)

Array = jax.Array

__all__ = [
    "RealignmentPath",
    "equilibrium_with_reputational_cost",
    "exit_threshold_with_reputational_cost",
    "realignment_path",
]


def _checked_cost(cost: Array | float) -> Array:
    cost = jnp.asarray(cost, dtype=jnp.result_type(float))
    check_domain({"cost must be finite and >= 0": jnp.isfinite(cost) & (cost >= 0)}, {"cost": cost})
    return cost


def exit_threshold_with_reputational_cost(
    p: ElectoralParams, leader: Leader, cost: Array | float
) -> Array:
    """γ_d(c): leader d exits iff γ ≤ γ_d(c); log γ_d(c) = log γ_d − c/(bΨ) (``p.gamma`` unused)."""
    cost = _checked_cost(cost)
    base = solve_exit_threshold(p, leader)
    return jnp.exp(base.log_gamma - cost / (jnp.asarray(p.b) * jnp.asarray(p.psi)))


def equilibrium_with_reputational_cost(
    p: ElectoralParams, cost: Array | float
) -> ElectoralEquilibrium:
    """The equilibrium when exit costs the exiting leader c (appendix extension).

    Proposals are those of :func:`~retrench.theory.electoral.equilibrium`; ``phi_L``/``phi_H``
    hold Z_d = Φ_d + c, d exits iff Z_d ≤ 0, and D*_w, D*_ℓ, π follow the new policy pair;
    ``log_gamma_L``/``log_gamma_H`` are log γ_d(c).
    """
    cost = _checked_cost(cost)
    eq = equilibrium(p)
    b_psi = jnp.asarray(p.b) * jnp.asarray(p.psi)
    z_l, z_h = eq.phi_L + cost, eq.phi_H + cost
    exit_l, exit_h = z_l <= 0.0, z_h <= 0.0
    log_gamma = jnp.log(jnp.asarray(p.gamma))
    g_l = jnp.where(exit_l, 0.0, log_gamma)
    g_h = jnp.where(exit_h, 0.0, log_gamma)
    th_l = jnp.where(exit_l, eq.theta_LE, eq.theta_LR)
    th_h = jnp.where(exit_h, eq.theta_HE, eq.theta_HR)
    d_w = g_l + jnp.log(th_l) - g_h - jnp.log(th_h)
    d_l = g_l + jnp.log1p(-th_l) - g_h - jnp.log1p(-th_h)
    lam = jnp.asarray(p.lam)
    pi_l = 0.5 + jnp.asarray(p.b) * ((1.0 - lam) * d_w + lam * d_l)
    return eq._replace(
        phi_L=z_l,
        phi_H=z_h,
        exit_L=exit_l,
        exit_H=exit_h,
        D_w=d_w,
        D_l=d_l,
        pi_L=pi_l,
        log_gamma_L=eq.log_gamma_L - cost / b_psi,
        log_gamma_H=eq.log_gamma_H - cost / b_psi,
        pi_is_probability=(pi_l >= 0.0) & (pi_l <= 1.0),
    )


class RealignmentPath(NamedTuple):
    """Figure 3: vote gaps and exit decisions along a grid of α_R (other parameters fixed)."""

    alpha_R: Array
    D_w: Array
    D_l: Array
    exit_L: Array
    exit_H: Array


def realignment_path(
    p: ElectoralParams, alpha_R: Array, cost: Array | float = 0.0
) -> RealignmentPath:
    """D*_w(α_R), D*_ℓ(α_R) and the exits (Figure 3), optionally with a reputational cost c."""
    alpha_R = jnp.asarray(alpha_R, dtype=jnp.result_type(float))
    grid = ElectoralParams(*(jnp.broadcast_to(jnp.asarray(v), alpha_R.shape) for v in p))
    eq = equilibrium_with_reputational_cost(grid._replace(alpha_R=alpha_R), cost)
    return RealignmentPath(alpha_R, eq.D_w, eq.D_l, eq.exit_L, eq.exit_H)
