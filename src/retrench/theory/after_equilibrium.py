r"""After equilibrium: erosion of advantaged sectors after the disadvantaged one is gone (seed 000).

Yean (2025), *After Equilibrium* (memo), section 2 and Figure 2: a country moves from autarky to
trade, lets its disadvantaged sector go (re-entering it later has a cost: lost capability), and
then a partner catches up in its advantaged sector(s) (technology diffusion or a mercantilist
undervaluation), *sectorally* (one advantaged sector) or *systemically* (all of them). The memo is
verbal; this module is **our formalisation** (written out in ``docs/after_equilibrium.md``):

* a small open economy with sectors j = 0 (the disadvantaged sector D) and j = 1..n (advantaged);
  Cobb-Douglas utility U = Σ_j β_j log c_j; one unit of labour, output y_j = a_j l_j^θ
  (0 < θ < 1: diminishing returns, so production responds smoothly to prices);
* prices are measured against Home's autarky prices: x_j = log(p_j / p_j^A); D is the numeraire
  (x_0 = 0). At the trade equilibrium each advantaged sector sells at a premium x_k = δ_k > 0
  (Home's comparative advantage; δ_k is the log gap between world and autarky relative price);
* erosion e ∈ [0, 1] of sector k moves its world price back toward Home's autarky price:
  x_k = (1 − e m_k) δ_k, with scope mask m (sectoral: m = (1, 0, .., 0); systemic: m = 1).
  e = 1 is the full loss of the advantage (the partner's cost has reached Home's);
* re-entry cost κ ∈ [0, 1): once D is let go, Home's productivity in D is a_0 (1 − κ).

With autarky income normalised to 1, the welfare gain over autarky (log points, i.e. the
equivalent variation as a share of autarky income) has the closed form

    G(x, κ) = (1 − θ) log Σ_j β_j ((1 − κ_j) e^{x_j})^σ − Σ_j β_j x_j,   σ = 1/(1 − θ),

κ_0 = κ, κ_k = 0 (the revenue function is R = (Σ_j (p_j a_j)^σ)^{1/σ}; at autarky prices
p_j^A a_j = β_j^{1−θ}). Production shares are l_j = β_j ((1 − κ_j) e^{x_j})^σ / Σ_i (...).

| code | symbol | meaning (default) |
|---|---|---|
| ``shares`` | β_0..β_n | expenditure shares, D first (0.4, 0.3, 0.3) |
| ``curvature`` | θ | returns to labour within a sector (0.5) |
| ``advantage`` | δ_1..δ_n | log price premium of each advantaged sector at trade (1, 1) |
| ``capability_loss`` | κ | share of D's productivity lost after letting D go (0.5) |
| ``erosion`` | e | share of the advantage eroded (0 trade equilibrium .. 1 fully eroded) |
| ``scope`` | m | which advantaged sectors erode (:func:`sectoral_scope`, :func:`systemic_scope`) |

Propositions (checked in ``tests/theory/test_after_equilibrium.py``):

1. Gains from trade: G(x_T, 0) ≥ 0 (> 0 when some δ_k > 0).
2. Without a re-entry cost (κ = 0) no erosion e ∈ [0, 1] of any scope leaves the country below
   autarky: G ≥ 0, with equality only at full systemic erosion.
3. With a re-entry cost (κ > 0) full systemic erosion leaves the country strictly below autarky,
   G = (1 − θ) log(1 − β_0 (1 − (1 − κ)^σ)) < 0; by continuity there is a threshold e* < 1 above
   which it is below autarky (:func:`erosion_threshold`).
4. At equal e and equal advantages δ_k = δ, systemic erosion costs at least as much as sectoral
   erosion (∂G/∂x_k = l_k − β_k ≥ 0 for the sectors that still sell at the highest premium).
   Sectoral erosion alone need not lower national welfare all the way: labour moves to the other
   advantaged sectors and the eroded good becomes a cheaper import (G is convex in e), but the
   eroded sector's rents fall monotonically (:func:`sector_rents`): its losers are concentrated.
5. Re-entry (closing up with the lost capability) gives β_0 log(1 − κ) ≤ G after erosion: going
   back never beats staying open; the country is trapped below autarky, not saved by re-entry.
6. Sector rents (1 − θ) p_k y_k fall monotonically with the erosion of sector k.
7. A further shock to the disadvantaged sector (its import price falls, x_0 < 0) raises national
   welfare: its losers are regional (Table 1, "managed transition").

Eager calls outside the domain raise DomainError; under jit/vmap/grad use the ``*_in_domain``
flags. Everything is a closed form except :func:`erosion_threshold` (a bracketed Newton root with
implicit gradient).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain, is_traced
from retrench.theory._roots import RootResult, find_scalar_root_newton, raise_if_not_converged

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


class AfterEquilibriumParams(NamedTuple):
    """Structural parameters (pytree); see the module docstring for the symbols."""

    shares: ArrayLike = (0.4, 0.3, 0.3)
    curvature: ArrayLike = 0.5
    advantage: ArrayLike = (1.0, 1.0)
    capability_loss: ArrayLike = 0.5


DEFAULT_PARAMS = AfterEquilibriumParams()


def sectoral_scope(n_advantaged: int) -> Array:
    """Scope mask m of a sectoral threat: only the first advantaged sector erodes."""
    return jnp.zeros(n_advantaged).at[0].set(1.0)


def systemic_scope(n_advantaged: int) -> Array:
    """Scope mask m of a systemic threat: every advantaged sector erodes."""
    return jnp.ones(n_advantaged)


def domain_conditions(
    p: AfterEquilibriumParams, erosion: ArrayLike = 0.0, scope: ArrayLike | None = None
) -> dict[str, Array]:
    """The model's domain, one condition per parameter (elementwise booleans)."""
    shares = jnp.asarray(p.shares, dtype=float)
    advantage = jnp.asarray(p.advantage, dtype=float)
    mask = jnp.ones_like(advantage) if scope is None else jnp.asarray(scope, dtype=float)
    e = jnp.asarray(erosion, dtype=float)
    return {
        "shares must be > 0": jnp.all(shares > 0),
        "shares must sum to 1": jnp.abs(jnp.sum(shares) - 1.0) < 1e-9,
        "advantage must have one entry per advantaged sector (len(shares) - 1)": jnp.asarray(
            advantage.shape[-1:] == (shares.shape[-1] - 1,)
        ),
        "advantage must be >= 0 (advantaged sectors sell at or above autarky prices)": jnp.all(
            advantage >= 0
        ),
        "curvature must lie in (0, 1)": (jnp.asarray(p.curvature) > 0)
        & (jnp.asarray(p.curvature) < 1),
        "capability_loss must lie in [0, 1)": (jnp.asarray(p.capability_loss) >= 0)
        & (jnp.asarray(p.capability_loss) < 1),
        "erosion must lie in [0, 1]": (e >= 0) & (e <= 1),
        "scope entries must lie in [0, 1]": jnp.all((mask >= 0) & (mask <= 1)),
    }


