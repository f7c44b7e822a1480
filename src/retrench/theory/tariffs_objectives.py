"""Government objectives (eq. 1), public welfare (eq. 2) and reciprocity (eq. 5), DeRemer (2023).

Home's objective with weights w = (γ_E, γ_M, γ_E*, γ_M*) (:class:`TariffWeights`):

    G  = CS(p_x) + γ_M Π_M(p_x) + τ_x M(p_x)          (import market x)
       + CS(p_y) + γ_E Π_E(p_y)                        (export market y, p_y = p_y^w),
    G* = CS(p_x*) + γ_E* Π_E(p_x*)                     (p_x* = p_x^w)
       + CS(p_y*) + γ_M* Π_M(p_y*) + τ_y* M(p_y*).

Term-by-term check against Bagwell–Staiger (2001): consumer surplus of each good, weighted
producer surplus of each sector, and the tariff revenue of the country's own import tariff. Two
readings of the printed eq. 1 are corrected here (see docs/replication/seed002.md):

* eq. 1's second line for Home evaluates CS, Π_y and a revenue term at p_y* (Foreign's price) and
  subtracts (p_y* − p_y^w) M_y(p_y*), i.e. Foreign's tariff revenue. In B–S the revenue term of
  the export good is Home's export-tax revenue (p_y^w − p_y) E_y, which is zero here because
  export policies are excluded (p_y = p_y^w); the text after eq. 3 says W is "a function of
  p_y(p_y*)", so Home's own price p_y is meant. We use CS(p_y) + γ_E Π_E(p_y) and no revenue.
* G*'s first line has −(p_x* − p_x^w) M_x(p_x*), which is identically zero (p_x* = p_x^w).

Public welfare W (eq. 2) is the same function with the public's weights; pass a second
``TariffWeights`` instance. With all weights equal to 1, G is national welfare (CS + PS + TR).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal, NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain
from retrench.theory.tariffs_market import (
    DEFAULT_MARKET,
    MarketParams,
    consumer_surplus,
    demand,
    export_sector_profit,
    import_demand,
    importer_price,
    market_conditions,
    tariff_conditions,
    world_price,
)

Array = jax.Array
ArrayLike = jax.typing.ArrayLike
ReciprocityDefinition = Literal["terms_of_trade", "trade_volume"]


class TariffWeights(NamedTuple):
    """Political-economy weights on sector profits (a pytree).

    | code | symbol | meaning |
    |---|---|---|
    | ``gamma_E`` | γ_E | Home's weight on its exporters' profits (good y) |
    | ``gamma_M`` | γ_M | Home's weight on its import-competing profits (good x) |
    | ``gamma_E_star`` | γ_E* | Foreign's weight on its exporters' profits (good x) |
    | ``gamma_M_star`` | γ_M* | Foreign's weight on its import-competing profits (good y) |

    One instance holds the governments' weights (γ^G, eq. 1), another the publics' (γ^W, eq. 2).
    """

    gamma_E: ArrayLike
    gamma_M: ArrayLike
    gamma_E_star: ArrayLike
    gamma_M_star: ArrayLike

    @classmethod
    def symmetric(cls, gamma_E: ArrayLike, gamma_M: ArrayLike) -> TariffWeights:
        """Both countries with the same (γ_E, γ_M), as in section 3.3."""
        return cls(gamma_E, gamma_M, gamma_E, gamma_M)


@partial(
    jax.tree_util.register_dataclass,
    data_fields=["home", "foreign", "in_domain"],
    meta_fields=[],
)
@dataclass(frozen=True)
class ObjectivePair:
    """(G, G*) with the domain flag; unpacks as ``G, G_star = government_objective(...)``."""

    home: Array
    foreign: Array
    in_domain: Array

    def __iter__(self):
        return iter((self.home, self.foreign))


# ---------------------------------------------------------------- unchecked building blocks


def importer_objective(tau: ArrayLike, gamma_M: ArrayLike, market: MarketParams) -> Array:
    """Importer's terms for its import good: CS + γ_M Π_M + τ M at p = p^w(τ) + τ."""
    p = importer_price(tau, market)
    profit = market.import_supply_intercept * p + 0.5 * market.import_supply_slope * p**2
    return consumer_surplus(p, market) + gamma_M * profit + tau * import_demand(p, market)


