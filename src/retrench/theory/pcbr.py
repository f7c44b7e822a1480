"""Rodrik's political cost–benefit ratio (PCBR) of trade liberalisation, seed 004.

"The efficiency cost of a tax rises ... with the square of the rate ... Redistribution ...
generates linear effects ... [the] ratio of redistribution per net gain [is] the 'political
cost-benefit ratio' (PCBR)" (Rodrik, *Globalization's Wrong Turn*). The essay gives no formula;
this module makes it exact in the textbook setting it appeals to: one linear import market of a
small open economy (fixed world price) with a specific tariff τ.

| code | symbol | meaning (default) |
|---|---|---|
| ``demand_intercept``, ``demand_slope`` | a, b | domestic demand D(p) = a − b p (1, 1) |
| ``supply_intercept``, ``supply_slope`` | c, s | protected domestic supply S(p) = c + s p (0, ½) |
| ``world_price`` | p^w | fixed world price (4/7, the free-trade price of seed 002's market) |
| ``tau0``, ``tau1`` | τ0, τ1 | barrier before and after the cut, 0 ≤ τ1 < τ0 ≤ prohibitive |

* efficiency cost of τ (Harberger triangle, exact for linear schedules): ½ (b + s) τ²;
* :func:`efficiency_gain` = cost(τ0) − cost(τ1) = ½ (b + s)(τ0² − τ1²)  (quadratic);
* :func:`redistribution` = producer surplus the protected producers lose
  = ∫_{p^w+τ1}^{p^w+τ0} S = (τ0 − τ1) S(p^w + (τ0 + τ1)/2)  (linear at first order);
* :func:`political_cost_benefit_ratio` = redistribution / efficiency gain.

With inelastic supply (s = 0, allowed) redistribution is exactly linear, c (τ0 − τ1), the case
the essay's "linear effects" describe without approximation; the efficiency gain is then
½ b (τ0² − τ1²).

For a complete removal (τ1 = 0) the PCBR is 2 S(p^w)/((b + s) τ0) + s/(b + s): it falls like
1/τ0, the essay's point that chipping away at low barriers shuffles much income per dollar of gain.
Eager calls with barriers outside the domain raise DomainError; under tracing use
:func:`pcbr_in_domain` for the flag.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain, nan_unless

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


class ImportMarket(NamedTuple):
    """A small open economy's linear import market at a fixed world price (pytree)."""

    demand_intercept: ArrayLike = 1.0
    demand_slope: ArrayLike = 1.0
    supply_intercept: ArrayLike = 0.0
    supply_slope: ArrayLike = 0.5
    world_price: ArrayLike = 4.0 / 7.0


DEFAULT_IMPORT_MARKET = ImportMarket()


