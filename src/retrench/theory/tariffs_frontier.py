"""DeRemer (2023) Figure 1 and a robust solve of eq. 6: everything along the Pareto frontier.

In this model G and G* are quadratic in the tariffs (linear markets), so the Pareto frontier of
section 4 has a closed form: for a bargaining weight λ > 0 the maximiser of λ G + G* solves the
*linear* system λ ∇G(τ) + ∇G*(τ) = 0 (:func:`frontier_tariffs`). On the frontier ∇G ∥ ∇G*, so
the two lines of eq. 6 collapse to one scalar equation in log λ,

    φ(λ) = G_x(τ(λ)) · den(τ_y*) + G_y*(τ(λ)) · num(τ_x) = 0,

with eq. 5's reciprocity ratio r = num/den (den < 0 at every nonprohibitive tariff, so
φ = 0 ⇔ eq. 6). :func:`reciprocal_efficient_tariffs_on_frontier` scans φ on a fixed grid of
log λ, brackets every sign change at a nonprohibitive frontier point, bisects the one closest
to λ = 1 and polishes it with Newton on eq. 6 (implicit gradients). Unlike plain Newton from
free trade (:func:`~retrench.theory.tariffs_equilibria.reciprocal_efficient_tariffs`), which
diverges for about half of the weights under eq. 5's terms-of-trade form, it finds a frontier
point wherever one exists and reports ``exists = False`` only where φ has no sign change on the
nonprohibitive part of the frontier.

The Figure 1 curves (specific tariffs, Home's τ_x on the horizontal axis):

* S: Home indifferent to reciprocal changes, ∇G·(1, r) = 0; S*: the same for Foreign;
* N, N*: the same first-order gain from reciprocal changes as at the Nash tariffs;
* EF: the Pareto frontier τ(λ), λ > 0; W: the public-preferred reciprocal tariffs.

For a given τ_x, ∇G·(1, r) · den is affine in τ_y* (every term is a product of an affine
function of τ_x and an affine function of τ_y*), so each iso-gain curve τ_y*(τ_x) is exact
(:func:`reciprocal_gain_curve`).

Code name ↔ symbol: ``tau_x`` τ_x, ``tau_y_star`` τ_y*, ``home_weight`` λ, ``w`` the government
weights (γ_E, γ_M, γ_E*, γ_M*), ``num``/``den`` the numerator and denominator of eq. 5's r.
"""

from __future__ import annotations

from functools import partial
from typing import Literal, NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import is_traced
from retrench.theory._roots import RootResult, find_root_newton_2d, raise_if_not_converged
from retrench.theory.tariffs_equilibria import _reciprocal_foc, nash_tariffs
from retrench.theory.tariffs_market import DEFAULT_MARKET, MarketParams, tariff_conditions
from retrench.theory.tariffs_objectives import (
    ReciprocityDefinition,
    TariffWeights,
    objective_gradients,
    objective_hessians,
    reciprocity_terms,
)

Array = jax.Array
Country = Literal["home", "foreign"]

LOG_WEIGHT_RANGE = (-12.0, 12.0)  # log λ scanned for sign changes of φ
SCAN_POINTS = 481  # spacing 0.05 in log λ
BISECTIONS = 64


class FrontierSolution(NamedTuple):
    """Result of :func:`reciprocal_efficient_tariffs_on_frontier`.

    Attributes:
        tau_x, tau_y_star: the stable efficient tariffs (NaN where none exists).
        home_weight: λ^R at the solution.
        exists: a nonprohibitive frontier point solving eq. 6 was found.
        n_roots: number of sign changes of φ at nonprohibitive frontier points (grid spacing
            0.05 in log λ); the solution is the one with λ closest to 1.
        converged: bisection and the Newton polish agree (|Δτ| < 1e-8) with residual < 1e-8;
            also True where no point exists (``exists`` False is an answer, not a failure).
    """

    tau_x: Array
    tau_y_star: Array
    home_weight: Array
    exists: Array
    n_roots: Array
    converged: Array


