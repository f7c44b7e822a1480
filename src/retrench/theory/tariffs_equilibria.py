"""Tariff equilibria of DeRemer (2023): Nash, reciprocal efficient (eq. 6), power shift (§4).

* :func:`nash_tariffs` — each government's best response, dG/dτ_x = 0 and dG*/dτ_y* = 0.
* :func:`reciprocal_efficient_tariffs` — the "stable" rules-based point of eq. 6: both
  governments are indifferent to a reciprocal change (direction (1, r), r from eq. 5), for any
  (also asymmetric) weights. With the publics' weights it gives the public-preferred tariffs.
* :func:`pareto_efficient_tariffs` — maximiser of λ G + G* (section 4's frontier parameterisation).
* :func:`power_shift` — dτ/dλ at the rules-based point (section 4, Remark 2).

All solvers are 2×2 Newton root finds (:func:`retrench.theory._roots.find_root_newton_2d`:
Jacobian by one ``jacfwd`` of the analytic first-order conditions, Cramer's rule, implicit
differentiation through ``jax.lax.custom_root``), vectorised over any broadcast shape of the
weights and market parameters.
Results are :class:`TariffSolution` / :class:`PowerShift` pytrees that unpack as the pair of
tariffs (``tau_x, tau_y_star = nash_tariffs(w)``) and carry ``converged`` and ``in_domain``
flags. Eager calls raise :class:`~retrench.errors.DomainError` (weights that make the objective
non-concave, prohibitive solutions) or :class:`~retrench.errors.ConvergenceError`; traced calls
only set the flags. Tariffs are specific (per unit); see :func:`to_ad_valorem`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain
from retrench.theory._roots import RootResult, find_root_newton_2d, raise_if_not_converged
from retrench.theory.tariffs_market import (
    DEFAULT_MARKET,
    MarketParams,
    market_conditions,
    tariff_conditions,
)
from retrench.theory.tariffs_objectives import (
    ReciprocityDefinition,
    TariffWeights,
    objective_gradients,
    objective_hessians,
    reciprocity_terms,
    weight_conditions,
)

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


@partial(
    jax.tree_util.register_dataclass,
    data_fields=["tau_x", "tau_y_star", "converged", "in_domain"],
    meta_fields=[],
)
@dataclass(frozen=True)
class TariffSolution:
    """Equilibrium specific tariffs (τ_x, τ_y*) with solver and domain flags.

    Unpacks as ``tau_x, tau_y_star``; ``ok`` is ``converged & in_domain``.
    """

    tau_x: Array
    tau_y_star: Array
    converged: Array
    in_domain: Array

    def __iter__(self):
        return iter((self.tau_x, self.tau_y_star))

    @property
    def ok(self) -> Array:
        return self.converged & self.in_domain


@partial(
    jax.tree_util.register_dataclass,
    data_fields=["dtau_x", "dtau_y_star", "home_weight", "converged", "in_domain"],
    meta_fields=[],
)
@dataclass(frozen=True)
class PowerShift:
    """(dτ_x/dλ, dτ_y*/dλ) at the rules-based point, its λ^R, and flags; unpacks as the pair."""

    dtau_x: Array
    dtau_y_star: Array
    home_weight: Array
    converged: Array
    in_domain: Array

    def __iter__(self):
        return iter((self.dtau_x, self.dtau_y_star))


# ---------------------------------------------------------------- scalar building blocks


def _gradients(tau: Array, w: TariffWeights, market: MarketParams) -> Array:
    """2×2 array: row 0 = ∇G, row 1 = ∇G* with respect to (τ_x, τ_y*)."""
    home, foreign = objective_gradients(tau[0], tau[1], w, market)
    return jnp.stack([home, foreign])


def _hessians(tau: Array, w: TariffWeights, market: MarketParams) -> Array:
    """2×2×2 array: [0] = Hessian of G, [1] = Hessian of G* (constant in this model)."""
    del tau
    home, foreign = objective_hessians(w, market)
    return jnp.stack([home, foreign])


def _nash_foc(tau: Array, args: tuple[TariffWeights, MarketParams]) -> Array:
    w, market = args
    grads = _gradients(tau, w, market)
    return jnp.stack([grads[0, 0], grads[1, 1]])


def _reciprocal_foc(tau: Array, args: tuple) -> Array:
    """Eq. 6 as printed: ∇G·(1, r) and ∇G*·(1, r) with r = num/den from eq. 5.

    (Multiplying through by den would add a spurious root where both tariffs are prohibitive.)
    """
    w, market, definition = args
    grads = _gradients(tau, w, market)
    num, den = reciprocity_terms(tau[0], tau[1], market, definition)
    return grads[:, 0] + grads[:, 1] * (num / den)


def _weighted_foc(tau: Array, args: tuple) -> Array:
    """∇(λ G + G*) = 0: first-order conditions of section 4's weighted welfare problem."""
    w, market, home_weight = args
    grads = _gradients(tau, w, market)
    return home_weight * grads[0] + grads[1]


