"""The structural relation of eq. 13 (seed 003) confronted with the data, with measurement error.

Eq. 13 with the symmetric-country Leontief inverse of eq. 11 predicts

    GVCP_it = T(μ_it, υ_it, N) · Σ_{j≠i} Ex_jt / Ex_it + (N − 1) · T(μ_it, υ_it, N)

(:func:`retrench.theory.gvc.gvc_participation`, evaluated per country-year at the country's own
μ_it and υ_it and the year's export vector of all N economies in the table). The observation
model is multiplicative measurement error,

    log GVCP_obs,it = log GVCP_eq13,it + b + ε_it,     ε_it ~ N(0, τ²),

with flat priors on b and log τ, so the posterior is exact (Normal-scaled-inverse-χ²): b | y is
Student-t with n − 1 degrees of freedom around the mean log ratio. ``b`` measures how far the
data are from eq. 13 on average (b = 0: unbiased; exp(b) = ratio observed / structural), ``τ``
the dispersion around it. Propositions 2-4 put the ω thresholds at 1/N and max(μ, 1/N)
(:func:`retrench.theory.gvc.thresholds`); :func:`structural_thresholds` tabulates them per
country-year for comparison with the estimated φ.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from scipy import stats

from retrench.errors import DataError
from retrench.theory import gvc


def structural_participation(
    panel: pd.DataFrame, exports: str = "gross_exports", economies: str | None = None
) -> pd.Series:
    """Eq. 13 prediction per country-year of ``panel`` (columns country, year, mu, upsilon).

    ``economies`` is an optional boolean column marking the economies that form the N-country
    world (default: every row of the year, i.e. all WIOD economies incl. RoW when the full
    ``gvc_panel()`` is passed).
    """
    for col in ("country", "year", "mu", "upsilon", exports):
        if col not in panel.columns:
            raise DataError(f"structural_participation needs column {col!r}")
    out = pd.Series(np.nan, index=panel.index, name="gvc_eq13")
    for _year, rows in panel.groupby("year"):
        world = rows if economies is None else rows[rows[economies].astype(bool)]
        ex = jnp.asarray(world[exports].to_numpy(dtype=float))
        position = {c: k for k, c in enumerate(world["country"])}

        def one(mu, upsilon, ex=ex):
            return gvc.gvc_participation(ex, mu, upsilon)

        values = jax.vmap(one)(
            jnp.asarray(rows["mu"].to_numpy(float)), jnp.asarray(rows["upsilon"].to_numpy(float))
        )
        values = np.asarray(values)
        for r, (idx, country) in enumerate(zip(rows.index, rows["country"], strict=True)):
            if country in position:
                out[idx] = values[r, position[country]]
    return out


@dataclass(frozen=True)
class MeasurementErrorFit:
    """Posterior of the log bias b (mean, 90 % interval), of τ (median), and per-country mean
    log ratios; ``ratio`` = exp(b), the typical observed / structural GVCP."""

    bias_mean: float
    bias_interval: tuple[float, float]
    tau_median: float
    ratio: float
    n_obs: int
    by_country: pd.Series


def fit_measurement_error(observed: pd.Series, structural: pd.Series, country: pd.Series):
    """Exact posterior of (b, τ) under flat priors on b and log τ (see module docstring)."""
    log_ratio = np.log(observed.to_numpy(float)) - np.log(structural.to_numpy(float))
    if not np.all(np.isfinite(log_ratio)):
        raise DataError("observed and structural GVCP must be positive and finite")
    n = log_ratio.size
    mean, s = log_ratio.mean(), log_ratio.std(ddof=1)
    t = stats.t(df=n - 1, loc=mean, scale=s / np.sqrt(n))
    tau2 = stats.invgamma(a=(n - 1) / 2, scale=(n - 1) * s**2 / 2)
    return MeasurementErrorFit(
        bias_mean=float(mean),
        bias_interval=(float(t.ppf(0.05)), float(t.ppf(0.95))),
        tau_median=float(np.sqrt(tau2.median())),
        ratio=float(np.exp(mean)),
        n_obs=n,
        by_country=pd.Series(log_ratio, index=country.to_numpy()).groupby(level=0).mean(),
    )


def structural_thresholds(panel: pd.DataFrame, n_countries: int) -> pd.DataFrame:
    """Per country-year: 1/N (Propositions 2-3), max(μ, 1/N) (Proposition 4) and whether ω
    exceeds each."""
    mu = jnp.asarray(panel["mu"].to_numpy(float))
    th = gvc.thresholds(float(n_countries), mu)
    out = panel[["country", "year", "omega", "mu"]].copy()
    out["one_over_n"] = np.asarray(th.proposition_2)
    out["max_mu_one_over_n"] = np.asarray(th.proposition_4)
    out["omega_above_1_over_n"] = out.omega > out.one_over_n
    out["omega_above_max_mu"] = out.omega > out.max_mu_one_over_n
    return out