def in_domain(
    p: AfterEquilibriumParams, erosion: ArrayLike = 0.0, scope: ArrayLike | None = None
) -> Array:
    """Flag (never raises) for :func:`domain_conditions`."""
    out = jnp.ones((), dtype=bool)
    for flag in domain_conditions(p, erosion, scope).values():
        out = out & flag
    return out


def _check(p: AfterEquilibriumParams, erosion: ArrayLike = 0.0, scope: ArrayLike | None = None):
    if not is_traced(p, erosion, scope):
        check_domain(
            domain_conditions(p, erosion, scope),
            values={
                "curvature": p.curvature,
                "capability_loss": p.capability_loss,
                "erosion": erosion,
            },
        )


def price_deviations(
    p: AfterEquilibriumParams,
    erosion: ArrayLike = 0.0,
    scope: ArrayLike | None = None,
    disadvantaged_shock: ArrayLike = 0.0,
) -> Array:
    """x_j = log(p_j / p_j^A): (−s, (1 − e m_k) δ_k) with s ≥ 0 a further fall of D's import price.

    ``scope=None`` is systemic (every advantaged sector erodes).
    """
    _check(p, erosion, scope)
    advantage = jnp.asarray(p.advantage, dtype=float)
    mask = jnp.ones_like(advantage) if scope is None else jnp.asarray(scope, dtype=float)
    eroded = (1.0 - jnp.asarray(erosion, dtype=float) * mask) * advantage
    x0 = -jnp.asarray(disadvantaged_shock, dtype=float)
    return jnp.concatenate([jnp.atleast_1d(x0), eroded])


