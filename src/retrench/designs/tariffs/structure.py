"""Structural pieces of the tariff design: the parameterisation and guarded theory calls.

* the ad-valorem tariff domain (−1, 1/3) of the section 3.3 market and its logit coordinate;
* γ_M solved from (t, γ_E) by inverting eq. 7's ad-valorem form, and the lower bound on γ_E
  that keeps γ_M ≥ 1;
* :func:`scaled_site`: a parameter sampled on a rescaled coordinate (so that its posterior
  scale suits NUTS's mass-matrix adaptation, whose regularisation assumes variances of order
  1e-3 or more);
* jitted wrappers of :mod:`retrench.theory.tariffs` and :mod:`retrench.theory.pcbr`: the theory
  raises DomainError when called eagerly outside its domain, but inside a NumPyro model (which
  may be traced eagerly) it must only return values and flags.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from retrench.bayes.priors import prior_distribution, scaled_prior, scaled_site  # noqa: F401  (re-exported)
from retrench.theory.pcbr import political_cost_benefit_ratio
from retrench.theory.tariffs import (
    TariffWeights,
    efficient_tariff_closed_form,
    power_shift,
    prohibitive_tariff,
    public_welfare,
    to_ad_valorem,
    world_price,
)

GAMMA_E_UPPER = 3.0  # γ_E < 3 keeps γ_M < 4, the pole of eq. 7's ad-valorem form
# The theory's tariff domain −1 < τ < prohibitive_tariff() (= 1/6) in ad-valorem terms:
# t = τ/p^w(τ) runs from −1 (τ → −1) to 1/3 (prohibitive: imports vanish).
TARIFF_LOWER = -1.0
TARIFF_UPPER = float(prohibitive_tariff() / world_price(prohibitive_tariff()))


def tariff_from_logit(x: jax.Array) -> jax.Array:
    """Ad-valorem tariff on the theory's domain (−1, 1/3) from a logit coordinate."""
    return TARIFF_LOWER + (TARIFF_UPPER - TARIFF_LOWER) * jax.nn.sigmoid(x)


def tariff_logit(t: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`tariff_from_logit` (NumPy; for initial values and reports)."""
    share = (np.asarray(t, float) - TARIFF_LOWER) / (TARIFF_UPPER - TARIFF_LOWER)
    return np.log(share) - np.log1p(-share)


def gamma_M_from_tariff(t: jax.Array, gamma_E: jax.Array) -> jax.Array:
    """γ_M solving t = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)) (eq. 7 in ad-valorem form) for given γ_E."""
    return (8.0 * t - 1.0 + 3.0 * gamma_E) / (2.0 * (1.0 + t))


def gamma_E_lower_bound(t: jax.Array) -> jax.Array:
    """Smallest γ_E with γ_M(t, γ_E) ≥ 1: max(1, 1 − 2t)."""
    return jnp.maximum(1.0, 1.0 - 2.0 * t)


@jax.jit
def rules_tariff(gamma_E: jax.Array, gamma_M: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(ad-valorem t, specific τ) of the reciprocal efficient tariff, eq. 7, via p^w(τ)."""
    tau = efficient_tariff_closed_form(gamma_E, gamma_M)
    return to_ad_valorem(tau), tau


PROHIBITIVE_TARIFF = float(prohibitive_tariff())  # specific τ that stops trade (1/6)


