"""Root finding with implicit differentiation, shared by every theory module.

Every equilibrium without a closed form goes through :func:`find_root` (vector unknowns, Newton)
or :func:`find_scalar_root` (one unknown, bracketed). Both wrap :func:`optimistix.root_find` with
``adjoint=ImplicitAdjoint()`` so that gradients come from the implicit function theorem
(dx*/dθ = -(∂F/∂x)^-1 ∂F/∂θ), never from unrolled iterations or finite differences.

Inside traced code (jit, vmap, grad, a NumPyro log density) a root find never raises: it is
called with ``throw=False`` and returns a :class:`RootResult` whose ``converged`` flag the caller
turns into a flag of its own (or ``-inf`` log density). Eager user-facing wrappers call
:func:`raise_if_not_converged`, which raises :class:`~retrench.errors.ConvergenceError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optimistix as optx

from retrench.errors import ConvergenceError

Array = jax.Array

DEFAULT_RTOL = 1e-11
DEFAULT_ATOL = 1e-11
DEFAULT_MAX_STEPS = 256


class RootResult(NamedTuple):
    """Outcome of a root find.

    Attributes:
        value: the root (same shape as the initial guess).
        converged: boolean array, True when the solver reported success *and* the residual
            is finite and below ``residual_tol``.
        residual: max |F(value)| at the returned value.
    """

    value: Array
    converged: Array
    residual: Array


def _finish(fn: Callable, sol: optx.Solution, args: Any, residual_tol: float) -> RootResult:
    value = sol.value
    resid = jnp.max(jnp.abs(jnp.asarray(fn(jax.lax.stop_gradient(value), args))))
    ok = (sol.result == optx.RESULTS.successful) & jnp.isfinite(resid) & (resid <= residual_tol)
    ok = ok & jnp.all(jnp.isfinite(value))
    return RootResult(value=value, converged=ok, residual=resid)


def find_root(
    fn: Callable[[Array, Any], Array],
    x0: Array,
    args: Any = None,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = DEFAULT_MAX_STEPS,
    residual_tol: float = 1e-8,
) -> RootResult:
    """Solve ``fn(x, args) = 0`` for x by Newton's method, differentiable in ``args``.

    ``fn`` must be a pure JAX function; ``x0`` an array (scalar or vector) of floats.
    Gradients with respect to anything in ``args`` use the implicit function theorem.
    Never raises inside traced code; check ``result.converged``.
    """
    x0 = jnp.asarray(x0, dtype=jnp.result_type(float))
    solver = optx.Newton(rtol=rtol, atol=atol)
    sol = optx.root_find(
        fn,
        solver,
        x0,
        args=args,
        max_steps=max_steps,
        adjoint=optx.ImplicitAdjoint(),
        throw=False,
    )
    return _finish(fn, sol, args, residual_tol)


def find_scalar_root(
    fn: Callable[[Array, Any], Array],
    lower: Array | float,
    upper: Array | float,
    args: Any = None,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = DEFAULT_MAX_STEPS,
    residual_tol: float = 1e-8,
) -> RootResult:
    """Solve the scalar equation ``fn(x, args) = 0`` on the bracket ``[lower, upper]``.

    Uses optimistix's bisection (robust: it cannot leave the bracket, so it is safe inside NUTS
    warm-up where parameters can be extreme), with implicit differentiation in ``args``. The
    caller must supply a bracket with a sign change; without one, ``converged`` is False.
    """
    dtype = jnp.result_type(float)
    lower = jnp.asarray(lower, dtype=dtype)
    upper = jnp.asarray(upper, dtype=dtype)
    f_lo = fn(lower, args)
    f_hi = fn(upper, args)
    bracketed = jnp.sign(f_lo) * jnp.sign(f_hi) <= 0
    solver = optx.Bisection(rtol=rtol, atol=atol, flip="detect", expand_if_necessary=False)
    sol = optx.root_find(
        fn,
        solver,
        0.5 * (lower + upper),
        args=args,
        options={"lower": lower, "upper": upper},
        max_steps=max_steps,
        adjoint=optx.ImplicitAdjoint(),
        throw=False,
    )
    res = _finish(fn, sol, args, residual_tol)
    return res._replace(converged=res.converged & bracketed)


def raise_if_not_converged(result: RootResult, what: str) -> None:
    """Raise :class:`ConvergenceError` naming ``what`` if any element failed (eager use only)."""
    if isinstance(result.converged, jax.core.Tracer):
        return
    failed = ~jnp.asarray(result.converged)
    if bool(jnp.any(failed)):
        n_failed = int(jnp.sum(failed))
        raise ConvergenceError(
            f"{what}: root find did not converge at {n_failed} of {failed.size} point(s) "
            f"(max residual {float(jnp.max(result.residual)):.3e})"
        )