# ------------------------------------------------------------------ the frontier in closed form


def frontier_tariffs(
    w: TariffWeights, home_weight: Array | float, market: MarketParams = DEFAULT_MARKET
) -> tuple[Array, Array]:
    """τ(λ) maximising λ G + G* (section 4): the solution of λ∇G + ∇G* = 0, exact.

    ∇G(τ) = ∇G(0) + H_G τ with constant diagonal Hessians, so
    τ = −(λ H_G + H_G*)^{-1} (λ ∇G(0) + ∇G*(0)) componentwise.
    Returns (τ_x, τ_y*); a frontier point only where λ H_G + H_G* is negative definite.
    """
    lam = jnp.asarray(home_weight, dtype=jnp.result_type(float))
    g0, g0_star = objective_gradients(0.0, 0.0, w, market)
    h, h_star = objective_hessians(w, market)
    diag = lam[..., None] * jnp.diagonal(h, axis1=-2, axis2=-1) + jnp.diagonal(
        h_star, axis1=-2, axis2=-1
    )
    tau = -(lam[..., None] * g0 + g0_star) / diag
    return tau[..., 0], tau[..., 1]


def _frontier_concave(w: TariffWeights, lam: Array, market: MarketParams) -> Array:
    h, h_star = objective_hessians(w, market)
    diag = lam[..., None] * jnp.diagonal(h, axis1=-2, axis2=-1) + jnp.diagonal(
        h_star, axis1=-2, axis2=-1
    )
    return jnp.all(diag < 0, axis=-1)


def _nonprohibitive(tau_x: Array, tau_y_star: Array, market: MarketParams) -> Array:
    conditions = {
        **tariff_conditions(tau_x, market, "tau_x"),
        **tariff_conditions(tau_y_star, market, "tau_y_star"),
    }
    ok = jnp.ones(jnp.shape(tau_x), bool)
    for flag in conditions.values():
        ok = ok & flag
    return ok