def exporter_objective(tau: ArrayLike, gamma_E: ArrayLike, market: MarketParams) -> Array:
    """Exporter's terms for its export good: CS + γ_E Π_E at p = p^w(τ) (no export policy)."""
    p = world_price(tau, market)
    return consumer_surplus(p, market) + gamma_E * export_sector_profit(p, market)


def home_objective(
    tau_x: ArrayLike, tau_y_star: ArrayLike, w: TariffWeights, market: MarketParams
) -> Array:
    """G (eq. 1, corrected as in the module docstring), no domain check."""
    return importer_objective(tau_x, w.gamma_M, market) + exporter_objective(
        tau_y_star, w.gamma_E, market
    )


def foreign_objective(
    tau_x: ArrayLike, tau_y_star: ArrayLike, w: TariffWeights, market: MarketParams
) -> Array:
    """G* (eq. 1), no domain check."""
    return exporter_objective(tau_x, w.gamma_E_star, market) + importer_objective(
        tau_y_star, w.gamma_M_star, market
    )


def weight_conditions(w: TariffWeights) -> dict[str, Array]:
    """All four weights must be finite (their economic bounds depend on the question asked)."""
    return {
        f"{name} must be finite": jnp.isfinite(jnp.asarray(v)) for name, v in w._asdict().items()
    }


def _checked_pair(
    tau_x: ArrayLike, tau_y_star: ArrayLike, w: TariffWeights, market: MarketParams
) -> ObjectivePair:
    dtype = jnp.result_type(float)
    tau_x = jnp.asarray(tau_x, dtype=dtype)
    tau_y_star = jnp.asarray(tau_y_star, dtype=dtype)
    in_domain = check_domain(
        {
            **market_conditions(market),
            **weight_conditions(w),
            **tariff_conditions(tau_x, market, "tau_x"),
            **tariff_conditions(tau_y_star, market, "tau_y_star"),
        },
        values={"tau_x": tau_x, "tau_y_star": tau_y_star},
    )
    return ObjectivePair(
        home=home_objective(tau_x, tau_y_star, w, market),
        foreign=foreign_objective(tau_x, tau_y_star, w, market),
        in_domain=in_domain,
    )


def government_objective(
    tau_x: ArrayLike,
    tau_y_star: ArrayLike,
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
) -> ObjectivePair:
    """(G, G*) of eq. 1 at specific tariffs (τ_x, τ_y*) with the governments' weights ``w``.

    Eager calls raise DomainError for prohibitive or non-interior tariffs; traced calls return
    the flag in ``.in_domain``. Unpacks as ``G, G_star``.
    """
    return _checked_pair(tau_x, tau_y_star, w, market)


def public_welfare(
    tau_x: ArrayLike,
    tau_y_star: ArrayLike,
    w_public: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
) -> ObjectivePair:
    """(W, W*) of eq. 2: eq. 1 with the publics' weights γ^W (e.g. γ_E^W < γ_E^G)."""
    return _checked_pair(tau_x, tau_y_star, w_public, market)


# ---------------------------------------------------------------- marginal effects


def world_price_slope(market: MarketParams = DEFAULT_MARKET) -> Array:
    """k = dp^w/dτ = −(b + s_M)/(2b + s_M + s_E) (−3/7 by default); the importer's price
    moves by 1 + k (4/7), so higher tariffs raise local and lower world prices (no Metzler or
    Lerner paradox, section 3.1)."""
    m = market
    return -(m.demand_slope + m.import_supply_slope) / (
        2.0 * m.demand_slope + m.import_supply_slope + m.export_supply_slope
    )


