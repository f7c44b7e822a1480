"""The two-country, two-good partial-equilibrium market of DeRemer (2023), section 3.

Bagwell–Staiger (2001) structure: Home imports good x and exports good y; Foreign mirrors it.
Every good has the same linear demand in both countries and linear supplies, with the
import-competing sector smaller than the export sector (``Q_x = Q_y* < Q_y = Q_x*``). Tariffs are
*specific* (per unit): ``tau_x`` ↔ τ_x (Home's import tariff on x) and ``tau_y_star`` ↔ τ_y*
(Foreign's import tariff on y). No-arbitrage and market clearing (eq. 3),

    p_x − τ_x = p_x* = p_x^w,   p_y* − τ_y* = p_y = p_y^w,
    Q_i(p_i) + Q_i*(p_i*) = D(p_i) + D(p_i*)   (i = x, y),

are linear, so the world price has the closed form :func:`world_price`; a numeric check of
market clearing lives in the tests. The market for x (Home imports) and for y (Foreign imports)
are the same function of the importer's tariff, so everything below is written for "an import
market" with the importer's tariff ``tau``.

Code name ↔ symbol (section 3.3 defaults, giving CS = ½(1 − p)², export profits p²/2,
import-competing profits p²/4 and p^w(τ) = (4 − 3τ)/7):

| code | symbol | default |
|---|---|---|
| ``demand_intercept`` | a in D(p) = a − b p | 1 |
| ``demand_slope`` | b | 1 |
| ``export_supply_intercept`` | c_E in Q_E(p) = c_E + s_E p | 0 |
| ``export_supply_slope`` | s_E | 1 |
| ``import_supply_intercept`` | c_M in Q_M(p) = c_M + s_M p | 0 |
| ``import_supply_slope`` | s_M | ½ |

Observed ad-valorem tariffs map to the model's specific tariffs through the model's own world
price, t = τ / p^w(τ) (:func:`to_ad_valorem`, :func:`from_ad_valorem`).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain
from retrench.theory._roots import RootResult, find_root, raise_if_not_converged

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


class MarketParams(NamedTuple):
    """Linear demand and supplies shared by both goods and both countries (a pytree).

    Defaults are the section 3.3 (Bagwell–Staiger 2001) forms; see the module table.
    """

    demand_intercept: ArrayLike = 1.0
    demand_slope: ArrayLike = 1.0
    export_supply_intercept: ArrayLike = 0.0
    export_supply_slope: ArrayLike = 1.0
    import_supply_intercept: ArrayLike = 0.0
    import_supply_slope: ArrayLike = 0.5


DEFAULT_MARKET = MarketParams()
"""The section 3.3 market (module-level so that it can be a default argument)."""


# ---------------------------------------------------------------- primitives


def demand(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """D(p) = a − b p, the same in both countries for both goods."""
    return market.demand_intercept - market.demand_slope * price


def consumer_surplus(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """CS(p) = ∫_p^p̄ D = (a − b p)² / (2b), with choke price p̄ = a/b (½(1 − p)² by default)."""
    return demand(price, market) ** 2 / (2.0 * market.demand_slope)


def export_sector_supply(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Q_E(p) = c_E + s_E p: supply of the export sector (Q_y at Home, Q_x* in Foreign)."""
    return market.export_supply_intercept + market.export_supply_slope * price


