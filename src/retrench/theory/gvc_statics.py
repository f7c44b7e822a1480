"""Comparative statics of GVC participation (Qu & Yang 2023, Propositions 1-4) via ``jax``.

Each function differentiates one closure of the model (see
:mod:`retrench.theory.gvc_participation`) and returns, for every country i, ∂GVCP_i/∂ω,
∂GVCP_i/∂μ, ∂GVCP_i/∂υ and the effect of country i's own growth. What the propositions claim and
under which closure they hold (derived in ``docs/replication/seed003.md``):

=============  ===============================  =======================  ===================
proposition    gross output Y fixed             final demand G fixed     paper's reduced form
=============  ===============================  =======================  ===================
1 (ω ↑)        holds iff Y_i > mean Y (any ω)   fails: ∂GVCP/∂ω = 0      holds (ΔY_i > mean)
2 (μ ↑)        holds for every ω                holds for every ω        ω > 1/N
3 (growth)     holds iff ω > 1/N (reversed      holds for every ω        ω > 1/N
               below)
4 (υ ↑)        holds for every ω                holds for every ω        ω > max(μ, 1/N)
=============  ===============================  =======================  ===================

Closed forms behind the first two columns (x_i = Y_i/mean(Y) - 1, resp. G_i/mean(G) - 1,
D = N - Nμ + Nμυ - υ): GVCP_i = T·[N / (1 - x_i/(Nω - 1)) + N - 2] with Y fixed and
GVCP_i = T·[N / (1 - υ·x_i/D) + N - 2] with G fixed.

("reduced form": the paper's own partial derivative, reference exports and output gaps fixed.)
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import is_traced
from retrench.theory.gvc_participation import (
    gvc_participation_given_final_demand,
    gvc_participation_given_gross_output,
    gvc_participation_paper_reduced_form,
)

Array = jax.Array
ArrayLike = jax.typing.ArrayLike


class GVCSensitivities(NamedTuple):
    """Derivatives of GVC participation, one entry per country (shape (n,)) or per point.

    Attributes:
        participation: GVCP itself.
        d_omega, d_mu, d_upsilon: ∂GVCP/∂ω, ∂GVCP/∂μ, ∂GVCP/∂υ with the closure's exogenous
            quantity fixed.
        d_own_growth: effect of country i's own growth, others unchanged: ∂GVCP_i/∂log Y_i
            (gross output closure), ∂GVCP_i/∂log G_i (final demand closure), or
            ∂GVCP/∂(ΔY_{i,k}) (reduced form). GVCP is homogeneous of degree 0 in Y (or G), so a
            growth-rate differential g_i - g_others moves GVCP_i by (g_i - g_others)·d_own_growth.
        in_domain: the closure's domain flag.
    """

    participation: Array
    d_omega: Array
    d_mu: Array
    d_upsilon: Array
    d_own_growth: Array
    in_domain: Array


def _closure_sensitivities(closure, quantity: Array, mu, upsilon, omega) -> GVCSensitivities:
    quantity = jnp.asarray(quantity, dtype=float)
    if not is_traced(quantity, mu, upsilon, omega):
        closure(quantity, mu, upsilon, omega)  # eager call: raises DomainError when out of domain
    params = jnp.stack([jnp.asarray(x, dtype=float) for x in (mu, upsilon, omega)])
    return _closure_jacobian(closure, quantity, params)


@functools.partial(jax.jit, static_argnums=0)
def _closure_jacobian(closure, quantity: Array, params: Array) -> GVCSensitivities:
    def participation(params_: Array, log_scale: Array):
        outcome = closure(quantity * jnp.exp(log_scale), params_[0], params_[1], params_[2])
        return outcome.participation, outcome

    (d_params, d_log), outcome = jax.jacfwd(participation, argnums=(0, 1), has_aux=True)(
        params, jnp.zeros_like(quantity)
    )
    return GVCSensitivities(
        participation=outcome.participation,
        d_omega=d_params[:, 2],
        d_mu=d_params[:, 0],
        d_upsilon=d_params[:, 1],
        d_own_growth=jnp.diagonal(d_log),
        in_domain=outcome.in_domain,
    )


def sensitivities_given_gross_output(
    gross_output: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike
) -> GVCSensitivities:
    """Comparative statics of eq. (13) with gross output fixed (Propositions 1-4, column 1)."""
    return _closure_sensitivities(
        gvc_participation_given_gross_output, gross_output, mu, upsilon, omega
    )


def sensitivities_given_final_demand(
    final_demand: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike
) -> GVCSensitivities:
    """Comparative statics of eq. (13) with final demand fixed (Propositions 1-4, column 2)."""
    return _closure_sensitivities(
        gvc_participation_given_final_demand, final_demand, mu, upsilon, omega
    )


def sensitivities_paper_reduced_form(
    n: ArrayLike,
    mu: ArrayLike,
    upsilon: ArrayLike,
    omega: ArrayLike,
    reference_exports: ArrayLike,
    own_output_gap: ArrayLike,
    others_mean_output_gap: ArrayLike,
) -> GVCSensitivities:
    """The paper's own partial derivatives (reference exports and output gaps fixed).

    ``d_own_growth`` is ∂GVCP/∂ΔY_{i,k}: growth of country i's output by more than the others'.
    Scalars in, scalars out; ``jax.vmap`` for grids.
    """

    args = tuple(jnp.asarray(a, dtype=float) for a in (mu, upsilon, omega, own_output_gap))
    level, ok = gvc_participation_paper_reduced_form(
        n, *args[:3], reference_exports, args[3], others_mean_output_gap, with_flag=True
    )
    d_mu, d_up, d_om, d_gap = _reduced_form_gradients(
        jnp.asarray(n, dtype=float), *args, reference_exports, others_mean_output_gap
    )
    return GVCSensitivities(level, d_om, d_mu, d_up, d_gap, ok)


@jax.jit
def _reduced_form_gradients(n, mu, upsilon, omega, own_gap, reference_exports, others_gap):
    def value(mu_, up_, om_, gap):
        return gvc_participation_paper_reduced_form(
            n, mu_, up_, om_, reference_exports, gap, others_gap
        )

    return jax.grad(value, argnums=(0, 1, 2, 3))(mu, upsilon, omega, own_gap)
