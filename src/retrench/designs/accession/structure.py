"""Structural pieces of the tariff-accession design: the weights' domain and the regime path.

Domain of the weights (issue 16; DeRemer 2023 section 3.3 forms, symmetric governments):

* γ_M ∈ (5/8, 7/4): the Nash tariff t^N = (8γ_M − 5)/(41 − 8γ_M) then runs from 0 to the
  prohibitive 1/3 (:func:`~retrench.theory.tariffs_regimes.nash_zero_weight`,
  :func:`~retrench.theory.tariffs_regimes.nash_prohibitive_weight`). The lower bound lies below
  1 on purpose: pre-accession tariffs of 0.1–3.8 % (the Baltic states, Moldova, Ukraine,
  Kazakhstan) are Nash tariffs only at γ_M ≈ 0.63–0.79, i.e. governments that weigh
  import-competing profits below consumers' surplus. Nash tariffs below zero (import subsidies)
  are ruled out because no economy reports one outside the WTO.
* γ_E ∈ ((8γ_M − 5)/9, 3): the reciprocal tariff t^R = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)) then runs
  from −1 (γ_E → 3) to the prohibitive 1/3 (γ_E at the lower bound), and eq. 7's concavity
  (59 − 9γ_E − 8γ_M > 0) holds everywhere. γ_E may fall below 1 where γ_M does.

Coordinates (the prototype lesson of DESIGN.md section 6: put the well-identified combination
on a coordinate axis): u_M = logit((γ_M − 5/8)/(9/8)) and u_R = logit((t^R + 1)/(4/3)), the
reciprocal tariff's logit on its domain (−1, 1/3); γ_E is solved from (t^R, γ_M),
γ_E = (2γ_M + 1 − 2t^R(4 − γ_M))/3. This map is a bijection between (u_R, u_M) ∈ ℝ² and the
domain above (t^R is decreasing in γ_E and spans (−1, 1/3) over γ_E's interval), so economies
seen only inside pin u_R on its own axis instead of a curved ridge in (γ_E, γ_M). The
hierarchical prior is a bivariate normal on (u_R, u_M).

Regime path: share_cy = 1 − exp(−max(x_cy, 0)/φ) of the move from t^N_c to t^R_c, x_cy = years
from the economy's GATT/WTO entry to 1 July of year y (never joined: share 0), φ the phase-in
time (years to 63 % of the move).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from retrench.theory.tariffs_regimes import (
    nash_prohibitive_weight,
    nash_tariff,
    nash_zero_weight,
    reciprocal_tariff,
)

GAMMA_M_LOWER = float(nash_zero_weight())  # 5/8: the Nash tariff is zero
GAMMA_M_UPPER = float(nash_prohibitive_weight())  # 7/4: the Nash tariff is prohibitive
GAMMA_E_UPPER = 3.0  # the reciprocal tariff reaches -1 (tau -> -1)
RECIPROCAL_LOWER, RECIPROCAL_UPPER = -1.0, 1.0 / 3.0  # t^R over gamma_E's interval


def gamma_E_lower(gamma_M: jax.Array) -> jax.Array:
    """Smallest γ_E with a nonprohibitive reciprocal tariff: (8γ_M − 5)/9 (t^R = 1/3 there)."""
    return (8.0 * gamma_M - 5.0) / 9.0


def gamma_M_from_logit(u_M: jax.Array) -> jax.Array:
    """γ_M on (5/8, 7/4) from its logit coordinate."""
    return GAMMA_M_LOWER + (GAMMA_M_UPPER - GAMMA_M_LOWER) * jax.nn.sigmoid(u_M)


def reciprocal_from_logit(u_R: jax.Array) -> jax.Array:
    """Ad-valorem reciprocal tariff t^R on (−1, 1/3) from its logit coordinate."""
    return RECIPROCAL_LOWER + (RECIPROCAL_UPPER - RECIPROCAL_LOWER) * jax.nn.sigmoid(u_R)


def gamma_E_from_reciprocal(t_R: jax.Array, gamma_M: jax.Array) -> jax.Array:
    """γ_E solving t^R = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)): (2γ_M + 1 − 2t^R(4 − γ_M))/3."""
    return (2.0 * gamma_M + 1.0 - 2.0 * t_R * (4.0 - gamma_M)) / 3.0


def weights_to_logits(gamma_E: np.ndarray, gamma_M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(u_R, u_M) of given weights (NumPy; for truths, initial values and reports)."""
    gamma_E, gamma_M = np.asarray(gamma_E, float), np.asarray(gamma_M, float)
    share_M = (gamma_M - GAMMA_M_LOWER) / (GAMMA_M_UPPER - GAMMA_M_LOWER)
    t_R = (2.0 * gamma_M + 1.0 - 3.0 * gamma_E) / (2.0 * (4.0 - gamma_M))
    share_R = (t_R - RECIPROCAL_LOWER) / (RECIPROCAL_UPPER - RECIPROCAL_LOWER)
    return np.log(share_R / (1 - share_R)), np.log(share_M / (1 - share_M))


def regime_share(years_in_regime: jax.Array, phase_in_years: jax.Array) -> jax.Array:
    """Share of the move from the Nash to the reciprocal tariff: 1 − exp(−max(x, 0)/φ).

    ``years_in_regime`` is NaN for economies that never joined (share 0).
    """
    x = jnp.where(jnp.isnan(years_in_regime), 0.0, jnp.maximum(years_in_regime, 0.0))
    return 1.0 - jnp.exp(-x / phase_in_years)


@jax.jit
def regime_tariffs(gamma_E: jax.Array, gamma_M: jax.Array):
    """(t^N, t^R, ok): ad-valorem Nash and reciprocal tariffs and their joint domain flag.

    Jitted so that the theory's domain checks return flags (never raise) inside a model that
    NumPyro may trace eagerly.
    """
    nash = nash_tariff(gamma_M)
    recip = reciprocal_tariff(gamma_E, gamma_M)
    ok = nash.in_domain & recip.in_domain
    return nash.ad_valorem, recip.ad_valorem, ok
