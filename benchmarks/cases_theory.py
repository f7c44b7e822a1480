"""Parameter points, JAX calls and SciPy baselines for the theory throughput benchmark."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from benchmarks.baselines.electoral_scipy import equilibrium_scipy
from benchmarks.baselines.tariffs_scipy import (
    nash_tariffs_scipy,
    reciprocal_efficient_tariffs_scipy,
)
from benchmarks.bench_theory import TheoryCase
from retrench.theory import electoral, tariffs

ELECTORAL_FIELDS = (
    "theta_LR",
    "theta_LE",
    "theta_HR",
    "theta_HE",
    "phi_L",
    "phi_H",
    "D_w",
    "D_l",
    "pi_L",
    "log_gamma_L",
    "log_gamma_H",
    "converged",
)


def sample_electoral(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Points well inside the domain: α_R ∈ (1 − λ, 1], α_E < α_R, γ > 1."""
    lam = rng.uniform(0.3, 0.7, n)
    alpha_R = rng.uniform(1.0 - lam + 0.05, 0.98)
    return {
        "gamma": rng.uniform(1.01, 1.5, n),
        "lam": lam,
        "alpha_R": alpha_R,
        "alpha_E": rng.uniform(0.05, 1.0, n) * alpha_R * 0.95,
        "b": rng.uniform(0.5, 2.0, n),
        "psi": rng.uniform(0.5, 2.0, n),
        "x_H": rng.uniform(0.05, 0.3, n),
    }


def electoral_jax(**kw):
    """Every output the SciPy loop computes (thresholds included) and the convergence flag,
    so that no root find is dropped as dead code."""
    eq = electoral.equilibrium(electoral.ElectoralParams(**kw))
    return jnp.stack([jnp.asarray(getattr(eq, f), dtype=float) for f in ELECTORAL_FIELDS])


def electoral_scipy(**kw) -> np.ndarray:
    out = equilibrium_scipy(**kw)
    out["log_gamma_L"], out["log_gamma_H"] = np.log(out["gamma_L"]), np.log(out["gamma_H"])
    out["converged"] = 1.0  # brentq raises when it fails
    return np.array([out[f] for f in ELECTORAL_FIELDS])


def sample_weights(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Asymmetric government weights γ ∈ [1, 1.6] on exporter and import-competing profits."""
    return {
        k: rng.uniform(1.0, 1.6, n) for k in ("gamma_E", "gamma_M", "gamma_E_star", "gamma_M_star")
    }


def efficient_jax(**kw):
    sol = tariffs.reciprocal_efficient_tariffs(tariffs.TariffWeights(**kw))
    return jnp.stack([sol.tau_x, sol.tau_y_star])


def efficient_scipy(**kw) -> np.ndarray:
    return np.array(reciprocal_efficient_tariffs_scipy(**kw))


def nash_jax(**kw):
    sol = tariffs.nash_tariffs(tariffs.TariffWeights(**kw))
    return jnp.stack([sol.tau_x, sol.tau_y_star])


def nash_scipy(**kw) -> np.ndarray:
    return np.array(nash_tariffs_scipy(**kw))


CASES = [
    TheoryCase("electoral.equilibrium", sample_electoral, electoral_jax, electoral_scipy),
    TheoryCase(
        "tariffs.reciprocal_efficient_tariffs", sample_weights, efficient_jax, efficient_scipy
    ),
    TheoryCase("tariffs.nash_tariffs", sample_weights, nash_jax, nash_scipy),
]