def importer_marginal(tau: ArrayLike, gamma_M: ArrayLike, market: MarketParams) -> Array:
    """d/dτ of the importer's terms (CS + γ_M Π_M + τ M), using dCS/dp = −D, dΠ_M/dp = Q_M:

    [−D(p) + γ_M Q_M(p)](1 + k) + M(p) + τ M'(p)(1 + k),   p = p^w(τ) + τ, M' = −(b + s_M).
    """
    m = market
    k = world_price_slope(m)
    p = importer_price(tau, m)
    q_m = m.import_supply_intercept + m.import_supply_slope * p
    local = (-demand(p, m) + gamma_M * q_m) * (1.0 + k)
    revenue = import_demand(p, m) - tau * (m.demand_slope + m.import_supply_slope) * (1.0 + k)
    return local + revenue


def exporter_marginal(tau: ArrayLike, gamma_E: ArrayLike, market: MarketParams) -> Array:
    """d/dτ of the exporter's terms (CS + γ_E Π_E at p^w(τ)): [−D(p^w) + γ_E Q_E(p^w)] k.

    Equivalently [(γ_E − 1) Q_E + E] k: eq. 4's local-price term plus the terms-of-trade term.
    """
    m = market
    p = world_price(tau, m)
    q_e = m.export_supply_intercept + m.export_supply_slope * p
    return (-demand(p, m) + gamma_E * q_e) * world_price_slope(m)


def importer_curvature(gamma_M: ArrayLike, market: MarketParams) -> Array:
    """d²/dτ² of the importer's terms: (b + γ_M s_M)(1 + k)² − 2 (b + s_M)(1 + k)
    ((8γ_M − 68)/49 by default: concave iff γ_M < 8.5)."""
    m = market
    k = world_price_slope(m)
    slope = m.demand_slope + gamma_M * m.import_supply_slope
    return slope * (1.0 + k) ** 2 - 2.0 * (m.demand_slope + m.import_supply_slope) * (1.0 + k)


def exporter_curvature(gamma_E: ArrayLike, market: MarketParams) -> Array:
    """d²/dτ² of the exporter's terms: (b + γ_E s_E) k² (9(1 + γ_E)/49 by default)."""
    m = market
    return (m.demand_slope + gamma_E * m.export_supply_slope) * world_price_slope(m) ** 2


def objective_gradients(
    tau_x: ArrayLike, tau_y_star: ArrayLike, w: TariffWeights, market: MarketParams
) -> tuple[Array, Array]:
    """(∇G, ∇G*) with respect to (τ_x, τ_y*), each of shape (..., 2).

    Analytic (G is separable: τ_x moves only market x, τ_y* only market y); the tests check
    them against automatic differentiation of :func:`government_objective`.
    """
    dtype = jnp.result_type(float)
    tau_x = jnp.asarray(tau_x, dtype=dtype)
    tau_y_star = jnp.asarray(tau_y_star, dtype=dtype)
    home = jnp.broadcast_arrays(
        importer_marginal(tau_x, w.gamma_M, market),
        exporter_marginal(tau_y_star, w.gamma_E, market),
    )
    foreign = jnp.broadcast_arrays(
        exporter_marginal(tau_x, w.gamma_E_star, market),
        importer_marginal(tau_y_star, w.gamma_M_star, market),
    )
    return jnp.stack(home, axis=-1), jnp.stack(foreign, axis=-1)


def objective_hessians(w: TariffWeights, market: MarketParams) -> tuple[Array, Array]:
    """(Hessian of G, Hessian of G*), shape (..., 2, 2); constant and diagonal in this model."""
    zero = jnp.zeros_like(
        importer_curvature(w.gamma_M, market) + exporter_curvature(w.gamma_E, market)
    )

    def diag(first: Array, second: Array) -> Array:
        first, second, z = jnp.broadcast_arrays(first, second, zero)
        return jnp.stack([jnp.stack([first, z], -1), jnp.stack([z, second], -1)], -2)

    home = diag(importer_curvature(w.gamma_M, market), exporter_curvature(w.gamma_E, market))
    foreign = diag(
        exporter_curvature(w.gamma_E_star, market), importer_curvature(w.gamma_M_star, market)
    )
    return home, foreign