@jax.jit
def efficient_tariff_or_autarky(
    gamma_E: jax.Array, gamma_M: jax.Array
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(t, τ, autarky): the reciprocal efficient outcome at weights that may favour protection.

    Eq. 7 extends the linear forms past the prohibitive tariff, where imports would be
    negative. Where joint welfare G + G* is concave along the reciprocal direction
    (59 − 9γ_E − 8γ_M > 0) and eq. 7's τ is at or above the prohibitive tariff, joint welfare
    rises over every trading tariff up to the prohibitive one, and every higher tariff gives
    the same no-trade outcome: the efficient outcome is autarky. It is returned as the
    prohibitive tariff (τ = 1/6, t = 1/3) with ``autarky`` True, so that reports can count it.
    Every other case outside the domain stays NaN (:func:`rules_tariff`).
    """
    denominator = 59.0 - 9.0 * gamma_E - 8.0 * gamma_M
    concave = denominator > 0
    unbounded = 4.0 * (2.0 * gamma_M + 1.0 - 3.0 * gamma_E) / jnp.where(concave, denominator, 1.0)
    autarky = concave & (unbounded >= PROHIBITIVE_TARIFF)
    t, tau = rules_tariff(gamma_E, gamma_M)
    return (
        jnp.where(autarky, TARIFF_UPPER, t),
        jnp.where(autarky, PROHIBITIVE_TARIFF, tau),
        autarky,
    )


@jax.jit
def ad_valorem_slope(tau: jax.Array) -> jax.Array:
    """dt/dτ of t = τ / p^w(τ) (elementwise, forward mode)."""
    return jax.jvp(lambda x: to_ad_valorem(x), (tau,), (jnp.ones_like(tau),))[1]


@jax.jit
def pcbr_of_cut_to_zero(tau: jax.Array) -> jax.Array:
    """Rodrik's PCBR of cutting a positive specific tariff τ to 0 (NaN where τ ≤ 0: no cut)."""
    positive = tau > 0
    safe_tau = jnp.where(positive, tau, 0.1)
    pcbr = political_cost_benefit_ratio(safe_tau, jnp.zeros_like(safe_tau))
    return jnp.where(positive, pcbr, jnp.nan)


@jax.jit
def home_public_welfare(tau_x: jax.Array, tau_y_star: jax.Array, w: TariffWeights) -> jax.Array:
    """Home's public welfare W (eq. 2) at specific tariffs (τ_x, τ_y*)."""
    return public_welfare(tau_x, tau_y_star, w).home


@jax.custom_vjp
def finite_cotangent(x: jax.Array) -> jax.Array:
    """Identity whose reverse-mode cotangent has non-finite entries replaced by 0.

    Placed on the outputs of a root find: a NaN cotangent (from a leapfrog step that left the
    typical set, where the log density is non-finite anyway and NUTS records a divergence) would
    otherwise reach the implicit adjoint's linear solve, which raises instead of returning NaN.
    """
    return x


def _finite_cotangent_fwd(x):
    return x, None


def _finite_cotangent_bwd(_, g):
    return (jnp.where(jnp.isfinite(g), g, 0.0),)


finite_cotangent.defvjp(_finite_cotangent_fwd, _finite_cotangent_bwd)


@jax.jit
def power_shift_flagged(gamma_E: jax.Array, gamma_M: jax.Array):
    """dτ/dλ at the rules-based point (section 4) and a success flag (never raises).

    Weights outside the regular box (1 ≤ γ_E < 3, 1 ≤ γ_M < 4, finite: NUTS warm-up can propose
    anything) are replaced by a harmless point before the Newton solve and flagged, so that no
    NaN reaches the solver's linear solves (lineax raises on non-finite input even with
    ``throw=False``) and the gradient of the unused branch stays finite. The root is found twice:
    once without gradient to flag failures, then, differentiably, only at weights where the first
    solve succeeded, so that the implicit adjoint never meets the Jacobian of a failed root.
    """
    regular = (
        jnp.isfinite(gamma_E)
        & jnp.isfinite(gamma_M)
        & (gamma_E >= 1.0)
        & (gamma_E < GAMMA_E_UPPER)
        & (gamma_M >= 1.0)
        & (gamma_M < 4.0)
    )
    safe_E = jnp.where(regular, gamma_E, 1.1)
    safe_M = jnp.where(regular, gamma_M, 1.2)
    # first pass without gradient: where did Newton converge to a finite, in-domain root?
    trial = power_shift(
        TariffWeights.symmetric(jax.lax.stop_gradient(safe_E), jax.lax.stop_gradient(safe_M))
    )
    ok = regular & trial.converged & trial.in_domain
    ok = ok & jnp.isfinite(trial.dtau_x) & jnp.isfinite(trial.dtau_y_star)
    # differentiable pass only where the first one succeeded (elsewhere at the harmless point),
    # so that the implicit adjoint never solves with the Jacobian of a failed root
    ps = power_shift(
        TariffWeights.symmetric(jnp.where(ok, gamma_E, 1.1), jnp.where(ok, gamma_M, 1.2))
    )
    dtau_x, dtau_y = finite_cotangent(ps.dtau_x), finite_cotangent(ps.dtau_y_star)
    return jnp.where(ok, dtau_x, 0.0), jnp.where(ok, dtau_y, 0.0), ok