def _productivity_factors(p: AfterEquilibriumParams, capability_loss: ArrayLike) -> Array:
    n = jnp.asarray(p.shares).shape[-1]
    return jnp.ones(n).at[0].set(1.0 - jnp.asarray(capability_loss, dtype=float))


def welfare_gain(
    p: AfterEquilibriumParams, prices: ArrayLike, capability_loss: ArrayLike = 0.0
) -> Array:
    """G(x, κ): welfare over autarky (log points) at price deviations x and lost capability κ.

    G = (1 − θ) log Σ_j β_j ((1 − κ_j) e^{x_j})^σ − Σ_j β_j x_j with σ = 1/(1 − θ).
    """
    shares = jnp.asarray(p.shares, dtype=float)
    theta = jnp.asarray(p.curvature, dtype=float)
    sigma = 1.0 / (1.0 - theta)
    x = jnp.asarray(prices, dtype=float)
    log_c = jnp.log(_productivity_factors(p, capability_loss)) + x
    log_revenue = (1.0 - theta) * jax.scipy.special.logsumexp(sigma * log_c, b=shares)
    return log_revenue - jnp.sum(shares * x)


def production_shares(
    p: AfterEquilibriumParams, prices: ArrayLike, capability_loss: ArrayLike = 0.0
) -> Array:
    """Labour (and revenue) shares l_j = β_j c_j^σ / Σ_i β_i c_i^σ, c_j = (1 − κ_j) e^{x_j}."""
    shares = jnp.asarray(p.shares, dtype=float)
    sigma = 1.0 / (1.0 - jnp.asarray(p.curvature, dtype=float))
    log_c = jnp.log(_productivity_factors(p, capability_loss)) + jnp.asarray(prices, dtype=float)
    return jax.nn.softmax(sigma * log_c + jnp.log(shares))


def net_exports(
    p: AfterEquilibriumParams, prices: ArrayLike, capability_loss: ArrayLike = 0.0
) -> Array:
    """Net exports by sector as shares of income: l_j − β_j (> 0: exported, < 0: imported)."""
    return production_shares(p, prices, capability_loss) - jnp.asarray(p.shares, dtype=float)


def sector_rents(
    p: AfterEquilibriumParams, prices: ArrayLike, capability_loss: ArrayLike = 0.0
) -> Array:
    """Rents (1 − θ) p_j y_j of each sector relative to autarky, in log points:
    log(l_j R / β_j) with R = (Σ_i β_i c_i^σ)^{1−θ} (income in units of D)."""
    shares = jnp.asarray(p.shares, dtype=float)
    theta = jnp.asarray(p.curvature, dtype=float)
    sigma = 1.0 / (1.0 - theta)
    log_c = jnp.log(_productivity_factors(p, capability_loss)) + jnp.asarray(prices, dtype=float)
    log_revenue = (1.0 - theta) * jax.scipy.special.logsumexp(sigma * log_c, b=shares)
    return jnp.log(production_shares(p, prices, capability_loss) / shares) + log_revenue


def trade_gain(p: AfterEquilibriumParams = DEFAULT_PARAMS) -> Array:
    """G at the trade equilibrium, before D's capability is lost (κ = 0, e = 0)."""
    return welfare_gain(p, price_deviations(p), 0.0)


def post_erosion_gain(
    p: AfterEquilibriumParams = DEFAULT_PARAMS,
    erosion: ArrayLike = 1.0,
    scope: ArrayLike | None = None,
) -> Array:
    """G after erosion e of ``scope`` (None: systemic), with D's capability lost (κ)."""
    return welfare_gain(p, price_deviations(p, erosion, scope), p.capability_loss)