def _negative_definite(h: Array) -> Array:
    """A symmetric 2×2 matrix is negative definite iff trace < 0 and determinant > 0."""
    det = h[..., 0, 0] * h[..., 1, 1] - h[..., 0, 1] * h[..., 1, 0]
    return (h[..., 0, 0] + h[..., 1, 1] < 0) & (det > 0)


def _home_weight_at(tau: Array, w: TariffWeights, market: MarketParams) -> Array:
    """λ^R making τ stationary for λ G + G*: least-squares fit of λ ∇G = −∇G*."""
    grads = _gradients(tau, w, market)
    return -jnp.dot(grads[0], grads[1]) / jnp.dot(grads[0], grads[0])


# ---------------------------------------------------------------- batching and checks


def _broadcast_leaves(*trees):
    leaves, treedef = jax.tree_util.tree_flatten(trees)
    dtype = jnp.result_type(float)
    arrays = [jnp.asarray(x, dtype=dtype) for x in leaves]
    shape = jnp.broadcast_shapes(*(a.shape for a in arrays))
    flat = [jnp.broadcast_to(a, shape).reshape(-1) for a in arrays]
    return jax.tree_util.tree_unflatten(treedef, flat), shape


@partial(jax.jit, static_argnums=0)
def _vmapped(point_fn: Callable, *flat_trees):
    """Jitted so that eager calls reuse compiled code (``point_fn`` must be module-level)."""
    return jax.vmap(point_fn)(*flat_trees)


def _batched(point_fn: Callable, *trees):
    """Apply ``point_fn(*trees)`` (scalar leaves) over the broadcast shape of all leaves."""
    flat_trees, shape = _broadcast_leaves(*trees)
    out = _vmapped(point_fn, *flat_trees)
    return jax.tree_util.tree_map(lambda a: a.reshape(shape + a.shape[1:]), out)


def _enforce(
    parameter_conditions: dict,
    result: RootResult,
    solution_conditions: dict,
    what: str,
    values: dict,
    solution: Array | None = None,
) -> Array:
    """Combine the flags; eager calls raise in this order: parameters, solution, convergence.

    Checking the solution before convergence makes a failed solve at, say, the pole of eq. 7 or a
    prohibitive equilibrium a DomainError naming the condition rather than a bare
    ConvergenceError; a solve that fails with an in-domain iterate is a ConvergenceError.
    """
    in_domain = check_domain(parameter_conditions, values=values)
    shown = dict(values)
    if solution is not None:
        shown.update(tau_x=solution[..., 0], tau_y_star=solution[..., 1])
    in_domain = in_domain & check_domain(solution_conditions, values=shown)
    raise_if_not_converged(result, what)
    return in_domain


def _tariff_solution_conditions(tau: Array, market: MarketParams) -> dict:
    return {
        **tariff_conditions(tau[..., 0], market, "tau_x"),
        **tariff_conditions(tau[..., 1], market, "tau_y_star"),
    }


def _weight_values(w: TariffWeights) -> dict:
    return dict(w._asdict())


# ---------------------------------------------------------------- one parameter point


def _nash_point(w1: TariffWeights, m1: MarketParams):
    res = find_root_newton_2d(_nash_foc, jnp.zeros(2), (w1, m1))
    hess = _hessians(res.value, w1, m1)
    return res, hess[0, 0, 0], hess[1, 1, 1]


