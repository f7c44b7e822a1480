"""Gradient cost: implicit differentiation through each theory root find vs an unrolled solver
vs central finite differences, time per gradient and accuracy against an exact reference.

Methods (each jit + vmap over the same N parameter points, compile timed separately):

* ``implicit``: ``jax.grad`` of the library function (optimistix root find, ImplicitAdjoint);
* ``unrolled``: ``jax.grad`` through a fixed number of Newton iterations written here with
  ``jax.lax.fori_loop`` on the same equilibrium conditions (what a user would write by hand);
* ``finite_diff``: central differences of the library's value, 2 solves per parameter.

Exact references (independent of every method): the closed forms of eq. 7 (reciprocal
efficient tariff) and of the Nash tariff for the tariff cases; for Proposition 1 proposals and
Proposition 2 thresholds the implicit function theorem applied by hand to the *unscaled*
Proposition 1 residual (one Newton correction from the converged root, whose derivative with
respect to the parameters is exactly -F_p / F_theta), then the closed form
log gamma_d = -Q_d/(b Psi) - K_d.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import retrench  # noqa: F401  (x64)
from benchmarks._common import time_call
from retrench.theory import electoral_primitives as prim
from retrench.theory import tariffs
from retrench.theory import tariffs_equilibria as teq
from retrench.theory.electoral import exit_threshold, proposal
from retrench.theory.electoral_domain import ElectoralParams
from retrench.theory.tariffs_market import DEFAULT_MARKET

FD_STEP = 1e-6
NEWTON_ITERATIONS = 40


def _unrolled_newton(residual: Callable, x0: jax.Array, args, iterations: int) -> jax.Array:
    """``iterations`` plain Newton steps, differentiated by reverse-mode through the loop."""

    def step(_, x):
        if x.ndim == 0:
            return x - residual(x, args) / jax.grad(residual)(x, args)
        return x - jnp.linalg.solve(jax.jacfwd(residual)(x, args), residual(x, args))

    return jax.lax.fori_loop(0, iterations, step, x0)


# ------------------------------------------------------------------------ electoral proposal


def _logit_residual(u, args):
    """θ(1−θ)·(Proposition 1 residual) at θ = σ(u): smooth on the whole line."""
    lam, alpha, x, b, psi = args
    theta, one_minus = jax.nn.sigmoid(u), jax.nn.sigmoid(-u)
    return b * psi * (lam - one_minus) - (x + alpha - theta) * theta * one_minus


def _proposal_unrolled(params):
    u = _unrolled_newton(_logit_residual, jnp.zeros(()), tuple(params), NEWTON_ITERATIONS)
    return jax.nn.sigmoid(u)


def _proposal_reference(params, theta0):
    """One Newton correction from the converged θ0 on the *unscaled* residual: d/dp exact."""
    theta0 = jax.lax.stop_gradient(theta0)
    f = prim.proposal_foc_residual(theta0, *params)
    slope = jax.grad(prim.proposal_foc_residual)(theta0, *jax.lax.stop_gradient(params))
    return theta0 - f / slope


def _proposal_points(rng, n):
    return np.stack(
        [
            rng.uniform(0.3, 0.7, n),  # lam
            rng.uniform(0.5, 0.9, n),  # alpha
            rng.uniform(0.0, 0.3, n),  # x
            rng.uniform(0.5, 2.0, n),  # b
            rng.uniform(0.5, 2.0, n),  # psi
        ],
        axis=1,
    )


def _proposal_case(rng, n):
    points = _proposal_points(rng, n)
    theta0 = np.asarray(proposal(*points.T))

    def library(p):
        return proposal(*p)

    def reference_grads():
        grad = jax.vmap(jax.grad(_proposal_reference))(jnp.asarray(points), jnp.asarray(theta0))
        return np.asarray(grad)

    return {
        "function": "electoral.proposal (Prop. 1, bisection)",
        "parameters": ["lam", "alpha", "x", "b", "psi"],
        "points": points,
        "library": library,
        "unrolled": _proposal_unrolled,
        "reference": reference_grads,
        "reference_kind": "hand IFT on the unscaled Prop. 1 residual",
    }


# ------------------------------------------------------------------------ exit threshold


def _log_threshold_from_thetas(p, theta_R, theta_E):
    lam, alpha_R, alpha_E, b, psi, x_H = p
    u_R, u_E = jnp.log(theta_R / (1 - theta_R)), jnp.log(theta_E / (1 - theta_E))
    quad, logs = prim.exit_advantage_parts(lam, alpha_R, alpha_E, x_H, u_R, u_E)
    return -quad / (b * psi) - logs


def _threshold_library(p):
    lam, alpha_R, alpha_E, b, psi, x_H = p
    params = ElectoralParams(1.5, lam, alpha_R, alpha_E, b, psi, x_H)
    return jnp.log(exit_threshold(params, "H"))


def _threshold_unrolled(p):
    lam, alpha_R, alpha_E, b, psi, x_H = p
    theta_R = _proposal_unrolled(jnp.stack([lam, alpha_R, x_H, b, psi]))
    theta_E = _proposal_unrolled(jnp.stack([lam, alpha_E, x_H, b, psi]))
    return _log_threshold_from_thetas(p, theta_R, theta_E)


def _threshold_case(rng, n):
    lam = rng.uniform(0.4, 0.6, n)
    alpha_R = rng.uniform(0.65, 0.95, n)
    points = np.stack(
        [
            lam,
            alpha_R,
            alpha_R * rng.uniform(0.3, 0.9, n),
            rng.uniform(0.5, 2.0, n),
            rng.uniform(0.5, 2.0, n),
            rng.uniform(0.05, 0.3, n),
        ],
        axis=1,
    )
    lam, a_R, a_E, b, psi, x_H = points.T
    th_R0 = jnp.asarray(proposal(lam, a_R, x_H, b, psi))
    th_E0 = jnp.asarray(proposal(lam, a_E, x_H, b, psi))

    def reference(p, t_R, t_E):
        lam, alpha_R, alpha_E, b, psi, x_H = p
        theta_R = _proposal_reference(jnp.stack([lam, alpha_R, x_H, b, psi]), t_R)
        theta_E = _proposal_reference(jnp.stack([lam, alpha_E, x_H, b, psi]), t_E)
        return _log_threshold_from_thetas(p, theta_R, theta_E)

    return {
        "function": "electoral.exit_threshold H, log (Prop. 2, 3 bisections)",
        "parameters": ["lam", "alpha_R", "alpha_E", "b", "psi", "x_H"],
        "points": points,
        "library": _threshold_library,
        "unrolled": _threshold_unrolled,
        "reference": lambda: np.asarray(
            jax.vmap(jax.grad(reference))(jnp.asarray(points), th_R0, th_E0)
        ),
        "reference_kind": "hand IFT (proposals) + closed-form log gamma_H",
    }


# ------------------------------------------------------------------------ tariffs


def _tariff_points(rng, n):
    return np.stack([rng.uniform(1.0, 1.6, n), rng.uniform(1.0, 1.6, n)], axis=1)


def _reciprocal_case(rng, n):
    def library(p):
        return tariffs.reciprocal_efficient_tariffs(tariffs.TariffWeights.symmetric(*p)).tau_x

    def unrolled(p):
        args = (tariffs.TariffWeights.symmetric(*p), DEFAULT_MARKET, "trade_volume")
        return _unrolled_newton(teq._reciprocal_foc, jnp.zeros(2), args, NEWTON_ITERATIONS)[0]

    points = _tariff_points(rng, n)
    exact = jax.vmap(jax.grad(lambda p: tariffs.efficient_tariff_closed_form(*p)))
    return {
        "function": "tariffs.reciprocal_efficient_tariffs tau_x (eq. 6, Newton 2-D)",
        "parameters": ["gamma_E", "gamma_M"],
        "points": points,
        "library": library,
        "unrolled": unrolled,
        "reference": lambda: np.asarray(exact(jnp.asarray(points))),
        "reference_kind": "gradient of the eq. 7 closed form",
    }


def _nash_case(rng, n):
    def library(p):
        return tariffs.nash_tariffs(tariffs.TariffWeights.symmetric(*p)).tau_x

    def unrolled(p):
        args = (tariffs.TariffWeights.symmetric(*p), DEFAULT_MARKET)
        return _unrolled_newton(teq._nash_foc, jnp.zeros(2), args, NEWTON_ITERATIONS)[0]

    points = _tariff_points(rng, n)
    exact = jax.vmap(jax.grad(lambda p: tariffs.nash_tariff_closed_form(p[1]) + 0.0 * p[0]))
    return {
        "function": "tariffs.nash_tariffs tau_x (Newton 2-D)",
        "parameters": ["gamma_E", "gamma_M"],
        "points": points,
        "library": library,
        "unrolled": unrolled,
        "reference": lambda: np.asarray(exact(jnp.asarray(points))),
        "reference_kind": "gradient of the Nash closed form",
    }


CASES = (_proposal_case, _threshold_case, _reciprocal_case, _nash_case)


# ------------------------------------------------------------------------ measurement


def _finite_difference(value_fn: Callable) -> Callable:
    def grad(p):
        eye = jnp.eye(p.shape[0])
        steps = FD_STEP * jnp.maximum(1.0, jnp.abs(p))
        up = jax.vmap(lambda e: value_fn(p + e))(eye * steps[:, None])
        down = jax.vmap(lambda e: value_fn(p - e))(eye * steps[:, None])
        return (up - down) / (2 * steps)

    return grad


def _measure(grad_fn: Callable, points: jax.Array, repeats: int) -> tuple[np.ndarray, dict]:
    batched = jax.jit(jax.vmap(grad_fn))
    start = time.perf_counter()
    grads = np.asarray(jax.block_until_ready(batched(points)))
    compile_s = time.perf_counter() - start
    timing = time_call(lambda: jax.block_until_ready(batched(points)), repeats=repeats)
    return grads, {"compile_s": compile_s, **timing}


def _errors(grads: np.ndarray, reference: np.ndarray) -> dict:
    """Normwise relative error per point, ||g - g_ref|| / ||g_ref||: max and median."""
    finite = np.all(np.isfinite(grads), axis=1)
    norm = np.maximum(np.linalg.norm(reference, axis=1), 1e-300)
    rel = np.linalg.norm(grads - reference, axis=1)[finite] / norm[finite]
    return {
        "max_rel_error": float(rel.max()) if rel.size else float("nan"),
        "median_rel_error": float(np.median(rel)) if rel.size else float("nan"),
        "non_finite_share": float(1 - finite.mean()),
    }


def run_case(make_case: Callable, n: int, repeats: int, seed: int = 0) -> list[dict]:
    case = make_case(np.random.default_rng(seed), n)
    points = jnp.asarray(case["points"])
    reference = case["reference"]()
    methods = {
        "implicit": jax.grad(case["library"]),
        "unrolled": jax.grad(case["unrolled"]),
        "finite_diff": _finite_difference(case["library"]),
    }
    records = []
    for method, fn in methods.items():
        grads, timing = _measure(fn, points, repeats)
        records.append(
            {
                "function": case["function"],
                "method": method,
                "points": n,
                "parameters": case["parameters"],
                "reference": case["reference_kind"],
                "newton_iterations": NEWTON_ITERATIONS if method == "unrolled" else None,
                "fd_step": FD_STEP if method == "finite_diff" else None,
                **timing,
                "gradients_per_s": n / timing["min_s"],
                **_errors(grads, reference),
            }
        )
    base = next(r for r in records if r["method"] == "implicit")
    for r in records:
        r["time_vs_implicit"] = r["min_s"] / base["min_s"]
    return records


def run(quick: bool) -> dict:
    n, repeats = (200, 3) if quick else (2_000, 5)
    records = []
    for make_case in CASES:
        records.extend(run_case(make_case, n, repeats))
        last = records[-3:]
        print(
            f"  {last[0]['function']}: "
            + ", ".join(
                f"{r['method']} {r['min_s'] * 1e3:.1f} ms err {r['max_rel_error']:.1e}"
                for r in last
            )
        )
    return {"benchmark": "gradient_cost", "records": records}


def markdown(payload: dict) -> list[str]:
    lines = [
        "Time for N gradients under jit+vmap (compile excluded, min over repeats) and the largest "
        "relative error against an exact reference (see `benchmarks/bench_gradients.py`). "
        "Baseline ratio: time relative to implicit differentiation.",
        "",
        "| function | method | N | compile (s) | time (ms) | gradients/s | × implicit time | "
        "max rel. error | non-finite |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    records = payload["records"]
    for r in records:
        lines.append(
            f"| {r['function']} | {r['method']} | {r['points']:,} | {r['compile_s']:.2f} | "
            f"{r['min_s'] * 1e3:.2f} | {r['gradients_per_s']:,.0f} | "
            f"{r['time_vs_implicit']:.2f} | {r['max_rel_error']:.1e} | "
            f"{r['non_finite_share']:.1%} |"
        )
    unrolled = [r["time_vs_implicit"] for r in records if r["method"] == "unrolled"]
    fd = [r for r in records if r["method"] == "finite_diff"]
    exact = [r["max_rel_error"] for r in records if r["method"] != "finite_diff"]
    lines += [
        "",
        f"Implicit differentiation is {min(unrolled):.0f}–{max(unrolled):.0f}× faster than "
        f"differentiating {NEWTON_ITERATIONS} unrolled Newton steps and as accurate (largest "
        f"error of either: {max(exact):.0e}); central differences take "
        f"{min(r['time_vs_implicit'] for r in fd):.2f}–{max(r['time_vs_implicit'] for r in fd):.1f}"
        f"× the implicit time and lose digits (largest error "
        f"{max(r['max_rel_error'] for r in fd):.0e}). "
        "(Unrolled bisection would be worse than slow: its iterates are piecewise constant in "
        "the parameters, so its derivative is zero.)",
    ]
    return lines
