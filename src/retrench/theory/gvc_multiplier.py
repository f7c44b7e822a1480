r"""Qu & Yang (2023), section 6.3: the investment multiplier z and its slope in ω.

With steady equity shares (S_ii = S, the rest spread evenly), eq. 5 and the first-order
conditions give (printed in §6.3)

.. math::  \Delta C = \upsilon\Big[1 - \alpha\frac{N - NS}{N-1}\Big]\Delta Y
           + \frac{1 - NS}{N-1}\Delta I, \qquad
           \Delta Y = \kappa\,(\Delta C + \Delta I),\;
           \kappa = \frac{N(R\omega + T(1-\omega)) - 1}{(N-1)\upsilon}

(the second from eq. 15), hence ΔY = z ΔI with the printed

.. math::  z = \frac{(S-1)(N\omega-1)}{1+\mu(\upsilon-1)+\alpha\upsilon-\alpha\upsilon S
           -\upsilon\omega+N(\mu-1-\mu\upsilon+(1-\alpha+\alpha S)\upsilon\omega)}.

Claims (tests): z equals κ(1 + b)/(1 − κa) for the two printed relations; z > 0 when
Rω + T(1 − ω) > 1/N; ∂z/∂ω equals the printed
N²(1 − S)υ(R − T) / (u² [(α(N − NS)/(N − 1) − 1)υ + (N − 1)υ/u]²), u = N(Rω + T(1 − ω)) − 1,
and is positive. With u > 0 the denominator (N − 1)υ/u − υ(1 − α(N − NS)/(N − 1)) is at least
N(1 − μ)(1 − υ)/(N − 1) > 0, so z has no pole there.

Code name ↔ symbol: ``n`` N, ``omega`` ω, ``mu`` μ, ``upsilon`` υ, ``alpha`` α (capital share
of value added, eq. 1), ``share`` S (home equity share), ``openness`` Rω + T(1 − ω).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from retrench.theory.gvc_leontief import R, T

Array = jax.Array
ArrayLike = jax.typing.ArrayLike

__all__ = ["composite_openness", "investment_multiplier", "investment_multiplier_slope_printed"]


def composite_openness(n: ArrayLike, mu: ArrayLike, upsilon: ArrayLike, omega: ArrayLike) -> Array:
    """Rω + T(1 − ω), the paper's "composite trade openness index" (§6.3)."""
    return R(n, mu, upsilon) * omega + T(n, mu, upsilon) * (1.0 - omega)


def investment_multiplier(
    n: ArrayLike,
    omega: ArrayLike,
    mu: ArrayLike,
    upsilon: ArrayLike,
    alpha: ArrayLike,
    share: ArrayLike,
) -> Array:
    """z of §6.3 as printed: ΔY_{i,j} = z ΔI_{i,j}."""
    n, omega, mu, upsilon, alpha, share = (
        jnp.asarray(v, dtype=jnp.result_type(float)) for v in (n, omega, mu, upsilon, alpha, share)
    )
    num = (share - 1.0) * (n * omega - 1.0)
    den = (
        1.0
        + mu * (upsilon - 1.0)
        + alpha * upsilon
        - alpha * upsilon * share
        - upsilon * omega
        + n * (mu - 1.0 - mu * upsilon + (1.0 - alpha + alpha * share) * upsilon * omega)
    )
    return num / den


def investment_multiplier_slope_printed(
    n: ArrayLike,
    omega: ArrayLike,
    mu: ArrayLike,
    upsilon: ArrayLike,
    alpha: ArrayLike,
    share: ArrayLike,
) -> Array:
    """∂z/∂ω as printed in §6.3 (read through the extraction garble; see the module docstring)."""
    r, t = R(n, mu, upsilon), T(n, mu, upsilon)
    u = n * t * (1.0 - omega) + n * r * omega - 1.0
    inner = (alpha * (n - n * share) / (n - 1.0) - 1.0) * upsilon + (n - 1.0) * upsilon / u
    return n**2 * (1.0 - share) * upsilon * (r - t) / (u**2 * inner**2)
