"""Tariffs of the two trade-policy regimes of DeRemer (2023): outside and inside an agreement.

* Outside a reciprocal agreement a government sets its Nash (best-response) tariff, which in
  this separable model depends on its weight on import-competing profits γ_M alone
  (:func:`nash_tariff`); with the section 3.3 forms τ^N = (8γ_M − 5)/(4(17 − 2γ_M)) (specific)
  and t^N = τ^N / p^w(τ^N) = (8γ_M − 5)/(41 − 8γ_M) (ad valorem, through the model's world price
  p^w(τ) = (4 − 3τ)/7).
* Inside (WTO/GATT), governments negotiate to the reciprocal efficient tariff of eq. 6, which
  depends on both weights (:func:`reciprocal_tariff`; eq. 7 with symmetric weights:
  τ^R = 4(2γ_M + 1 − 3γ_E)/(59 − 9γ_E − 8γ_M), t^R = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M))).

A country observed in both regimes therefore identifies γ_M from its Nash tariff and γ_E from its
reciprocal tariff given γ_M (Bagwell & Staiger 2011 use WTO accessions the same way).

| code | symbol | meaning |
|---|---|---|
| ``gamma_M`` | γ_M | government weight on import-competing profits |
| ``gamma_E`` | γ_E | government weight on exporters' profits |
| ``specific`` | τ | specific (per-unit) tariff |
| ``ad_valorem`` | t = τ / p^w(τ) | ad-valorem equivalent through the model's world price |

The Nash tariff is exact for any linear market: Home's marginal objective dG/dτ_x is linear in
τ_x (:func:`~retrench.theory.tariffs_objectives.importer_marginal`), so its root is
τ^N = −G_x(0) / G_xx. The reciprocal tariff uses eq. 7, exact for symmetric weights and the
section 3.3 market only (the general case is
:func:`~retrench.theory.tariffs_equilibria.reciprocal_efficient_tariffs`, a root find).

Domain (eager calls raise :class:`~retrench.errors.DomainError`; traced calls return the flag in
``in_domain``): finite weights, a strictly concave objective, and a nonprohibitive interior
tariff. The Nash tariff is zero at γ_M = 5/8 (:func:`nash_zero_weight`), negative (an import
subsidy, still in the domain) below it, and prohibitive from γ_M = 7/4
(:func:`nash_prohibitive_weight`) with the default market.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain
from retrench.theory.tariffs_closed_forms import efficient_tariff_closed_form
from retrench.theory.tariffs_market import (
    DEFAULT_MARKET,
    MarketParams,
    market_conditions,
    prohibitive_tariff,
    tariff_conditions,
    world_price,
)
from retrench.theory.tariffs_objectives import importer_curvature, importer_marginal

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


class RegimeTariff(NamedTuple):
    """A regime's tariff: specific τ, ad-valorem t = τ / p^w(τ), and the domain flag."""

    specific: Array
    ad_valorem: Array
    in_domain: Array


def _as_float(x: ArrayLike) -> Array:
    return jnp.asarray(x, dtype=jnp.result_type(float))


def nash_tariff(gamma_M: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> RegimeTariff:
    """Home's Nash import tariff as a function of γ_M alone (module docstring).

    τ^N = −G_x(0)/G_xx solves dG/dτ_x = 0 exactly (the marginal objective is linear in τ_x);
    (8γ_M − 5)/(68 − 8γ_M) with the section 3.3 market, ad valorem (8γ_M − 5)/(41 − 8γ_M).
    Conditions: γ_M finite, G strictly concave in τ_x (γ_M < 8.5 by default), and τ^N
    nonprohibitive (γ_M < 7/4 by default).
    """
    gamma_M = _as_float(gamma_M)
    curvature = importer_curvature(gamma_M, market)
    tau = -importer_marginal(jnp.zeros_like(gamma_M), gamma_M, market) / curvature
    in_domain = check_domain(
        {
            **market_conditions(market),
            "gamma_M must be finite": jnp.isfinite(gamma_M),
            "Home's objective must be strictly concave in its tariff (d2G/dtau2 < 0; "
            "gamma_M < 8.5 with the default market)": curvature < 0,
            **tariff_conditions(tau, market, "Nash tariff"),
        },
        values={"gamma_M": gamma_M},
    )
    return RegimeTariff(tau, tau / world_price(tau, market), in_domain)


def nash_zero_weight(market: MarketParams = DEFAULT_MARKET) -> Array:
    """γ_M at which the Nash tariff is zero: G_x(0) = 0 solved for γ_M (5/8 by default).

    G_x(0) = [−D(p_0) + γ_M Q_M(p_0)](1 + k) + M(p_0) is linear in γ_M (p_0 = p^w(0)).
    """
    at_zero = importer_marginal(0.0, 0.0, market)
    per_weight = importer_marginal(0.0, 1.0, market) - at_zero
    return -at_zero / per_weight


def nash_prohibitive_weight(market: MarketParams = DEFAULT_MARKET) -> Array:
    """γ_M at which the Nash tariff reaches the prohibitive tariff (7/4 by default).

    G_x(τ̄) = 0 at τ̄ = :func:`prohibitive_tariff`, linear in γ_M.
    """
    tau_bar = prohibitive_tariff(market)
    at_zero = importer_marginal(tau_bar, 0.0, market)
    per_weight = importer_marginal(tau_bar, 1.0, market) - at_zero
    return -at_zero / per_weight


def reciprocal_tariff(gamma_E: ArrayLike, gamma_M: ArrayLike) -> RegimeTariff:
    """Reciprocal efficient tariff (eq. 7) of symmetric governments with weights (γ_E, γ_M).

    Specific τ^R = 4(2γ_M + 1 − 3γ_E)/(59 − 9γ_E − 8γ_M), ad valorem through the section 3.3
    world price t^R = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)). Conditions: finite weights, the
    bargaining problem concave (59 − 9γ_E − 8γ_M > 0, the pole of eq. 7) and τ^R an interior
    nonprohibitive tariff. Negative values (import subsidies, 3γ_E > 2γ_M + 1) are in the
    domain. Section 3.3 market only (see the module docstring).
    """
    gamma_E, gamma_M = jnp.broadcast_arrays(_as_float(gamma_E), _as_float(gamma_M))
    denominator = 59.0 - 9.0 * gamma_E - 8.0 * gamma_M
    finite = jnp.isfinite(gamma_E) & jnp.isfinite(gamma_M)
    concave = finite & (denominator > 0)
    in_domain = check_domain(
        {
            "gamma_E and gamma_M must be finite": finite,
            "eq. 7 needs 59 - 9*gamma_E - 8*gamma_M > 0 (concavity; pole at equality)": concave,
        },
        values={"gamma_E": gamma_E, "gamma_M": gamma_M},
    )
    # a harmless point where eq. 7 is undefined, so that neither value nor gradient is NaN
    safe_E = jnp.where(concave, gamma_E, 1.1)
    safe_M = jnp.where(concave, gamma_M, 1.2)
    tau = efficient_tariff_closed_form(safe_E, safe_M)
    in_domain = in_domain & check_domain(
        tariff_conditions(tau, DEFAULT_MARKET, "reciprocal tariff"),
        values={"gamma_E": gamma_E, "gamma_M": gamma_M},
    )
    tau = jnp.where(concave, tau, jnp.nan)
    return RegimeTariff(tau, tau / world_price(tau), in_domain)
