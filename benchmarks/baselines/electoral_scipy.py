"""Independent NumPy/SciPy implementation of Melnick (2025), written from the paper.

This module does not import :mod:`retrench`; it re-derives every quantity from the paper's
equations so that tests can compare the JAX code against it and the benchmark can time a plain
Python loop over it. One parameter point per call.

Model (seed 001, "Domestic Inequality, Heterogeneous Redistribution, and the Globalization
Backlash"):

* Proposition 1 (first-order condition of leader d for outcome a), solved with ``brentq`` on
  (0, 1): ``b*psi*lam/(1-theta) = b*psi*(1-lam)/theta + (x_d + alpha_a - theta)``.
* Table 1 incomes with log utility: winners ``g*theta/(1-lam)``, losers ``g*(1-theta)/lam``,
  where ``g = gamma`` under the pro-globalization policy R and ``g = 1`` under exit E.
* Lemma 1: ``pi = 1/2 + b*((1-lam)*D_w + lam*D_l)``.
* Proposition 2: ``Phi_d(gamma)`` (leader d remains iff ``Phi_d > 0``); the threshold
  ``gamma_d`` is found with ``brentq`` in gamma on an expanding bracket.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq


def proposal_scipy(lam: float, alpha: float, x: float, b: float, psi: float) -> float:
    """theta* of Proposition 1 by Brent's method on the open interval (0, 1)."""
    bp = b * psi

    def foc(theta: float) -> float:
        return bp * lam / (1.0 - theta) - bp * (1.0 - lam) / theta - (x + alpha - theta)

    eps = 1e-15
    return brentq(foc, eps, 1.0 - eps, xtol=1e-15, rtol=1e-15, maxiter=500)


def phi_scipy(
    gamma: float,
    lam: float,
    alpha_R: float,
    alpha_E: float,
    x: float,
    b: float,
    psi: float,
    theta_R: float,
    theta_E: float,
) -> float:
    """Phi_d(gamma) of Proposition 2: EU_d(R) - EU_d(E) (leader d remains iff positive)."""
    quad = (
        0.5
        * (2 * x + alpha_E + alpha_R - theta_E - theta_R)
        * (alpha_E - alpha_R - theta_E + theta_R)
    )
    logs = (1 - lam) * math.log(gamma * theta_R / theta_E) + lam * math.log(
        gamma * (1 - theta_R) / (1 - theta_E)
    )
    return quad + b * psi * logs


def threshold_scipy(
    lam: float,
    alpha_R: float,
    alpha_E: float,
    x: float,
    b: float,
    psi: float,
    theta_R: float,
    theta_E: float,
) -> float:
    """gamma_d: the root of Phi_d in gamma (Brent's method, bracket expanded by factors of 2)."""

    def phi(gamma: float) -> float:
        return phi_scipy(gamma, lam, alpha_R, alpha_E, x, b, psi, theta_R, theta_E)

    lo, hi = 0.5, 2.0
    while phi(lo) > 0:
        lo /= 2.0
    while phi(hi) < 0:
        hi *= 2.0
    return brentq(phi, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=500)


def _log_income_gaps(
    gamma: float, lam: float, theta_L: float, theta_H: float, exit_L: bool, exit_H: bool
) -> tuple[float, float]:
    """D_w, D_l: log income under L minus under H (Table 1; 1/(1-lam), 1/lam cancel)."""
    size_L = 1.0 if exit_L else gamma
    size_H = 1.0 if exit_H else gamma
    d_w = math.log(size_L * theta_L) - math.log(size_H * theta_H)
    d_l = math.log(size_L * (1 - theta_L)) - math.log(size_H * (1 - theta_H))
    return d_w, d_l


def equilibrium_scipy(
    gamma: float,
    lam: float,
    alpha_R: float,
    alpha_E: float,
    b: float,
    psi: float,
    x_H: float,
) -> dict:
    """Equilibrium of the model at one parameter point (x_L = 0).

    Returns a dict with the four proposals, Phi_L and Phi_H at ``gamma``, the thresholds
    gamma_L and gamma_H, exit decisions (exit iff Phi_d <= 0, Proposition 2), the equilibrium
    D_w, D_l and the probability pi_L that L wins (Lemma 1).
    """
    out = {
        "theta_LR": proposal_scipy(lam, alpha_R, 0.0, b, psi),
        "theta_LE": proposal_scipy(lam, alpha_E, 0.0, b, psi),
        "theta_HR": proposal_scipy(lam, alpha_R, x_H, b, psi),
        "theta_HE": proposal_scipy(lam, alpha_E, x_H, b, psi),
    }
    for d, x in (("L", 0.0), ("H", x_H)):
        th_R, th_E = out[f"theta_{d}R"], out[f"theta_{d}E"]
        out[f"phi_{d}"] = phi_scipy(gamma, lam, alpha_R, alpha_E, x, b, psi, th_R, th_E)
        out[f"gamma_{d}"] = threshold_scipy(lam, alpha_R, alpha_E, x, b, psi, th_R, th_E)
        out[f"exit_{d}"] = bool(out[f"phi_{d}"] <= 0.0)
    theta_L = out["theta_LE"] if out["exit_L"] else out["theta_LR"]
    theta_H = out["theta_HE"] if out["exit_H"] else out["theta_HR"]
    d_w, d_l = _log_income_gaps(gamma, lam, theta_L, theta_H, out["exit_L"], out["exit_H"])
    out["D_w"] = d_w
    out["D_l"] = d_l
    out["pi_L"] = 0.5 + b * ((1 - lam) * d_w + lam * d_l)
    return out