def domestic_supply(price: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """S(p) = c + s p: output of the protected import-competing producers."""
    return market.supply_intercept + market.supply_slope * price


def imports(tau: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """M(τ) = D(p^w + τ) − S(p^w + τ)."""
    p = market.world_price + tau
    return market.demand_intercept - market.demand_slope * p - domestic_supply(p, market)


def prohibitive_barrier(market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """τ at which imports stop: (a − c)/(b + s) − p^w (2/21 by default)."""
    m = market
    return (m.demand_intercept - m.supply_intercept) / (
        m.demand_slope + m.supply_slope
    ) - m.world_price


def national_surplus(tau: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """CS + PS + tariff revenue at barrier τ (surpluses measured from zero price/choke price)."""
    m = market
    p = m.world_price + tau
    consumer = (m.demand_intercept - m.demand_slope * p) ** 2 / (2.0 * m.demand_slope)
    producer = m.supply_intercept * p + 0.5 * m.supply_slope * p**2
    return consumer + producer + tau * imports(tau, m)


def efficiency_cost(tau: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """Deadweight loss of barrier τ: national surplus at free trade minus at τ (= ½ (b + s) τ²)."""
    return national_surplus(0.0, market) - national_surplus(tau, market)


def pcbr_conditions(
    tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET
) -> dict[str, Array]:
    """Domain: a genuine cut 0 ≤ τ1 < τ0 ≤ prohibitive barrier, positive slopes."""
    tau0 = jnp.asarray(tau0, dtype=jnp.result_type(float))
    tau1 = jnp.asarray(tau1, dtype=jnp.result_type(float))
    return {
        "demand_slope must be > 0 and supply_slope >= 0 (inelastic supply allowed)": (
            jnp.asarray(market.demand_slope) > 0
        )
        & (jnp.asarray(market.supply_slope) >= 0),
        "market must import at free trade (prohibitive_barrier(market) > 0)": (
            prohibitive_barrier(market) > 0
        ),
        "tau1 must be >= 0 (no import subsidy)": tau1 >= 0,
        "tau0 must be > tau1 (a cut)": tau0 > tau1,
        "tau0 must be <= prohibitive_barrier(market) (Harberger triangle exact only there)": (
            tau0 <= prohibitive_barrier(market)
        ),
        "tau0 and tau1 must be finite": jnp.isfinite(tau0) & jnp.isfinite(tau1),
    }


def pcbr_in_domain(
    tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET
) -> Array:
    """Flag (never raises) for :func:`pcbr_conditions`."""
    out = jnp.ones((), dtype=bool)
    for flag in pcbr_conditions(tau0, tau1, market).values():
        out = out & flag
    return out


def _check(tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket) -> None:
    check_domain(pcbr_conditions(tau0, tau1, market), values={"tau0": tau0, "tau1": tau1})


def efficiency_gain(
    tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET
) -> Array:
    """Net national gain from cutting the barrier from τ0 to τ1 (quadratic in the barrier)."""
    _check(tau0, tau1, market)
    return efficiency_cost(tau0, market) - efficiency_cost(tau1, market)


def redistribution(
    tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET
) -> Array:
    """Producer surplus the protected producers lose (transferred to consumers) from τ0 to τ1.

    ∫_{p^w+τ1}^{p^w+τ0} S(p) dp: linear in the size of the cut at first order, whatever the
    initial barrier (the second-order term is s (τ0² − τ1²)/2).
    """
    _check(tau0, tau1, market)
    p0 = market.world_price + jnp.asarray(tau0)
    p1 = market.world_price + jnp.asarray(tau1)
    return market.supply_intercept * (p0 - p1) + 0.5 * market.supply_slope * (p0**2 - p1**2)


def political_cost_benefit_ratio(
    tau0: ArrayLike, tau1: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET
) -> Array:
    """Rodrik's PCBR: :func:`redistribution` per unit of :func:`efficiency_gain` for τ0 → τ1.

    Outside :func:`pcbr_conditions` (e.g. a reversed "cut" τ0 < τ1, whose ratio would equal the
    real cut's) it raises DomainError when eager and is NaN (NaN gradient) when traced."""
    ratio = redistribution(tau0, tau1, market) / efficiency_gain(tau0, tau1, market)
    return nan_unless(pcbr_in_domain(tau0, tau1, market), ratio)


def marginal_pcbr(tau: ArrayLike, market: ImportMarket = DEFAULT_IMPORT_MARKET) -> Array:
    """Limit of the PCBR for an infinitesimal cut at τ: S(p^w + τ)/((b + s) τ) (∝ 1/τ)."""
    tau = jnp.asarray(tau, dtype=jnp.result_type(float))
    check_domain(
        {
            "tau must be in (0, prohibitive_barrier]": (tau > 0)
            & (tau <= prohibitive_barrier(market))
        },
        values={"tau": tau},
    )
    slope = market.demand_slope + market.supply_slope
    return domestic_supply(market.world_price + tau, market) / (slope * tau)


# ---------------------------------------------------------------- rule-of-thumb forms


def free_trade_gain_share(
    t: ArrayLike, import_share: ArrayLike, import_demand_elasticity: ArrayLike
) -> Array:
    """Rodrik's partial-equilibrium rule of thumb for the gain from free trade, share of GDP.

    ½ [t/(1 + t)]² · m · e with ad-valorem tariff t, imports m as a share of GDP and import-demand
    elasticity e (at the tariff-inclusive price). Exactly the Harberger triangle ½ (b + s) τ² of a
    linear market with τ = p t/(1 + t) and e = (b + s) p / M. Not in the seed essay: Rodrik's
    2007 blog post (t = 0.10, m = 0.2, e = 3 → about 0.25 % of GDP).
    """
    t = jnp.asarray(t, dtype=jnp.result_type(float))
    check_domain(
        {
            "t must be >= 0": t >= 0,
            "import_share must be in [0, 1]": (jnp.asarray(import_share) >= 0)
            & (jnp.asarray(import_share) <= 1),
            "import_demand_elasticity must be >= 0": jnp.asarray(import_demand_elasticity) >= 0,
        },
        values={"t": t},
    )
    return 0.5 * (t / (1.0 + t)) ** 2 * import_share * import_demand_elasticity


def pcbr_rule_of_thumb(
    t: ArrayLike, import_demand_elasticity: ArrayLike, output_to_imports: ArrayLike = 1.0
) -> Array:
    """First-order PCBR of removing an ad-valorem barrier t: 2 (S/M) / (e · t/(1 + t)).

    Redistribution ≈ τ S (producers' loss, first order), efficiency gain = ½ e (p M) (t/(1+t))²
    with τ = p t/(1 + t); S/M = ``output_to_imports`` and e at the tariff-inclusive price. With
    S = M this is 2(1 + t)/(e t): e.g. e = 2 gives about 11 at t = 10 % and 51 at t = 2 %.
    """
    t = jnp.asarray(t, dtype=jnp.result_type(float))
    check_domain(
        {
            "t must be > 0": t > 0,
            "import_demand_elasticity must be > 0": jnp.asarray(import_demand_elasticity) > 0,
        },
        values={"t": t},
    )
    return 2.0 * output_to_imports / (import_demand_elasticity * t / (1.0 + t))


def tariff_equivalent_of_price_gap(price_ratio: ArrayLike) -> Array:
    """Ad-valorem barrier that sustains a domestic/foreign price (or income) ratio: ratio − 1.

    The essay's labour-mobility example: a six-fold income gain is a 500 % barrier.
    """
    price_ratio = jnp.asarray(price_ratio, dtype=jnp.result_type(float))
    check_domain({"price_ratio must be > 0": price_ratio > 0}, values={"price_ratio": price_ratio})
    return price_ratio - 1.0