def export_price_effect(tau_y_star: ArrayLike, gamma_E: ArrayLike, market: MarketParams) -> Array:
    """Eq. 4 local-price term: dG/dp_y* = (dp_y/dp_y*)(γ_E − 1) Q_y(p_y).

    This is the part of Home's gain from Foreign's tariff that is *not* terms of trade; the full
    derivative is dG/dτ_y* = [(γ_E − 1) Q_y + E_y] dp_y^w/dτ_y*, E_y dp_y^w/dτ_y* being the
    terms-of-trade effect (tested in tests/theory/test_tariffs_objectives.py). With dp_y* =
    (1 + k) dτ_y* and dp_y = k dτ_y*, dp_y/dp_y* = k/(1 + k) = M'_y/(Q'_y − D'_y) (−3/4).
    """
    k = world_price_slope(market)
    p_y = world_price(tau_y_star, market)
    q_y = market.export_supply_intercept + market.export_supply_slope * p_y
    return (k / (1.0 + k)) * (gamma_E - 1.0) * q_y


def reciprocity_ratio(
    tau_x: ArrayLike,
    tau_y_star: ArrayLike,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Array:
    """dτ_y*/dτ_x along a reciprocal tariff change (eq. 5).

    Eq. 5 prints two expressions as equal:

    * ``"trade_volume"`` (default, the middle one): (dM_x/dp_x)(dp_x/dτ_x) p_x^w /
      ((dM_y/dp_y*)(dp_y*/dτ_y*) p_y^w): equal changes in import and export volumes valued at
      world prices, i.e. the trade balance "valued at terms of trade" is preserved (the
      definition in words, and Bagwell–Staiger's);
    * ``"terms_of_trade"`` (the right-hand one): M_x dp_x^w/dτ_x / (M_y dp_y^w/dτ_y*): the
      change leaves Home's terms-of-trade income unchanged to first order.

    They coincide when M_x/p_x^w = M_y/p_y^w (the ratio of the two is (M_y/p_y^w)/(M_x/p_x^w)
    with identical market slopes; e.g. symmetric
    tariffs), which eq. 5 implicitly assumes; with a numeraire good absorbing imbalances they
    differ at asymmetric tariffs. M_y is Foreign's import of y.
    """
    num, den = reciprocity_terms(tau_x, tau_y_star, market, definition)
    return num / den


def reciprocity_terms(
    tau_x: ArrayLike,
    tau_y_star: ArrayLike,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> tuple[Array, Array]:
    """Numerator and denominator of :func:`reciprocity_ratio` (eq. 5), r = num / den."""
    dtype = jnp.result_type(float)
    tau_x = jnp.asarray(tau_x, dtype=dtype)
    tau_y_star = jnp.asarray(tau_y_star, dtype=dtype)
    k = world_price_slope(market)
    if definition == "terms_of_trade":

        def term(t: Array) -> Array:
            return import_demand(importer_price(t, market), market) * k

    elif definition == "trade_volume":
        import_slope = -(market.demand_slope + market.import_supply_slope) * (1.0 + k)

        def term(t: Array) -> Array:
            return import_slope * world_price(t, market)

    else:
        raise ValueError(
            f"definition must be 'terms_of_trade' or 'trade_volume' (got {definition!r})"
        )
    return term(tau_x), term(tau_y_star)


def reciprocal_stationarity_residual(
    tau_x: ArrayLike,
    tau_y_star: ArrayLike,
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Array:
    """Left-hand sides of eq. 6, shape (..., 2): each government's gain per unit of τ_x along
    a reciprocal change, dG/dτ_x + dG/dτ_y* · r and dG*/dτ_x + dG*/dτ_y* · r, r from eq. 5.

    (Eq. 6's second line prints dp_x/dτ_y*, a typo for dp_x/dτ_x: p_x does not depend on τ_y*.)
    """
    grad_home, grad_foreign = objective_gradients(tau_x, tau_y_star, w, market)
    r = reciprocity_ratio(tau_x, tau_y_star, market, definition)
    return jnp.stack(
        [grad_home[0] + grad_home[1] * r, grad_foreign[0] + grad_foreign[1] * r], axis=-1
    )