def reentry_gain(p: AfterEquilibriumParams = DEFAULT_PARAMS) -> Array:
    """Welfare over autarky of re-entry (closing up again with D's lost capability):
    β_0 log(1 − κ)."""
    _check(p)
    return jnp.asarray(p.shares, dtype=float)[0] * jnp.log1p(-jnp.asarray(p.capability_loss))


def full_systemic_gain(p: AfterEquilibriumParams = DEFAULT_PARAMS) -> Array:
    """Closed form of G at e = 1, systemic: (1 − θ) log(1 − β_0 (1 − (1 − κ)^σ)) (Proposition 3)."""
    _check(p)
    theta = jnp.asarray(p.curvature, dtype=float)
    beta0 = jnp.asarray(p.shares, dtype=float)[0]
    sigma = 1.0 / (1.0 - theta)
    return (1.0 - theta) * jnp.log1p(-beta0 * (1.0 - (1.0 - p.capability_loss) ** sigma))


#: G must fall this far below 0 (log points) to count as below autarky: G = 0 exactly at full
#: systemic erosion without a re-entry cost, where rounding could otherwise flip the sign.
BELOW_AUTARKY_TOLERANCE = 1e-12


class ErosionThreshold(NamedTuple):
    """e*: the least erosion at which post-erosion welfare is at or below autarky.

    ``value`` is 0 when the lost capability alone already leaves the country at or below
    autarky, the root of G(e) = 0 when G falls below 0 on [0, 1], and NaN when welfare never
    falls below autarky for e ∈ [0, 1] (``exists`` False; e.g. κ = 0, where G(1) = 0).
    ``converged`` reports the root find.
    """

    value: Array
    exists: Array
    converged: Array


def erosion_threshold(
    p: AfterEquilibriumParams = DEFAULT_PARAMS, scope: ArrayLike | None = None
) -> ErosionThreshold:
    """Solve G(x(e), κ) = 0 for e ∈ [0, 1] (Proposition 3), implicit gradient in ``p``.

    The threshold exists when G > 0 at e = 0 and G < 0 at e = 1; G is convex in e along the
    erosion path (log-sum-exp of affine functions), so the root is unique when it exists.
    """
    _check(p, 0.0, scope)

    def gap(e: Array, params: AfterEquilibriumParams) -> Array:
        return post_erosion_gain(params, e, scope)

    at_start, at_end = gap(jnp.asarray(0.0), p), gap(jnp.asarray(1.0), p)
    crossing = (at_start > 0) & (at_end < -BELOW_AUTARKY_TOLERANCE)
    res: RootResult = find_scalar_root_newton(gap, 0.0, 1.0, p)
    value = jnp.where(crossing, res.value, jnp.where(at_start <= 0, 0.0, jnp.nan))
    out = ErosionThreshold(
        value=value, exists=crossing | (at_start <= 0), converged=res.converged | ~crossing
    )
    if not is_traced(p, scope):
        raise_if_not_converged(res._replace(converged=out.converged), "erosion_threshold")
    return out


class WelfarePath(NamedTuple):
    """Figure 2: welfare over autarky (log points) at each stage of the path, with comparisons."""

    autarky: Array
    trade: Array
    capability_lost: Array
    after_erosion: Array
    reentry: Array
    no_reentry_cost: Array


def welfare_path(
    p: AfterEquilibriumParams = DEFAULT_PARAMS,
    erosion: ArrayLike = 1.0,
    scope: ArrayLike | None = None,
) -> WelfarePath:
    """Autarky (0) → trade equilibrium → D let go (κ) → after erosion; and the two benchmarks:
    re-entry (closing up with lost capability) and the same erosion without a re-entry cost."""
    x_eroded = price_deviations(p, erosion, scope)
    return WelfarePath(
        autarky=jnp.zeros(()),
        trade=trade_gain(p),
        capability_lost=welfare_gain(p, price_deviations(p), p.capability_loss),
        after_erosion=welfare_gain(p, x_eroded, p.capability_loss),
        reentry=reentry_gain(p),
        no_reentry_cost=welfare_gain(p, x_eroded, 0.0),
    )
