"""Qu & Yang (2023), section 4: the symmetric N-country input-output structure.

Seed 003, *Manufacturing Localization, Technology Backfire, and Economic De-globalization*.
Every country produces with the Cobb-Douglas technology of eq. (1) and aggregates final goods
with eq. (4). With symmetric parameters the cost shares give a global input-output system
(eq. 9-10) whose Leontief inverse has the closed form of eq. (11).

Code name <-> symbol:

==============  ======  ===========================================================
``n``           N       number of countries (integer >= 2)
``mu``          μ       local proportion of intermediate inputs (eq. 1), in (0, 1)
``upsilon``     υ (ν)   value-added share of gross output (eq. 1), in (0, 1)
``omega``       ω       local proportion of final products (eq. 4), in (0, 1)
``A``           A       input coefficients, ``A[s, b]`` = value of inputs from s per unit of
                        b's gross output (eq. 9-10)
``W``           --      final-demand allocation, ``W[s, d]`` = share of d's final demand G_d
                        spent on goods from s (eq. 4)
``R``, ``T``    R, T    υ times the diagonal / off-diagonal entries of (I - A)^{-1} (after eq. 11)
``f``           f       d Ex / d Y across countries (after eq. 15)
==============  ======  ===========================================================

Domain: ``n`` an integer >= 2 and ``mu``, ``upsilon``, ``omega`` in the open interval (0, 1);
``f`` also needs ω ≠ 1/N (its pole). Called eagerly, a violation raises
:class:`~retrench.errors.DomainError` naming the parameter; under ``jit``/``vmap``/``grad`` the
functions return finite placeholder values and, with ``with_flag=True``, the flag ``in_domain``.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from retrench.errors import DomainError
from retrench.theory._domain import check_domain, nan_unless

Array = jax.Array
ArrayLike = jax.typing.ArrayLike

# Placeholder values substituted for out-of-domain inputs under tracing, so that outputs stay
# finite (never NaN) while the flag reports the violation. omega = 1 is safe for the pole of f
# because N*1 - 1 >= 1.
_SAFE = {"n": 2.0, "mu": 0.5, "upsilon": 0.5, "omega": 1.0}


def static_n(n: object) -> int:
    """``n`` as a Python int, or DomainError (n fixes array shapes, so it must be static)."""
    try:
        value = operator.index(n)  # accepts int and numpy integers, rejects floats and tracers
    except TypeError:
        raise DomainError(
            f"n (number of countries N) must be a static Python integer >= 2 (got {n!r})"
        ) from None
    if value < 2:
        raise DomainError(f"n (number of countries N) must be an integer >= 2 (got n={value})")
    return value


def parameter_conditions(
    n: ArrayLike | None = None,
    mu: ArrayLike | None = None,
    upsilon: ArrayLike | None = None,
    omega: ArrayLike | None = None,
    *,
    omega_off_pole: bool = False,
) -> dict[str, Array]:
    """Conditions ``{description: bool array}`` for the parameters that are given."""
    conds: dict[str, Array] = {}
    if n is not None:
        n_arr = jnp.asarray(n)
        conds["n (number of countries N) must be an integer >= 2"] = (n_arr >= 2) & (
            n_arr == jnp.round(n_arr)
        )
    for name, value, symbol in (
        ("mu", mu, "μ, local share of intermediate inputs"),
        ("upsilon", upsilon, "υ, value-added share"),
        ("omega", omega, "ω, local share of final products"),
    ):
        if value is not None:
            v = jnp.asarray(value)
            conds[f"{name} ({symbol}) must lie in the open interval (0, 1)"] = (
                jnp.isfinite(v) & (v > 0) & (v < 1)
            )
    if omega_off_pole:
        if n is None or omega is None:
            raise ValueError("omega_off_pole needs both n and omega")
        gap = jnp.abs(jnp.asarray(n) * jnp.asarray(omega) - 1.0)
        conds[
            "omega must differ from 1/n (pole of f = (mu - mu*upsilon + upsilon*omega - 1)"
            " / (n*omega - 1))"
        ] = gap > 1e-12
    return conds


def check_parameters(
    n: ArrayLike | None = None,
    mu: ArrayLike | None = None,
    upsilon: ArrayLike | None = None,
    omega: ArrayLike | None = None,
    *,
    omega_off_pole: bool = False,
) -> Array:
    """In-domain flag for the given parameters; raises DomainError when called eagerly."""
    conds = parameter_conditions(n, mu, upsilon, omega, omega_off_pole=omega_off_pole)
    values = {
        k: v
        for k, v in (("n", n), ("mu", mu), ("upsilon", upsilon), ("omega", omega))
        if v is not None
    }
    return check_domain(conds, values=values)


def safe_value(in_domain: Array, value: ArrayLike, name: str) -> Array:
    """``value`` where ``in_domain``, else a finite placeholder (only reached when traced)."""
    return jnp.where(in_domain, jnp.asarray(value, dtype=float), _SAFE[name])


def _leontief_denominator(n: ArrayLike, mu: ArrayLike, upsilon: ArrayLike) -> Array:
    """D = N - Nμ + Nμυ - υ (eq. 11), positive on the domain."""
    return n - n * mu + n * mu * upsilon - upsilon


def _maybe_flag(value: Array, flag: Array, with_flag: bool) -> Array | tuple[Array, Array]:
    return (value, flag) if with_flag else value


def R(n: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, *, with_flag: bool = False):
    """R = [1 - μ + μυ + (N-2)υ] / [N - Nμ + Nμυ - υ] (after eq. 11).

    R/υ is the diagonal entry of the Leontief inverse (I - A)^{-1}; R is the share of a
    country's own value added in its gross exports (eq. 12). ``n`` may be an array.
    """
    ok = check_parameters(n=n, mu=mu, upsilon=upsilon)
    n_, mu_, up_ = (
        safe_value(ok, n, "n"),
        safe_value(ok, mu, "mu"),
        safe_value(ok, upsilon, "upsilon"),
    )
    value = (1 - mu_ + mu_ * up_ + (n_ - 2) * up_) / _leontief_denominator(n_, mu_, up_)
    return _maybe_flag(value, ok, with_flag)


def T(n: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, *, with_flag: bool = False):
    """T = (1 - υ)(1 - μ) / [N - Nμ + Nμυ - υ] (after eq. 11).

    T/υ is each off-diagonal entry of (I - A)^{-1}; T is the share of one foreign country's
    value added in a country's gross exports (eq. 12). ``n`` may be an array.
    """
    ok = check_parameters(n=n, mu=mu, upsilon=upsilon)
    n_, mu_, up_ = (
        safe_value(ok, n, "n"),
        safe_value(ok, mu, "mu"),
        safe_value(ok, upsilon, "upsilon"),
    )
    value = (1 - up_) * (1 - mu_) / _leontief_denominator(n_, mu_, up_)
    return _maybe_flag(value, ok, with_flag)


def f(
    n: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike, *, with_flag: bool = False
):
    """f = (μ - μυ + υω - 1) / (Nω - 1) (after eq. 15): ΔEx_{i,j} = f·ΔY_{i,j}.

    f is the eigenvalue of the map from gross output to exports on cross-country deviations:
    a country whose gross output exceeds another's by ΔY exports f·ΔY more. Pole at ω = 1/N.
    """
    ok = check_parameters(n=n, mu=mu, upsilon=upsilon, omega=omega, omega_off_pole=True)
    n_, mu_ = safe_value(ok, n, "n"), safe_value(ok, mu, "mu")
    up_, om_ = safe_value(ok, upsilon, "upsilon"), safe_value(ok, omega, "omega")
    value = (mu_ - mu_ * up_ + up_ * om_ - 1) / (n_ * om_ - 1)
    return _maybe_flag(value, ok, with_flag)


def _equicorrelated(n: int, diagonal: Array, off_diagonal: Array) -> Array:
    """Matrix with ``diagonal`` on the diagonal and ``off_diagonal`` elsewhere (batched)."""
    eye = jnp.eye(n)
    d = jnp.asarray(diagonal)[..., None, None]
    o = jnp.asarray(off_diagonal)[..., None, None]
    return o + (d - o) * eye


def input_coefficients(n: int, mu: ArrayLike, upsilon: ArrayLike, *, with_flag: bool = False):
    """Input-coefficient matrix A of eq. (9)-(10) implied by the Cobb-Douglas shares of eq. (1).

    A[i, i] = (1 - υ)μ and A[s, b] = (1 - υ)(1 - μ)/(N - 1) for s ≠ b: each column sums to 1 - υ.
    ``n`` is a static int; batched ``mu``/``upsilon`` give shape (..., n, n).
    """
    n = static_n(n)
    ok = check_parameters(mu=mu, upsilon=upsilon)
    mu_, up_ = safe_value(ok, mu, "mu"), safe_value(ok, upsilon, "upsilon")
    value = _equicorrelated(n, (1 - up_) * mu_, (1 - up_) * (1 - mu_) / (n - 1))
    return _maybe_flag(value, ok, with_flag)


def final_demand_allocation(n: int, omega: ArrayLike, *, with_flag: bool = False):
    """Final-demand allocation W implied by eq. (4): W[s, d] = G_{d,s} / G_d.

    W[d, d] = ω (home goods) and W[s, d] = (1 - ω)/(N - 1) for s ≠ d; each column sums to 1, so
    the final demand for country s's goods is ``(W @ G)[s]``.
    """
    n = static_n(n)
    ok = check_parameters(omega=omega)
    om_ = safe_value(ok, omega, "omega")
    value = _equicorrelated(n, om_, (1 - om_) / (n - 1))
    return _maybe_flag(value, ok, with_flag)


def leontief_inverse(n: int, mu: ArrayLike, upsilon: ArrayLike, *, with_flag: bool = False):
    """Closed form (I - A)^{-1} of eq. (11): (1/υ)·[R on the diagonal, T elsewhere].

    Equivalently [υ(N - Nμ + Nμυ - υ)]^{-1} times the matrix with 1 - μ + μυ + (N-2)υ on the
    diagonal and (1 - υ)(1 - μ) off it. ``n`` is a static int.
    """
    n = static_n(n)
    r, ok_r = R(n, mu, upsilon, with_flag=True)
    t, _ = T(n, mu, upsilon, with_flag=True)
    up_ = safe_value(ok_r, upsilon, "upsilon")
    value = _equicorrelated(n, r / up_, t / up_)
    return _maybe_flag(value, ok_r, with_flag)


def _spectral_radius_host(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    out = np.full(a.shape[:-2], np.inf, dtype=a.dtype)
    finite = np.isfinite(a).all(axis=(-2, -1))
    if finite.any():
        out[finite] = np.abs(np.linalg.eigvals(a[finite])).max(axis=-1)
    return out


def spectral_radius(A: ArrayLike) -> Array:
    """ρ(A) = max |eigenvalue| of a square matrix (batched over leading axes; inf if not finite).

    Computed on the host by LAPACK (``numpy.linalg.eigvals``) through ``jax.pure_callback``, so it
    works eagerly and under jit/vmap; it carries no gradient (it is only used as a flag).
    """
    A = jax.lax.stop_gradient(jnp.asarray(A, dtype=float))
    shape = jax.ShapeDtypeStruct(A.shape[:-2], A.dtype)
    return jax.pure_callback(_spectral_radius_host, shape, A, vmap_method="broadcast_all")


def leontief_inverse_numeric(A: ArrayLike, *, with_flag: bool = False):
    """(I - A)^{-1} for any square input-coefficient matrix A, by a linear solve.

    Convergence condition: the spectral radius ρ(A) must be < 1. Then the Neumann series
    I + A + A² + ... (the rounds of intermediate-input requirements) converges to (I - A)^{-1};
    for a nonnegative A this is also necessary for a nonnegative inverse (Hawkins-Simon), and it
    holds whenever every column sum of A (1 - value-added share) is below 1. Eagerly, ρ(A) >= 1
    raises DomainError; traced, the flag is False and the identity is inverted instead.
    """
    A = jnp.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise DomainError(f"A must be a square (n, n) matrix (got shape {tuple(A.shape)})")
    rho = spectral_radius(A)
    ok = check_domain(
        {
            "A must have spectral radius < 1 so that the Neumann series sum_k A^k converges "
            "(and contain only finite entries)": rho < 1
        },
        values={"spectral_radius(A)": rho},
    )
    eye = jnp.eye(A.shape[0])
    A_safe = jnp.where(ok, A, 0.0)
    value = jnp.linalg.solve(eye - A_safe, eye)
    return _maybe_flag(value, ok, with_flag)


class GVCThresholds(NamedTuple):
    """Thresholds on ω above which the propositions are stated (section 4).

    Attributes:
        proposition_2: 1/N; above it ∂f/∂μ = (1-υ)/(Nω-1) > 0 (μ lowers participation).
        proposition_3: 1/N; above it f < 0 (faster relative growth raises participation).
        proposition_4: max(μ, 1/N); above it ∂f/∂υ = (ω-μ)/(Nω-1) > 0 (technology backfire).
    """

    proposition_2: Array
    proposition_3: Array
    proposition_4: Array


def thresholds(n: ArrayLike, mu: ArrayLike, *, with_flag: bool = False):
    """ω thresholds of Propositions 2-4: 1/N, 1/N and max(μ, 1/N). ``n`` may be an array."""
    ok = check_parameters(n=n, mu=mu)
    n_, mu_ = safe_value(ok, n, "n"), safe_value(ok, mu, "mu")
    inv_n = 1.0 / n_
    value = GVCThresholds(inv_n, inv_n, jnp.maximum(mu_, inv_n))
    if with_flag:
        return value, ok
    return nan_unless(ok, value, n, mu)  # NaN (and NaN gradient) outside, never a number