def reciprocal_gain(
    tau_x: Array | float,
    tau_y_star: Array | float,
    w: TariffWeights,
    country: Country = "home",
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Array:
    """First-order gain of a reciprocal change, ∇G·(1, r) (Home) or ∇G*·(1, r) (Foreign).

    The left-hand sides of eq. 6: zero on S (Home) and S* (Foreign).
    """
    home, foreign = objective_gradients(tau_x, tau_y_star, w, market)
    grad = home if country == "home" else foreign
    num, den = reciprocity_terms(tau_x, tau_y_star, market, definition)
    return grad[..., 0] + grad[..., 1] * num / den


def _cleared_gain(tau_x, tau_y_star, w, country, market, definition, level):
    """(∇G·(1, r) − level) · den: affine in τ_y* for fixed τ_x."""
    home, foreign = objective_gradients(tau_x, tau_y_star, w, market)
    grad = home if country == "home" else foreign
    num, den = reciprocity_terms(tau_x, tau_y_star, market, definition)
    return grad[..., 0] * den + grad[..., 1] * num - level * den


def reciprocal_gain_curve(
    tau_x: Array,
    w: TariffWeights,
    country: Country = "home",
    level: Array | float = 0.0,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Array:
    """τ_y*(τ_x) on the iso-gain curve ∇G·(1, r) = ``level`` (Home) or ∇G*·(1, r) = ``level``.

    ``level = 0`` gives S / S* (Figure 1); the Nash gain gives N / N* (:func:`figure1_curves`).
    Exact: the cleared equation is affine in τ_y*, so it is solved from its values at
    τ_y* = 0 and 1.
    """
    tau_x = jnp.asarray(tau_x, dtype=jnp.result_type(float))
    at0 = _cleared_gain(tau_x, 0.0, w, country, market, definition, level)
    at1 = _cleared_gain(tau_x, 1.0, w, country, market, definition, level)
    return -at0 / (at1 - at0)


class Figure1Curves(NamedTuple):
    """Curves of DeRemer (2023) Figure 1 on a τ_x grid (EF on a λ grid), specific tariffs."""

    tau_x: Array
    S: Array
    S_star: Array
    N: Array
    N_star: Array
    EF_tau_x: Array
    EF_tau_y_star: Array
    nash: Array
    stable: Array
    public: Array


def figure1_curves(
    w: TariffWeights,
    w_public: TariffWeights,
    tau_x: Array,
    log_home_weight: Array,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Figure1Curves:
    """S, S*, N, N* (τ_y* at each ``tau_x``), EF (at each log λ), the Nash, stable and public
    (W) points, for the governments' weights ``w`` and the publics' ``w_public``."""
    nash = nash_tariffs(w, market)
    nash_pt = jnp.stack([nash.tau_x, nash.tau_y_star])
    gain_home = reciprocal_gain(nash.tau_x, nash.tau_y_star, w, "home", market, definition)
    gain_foreign = reciprocal_gain(nash.tau_x, nash.tau_y_star, w, "foreign", market, definition)
    ef_x, ef_y = frontier_tariffs(w, jnp.exp(jnp.asarray(log_home_weight)), market)
    stable = reciprocal_efficient_tariffs_on_frontier(w, market, definition)
    public = reciprocal_efficient_tariffs_on_frontier(w_public, market, definition)
    return Figure1Curves(
        tau_x=jnp.asarray(tau_x),
        S=reciprocal_gain_curve(tau_x, w, "home", 0.0, market, definition),
        S_star=reciprocal_gain_curve(tau_x, w, "foreign", 0.0, market, definition),
        N=reciprocal_gain_curve(tau_x, w, "home", gain_home, market, definition),
        N_star=reciprocal_gain_curve(tau_x, w, "foreign", gain_foreign, market, definition),
        EF_tau_x=ef_x,
        EF_tau_y_star=ef_y,
        nash=nash_pt,
        stable=jnp.stack([stable.tau_x, stable.tau_y_star]),
        public=jnp.stack([public.tau_x, public.tau_y_star]),
    )


# ------------------------------------------------------------------ eq. 6 on the frontier


def frontier_residual(
    log_home_weight: Array,
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> Array:
    """φ(log λ) = (G_x den + G_y* num) / (|∇G| |(num, den)|) at τ(λ): eq. 6 on the frontier.

    Normalised (a cosine), so its sign changes and not its scale matter.
    """
    tau_x, tau_y = frontier_tariffs(w, jnp.exp(log_home_weight), market)
    home, _ = objective_gradients(tau_x, tau_y, w, market)
    num, den = reciprocity_terms(tau_x, tau_y, market, definition)
    raw = home[..., 0] * den + home[..., 1] * num
    scale = jnp.sqrt(home[..., 0] ** 2 + home[..., 1] ** 2) * jnp.sqrt(num**2 + den**2)
    return raw / jnp.maximum(scale, 1e-300)


def _valid_on_frontier(log_lam: Array, w, market) -> Array:
    lam = jnp.exp(log_lam)
    tau_x, tau_y = frontier_tariffs(w, lam, market)
    return _nonprohibitive(tau_x, tau_y, market) & _frontier_concave(w, lam, market)


def _frontier_point(w1: TariffWeights, m1: MarketParams, definition: str) -> FrontierSolution:
    dtype = jnp.result_type(float)
    grid = jnp.linspace(*LOG_WEIGHT_RANGE, SCAN_POINTS, dtype=dtype)
    phi = frontier_residual(grid, w1, m1, definition)
    valid = _valid_on_frontier(grid, w1, m1)
    lo, hi = grid[:-1], grid[1:]
    change = (jnp.sign(phi[:-1]) * jnp.sign(phi[1:]) <= 0) & jnp.isfinite(phi[:-1] * phi[1:])
    candidate = change & (valid[:-1] | valid[1:])
    n_roots = jnp.sum(candidate)
    distance = jnp.where(candidate, jnp.abs(0.5 * (lo + hi)), jnp.inf)
    k = jnp.argmin(distance)
    a, b = lo[k], hi[k]
    sign_a = jnp.sign(phi[k])

    def bisect(_, bracket):
        left, right = bracket
        mid = 0.5 * (left + right)
        same = jnp.sign(frontier_residual(mid, w1, m1, definition)) == sign_a
        return jnp.where(same, mid, left), jnp.where(same, right, mid)

    a, b = jax.lax.fori_loop(0, BISECTIONS, bisect, (a, b))
    log_lam = 0.5 * (a + b)
    exists = (n_roots > 0) & _valid_on_frontier(log_lam, w1, m1)
    guess = jnp.stack(frontier_tariffs(w1, jnp.exp(log_lam), m1))
    guess = jnp.where(exists, guess, jnp.zeros(2, dtype))
    polish = find_root_newton_2d(_reciprocal_foc, guess, (w1, m1, definition), max_steps=32)
    tau = polish.value
    agree = jnp.max(jnp.abs(tau - jax.lax.stop_gradient(guess))) < 1e-8
    converged = exists & polish.converged & agree
    home, foreign = objective_gradients(tau[0], tau[1], w1, m1)
    lam_r = -jnp.dot(home, foreign) / jnp.dot(home, home)
    nan = jnp.full((), jnp.nan, dtype)
    return FrontierSolution(
        tau_x=jnp.where(exists, tau[0], nan),
        tau_y_star=jnp.where(exists, tau[1], nan),
        home_weight=jnp.where(exists, lam_r, nan),
        exists=exists,
        n_roots=n_roots,
        converged=converged | ~exists,
    )


_POINTS = {d: partial(_frontier_point, definition=d) for d in ("trade_volume", "terms_of_trade")}


@partial(jax.jit, static_argnums=0)
def _vmapped(definition: str, w: TariffWeights, market: MarketParams) -> FrontierSolution:
    """Jitted so that eager calls reuse compiled code."""
    return jax.vmap(_POINTS[definition])(w, market)


def reciprocal_efficient_tariffs_on_frontier(
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "terms_of_trade",
) -> FrontierSolution:
    """Stable efficient tariffs of eq. 6 found along the Pareto frontier (robust, any weights).

    Scans φ(log λ) (:func:`frontier_residual`) on log λ ∈ [−12, 12] (481 points), bisects the
    sign change at a nonprohibitive, concave frontier point closest to λ = 1, and polishes with
    Newton on eq. 6 (implicit gradients through ``jax.lax.custom_root``). ``exists = False``
    (NaN tariffs) means φ has no such sign change: eq. 6 has no nonprohibitive frontier
    solution at these weights (up to roots closer than 0.05 in log λ, counted in ``n_roots``).
    Never raises under ``jit``/``vmap``; eagerly, a failed polish raises ConvergenceError.
    Default ``definition`` is eq. 5's terms-of-trade form, the one plain Newton fails on.
    """
    if definition not in _POINTS:
        raise ValueError(f"definition must be one of {tuple(_POINTS)} (got {definition!r})")
    leaves, treedef = jax.tree_util.tree_flatten((w, market))
    dtype = jnp.result_type(float)
    arrays = [jnp.asarray(x, dtype=dtype) for x in leaves]
    shape = jnp.broadcast_shapes(*(a.shape for a in arrays))
    flat = [jnp.broadcast_to(a, shape).reshape(-1) for a in arrays]
    w_flat, m_flat = jax.tree_util.tree_unflatten(treedef, flat)
    out = _vmapped(definition, w_flat, m_flat)
    out = jax.tree_util.tree_map(lambda a: a.reshape(shape), out)
    if not is_traced(out):
        raise_if_not_converged(
            RootResult(out.tau_x, out.converged, jnp.zeros(())), "eq. 6 on the frontier"
        )
    return out
