"""Qu & Yang (2023), eq. (12)-(15): value-added flows, exports and GVC participation.

Code name <-> symbol (see :mod:`retrench.theory.gvc_leontief` for N, μ, υ, ω, A, W, R, T, f):

=================  ============  ==============================================================
``exports``        Ex_i          gross exports of country i (intermediate + final goods, all
                                 destinations), shape (n,), positive, one common currency
``gross_output``   P_ii·Y_i      value of gross output, shape (n,)
``final_demand``   G_i           final demand (C_i + I_i, eq. 7) of country i, shape (n,)
``F``              F             value-added flows, ``F[s, j]`` = value added of s embodied in
                                 j's gross exports (eq. 12)
=================  ============  ==============================================================

Exchange rates and prices are normalised to one (the symmetric steady state), so every
quantity is a value in a common currency.

Three ways to close the model for comparative statics (the paper does not say which it holds
fixed; the propositions differ across them, see ``docs/replication/seed003.md``):

* :func:`gvc_participation_given_gross_output`: gross output Y fixed; final demand
  G = W^{-1}(I - A)Y adjusts (eq. 10 inverted).
* :func:`gvc_participation_given_final_demand`: final demand G fixed; Y = (I - A)^{-1} W G.
* :func:`gvc_participation_paper_reduced_form`: the expression the proofs differentiate, with a
  reference country's exports Ex_k and the output gaps ΔY_{j,k} held fixed.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.errors import DomainError
from retrench.theory._domain import check_domain
from retrench.theory.gvc_leontief import (
    T,
    check_parameters,
    f,
    final_demand_allocation,
    input_coefficients,
    leontief_inverse,
    safe_value,
)

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


def _country_vector(x: ArrayLike, name: str) -> Array:
    """Check that ``x`` is a 1-D vector with one entry per country (n >= 2); shapes are static."""
    arr = jnp.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.shape[0] < 2:
        raise DomainError(
            f"{name} must be a 1-D array with one entry per country, n >= 2 "
            f"(got shape {tuple(arr.shape)}); use jax.vmap for batches"
        )
    return arr


def _positive(x: Array, name: str, what: str) -> Array:
    return check_domain(
        {f"{name} ({what}) must be finite and > 0 for every country": jnp.isfinite(x) & (x > 0)},
        values={name: x},
    ).all()


def value_added_flows(exports: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, *, with_flag=False):
    """Value-added flow matrix F = V (I - A)^{-1} diag(Ex) of eq. (12).

    V = υ·I (value-added coefficients), so F[s, j] = R·Ex_j if s = j and T·Ex_j otherwise:
    column j splits j's gross exports by the country whose value added they embody (columns sum
    to Ex_j because R + (N - 1)T = 1).

    Args:
        exports: gross exports Ex, shape (n,), every entry >= 0.
        mu, upsilon: scalars μ, υ in (0, 1).
    """
    ex = _country_vector(exports, "exports")
    ok = check_parameters(mu=mu, upsilon=upsilon)
    ok = (
        ok
        & check_domain(
            {"exports (gross exports Ex) must be finite and >= 0": jnp.isfinite(ex) & (ex >= 0)},
            values={"exports": ex},
        ).all()
    )
    value = _flows_core(
        jnp.where(ok, ex, 1.0), safe_value(ok, mu, "mu"), safe_value(ok, upsilon, "upsilon")
    )
    return (value, ok) if with_flag else value


@jax.jit
def _flows_core(exports: Array, mu: Array, upsilon: Array) -> Array:
    return upsilon * leontief_inverse(exports.shape[0], mu, upsilon) * exports[None, :]


def _participation_from_flows(flows: Array, exports: Array) -> Array:
    own = jnp.diagonal(flows)
    domestic_in_foreign_exports = flows.sum(axis=1) - own  # DVX_i: row i, off the diagonal
    foreign_in_own_exports = flows.sum(axis=0) - own  # FVA_i: column i, off the diagonal
    return (domestic_in_foreign_exports + foreign_in_own_exports) / exports


def gvc_participation(exports: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, *, with_flag=False):
    """GVC participation GVCP_i = (DVX_i + FVA_i) / Ex_i of eq. (13), one value per country.

    With F from eq. (12): DVX_i = Σ_{j≠i} F[i, j] = T·Σ_{j≠i} Ex_j (i's value added in the other
    countries' exports) and FVA_i = Σ_{s≠i} F[s, i] = (N - 1)·T·Ex_i (foreign value added in
    i's exports), so GVCP_i = T·Σ_{j≠i} Ex_j / Ex_i + (N - 1)·T.

    Args:
        exports: gross exports Ex_i of each country (intermediate and final goods to all other
            countries, eq. 14), shape (n,) with n = N >= 2 the number of countries, all > 0 and
            in one common currency. Only ratios matter (GVCP is homogeneous of degree 0 in Ex).
        mu: μ in (0, 1), local share of intermediate inputs (scalar).
        upsilon: υ in (0, 1), value-added share (scalar). ω does not enter eq. (13) directly.

    Returns:
        GVCP, shape (n,) (and the in-domain flag if ``with_flag``). Batch with ``jax.vmap``.
    """
    ex = _country_vector(exports, "exports")
    ok = check_parameters(mu=mu, upsilon=upsilon) & _positive(ex, "exports", "gross exports Ex")
    value = _participation_core(
        jnp.where(ok, ex, 1.0), safe_value(ok, mu, "mu"), safe_value(ok, upsilon, "upsilon")
    )
    return (value, ok) if with_flag else value


@jax.jit
def _participation_core(exports: Array, mu: Array, upsilon: Array) -> Array:
    safe = jnp.where(exports > 0, exports, 1.0)
    return _participation_from_flows(_flows_core(safe, mu, upsilon), safe)


class GVCOutcome(NamedTuple):
    """Equilibrium quantities of one closure of eq. (10) and (14), each of shape (n,).

    ``in_domain`` is False when a parameter is out of its range or an implied quantity (final
    demand, exports) is not positive; the other fields are then finite placeholders.
    """

    participation: Array
    exports: Array
    gross_output: Array
    final_demand: Array
    in_domain: Array


def exports_from_demand(
    gross_output: Array, final_demand: Array, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike
) -> Array:
    """Gross exports of eq. (14): Ex_i = Σ_{j≠i} M_{j,i} + Σ_{j≠i} G_{j,i}.

    Built from the flow matrices: intermediate sales Z = A·diag(Y) and final sales
    W·diag(G); exports are the off-diagonal row sums, i.e. Y_i[1 - (1 - υ)μ] - ω·G_i.
    """
    n = gross_output.shape[0]
    intermediate = input_coefficients(n, mu, upsilon) * gross_output[None, :]
    final = final_demand_allocation(n, omega) * final_demand[None, :]
    sales = intermediate + final
    return sales.sum(axis=1) - jnp.diagonal(sales)


def _outcome(y: Array, g: Array, ex: Array, participation: Array, ok: Array) -> GVCOutcome:
    ok = ok & _positive(g, "final_demand", "final demand G implied by the closure")
    ok = ok & _positive(ex, "exports", "gross exports Ex implied by eq. 14")
    return GVCOutcome(participation, ex, y, g, ok)


def _solve_equicorrelated(diagonal: Array, off_diagonal: Array, rhs: Array) -> Array:
    """Solve (a·I + b·J)x = rhs with a = diagonal - off_diagonal, b = off_diagonal.

    Every matrix of the symmetric model (I - A, W) has this form; by Sherman-Morrison
    x = [rhs - b·Σrhs / (a + N·b)] / a. Exact, cheap to differentiate and to compile.
    """
    a = diagonal - off_diagonal
    n = rhs.shape[0]
    return (rhs - off_diagonal * rhs.sum() / (a + n * off_diagonal)) / a


@jax.jit
def _given_gross_output_core(y, mu, upsilon, omega):
    n = y.shape[0]
    rhs = (jnp.eye(n) - input_coefficients(n, mu, upsilon)) @ y
    g = _solve_equicorrelated(omega, (1 - omega) / (n - 1), rhs)  # W G = (I - A) Y
    ex = exports_from_demand(y, g, mu, upsilon, omega)
    return g, ex, _participation_core(ex, mu, upsilon)


@jax.jit
def _given_final_demand_core(g, mu, upsilon, omega):
    n = g.shape[0]
    rhs = final_demand_allocation(n, omega) @ g
    diagonal = 1 - (1 - upsilon) * mu
    off_diagonal = -(1 - upsilon) * (1 - mu) / (n - 1)
    y = _solve_equicorrelated(diagonal, off_diagonal, rhs)  # (I - A) Y = W G
    ex = exports_from_demand(y, g, mu, upsilon, omega)
    return y, ex, _participation_core(ex, mu, upsilon)


def gvc_participation_given_gross_output(
    gross_output: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike
) -> GVCOutcome:
    """GVC participation (eq. 13) with gross output Y held fixed.

    Final demand solves eq. (10): Y = (I - A)^{-1} W G, i.e. G = W^{-1}(I - A) Y (solved by
    Sherman-Morrison, W being a·I + b·J), which needs
    ω ≠ 1/N (W is singular there); exports follow from eq. (14). Domain: Y > 0 and the implied
    G > 0 and Ex > 0 (far-from-average outputs with ω near 1/N violate it).
    """
    y = _country_vector(gross_output, "gross_output")
    n = y.shape[0]
    ok = check_parameters(n=n, mu=mu, upsilon=upsilon, omega=omega, omega_off_pole=True)
    ok = ok & _positive(y, "gross_output", "gross output Y")
    mu_, up_ = safe_value(ok, mu, "mu"), safe_value(ok, upsilon, "upsilon")
    om_ = safe_value(ok, omega, "omega")
    y_safe = jnp.where(ok, y, 1.0)
    g, ex, participation = _given_gross_output_core(y_safe, mu_, up_, om_)
    return _outcome(y_safe, g, ex, participation, ok)


def gvc_participation_given_final_demand(
    final_demand: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike
) -> GVCOutcome:
    """GVC participation (eq. 13) with final demand G held fixed.

    Gross output from eq. (10)/(15): Y = (I - A)^{-1} W G (a Sherman-Morrison solve, not the
    closed form of eq. 11); exports from
    eq. (14). Domain: G > 0. The implied exports are then always positive: with ΔG_i the gap
    to mean final demand Ḡ, Ex_i = (1 - μ + μυ - υω)(Ḡ/υ - ΔG_i/D) and ΔG_i < (N - 1)Ḡ <= Ḡ·D/υ
    (D = N - Nμ + Nμυ - υ); the check is kept as a guard.
    """
    g = _country_vector(final_demand, "final_demand")
    ok = check_parameters(mu=mu, upsilon=upsilon, omega=omega)
    ok = ok & _positive(g, "final_demand", "final demand G")
    mu_, up_ = safe_value(ok, mu, "mu"), safe_value(ok, upsilon, "upsilon")
    om_ = safe_value(ok, omega, "omega")
    g_safe = jnp.where(ok, g, 1.0)
    y, ex, participation = _given_final_demand_core(g_safe, mu_, up_, om_)
    return _outcome(y, g_safe, ex, participation, ok)


def gvc_participation_paper_reduced_form(
    n: ArrayLike,
    mu: ArrayLike,
    upsilon: ArrayLike,
    omega: ArrayLike,
    reference_exports: ArrayLike,
    own_output_gap: ArrayLike,
    others_mean_output_gap: ArrayLike,
    *,
    with_flag: bool = False,
):
    """The expression the proofs of Propositions 1-4 differentiate (after eq. 15).

    GVCP_i = T·(N - 1)·(Ex_k + f·s) / (Ex_k + f·d) + (N - 1)·T, with d = ΔY_{i,k}
    (``own_output_gap``) and s = Σ_{j≠i} ΔY_{j,k} / (N - 1) (``others_mean_output_gap``), both
    relative to a reference country k whose exports Ex_k (``reference_exports``) are held fixed
    together with the gaps. This is the paper's partial-equilibrium reading: Ex_k in fact moves
    with μ, υ, ω in either closure. Domain: parameters as usual, ω ≠ 1/N, Ex_k > 0 and implied
    exports Ex_i = Ex_k + f·d > 0 and Ex_k + f·s > 0. All arguments may be arrays (scalars per
    point).
    """
    ok = check_parameters(n=n, mu=mu, upsilon=upsilon, omega=omega, omega_off_pole=True)
    n_, mu_ = safe_value(ok, n, "n"), safe_value(ok, mu, "mu")
    up_, om_ = safe_value(ok, upsilon, "upsilon"), safe_value(ok, omega, "omega")
    f_value = f(n_, mu_, up_, om_)
    t_value = T(n_, mu_, up_)
    ex_k = jnp.asarray(reference_exports, dtype=float)
    own = ex_k + f_value * own_output_gap
    others = ex_k + f_value * others_mean_output_gap
    ok = ok & check_domain(
        {
            "reference_exports (Ex_k) must be > 0": ex_k > 0,
            "implied exports Ex_k + f*own_output_gap must be > 0": own > 0,
            "implied mean exports Ex_k + f*others_mean_output_gap must be > 0": others > 0,
        },
        values={"reference_exports": ex_k, "own_exports": own, "others_exports": others},
    )
    own_safe = jnp.where(ok, own, 1.0)
    value = t_value * (n_ - 1) * (others / own_safe + 1)
    return (value, ok) if with_flag else value
