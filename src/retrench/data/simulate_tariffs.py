"""Simulated tariff panels from known government weights (DeRemer 2023, section 3.3 forms).

The simulator writes a panel in exactly the schema of
:func:`retrench.data.panels_tariffs.tariff_country_panel` (:data:`TARIFF_COUNTRY_COLUMNS`), so a
fit on simulated data runs the same code path as a fit on WDI data, and parameter recovery is a
test of the whole pipeline (PyBLP's ``Simulation`` → ``Problem`` loop).

Generative process (independent NumPy implementation of the model in
:mod:`retrench.bayes.tariffs`; only the theory's closed forms are shared):

| code | symbol | meaning |
|---|---|---|
| ``gamma_E``, ``gamma_M`` | γ_E^G,c, γ_M^G,c | country c's government weights (symmetric) |
| ``tariff_rules`` | t_c | ad-valorem reciprocal efficient tariff, eq. 7 through p^w: t = τ/p^w(τ) |
| ``trend`` | β | common drift of log(1 + t) per year around ``reference_year`` |
| ``sigma`` | σ_c | country measurement-error scale (fraction, i.e. 0.01 = 1 pp) |

Observed: y_ct = (1 + t_c) exp(β (year − ref)) − 1 + σ_c ε_ct, ε ~ Normal or Student-t(df);
a latent value at or below ``censor_below`` (fraction) is reported as 0 (left-censoring, the
way statistical offices report a zero tariff), then written in percent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retrench.data.panels_tariffs import TARIFF_COUNTRY_COLUMNS
from retrench.errors import DomainError
from retrench.theory.tariffs import efficient_tariff_closed_form, to_ad_valorem

REGIONS = (
    "East Asia & Pacific",
    "Europe & Central Asia",
    "Latin America & Caribbean",
    "Middle East & North Africa",
    "North America",
    "South Asia",
    "Sub-Saharan Africa",
)
INCOME_GROUPS = ("High income", "Upper middle income", "Lower middle income", "Low income")
#: Settings of the embedded synthetic panel ``data/tariffs_synthetic.csv`` (``retrench demo``).
SYNTHETIC_DEMO_SETTINGS = {"n_countries": 24, "n_years": 10, "seed": 2023, "first_year": 2005}


@dataclass(frozen=True)
class TariffTruth:
    """The known parameters behind a simulated panel (per country arrays in panel order)."""

    country_code: np.ndarray
    group: np.ndarray
    gamma_E: np.ndarray
    gamma_M: np.ndarray
    tariff_rules: np.ndarray
    sigma: np.ndarray
    trend: float
    reference_year: int
    censor_below: float
    extra: dict = field(default_factory=dict)

    def as_frame(self) -> pd.DataFrame:
        """One row per country with its true weights, tariff and error scale."""
        return pd.DataFrame(
            {
                "country_code": self.country_code,
                "group": self.group,
                "gamma_E": self.gamma_E,
                "gamma_M": self.gamma_M,
                "tariff_rules": self.tariff_rules,
                "sigma": self.sigma,
            }
        )


def rules_tariff_ad_valorem(gamma_E: np.ndarray, gamma_M: np.ndarray) -> np.ndarray:
    """t_c = τ/p^w(τ) at the eq. 7 tariff τ(γ_E, γ_M) (raises DomainError outside the domain)."""
    tau = efficient_tariff_closed_form(np.asarray(gamma_E, float), np.asarray(gamma_M, float))
    return np.asarray(to_ad_valorem(tau))


def simulate_from_weights(
    gamma_E: np.ndarray,
    gamma_M: np.ndarray,
    sigma: np.ndarray,
    *,
    years: np.ndarray,
    trend: float = 0.0,
    reference_year: int | None = None,
    groups: np.ndarray | None = None,
    group_column: str = "region",
    likelihood: str = "normal",
    df: float = 5.0,
    censor_below: float = 5e-4,
    seed: int = 0,
) -> tuple[pd.DataFrame, TariffTruth]:
    """Panel of observed tariffs for countries with the given weights (one row per country-year).

    Args:
        gamma_E, gamma_M: government weights, one per country (γ_E ∈ (1, 3), γ_M ∈ (1, 4)).
        sigma: measurement-error scale per country (fraction, > 0).
        years: the years observed for every country.
        trend, reference_year: common drift β of log(1 + t) per year around the reference year.
        groups: group label per country (written to ``group_column``; the other is filled with
            a fixed label), default: regions in turn.
        likelihood: ``"normal"`` or ``"student_t"`` (with ``df``) measurement errors.
        censor_below: latent values ≤ this (fraction) are reported as 0.
        seed: NumPy seed.

    Returns:
        ``(panel, truth)``: panel in the ``tariff_country_panel`` schema, and the truth.
    """
    gamma_E, gamma_M, sigma = (np.asarray(a, dtype=float) for a in (gamma_E, gamma_M, sigma))
    n = gamma_E.shape[0]
    if gamma_M.shape != (n,) or sigma.shape != (n,):
        raise DomainError("gamma_E, gamma_M and sigma must be 1-d arrays of the same length")
    if np.any(sigma <= 0):
        raise DomainError("sigma must be > 0 for every country")
    if likelihood not in ("normal", "student_t"):
        raise DomainError(f"likelihood must be 'normal' or 'student_t' (got {likelihood!r})")
    years = np.asarray(years, dtype=np.int64)
    ref = int(np.median(years)) if reference_year is None else int(reference_year)
    tariff_rules = rules_tariff_ad_valorem(gamma_E, gamma_M)
    if groups is None:
        groups = np.array([REGIONS[i % len(REGIONS)] for i in range(n)])
    rng = np.random.default_rng(seed)
    codes = np.array([f"S{i:02d}" if n < 100 else f"S{i:03d}" for i in range(n)])
    c_idx = np.repeat(np.arange(n), len(years))
    year_col = np.tile(years, n)
    mean = (1.0 + tariff_rules[c_idx]) * np.exp(trend * (year_col - ref)) - 1.0
    noise = (
        rng.standard_normal(c_idx.size)
        if likelihood == "normal"
        else rng.standard_t(df, size=c_idx.size)
    )
    latent = mean + sigma[c_idx] * noise
    observed = np.where(latent <= censor_below, 0.0, latent)
    other_column = "income_group" if group_column == "region" else "region"
    other_value = INCOME_GROUPS[0] if other_column == "income_group" else REGIONS[0]
    panel = pd.DataFrame(
        {
            "country_code": codes[c_idx],
            "country_name": np.char.add("Simulated economy ", codes[c_idx]),
            "year": year_col,
            "region": groups[c_idx] if group_column == "region" else other_value,
            "income_group": groups[c_idx] if group_column == "income_group" else other_value,
            "is_aggregate": False,
            "tariff_applied_pct": 100.0 * observed,
            "tariff_mfn_pct": 100.0 * observed,
            "suspect_applied": False,
            "suspect_mfn": False,
            "suspect": False,
            "suspect_reason": "",
        }
    )[list(TARIFF_COUNTRY_COLUMNS)]
    for col in ("country_code", "country_name", "region", "income_group", "suspect_reason"):
        panel[col] = panel[col].astype("str")
    truth = TariffTruth(
        codes,
        np.asarray(groups),
        gamma_E,
        gamma_M,
        tariff_rules,
        sigma,
        float(trend),
        ref,
        float(censor_below),
    )
    return panel, truth


def simulate_tariff_panel(
    n_countries: int = 24,
    n_years: int = 10,
    seed: int = 0,
    *,
    first_year: int = 2005,
    gamma_E_range: tuple[float, float] = (1.02, 1.3),
    tariff_mean: float = 0.05,
    tariff_sd: float = 0.04,
    sigma_median: float = 0.01,
    trend: float = -0.002,
    likelihood: str = "normal",
) -> tuple[pd.DataFrame, TariffTruth]:
    """A default simulated panel: weights drawn once from fixed hyper-values, then observed.

    Draws t_c from log(1 + t) ~ Normal(log(1 + tariff_mean), tariff_sd) shifted by region,
    γ_E uniform on ``gamma_E_range``, and γ_M solved from (t_c, γ_E) by inverting eq. 7's
    ad-valorem form: γ_M = (8t − 1 + 3γ_E)/(2(1 + t)). Then calls :func:`simulate_from_weights`.
    """
    rng = np.random.default_rng(seed + 1_000_003)
    groups = np.array([REGIONS[i % len(REGIONS)] for i in range(n_countries)])
    group_shift = {g: 0.02 * (k - 3) / 3 for k, g in enumerate(REGIONS)}
    log1p_t = (
        np.log1p(tariff_mean)
        + np.array([group_shift[g] for g in groups])
        + tariff_sd * rng.standard_normal(n_countries)
    )
    t = np.expm1(log1p_t)
    gamma_E = rng.uniform(*gamma_E_range, size=n_countries)
    gamma_E = np.maximum(gamma_E, 1.0 - 2.0 * t + 0.05)  # keeps γ_M > 1 where t < 0
    gamma_M = (8.0 * t - 1.0 + 3.0 * gamma_E) / (2.0 * (1.0 + t))
    sigma = sigma_median * np.exp(0.3 * rng.standard_normal(n_countries))
    years = np.arange(first_year, first_year + n_years)
    return simulate_from_weights(
        gamma_E,
        gamma_M,
        sigma,
        years=years,
        trend=trend,
        groups=groups,
        likelihood=likelihood,
        seed=seed,
    )