def _reciprocal_point(w1: TariffWeights, m1: MarketParams, definition: str):
    res = find_root_newton_2d(_reciprocal_foc, jnp.zeros(2), (w1, m1, definition))
    lam = _home_weight_at(res.value, w1, m1)
    hess = _hessians(res.value, w1, m1)
    return res, lam, _negative_definite(lam * hess[0] + hess[1])


def _weighted_point(w1: TariffWeights, lam: Array, m1: MarketParams):
    res = find_root_newton_2d(_weighted_foc, jnp.zeros(2), (w1, m1, lam))
    hess = _hessians(res.value, w1, m1)
    return res, _negative_definite(lam * hess[0] + hess[1])


def _shift_point(w1: TariffWeights, m1: MarketParams, definition: str):
    res = find_root_newton_2d(_reciprocal_foc, jnp.zeros(2), (w1, m1, definition))
    tau = res.value
    grads = _gradients(tau, w1, m1)
    lam = _home_weight_at(tau, w1, m1)
    hess = _hessians(tau, w1, m1)
    weighted = lam * hess[0] + hess[1]
    dtau = -jnp.linalg.solve(weighted, grads[0])
    return res, dtau, lam, _negative_definite(weighted)


_DEFINITIONS = ("trade_volume", "terms_of_trade")
_RECIPROCAL_POINT = {d: partial(_reciprocal_point, definition=d) for d in _DEFINITIONS}
_SHIFT_POINT = {d: partial(_shift_point, definition=d) for d in _DEFINITIONS}


def _point_for(table: dict, definition: str) -> Callable:
    if definition not in table:
        raise ValueError(f"definition must be one of {_DEFINITIONS} (got {definition!r})")
    return table[definition]


# ---------------------------------------------------------------- Nash


def nash_tariffs(w: TariffWeights, market: MarketParams = DEFAULT_MARKET) -> TariffSolution:
    """Noncooperative (Nash) specific tariffs: dG/dτ_x = 0 and dG*/dτ_y* = 0 (eq. 1).

    In this separable model Home's best response depends on γ_M only (and Foreign's on γ_M*);
    with the section 3.3 forms τ_x^N = (8γ_M − 5)/(68 − 8γ_M) (hand algebra, used as a test
    oracle). Domain: each government's objective strictly concave in its own tariff (γ_M < 8.5
    by default) and the Nash tariffs nonprohibitive (γ_M < 1.75 by default).
    """

    res, home_curv, foreign_curv = _batched(_nash_point, w, market)
    in_domain = _enforce(
        {
            **market_conditions(market),
            **weight_conditions(w),
            "Home's objective must be strictly concave in tau_x (d2G/dtau_x2 < 0; "
            "gamma_M < 8.5 with default market)": home_curv < 0,
            "Foreign's objective must be strictly concave in tau_y_star (d2G*/dtau_y*2 < 0; "
            "gamma_M_star < 8.5 with default market)": foreign_curv < 0,
        },
        res,
        _tariff_solution_conditions(res.value, market),
        "nash_tariffs",
        _weight_values(w),
        res.value,
    )
    return TariffSolution(res.value[..., 0], res.value[..., 1], res.converged, in_domain)


# ---------------------------------------------------------------- efficient points


def _efficiency_conditions(home_weight: Array, curvature_ok: Array) -> dict:
    return {
        "lambda*Hess(G) + Hess(G*) must be negative definite (concave bargaining problem; "
        "with symmetric default weights 9*gamma_E + 8*gamma_M < 59, the pole of eq. 7)": (
            curvature_ok
        ),
        "the bargaining weight lambda = -dG*/dtau_x / (dG/dtau_x) at the solution must be "
        "finite and > 0 (a point on the Pareto frontier)": jnp.isfinite(home_weight)
        & (home_weight > 0),
    }


