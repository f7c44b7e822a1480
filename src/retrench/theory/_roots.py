"""Root finding with implicit differentiation, shared by every theory module.

Every equilibrium without a closed form goes through one of three solvers, each with gradients
from the implicit function theorem (dx*/dθ = -(∂F/∂x)^-1 ∂F/∂θ), never from unrolled iterations
or finite differences:

* :func:`find_scalar_root_newton` (one unknown on a bracket; safeguarded Newton with bisection
  fallback, implicit gradients through ``jax.lax.custom_root``): the electoral proposals;
* :func:`find_root_newton_2d` (two unknowns; closed-form 2×2 Newton steps, ``custom_root``):
  the tariff equilibria;
* :func:`find_root` (vector unknowns; :func:`optimistix.root_find` with Newton and
  ``adjoint=ImplicitAdjoint()``): the world-price market clearing of the tariff model.

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


def _checked(
    fn: Callable, value: Array, args: Any, solver_ok: Array, residual_tol: float
) -> RootResult:
    """The :class:`RootResult` of every solver here: ``converged`` needs the solver's own flag,
    a finite root and max |F(root)| <= ``residual_tol`` (F evaluated without gradient)."""
    resid = jnp.max(jnp.abs(jnp.asarray(fn(jax.lax.stop_gradient(value), args))))
    ok = jax.lax.stop_gradient(solver_ok) & jnp.all(jnp.isfinite(value))
    ok = ok & jnp.isfinite(resid) & (resid <= residual_tol)
    return RootResult(value=value, converged=ok, residual=resid)


def _finish(fn: Callable, sol: optx.Solution, args: Any, residual_tol: float) -> RootResult:
    return _checked(fn, sol.value, args, sol.result == optx.RESULTS.successful, residual_tol)


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


# ----------------------------------------------------------------------------------------
# Safeguarded Newton on a bracket (few iterations in every lane under vmap)
# ----------------------------------------------------------------------------------------

#: Iteration cap of :func:`find_scalar_root_newton`; every step at least halves the bracket
#: when Newton is not used, so 128 steps cover any bracket in double precision.
NEWTON_MAX_STEPS = 128


class NewtonIterate(NamedTuple):
    """Outcome of :func:`safeguarded_newton`: the root, the iterations used and the flags.

    ``converged``: the step fell below ``atol + rtol |x|`` (or f = 0) within ``max_steps``;
    ``bracketed``: f changes sign on ``[lower, upper]``.
    """

    value: Array
    steps: Array
    converged: Array
    bracketed: Array


def safeguarded_newton(
    fn: Callable[[Array, Any], Array],
    x0: Array | float,
    lower: Array | float,
    upper: Array | float,
    args: Any = None,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = NEWTON_MAX_STEPS,
) -> NewtonIterate:
    """Root of the scalar ``fn(x, args)`` on ``[lower, upper]`` by Newton with bisection fallback.

    The bracket shrinks to the side of each iterate where f has the sign of f(upper); a Newton
    step that leaves the bracket, or that does not halve the step of two iterations earlier, is
    replaced by bisection (Numerical Recipes' ``rtsafe``). Stops when the last step is at most
    ``atol + rtol |x|`` (a Newton step that small is taken even if it touches the bracket).
    The derivative comes from ``jax.jvp``. Not differentiable by itself (use
    :func:`find_scalar_root_newton`); under ``vmap`` every lane runs until the slowest has
    converged, so a good ``x0`` makes the whole batch cheap.
    """
    dtype = jnp.result_type(float)
    lower = jnp.asarray(lower, dtype=dtype)
    upper = jnp.asarray(upper, dtype=dtype)
    x0 = jnp.clip(jnp.asarray(x0, dtype=dtype), lower, upper)
    increasing = fn(upper, args) >= fn(lower, args)
    bracketed = jnp.sign(fn(lower, args)) * jnp.sign(fn(upper, args)) <= 0

    def oriented_value_and_slope(x):
        value, slope = jax.jvp(lambda y: fn(y, args), (x,), (jnp.ones_like(x),))
        sign = jnp.where(increasing, 1.0, -1.0)
        return sign * value, sign * slope

    def body(state):
        x, lo, hi, step, step_before, k, _ = state
        g, slope = oriented_value_and_slope(x)
        lo = jnp.where(g < 0, x, lo)
        hi = jnp.where(g > 0, x, hi)
        newton = x - g / slope
        tol = atol + rtol * jnp.abs(x)
        # a step below the tolerance is accepted even if rounding puts it on the bracket's edge
        small = jnp.isfinite(newton) & (jnp.abs(newton - x) <= tol)
        inside = jnp.isfinite(newton) & (newton >= lo) & (newton <= hi)
        fast = jnp.abs(2.0 * g) <= jnp.abs(step_before * slope)
        x_new = jnp.where(small | (inside & fast), newton, 0.5 * (lo + hi))
        x_new = jnp.where(g == 0, x, x_new)
        new_step = x_new - x
        done = small | (g == 0) | (jnp.abs(new_step) <= tol)
        return x_new, lo, hi, new_step, step, k + 1, done

    def cond(state):
        k, done = state[5], state[6]
        return (~done) & (k < max_steps)

    width = upper - lower
    init = (x0, lower, upper, width, width, jnp.zeros((), jnp.int32), jnp.zeros((), bool))
    # the first step is peeled off the loop: it fuses with the caller's initial guess, and when
    # it converges in every lane (a good x0) the loop body never runs
    x, _, _, _, _, steps, done = jax.lax.while_loop(cond, body, body(init))
    return NewtonIterate(value=x, steps=steps, converged=done, bracketed=bracketed)


def find_scalar_root_newton(
    fn: Callable[[Array, Any], Array],
    lower: Array | float,
    upper: Array | float,
    args: Any = None,
    *,
    x0: Array | float | None = None,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = NEWTON_MAX_STEPS,
    residual_tol: float = 1e-8,
) -> RootResult:
    """Solve the scalar ``fn(x, args) = 0`` on ``[lower, upper]`` by safeguarded Newton.

    The caller supplies a bracket with a sign change (``converged`` False otherwise; never
    raises when traced); quadratically convergent from ``x0`` (default: the midpoint), so a
    batch needs a handful of iterations where bisection needs ~45. Gradients
    with respect to ``args`` are implicit (``jax.lax.custom_root``: dx*/dθ = −F_θ/F_x at the
    root); the iterations are never differentiated. The bracket and ``x0`` carry no gradient.
    """
    dtype = jnp.result_type(float)
    lower = jax.lax.stop_gradient(jnp.asarray(lower, dtype=dtype))
    upper = jax.lax.stop_gradient(jnp.asarray(upper, dtype=dtype))
    guess = 0.5 * (lower + upper) if x0 is None else jnp.asarray(x0, dtype=dtype)
    guess = jax.lax.stop_gradient(guess)

    def solve(f, initial):
        it = safeguarded_newton(
            lambda x, _: f(x), initial, lower, upper, rtol=rtol, atol=atol, max_steps=max_steps
        )
        # the flag travels as a float: custom_root's JVP rule rejects boolean auxiliary outputs
        return it.value, (it.converged & it.bracketed).astype(dtype)

    value, ok = jax.lax.custom_root(
        lambda x: fn(x, args), guess, solve, lambda g, y: y / g(1.0), has_aux=True
    )
    return _checked(fn, value, args, ok > 0.5, residual_tol)


# ----------------------------------------------------------------------------------------
# Lean Newton for two unknowns (2×2 Jacobian, Cramer's rule; cheap under vmap)
# ----------------------------------------------------------------------------------------


def _solve_2x2(jac: Array, rhs: Array) -> Array:
    """x with ``jac @ x = rhs`` for a 2×2 ``jac`` by Cramer's rule (non-finite if singular)."""
    det = jac[0, 0] * jac[1, 1] - jac[0, 1] * jac[1, 0]
    return jnp.stack(
        [
            (rhs[0] * jac[1, 1] - jac[0, 1] * rhs[1]) / det,
            (jac[0, 0] * rhs[1] - rhs[0] * jac[1, 0]) / det,
        ]
    )


def find_root_newton_2d(
    fn: Callable[[Array, Any], Array],
    x0: Array,
    args: Any = None,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = DEFAULT_MAX_STEPS,
    residual_tol: float = 1e-8,
) -> RootResult:
    """Solve ``fn(x, args) = 0`` for x of shape (2,) by plain Newton with a 2×2 Cramer solve.

    Same contract as :func:`find_root` (never raises when traced; ``converged`` needs a step
    below ``atol + rtol |x|`` in both components within ``max_steps``, a finite root and
    max |F| ≤ ``residual_tol``) at a fraction of its cost per step: the Jacobian is one
    ``jax.jacfwd`` of ``fn`` (two JVPs) and the solve is closed-form, with no linear-solver or
    solver-state machinery. The loop stops early in a lane whose iterate turns non-finite.
    Gradients with respect to ``args`` are implicit (``jax.lax.custom_root``:
    dx*/dθ = −F_x^{-1} F_θ at the root); the iterations are never differentiated.
    """
    dtype = jnp.result_type(float)
    guess = jax.lax.stop_gradient(jnp.asarray(x0, dtype=dtype))
    if guess.shape != (2,):
        raise ValueError(
            f"find_root_newton_2d needs an initial guess of shape (2,) (got {guess.shape})"
        )

    def solve(f, initial):
        jacobian = jax.jacfwd(f)

        def body(state):
            x, k, _ = state
            step = _solve_2x2(jacobian(x), f(x))
            x_new = x - step
            small = jnp.all(jnp.abs(step) <= atol + rtol * jnp.abs(x))
            return x_new, k + 1, small

        def cond(state):
            x, k, done = state
            return (~done) & (k < max_steps) & jnp.all(jnp.isfinite(x))

        init = (initial, jnp.zeros((), jnp.int32), jnp.zeros((), bool))
        x, _, done = jax.lax.while_loop(cond, body, init)
        # the flag travels as a float: custom_root's JVP rule rejects boolean auxiliary outputs
        return x, done.astype(dtype)

    def tangent_solve(g, y):
        columns = jnp.stack([g(jnp.array([1.0, 0.0], dtype)), g(jnp.array([0.0, 1.0], dtype))])
        return _solve_2x2(columns.T, y)

    value, ok = jax.lax.custom_root(
        lambda x: fn(x, args), guess, solve, tangent_solve, has_aux=True
    )
    return _checked(fn, value, args, ok > 0.5, residual_tol)