def import_sector_supply(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Q_M(p) = c_M + s_M p: supply of the import-competing sector (Q_x at Home, Q_y*)."""
    return market.import_supply_intercept + market.import_supply_slope * price


def export_sector_profit(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Π_E(p) = ∫_0^p Q_E = c_E p + s_E p²/2 (p²/2 by default), so dΠ_E/dp = Q_E."""
    return market.export_supply_intercept * price + 0.5 * market.export_supply_slope * price**2


def import_sector_profit(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Π_M(p) = ∫_0^p Q_M = c_M p + s_M p²/2 (p²/4 by default), so dΠ_M/dp = Q_M."""
    return market.import_supply_intercept * price + 0.5 * market.import_supply_slope * price**2


def import_demand(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """M(p) = D(p) − Q_M(p): the importer's import volume at its local price."""
    return demand(price, market) - import_sector_supply(price, market)


def export_supply(price: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """E(p) = Q_E(p) − D(p): the exporter's export volume at its local price."""
    return export_sector_supply(price, market) - demand(price, market)


# ---------------------------------------------------------------- equilibrium (eq. 3)


def world_price(tau: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """World price p^w(τ) clearing one import market under the importer's specific tariff τ.

    Eq. 3 with the importer's price p^w + τ and the exporter's price p^w:
    Q_M(p^w + τ) + Q_E(p^w) = D(p^w + τ) + D(p^w), hence

        p^w(τ) = (2a − c_M − c_E − (b + s_M) τ) / (2b + s_M + s_E)  = (4 − 3τ)/7 by default,

    as stated in section 3.3 ("balanced trade implies world prices are (4 − 3τ)/7").
    """
    m = market
    numerator = (
        2.0 * m.demand_intercept
        - m.import_supply_intercept
        - m.export_supply_intercept
        - (m.demand_slope + m.import_supply_slope) * tau
    )
    denominator = 2.0 * m.demand_slope + m.import_supply_slope + m.export_supply_slope
    return numerator / denominator


def importer_price(tau: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Importer's local price p^w(τ) + τ (p_x at Home, p_y* in Foreign); (4 + 4τ)/7 by default."""
    return world_price(tau, market) + tau


def market_clearing_residual(
    tau: ArrayLike, price_world: ArrayLike, market: MarketParams = DEFAULT_MARKET
) -> Array:
    """World excess supply Q_M(p^w+τ) + Q_E(p^w) − D(p^w+τ) − D(p^w) (zero in equilibrium)."""
    p_imp = price_world + tau
    supply = import_sector_supply(p_imp, market) + export_sector_supply(price_world, market)
    return supply - demand(p_imp, market) - demand(price_world, market)


def autarky_price(market: MarketParams = DEFAULT_MARKET) -> Array:
    """Importer's autarky price p_A solving M(p_A) = 0: (a − c_M)/(b + s_M) (2/3 by default)."""
    m = market
    return (m.demand_intercept - m.import_supply_intercept) / (
        m.demand_slope + m.import_supply_slope
    )


def prohibitive_tariff(market: MarketParams = DEFAULT_MARKET) -> Array:
    """Smallest specific tariff that stops trade: p^w(τ) + τ = p_A (1/6 by default)."""
    m = market
    total_slope = 2.0 * m.demand_slope + m.import_supply_slope + m.export_supply_slope
    offset = 2.0 * m.demand_intercept - m.import_supply_intercept - m.export_supply_intercept
    return (total_slope * autarky_price(m) - offset) / (m.demand_slope + m.export_supply_slope)


def market_conditions(market: MarketParams = DEFAULT_MARKET) -> dict[str, Array]:
    """Conditions on ``market`` itself: positive slopes and trade at free trade."""
    m = market
    return {
        "demand_slope must be > 0": jnp.asarray(m.demand_slope) > 0,
        "import_supply_slope must be > 0": jnp.asarray(m.import_supply_slope) > 0,
        "export_supply_slope must be > 0": jnp.asarray(m.export_supply_slope) > 0,
        "market must trade at free trade (prohibitive_tariff(market) > 0: the importer's "
        "import-competing sector must be smaller than the exporter's export sector)": (
            prohibitive_tariff(m) > 0
        ),
    }


def tariff_conditions(
    tau: ArrayLike, market: MarketParams = DEFAULT_MARKET, name: str = "tau"
) -> dict[str, Array]:
    """Elementwise conditions for ``tau`` to be an interior, nonprohibitive tariff.

    Imports strictly positive (nonprohibitive, as section 3.1 requires), both local prices
    positive and both demands positive (the linear forms are only meaningful there). With the
    default market this is −1 < τ < 1/6.
    """
    p_world = world_price(tau, market)
    p_imp = p_world + tau
    finite = jnp.isfinite(tau)
    return {
        f"{name} must be finite": finite,
        f"{name} must be nonprohibitive (imports > 0, i.e. {name} < prohibitive_tariff)": (
            import_demand(p_imp, market) > 0
        ),
        f"{name} must leave the world price positive": p_world > 0,
        f"{name} must leave the importer's price positive": p_imp > 0,
        f"{name} must leave demand positive in the exporting country": demand(p_world, market) > 0,
        f"{name} must leave demand positive in the importing country": demand(p_imp, market) > 0,
    }


def tariff_in_domain(tau: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Boolean flag (never raises): is ``tau`` an interior nonprohibitive tariff?"""
    flags = {**market_conditions(market), **tariff_conditions(tau, market)}
    out = jnp.ones((), dtype=bool)
    for flag in flags.values():
        out = out & flag
    return out


def check_tariff(tau: ArrayLike, market: MarketParams = DEFAULT_MARKET, name: str = "tau") -> Array:
    """Eager: raise DomainError naming the failed condition; traced: return the flag."""
    return check_domain(
        {**market_conditions(market), **tariff_conditions(tau, market, name)}, values={name: tau}
    )


# ---------------------------------------------------------------- ad valorem <-> specific


def to_ad_valorem(tau: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Ad-valorem equivalent t = τ / p^w(τ) of a specific tariff, through the model's world price.

    Raises DomainError (eager) for a tariff outside :func:`tariff_conditions`; under tracing the
    value is returned and :func:`tariff_in_domain` gives the flag.
    """
    tau = jnp.asarray(tau, dtype=jnp.result_type(float))
    check_tariff(tau, market)
    return tau / world_price(tau, market)


def _specific_minus_ad_valorem(tau: Array, args: tuple[Array, MarketParams]) -> Array:
    t, market = args
    return tau - t * world_price(tau, market)


def _solve_ad_valorem_one(t_one: Array, market: MarketParams) -> tuple[Array, Array]:
    res = find_root(_specific_minus_ad_valorem, jnp.zeros(()), (t_one, market))
    return res.value, res.converged


@jax.jit
def _solve_ad_valorem_batch(t_flat: Array, market: MarketParams) -> tuple[Array, Array]:
    """Jitted at module level so that repeated eager calls reuse the compiled solve."""
    return jax.vmap(_solve_ad_valorem_one, in_axes=(0, None))(t_flat, market)


def from_ad_valorem(t: ArrayLike, market: MarketParams = DEFAULT_MARKET) -> Array:
    """Specific tariff τ solving τ = t · p^w(τ) (Newton root find, implicit gradients).

    Eager calls raise DomainError when t ≤ −1 or the implied τ is prohibitive, and
    ConvergenceError if the root find fails; traced calls return the value (check it with
    :func:`tariff_in_domain`). ``t`` may be an array (elementwise).
    """
    t = jnp.asarray(t, dtype=jnp.result_type(float))
    check_domain(
        {"ad-valorem tariff t must be finite and > -1": jnp.isfinite(t) & (t > -1.0)},
        values={"t": t},
    )
    tau_flat, converged = _solve_ad_valorem_batch(t.reshape(-1), market)
    tau, ok = tau_flat.reshape(t.shape), converged.reshape(t.shape)
    raise_if_not_converged(RootResult(tau, ok, jnp.zeros_like(tau)), "from_ad_valorem")
    check_tariff(tau, market, name="tau implied by t")
    return tau