def reciprocal_efficient_tariffs(
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> TariffSolution:
    """Stable efficient ("rules-based") tariffs solving eq. 6 for any weights.

    Both governments are indifferent to a reciprocal change dτ_y* = r dτ_x (r from eq. 5;
    ``definition`` chooses which of eq. 5's two expressions, they agree at symmetric tariffs):

        dG/dτ_x + dG/dτ_y* r = 0,   dG*/dτ_x + dG*/dτ_y* r = 0.

    Both gradients are then orthogonal to (1, r), hence parallel: the point is on the Pareto
    frontier when λ^R = −G*_x/G_x > 0 and λ^R H_G + H_G* is negative definite (checked; see
    :func:`power_shift`). Equals eq. 7 for symmetric weights and default market. Pass the
    publics' weights for the public-preferred reciprocal tariffs (:func:`public_preferred_tariffs`).

    The default ``"trade_volume"`` is eq. 5's definition in words ("preserving the trade balance,
    valued at [world] prices": p_x^w dM_x = p_y^w dM_y). With the ``"terms_of_trade"`` form
    (M_x dp_x^w = M_y dp_y^w) eq. 6 has no nonprohibitive solution for about half of the weights
    drawn uniformly from [1, 1.6]^4, and Newton from free trade also misses some that exist: use
    :func:`retrench.theory.tariffs_frontier.reciprocal_efficient_tariffs_on_frontier` there.
    """

    res, lam, concave = _batched(_point_for(_RECIPROCAL_POINT, definition), w, market)
    in_domain = _enforce(
        {**market_conditions(market), **weight_conditions(w)},
        res,
        {**_efficiency_conditions(lam, concave), **_tariff_solution_conditions(res.value, market)},
        "reciprocal_efficient_tariffs",
        _weight_values(w),
        res.value,
    )
    return TariffSolution(res.value[..., 0], res.value[..., 1], res.converged, in_domain)


def public_preferred_tariffs(
    w_public: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> TariffSolution:
    """Reciprocal tariffs the two publics would negotiate (section 3.3): eq. 6 with γ^W."""
    return reciprocal_efficient_tariffs(w_public, market, definition)


def pareto_efficient_tariffs(
    w: TariffWeights, home_weight: ArrayLike, market: MarketParams = DEFAULT_MARKET
) -> TariffSolution:
    """Tariffs maximising λ G + G* (section 4): the frontier point with Home weight λ."""

    res, concave = _batched(_weighted_point, w, home_weight, market)
    in_domain = _enforce(
        {
            **market_conditions(market),
            **weight_conditions(w),
            "home_weight must be finite and > 0": jnp.isfinite(jnp.asarray(home_weight))
            & (jnp.asarray(home_weight) > 0),
            "home_weight*Hess(G) + Hess(G*) must be negative definite": concave,
        },
        res,
        _tariff_solution_conditions(res.value, market),
        "pareto_efficient_tariffs",
        {**_weight_values(w), "home_weight": home_weight},
        res.value,
    )
    return TariffSolution(res.value[..., 0], res.value[..., 1], res.converged, in_domain)


def power_shift(
    w: TariffWeights,
    market: MarketParams = DEFAULT_MARKET,
    definition: ReciprocityDefinition = "trade_volume",
) -> PowerShift:
    """Change of tariffs per unit increase of Home's bargaining weight at the rules-based point.

    Bargaining problem differentiated (section 4): the frontier point maximising λ G(τ) + G*(τ)
    (Foreign's weight normalised to 1). The rules-based point τ^R
    (:func:`reciprocal_efficient_tariffs`) solves its first-order conditions
    λ^R ∇G(τ^R) + ∇G*(τ^R) = 0 with λ^R = −G*_x/G_x. The implicit function
    theorem on F(τ, λ) = λ ∇G + ∇G* gives

        dτ/dλ = −(λ^R H_G + H_G*)^{-1} ∇G(τ^R).

    The paper prints dτ_x/dλ = G_x / −(G_xx + G*_xx): the same when the Hessians are diagonal
    (true here: the model is separable) *and* λ^R = 1 (symmetric weights); with asymmetric weights
    the paper's formula omits λ^R in the denominator. Remark 2: dτ_x/dλ > 0, dτ_y*/dλ < 0.
    """

    res, dtau, lam, concave = _batched(_point_for(_SHIFT_POINT, definition), w, market)
    in_domain = _enforce(
        {**market_conditions(market), **weight_conditions(w)},
        res,
        {**_efficiency_conditions(lam, concave), **_tariff_solution_conditions(res.value, market)},
        "power_shift",
        _weight_values(w),
        res.value,
    )
    return PowerShift(dtau[..., 0], dtau[..., 1], lam, res.converged, in_domain)
