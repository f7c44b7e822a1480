"""Parameters, domain checks and batching for the electoral model (Melnick 2025, seed 001).

:class:`ElectoralParams` is the parameter pytree. The ``*_domain`` functions return the
in-domain flag and, called eagerly on concrete values, raise
:class:`~retrench.errors.DomainError` naming the violated condition
(:func:`retrench.theory._domain.check_domain`). Under tracing, out-of-domain points are replaced
by a safe interior point before any computation (so gradients stay finite) and the outputs there
are set to NaN next to ``in_domain = False``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory._domain import check_domain

Array = jax.Array


class ElectoralParams(NamedTuple):
    """Structural parameters (a pytree; any leaf may be an array). x_L = 0 is fixed.

    Attributes:
        gamma: γ > 1, size of the globalized economy.
        lam: λ ∈ (0, 1), share of globalization losers.
        alpha_R: α_R ∈ (1 − λ, 1], winners' share under globalization (inequality).
        alpha_E: α_E ∈ [0, α_R], winners' share after exit.
        b: b > 0, salience of globalization (density of the common shock β).
        psi: Ψ > 0, benefit of office.
        x_H: x_H > 0, H's ideological bias against redistribution.
    """

    gamma: Array | float
    lam: Array | float
    alpha_R: Array | float
    alpha_E: Array | float
    b: Array | float
    psi: Array | float
    x_H: Array | float


#: A point inside the domain, substituted for out-of-domain inputs under tracing so that
#: nothing downstream computes on invalid numbers (outputs there are then set to NaN).
SAFE_POINT = ElectoralParams(
    gamma=1.05, lam=0.5, alpha_R=0.7, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125
)


# ----------------------------------------------------------------------------------------
# Domain
# ----------------------------------------------------------------------------------------


def finite(*values: Array) -> Array:
    """Elementwise: every value is finite (neither NaN nor ±inf)."""
    out = jnp.ones((), dtype=bool)
    for value in values:
        out = out & jnp.isfinite(value)
    return out


def proposal_domain(lam: Array, alpha: Array, x: Array, b: Array, psi: Array) -> Array:
    """Domain of Proposition 1's inputs; raises DomainError when eager and violated."""
    checks = (
        ("lam must lie in (0, 1)", (lam > 0) & (lam < 1), {"lam": lam}),
        ("alpha must lie in [0, 1]", (alpha >= 0) & (alpha <= 1), {"alpha": alpha}),
        ("x must be finite and >= 0", finite(x) & (x >= 0), {"x": x}),
        ("b must be finite and > 0", finite(b) & (b > 0), {"b": b}),
        ("psi must be finite and > 0", finite(psi) & (psi > 0), {"psi": psi}),
    )
    return run_checks(checks)


def params_domain(p: ElectoralParams, *, need_gamma: bool) -> Array:
    """Domain of :class:`ElectoralParams` (γ checked only if ``need_gamma``); raises eagerly."""
    lam, a_r, a_e = p.lam, p.alpha_R, p.alpha_E
    checks = [
        ("lam must lie in (0, 1)", (lam > 0) & (lam < 1), {"lam": lam}),
        (
            "alpha_R must satisfy 1 - lam < alpha_R <= 1 (winners better off, Model section)",
            (a_r > 1 - lam) & (a_r <= 1),
            {"alpha_R": a_r, "lam": lam},
        ),
        (
            "alpha_E must satisfy 0 <= alpha_E <= alpha_R (exit shrinks winners' share)",
            (a_e >= 0) & (a_e <= a_r),
            {"alpha_E": a_e, "alpha_R": a_r},
        ),
        ("b must be finite and > 0", finite(p.b) & (p.b > 0), {"b": p.b}),
        ("psi must be finite and > 0", finite(p.psi) & (p.psi > 0), {"psi": p.psi}),
        ("x_H must be finite and > 0", finite(p.x_H) & (p.x_H > 0), {"x_H": p.x_H}),
    ]
    if need_gamma:
        checks.insert(
            0,
            ("gamma must be finite and > 1", finite(p.gamma) & (p.gamma > 1), {"gamma": p.gamma}),
        )
    return run_checks(tuple(checks))


def run_checks(checks: tuple) -> Array:
    """Run (description, condition, values) checks one by one so messages show only their values."""
    flag = jnp.ones((), dtype=bool)
    for description, condition, values in checks:
        flag = flag & check_domain({description: condition}, values=values)
    return flag


def as_arrays(p: ElectoralParams) -> ElectoralParams:
    """Every leaf as a float array."""
    return ElectoralParams(*(jnp.asarray(v, dtype=jnp.result_type(float)) for v in p))


def where_valid(flag: Array, value: Array, fallback: float) -> Array:
    """``value`` where ``flag`` holds, else the in-domain ``fallback`` (keeps gradients finite)."""
    return jnp.where(flag, value, jnp.asarray(fallback, dtype=jnp.result_type(float)))


def safe_params(p: ElectoralParams, flag: Array) -> ElectoralParams:
    """``p`` where in domain, else :data:`SAFE_POINT`."""
    return ElectoralParams(*(where_valid(flag, v, s) for v, s in zip(p, SAFE_POINT, strict=True)))


def nan_where_invalid(tree, flag: Array):
    """Float leaves become NaN and boolean leaves False where ``flag`` is False."""

    def mask(leaf):
        leaf = jnp.asarray(leaf)
        if jnp.issubdtype(leaf.dtype, jnp.floating):
            return jnp.where(flag, leaf, jnp.nan)
        return leaf & flag if leaf.dtype == bool else leaf

    return jax.tree_util.tree_map(mask, tree)


# ----------------------------------------------------------------------------------------
# Batching: public functions take scalars or broadcastable arrays
# ----------------------------------------------------------------------------------------


#: Points per vectorized chunk in :func:`map_pointwise`. Batches larger than this are solved
#: chunk by chunk (``jax.lax.map`` with ``batch_size``, each chunk vmapped) so that the solver's
#: intermediate arrays stay in the CPU cache and a root find's loop runs only as long as the
#: slowest point of its own chunk needs (measured in ``benchmarks/bench_theory.py``). On a GPU
#: the whole batch is one vmap: chunks would serialise the work (measured on an H100: 23 M vs
#: 322 M equilibria/s at 1e6 points, benchmarks/RESULTS.md, "GPU runs").
CHUNK_SIZE = 4096


def _chunked(n_points: int) -> bool:
    """Whether a batch of ``n_points`` is solved in chunks (on CPU backends, above CHUNK_SIZE)."""
    return n_points > CHUNK_SIZE and jax.default_backend() == "cpu"


def map_pointwise(fn: Callable, *args: Array):
    """Apply the scalar function ``fn`` elementwise over broadcast ``args``.

    Vectorized with ``jax.vmap``, on a CPU in chunks of :data:`CHUNK_SIZE` points when the
    batch is larger (same values; less memory traffic).
    """
    arrays = [jnp.asarray(a, dtype=jnp.result_type(float)) for a in args]
    shape = jnp.broadcast_shapes(*(a.shape for a in arrays))
    if shape == ():
        return fn(*arrays)
    flat = tuple(jnp.broadcast_to(a, shape).reshape(-1) for a in arrays)
    if _chunked(flat[0].shape[0]):
        out = jax.lax.map(lambda point: fn(*point), flat, batch_size=CHUNK_SIZE)
    else:
        out = jax.vmap(fn)(*flat)
    return jax.tree_util.tree_map(lambda leaf: leaf.reshape(shape + leaf.shape[1:]), out)
