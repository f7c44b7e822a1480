"""Synthetic GVC panels with known thresholds, for parameter recovery (seed 003, eq. 16-20).

The data-generating process is the threshold regression of eq. 19/20 written on standardised
regressors:

    s_it = γ_i + η_t + Σ_k c_k z_k,it + Σ_j δ_j z_x,it 1(ω_it > φ_j) + ε_it,   ε ~ N(0, σ²)
    gvc_participation_it = level + scale · s_it

``z_k = (x_k − mean) / sd`` are the in-sample standardised regressors (ω, μ, υ, gr),
``z_x`` the one whose slope changes (``threshold_regressor``: μ for eq. 19, υ for eq. 20), and
the threshold variable ω stays on its raw scale so that φ is a share, as in the real panel.

==================  =======================================================================
code name           symbol / meaning
==================  =======================================================================
``slopes``          c_k, slopes on the standardised regressors (``slopes[x]`` = below φ1)
``increments``      δ_j, slope changes at φ_j (``len(increments) == len(thresholds)``)
``thresholds``      φ_1 < φ_2 on the raw ω scale
``sigma``           σ, noise sd in units of s
==================  =======================================================================

Regressor paths mimic the WIOD panel (``wiod2013_gvc_indicators``): country levels drawn
uniformly over the observed ranges plus a persistent AR(1) deviation. Columns follow
``retrench.bayes.gvc_design.DEFAULT_COLUMNS`` (country, year, gvc_backward, gvc_forward,
gvc_participation, omega, mu, upsilon, gr).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retrench.errors import DataError

DEFAULT_SLOPES: dict[str, float] = {"omega": -0.5, "mu": -0.5, "upsilon": -0.8, "gr": -0.2}

#: (low, high) of country levels and the AR(1) innovation sd of each regressor.
REGRESSOR_RANGES: dict[str, tuple[float, float, float]] = {
    "omega": (0.78, 0.96, 0.012),
    "mu": (0.60, 0.92, 0.012),
    "upsilon": (0.38, 0.58, 0.010),
    "gr": (-0.03, 0.03, 0.015),
}


@dataclass(frozen=True)
class SimulatedGVCPanel:
    """A simulated panel and the truth it was drawn from (see the module docstring)."""

    panel: pd.DataFrame
    thresholds: tuple[float, ...]
    slopes: dict[str, float]
    increments: tuple[float, ...]
    threshold_regressor: str
    sigma: float
    scale: float
    extra: dict = field(default_factory=dict)

    def regime_slopes(self) -> tuple[float, ...]:
        """Slopes of the threshold regressor in each regime (low to high), in units of s."""
        base = self.slopes[self.threshold_regressor]
        return tuple(base + sum(self.increments[:j]) for j in range(len(self.increments) + 1))

    def standardized_truth(self) -> dict[str, float]:
        """Slopes on the scale of a regression of *standardised* GVCP (divide by sd of GVCP)."""
        sd_y = float(np.std(self.panel["gvc_participation"], ddof=1)) / self.scale
        out = {k: v / sd_y for k, v in self.slopes.items()}
        out.update({f"regime_{j}": s / sd_y for j, s in enumerate(self.regime_slopes())})
        return out


def _ar1_paths(rng: np.random.Generator, n: int, t: int, rho: float, sd: float) -> np.ndarray:
    out = np.zeros((n, t))
    out[:, 0] = rng.normal(0.0, sd / np.sqrt(1 - rho**2), n)
    for s in range(1, t):
        out[:, s] = rho * out[:, s - 1] + rng.normal(0.0, sd, n)
    return out


def _validate(thresholds: Sequence[float], increments: Sequence[float], slopes, reg: str) -> None:
    if len(thresholds) != len(increments):
        raise DataError(
            f"need one increment per threshold (got {len(thresholds)} thresholds, "
            f"{len(increments)} increments)"
        )
    if list(thresholds) != sorted(thresholds):
        raise DataError(f"thresholds must be increasing (got {tuple(thresholds)})")
    if reg not in slopes:
        raise DataError(f"threshold_regressor {reg!r} must be one of {sorted(slopes)}")
    unknown = set(slopes) - set(REGRESSOR_RANGES)
    if unknown:
        raise DataError(f"slopes for unknown regressors {sorted(unknown)}")


def simulate_gvc_panel(
    n_countries: int = 21,
    n_years: int = 16,
    thresholds: Sequence[float] = (0.87,),
    increments: Sequence[float] = (-0.6,),
    slopes: Mapping[str, float] | None = None,
    threshold_regressor: str = "mu",
    sigma: float = 0.3,
    country_effect_sd: float = 1.0,
    year_effect_sd: float = 0.3,
    persistence: float = 0.8,
    level: float = 0.46,
    scale: float = 0.05,
    start_year: int = 2000,
    seed: int = 0,
) -> SimulatedGVCPanel:
    """Draw one balanced country-year panel (defaults: the paper's 21 countries × 16 years).

    ``thresholds=()`` with ``increments=()`` simulates the linear model of eq. 16 (no threshold).
    """
    slopes = dict(DEFAULT_SLOPES if slopes is None else slopes)
    _validate(thresholds, increments, slopes, threshold_regressor)
    if n_countries < 2 or n_years < 2:
        raise DataError(f"need ≥ 2 countries and ≥ 2 years (got {n_countries}, {n_years})")
    rng = np.random.default_rng(seed)
    raw: dict[str, np.ndarray] = {}
    for name, (low, high, sd) in REGRESSOR_RANGES.items():
        levels = rng.uniform(low, high, n_countries)[:, None]
        raw[name] = levels + _ar1_paths(rng, n_countries, n_years, persistence, sd)
    z = {k: (v - v.mean()) / v.std(ddof=1) for k, v in raw.items()}
    signal = rng.normal(0, country_effect_sd, (n_countries, 1)) + rng.normal(
        0, year_effect_sd, (1, n_years)
    )
    for name, c in slopes.items():
        signal = signal + c * z[name]
    for phi, delta in zip(thresholds, increments, strict=True):
        signal = signal + delta * z[threshold_regressor] * (raw["omega"] > phi)
    s = signal + rng.normal(0, sigma, signal.shape)
    gvcp = level + scale * s
    backward_share = rng.uniform(0.35, 0.6, (n_countries, 1))
    countries = [f"C{i:02d}" for i in range(n_countries)]
    panel = pd.DataFrame(
        {
            "country": np.repeat(countries, n_years),
            "year": np.tile(np.arange(start_year, start_year + n_years), n_countries),
            "gvc_backward": (gvcp * backward_share).ravel(),
            "gvc_forward": (gvcp * (1 - backward_share)).ravel(),
            "gvc_participation": gvcp.ravel(),
            **{k: v.ravel() for k, v in raw.items()},
        }
    )
    return SimulatedGVCPanel(
        panel=panel,
        thresholds=tuple(float(p) for p in thresholds),
        slopes=slopes,
        increments=tuple(float(d) for d in increments),
        threshold_regressor=threshold_regressor,
        sigma=sigma,
        scale=scale,
    )
