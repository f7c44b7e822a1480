"""Domain checks for structural parameters: an error when eager, a flag when traced.

A theory function builds a dict ``{description: condition}`` of conditions that must hold
elementwise (e.g. ``{"lam must lie in (0, 1)": (lam > 0) & (lam < 1)}``) and calls
:func:`check_domain`. Called eagerly on concrete values, a violated condition raises
:class:`~retrench.errors.DomainError` naming the condition and the offending values. Under
``jit``/``vmap``/``grad`` the same call returns the boolean flag ``in_domain`` so that the result
can carry it (never a silent NaN).
"""

from __future__ import annotations

from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from retrench.errors import DomainError

Array = jax.Array


def is_traced(*values: object) -> bool:
    """True if any leaf of ``values`` is a JAX tracer (we are inside jit/vmap/grad)."""
    leaves = jax.tree_util.tree_leaves(values)
    return any(isinstance(leaf, jax.core.Tracer) for leaf in leaves)


def _concrete(value: object) -> np.ndarray | None:
    """The concrete value behind ``value`` (the primal of an eager ``grad``/``jvp`` tracer), or
    None under ``jit`` where there is none."""
    while isinstance(value, jax.core.Tracer):
        value = getattr(value, "primal", None)
        if value is None:
            return None
    try:
        return np.asarray(value)
    except jax.errors.TracerArrayConversionError:
        return None


def check_domain(
    conditions: Mapping[str, Array],
    values: Mapping[str, object] | None = None,
) -> Array:
    """Return the elementwise conjunction of ``conditions``; raise eagerly if any fails.

    Args:
        conditions: description of each condition -> boolean array (broadcastable).
        values: optional name -> value shown in the error message.

    Returns:
        Boolean array ``in_domain`` (broadcast shape of the conditions).

    Raises:
        DomainError: only when every condition is concrete and one fails somewhere.
    """
    flags = [jnp.asarray(c) for c in conditions.values()]
    in_domain = jnp.ones((), dtype=bool)
    for flag in flags:
        in_domain = in_domain & flag
    if is_traced(flags):
        return in_domain
    for description, flag in zip(conditions.keys(), flags, strict=True):
        flag_np = np.asarray(flag)
        if not flag_np.all():
            n_bad = int((~flag_np).sum())
            shown = ""
            if values:
                parts = []
                for name, value in values.items():
                    arr = _concrete(value)
                    if arr is None:
                        continue
                    if arr.ndim == 0:
                        parts.append(f"{name}={float(arr):g}")
                    else:
                        idx = np.argwhere(~np.broadcast_to(flag_np, arr.shape))
                        first = tuple(int(i) for i in idx[0]) if len(idx) else ()
                        label = ",".join(str(i) for i in first)
                        parts.append(f"{name}[{label}]={float(arr[first]):g}" if first else "")
                shown = " (got " + ", ".join(p for p in parts if p) + ")"
            where = "" if flag_np.ndim == 0 else f" at {n_bad} of {flag_np.size} points"
            raise DomainError(f"{description}{where}{shown}")
    return in_domain


def nan_unless(in_domain: Array, value: Array, *inputs: Array) -> Array:
    """``value`` where ``in_domain``, NaN elsewhere, with a NaN gradient there too.

    ``value * where(in_domain, 1, NaN)`` plus ``where(in_domain, 0, NaN * x)`` for each of the
    raw ``inputs``: unlike ``where(in_domain, value, NaN)``, whose gradient is 0 outside the
    domain (a plausible wrong number under ``grad``), every derivative with respect to an input
    is NaN there, even where ``value`` was computed at placeholder parameters that do not depend
    on the inputs. Inside the domain the value and its derivatives are unchanged.
    """
    ok = jnp.asarray(in_domain, dtype=bool)
    scale = jnp.where(ok, 1.0, jnp.nan)
    # where(ok, 0, x) * where(ok, 0, NaN): 0 with derivative 0 inside (no NaN cotangent leaks
    # through the unselected branch), NaN with derivative NaN outside
    outside = jnp.where(ok, 0.0, jnp.nan)
    poison = sum((jnp.where(ok, 0.0, jnp.asarray(x)) * outside for x in inputs), jnp.zeros(()))
    return jax.tree_util.tree_map(lambda v: jnp.asarray(v) * scale + poison, value)
