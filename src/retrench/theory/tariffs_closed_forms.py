"""Closed forms of the DeRemer (2023) tariff model with the section 3.3 forms: test oracles.

The solvers in :mod:`retrench.theory.tariffs_equilibria` never use these; tests compare them.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain, nan_unless
from retrench.theory.tariffs_market import DEFAULT_MARKET, tariff_conditions

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


def efficient_tariff_closed_form(gamma_E: ArrayLike, gamma_M: ArrayLike) -> Array:
    """Eq. 7: τ = 4(2γ_M + 1 − 3γ_E)/(59 − 9γ_E − 8γ_M), symmetric weights, section 3.3 forms.

    A test oracle for :func:`reciprocal_efficient_tariffs`. The denominator is −49× the
    curvature of G + G* along the reciprocal direction, so it must be positive (eager
    DomainError otherwise). Its ad-valorem equivalent is (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)).
    """
    gamma_E = jnp.asarray(gamma_E, dtype=jnp.result_type(float))
    gamma_M = jnp.asarray(gamma_M, dtype=jnp.result_type(float))
    denominator = 59.0 - 9.0 * gamma_E - 8.0 * gamma_M
    tau = 4.0 * (2.0 * gamma_M + 1.0 - 3.0 * gamma_E) / denominator
    ok = check_domain(
        {
            "eq. 7 needs 59 - 9*gamma_E - 8*gamma_M > 0 (concavity; pole at equality)": denominator
            > 0,
            **tariff_conditions(tau, DEFAULT_MARKET, "eq. 7 tariff"),
        },
        values={"gamma_E": gamma_E, "gamma_M": gamma_M},
    )
    return nan_unless(ok, tau)


def nash_tariff_closed_form(gamma_M: ArrayLike) -> Array:
    """Nash tariff with section 3.3 forms, τ^N = (8γ_M − 5)/(68 − 8γ_M) (hand algebra)."""
    gamma_M = jnp.asarray(gamma_M, dtype=jnp.result_type(float))
    check_domain(
        {"Nash closed form needs gamma_M < 8.5 (concavity)": gamma_M < 8.5},
        values={"gamma_M": gamma_M},
    )
    return (8.0 * gamma_M - 5.0) / (68.0 - 8.0 * gamma_M)


def nash_ad_valorem_closed_form(gamma_M: ArrayLike) -> Array:
    """Ad-valorem Nash tariff t^N = τ^N / p^w(τ^N) = (8γ_M − 5)/(41 − 8γ_M), section 3.3 forms.

    Hand algebra: p^w(τ) = (4 − 3τ)/7 and τ^N = (8γ_M − 5)/(68 − 8γ_M) give
    4 − 3τ^N = 7(41 − 8γ_M)/(68 − 8γ_M). Zero at γ_M = 5/8, 1/3 (prohibitive) at γ_M = 7/4.
    """
    gamma_M = jnp.asarray(gamma_M, dtype=jnp.result_type(float))
    check_domain(
        {"Nash closed form needs gamma_M < 8.5 (concavity)": gamma_M < 8.5},
        values={"gamma_M": gamma_M},
    )
    return (8.0 * gamma_M - 5.0) / (41.0 - 8.0 * gamma_M)
