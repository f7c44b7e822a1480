"""Independent NumPy/SciPy implementation of DeRemer (2023)'s tariff model, one point at a time.

Written from the paper (eqs. 1, 3, 5, 6 and section 3.3), not from ``retrench.theory.tariffs``:
the first-order conditions are differentiated by hand here and solved with
``scipy.optimize.fsolve``. It is the baseline the JAX solvers are tested and timed against.

Linear market (defaults = section 3.3): demand D(p) = a − b p in every market, export-sector
supply c_E + s_E p, import-competing supply c_M + s_M p. For an import market with the importer's
specific tariff τ, market clearing gives p^w = (2a − c_M − c_E − (b + s_M) τ)/(2b + s_M + s_E),
so dp^w/dτ = k = −(b + s_M)/(2b + s_M + s_E) and the importer's price moves by 1 + k.

Hand derivatives of eq. 1 (G = importer part of x + exporter part of y):

    d(importer part)/dτ = [−D(p) + γ_M Q_M(p)](1 + k) + M(p) − τ (b + s_M)(1 + k),  p = p^w + τ
    d(exporter part)/dτ = [−D(p^w) + γ_E Q_E(p^w)] k

Reciprocity (eq. 5): "trade_volume" form p_x^w dM_x = p_y^w dM_y: with identical slopes
M'(1 + k) cancels, so r = p_x^w / p_y^w; "terms_of_trade" form M_x dp_x^w = M_y dp_y^w:
r = M_x k / (M_y k) = M_x / M_y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import fsolve


@dataclass(frozen=True)
class LinearMarket:
    a: float = 1.0
    b: float = 1.0
    c_E: float = 0.0
    s_E: float = 1.0
    c_M: float = 0.0
    s_M: float = 0.5

    @property
    def k(self) -> float:
        return -(self.b + self.s_M) / (2 * self.b + self.s_M + self.s_E)

    def world_price(self, tau: float) -> float:
        return (2 * self.a - self.c_M - self.c_E - (self.b + self.s_M) * tau) / (
            2 * self.b + self.s_M + self.s_E
        )

    def imports(self, tau: float) -> float:
        p = self.world_price(tau) + tau
        return self.a - self.b * p - (self.c_M + self.s_M * p)

    def d_importer_part(self, tau: float, gamma_M: float) -> float:
        p = self.world_price(tau) + tau
        dp = 1 + self.k
        demand = self.a - self.b * p
        supply = self.c_M + self.s_M * p
        return (
            (-demand + gamma_M * supply) * dp + self.imports(tau) - tau * (self.b + self.s_M) * dp
        )

    def d_exporter_part(self, tau: float, gamma_E: float) -> float:
        p = self.world_price(tau)
        demand = self.a - self.b * p
        supply = self.c_E + self.s_E * p
        return (-demand + gamma_E * supply) * self.k


DEFAULT = LinearMarket()


def _solve(equations, what: str, residual_tol: float = 1e-12) -> tuple[float, float]:
    """fsolve from free trade; accept the answer when the residual is below ``residual_tol``
    (fsolve's own flag can report "not making good progress" at an already exact root)."""
    sol, info, ier, msg = fsolve(equations, x0=[0.0, 0.0], full_output=True, xtol=1e-12)
    if ier != 1 and np.max(np.abs(equations(sol))) > residual_tol:
        raise RuntimeError(f"fsolve failed for {what}: {msg}")
    return float(sol[0]), float(sol[1])


def _gradients(tau, gamma_E, gamma_M, gamma_E_star, gamma_M_star, m):
    tau_x, tau_y = tau
    home = np.array([m.d_importer_part(tau_x, gamma_M), m.d_exporter_part(tau_y, gamma_E)])
    foreign = np.array(
        [m.d_exporter_part(tau_x, gamma_E_star), m.d_importer_part(tau_y, gamma_M_star)]
    )
    return home, foreign


def reciprocal_efficient_tariffs_scipy(
    gamma_E: float,
    gamma_M: float,
    gamma_E_star: float,
    gamma_M_star: float,
    market: LinearMarket = DEFAULT,
    definition: str = "trade_volume",
) -> tuple[float, float]:
    """Solve eq. 6 (both governments indifferent to reciprocal changes) with fsolve."""

    def eq6(tau):
        home, foreign = _gradients(tau, gamma_E, gamma_M, gamma_E_star, gamma_M_star, market)
        if definition == "trade_volume":
            r = market.world_price(tau[0]) / market.world_price(tau[1])
        else:
            r = market.imports(tau[0]) / market.imports(tau[1])
        return [home[0] + home[1] * r, foreign[0] + foreign[1] * r]

    return _solve(eq6, "eq. 6")


def nash_tariffs_scipy(
    gamma_E: float,
    gamma_M: float,
    gamma_E_star: float,
    gamma_M_star: float,
    market: LinearMarket = DEFAULT,
) -> tuple[float, float]:
    """Solve dG/dτ_x = 0 and dG*/dτ_y* = 0 with fsolve."""

    def foc(tau):
        home, foreign = _gradients(tau, gamma_E, gamma_M, gamma_E_star, gamma_M_star, market)
        return [home[0], foreign[1]]

    return _solve(foc, "the Nash conditions")
