"""Simulated economy-year tariffs around GATT/WTO entry from known weights (issue 16).

An independent NumPy implementation of the generative model of
:mod:`retrench.designs.accession.model` (DeRemer 2023, section 3.3 forms, written out by hand):

| code | symbol | meaning |
|---|---|---|
| ``gamma_E``, ``gamma_M`` | γ_E,c, γ_M,c | economy c's government weights |
| ``tariff_nash`` | t^N_c = (8γ_M − 5)/(41 − 8γ_M) | ad-valorem Nash tariff (outside) |
| ``tariff_reciprocal`` | t^R_c = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)) | reciprocal tariff (inside) |
| ``phase_in_years`` | φ | share of the move after entry: 1 − exp(−max(x, 0)/φ) |
| ``trend`` | β | drift of log(1 + t) per year around ``reference_year`` |
| ``sigma`` | σ_c | measurement-error scale (fraction) |

Observed: y_cy = (1 + t_cy) e^{β(y − ref)} − 1 + σ_c ε_cy with t_cy the regime mix, x_cy the
years from entry to 1 July of y; latent values at or below ``censor_below`` are reported as 0.

Panels come in the columns of :func:`retrench.data.wto_status_panel` that the accession model
reads (``country_code``, ``country_name``, ``year``, ``tariff_applied_pct``, ``suspect``,
``years_since_entry``, ``wto_status``, ``entry_year``). :func:`simulate_accession_panel` builds
a small panel with acceding, always-member and never-member economies;
:func:`simulate_like_status_panel` keeps the real data's structure (each economy's observed
years and entry date) and replaces its tariffs by simulated ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrench.errors import DomainError

GAMMA_M_BOUNDS = (5.0 / 8.0, 7.0 / 4.0)
SIMULATED_COLUMNS = (
    "country_code",
    "country_name",
    "year",
    "tariff_applied_pct",
    "suspect",
    "years_since_entry",
    "wto_status",
    "entry_year",
)


@dataclass(frozen=True)
class AccessionTruth:
    """The known parameters behind a simulated panel (per-economy arrays in code order)."""

    country_code: np.ndarray
    gamma_E: np.ndarray
    gamma_M: np.ndarray
    tariff_nash: np.ndarray
    tariff_reciprocal: np.ndarray
    entry: np.ndarray
    sigma: np.ndarray
    trend: float
    phase_in_years: float
    reference_year: int
    censor_below: float

    def as_frame(self) -> pd.DataFrame:
        """One row per economy: weights, regime tariffs, entry (decimal year) and σ."""
        return pd.DataFrame(
            {
                "country_code": self.country_code,
                "gamma_E": self.gamma_E,
                "gamma_M": self.gamma_M,
                "tariff_nash": self.tariff_nash,
                "tariff_reciprocal": self.tariff_reciprocal,
                "entry": self.entry,
                "sigma": self.sigma,
            }
        )


def nash_ad_valorem(gamma_M: np.ndarray) -> np.ndarray:
    """t^N = (8γ_M − 5)/(41 − 8γ_M)."""
    return (8.0 * gamma_M - 5.0) / (41.0 - 8.0 * gamma_M)


def reciprocal_ad_valorem(gamma_E: np.ndarray, gamma_M: np.ndarray) -> np.ndarray:
    """t^R = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M))."""
    return (2.0 * gamma_M + 1.0 - 3.0 * gamma_E) / (2.0 * (4.0 - gamma_M))


def _check_weights(gamma_E: np.ndarray, gamma_M: np.ndarray) -> None:
    low, high = GAMMA_M_BOUNDS
    if np.any((gamma_M <= low) | (gamma_M >= high)):
        raise DomainError(f"gamma_M must lie in ({low}, {high}) (Nash tariff in (0, 1/3))")
    lower_E = (8.0 * gamma_M - 5.0) / 9.0
    if np.any((gamma_E <= lower_E) | (gamma_E >= 3.0)):
        raise DomainError("gamma_E must lie in ((8 gamma_M - 5)/9, 3) (reciprocal in (-1, 1/3))")


def simulate_accession_rows(
    gamma_E: np.ndarray,
    gamma_M: np.ndarray,
    sigma: np.ndarray,
    entry: np.ndarray,
    rows: pd.DataFrame,
    *,
    trend: float = 0.0,
    phase_in_years: float = 3.0,
    reference_year: int = 2005,
    likelihood: str = "normal",
    df: float = 5.0,
    censor_below: float = 5e-4,
    seed: int = 0,
    codes: np.ndarray | None = None,
) -> tuple[pd.DataFrame, AccessionTruth]:
    """Tariffs for the economy-years in ``rows`` (columns ``economy`` index and ``year``).

    ``entry`` is each economy's entry date as a decimal year (2001.94 for 11 December 2001;
    NaN: never joined). Returns the panel (:data:`SIMULATED_COLUMNS`) and the truth.
    """
    gamma_E, gamma_M, sigma, entry = (
        np.asarray(a, dtype=float) for a in (gamma_E, gamma_M, sigma, entry)
    )
    n = gamma_E.shape[0]
    if any(a.shape != (n,) for a in (gamma_M, sigma, entry)):
        raise DomainError("gamma_E, gamma_M, sigma and entry must be 1-d of the same length")
    if np.any(sigma <= 0) or phase_in_years <= 0:
        raise DomainError("sigma and phase_in_years must be > 0")
    if likelihood not in ("normal", "student_t"):
        raise DomainError(f"likelihood must be 'normal' or 'student_t' (got {likelihood!r})")
    _check_weights(gamma_E, gamma_M)
    codes = np.array([f"A{i:03d}" for i in range(n)]) if codes is None else np.asarray(codes)
    rng = np.random.default_rng(seed)
    c = rows["economy"].to_numpy(int)
    year = rows["year"].to_numpy(np.int64)
    t_nash, t_recip = nash_ad_valorem(gamma_M), reciprocal_ad_valorem(gamma_E, gamma_M)
    since = (year + 0.5) - entry[c]  # years from entry to 1 July (decimal years)
    share = np.where(np.isnan(since), 0.0, 1.0 - np.exp(-np.maximum(since, 0.0) / phase_in_years))
    t_cy = (1.0 - share) * t_nash[c] + share * t_recip[c]
    mean = (1.0 + t_cy) * np.exp(trend * (year - reference_year)) - 1.0
    noise = rng.standard_normal(c.size) if likelihood == "normal" else rng.standard_t(df, c.size)
    latent = mean + sigma[c] * noise
    observed = np.where(latent <= censor_below, 0.0, latent)
    entry_year = np.floor(entry[c])
    status = np.where(
        np.isnan(entry_year) | (year < entry_year),
        "outside",
        np.where(year == entry_year, "acceding", "member"),
    )
    panel = pd.DataFrame(
        {
            "country_code": codes[c].astype(str),
            "country_name": np.char.add("Simulated economy ", codes[c].astype(str)),
            "year": year,
            "tariff_applied_pct": 100.0 * observed,
            "suspect": False,
            "years_since_entry": since,
            "wto_status": status,
            "entry_year": pd.array(entry_year, dtype="Float64").astype("Int64"),
        }
    )[list(SIMULATED_COLUMNS)]
    truth = AccessionTruth(
        codes,
        gamma_E,
        gamma_M,
        t_nash,
        t_recip,
        entry,
        sigma,
        float(trend),
        float(phase_in_years),
        int(reference_year),
        float(censor_below),
    )
    return panel, truth


def draw_weights(
    n: int, rng: np.random.Generator, *, nash_range=(0.04, 0.25), reciprocal_range=(0.0, 0.08)
) -> tuple[np.ndarray, np.ndarray]:
    """Weights whose Nash and reciprocal tariffs are uniform on the given ranges (fractions).

    γ_M = (41 t^N + 5)/(8(1 + t^N)) inverts t^N; γ_E = (2γ_M + 1 − 2t^R(4 − γ_M))/3 inverts t^R.
    """
    t_nash = rng.uniform(*nash_range, size=n)
    t_recip = rng.uniform(*reciprocal_range, size=n)
    gamma_M = (41.0 * t_nash + 5.0) / (8.0 * (1.0 + t_nash))
    gamma_E = (2.0 * gamma_M + 1.0 - 2.0 * t_recip * (4.0 - gamma_M)) / 3.0
    return gamma_E, gamma_M


def simulate_accession_panel(
    n_acceding: int = 8,
    n_members: int = 3,
    n_outside: int = 2,
    n_years: int = 14,
    seed: int = 0,
    *,
    first_year: int = 1996,
    sigma_median: float = 0.008,
    trend: float = -0.002,
    phase_in_years: float = 2.0,
    likelihood: str = "normal",
) -> tuple[pd.DataFrame, AccessionTruth]:
    """A small panel: ``n_acceding`` economies entering inside the span (at least 3 years on
    each side), ``n_members`` inside throughout (entered 1960), ``n_outside`` never joining.
    Weights from :func:`draw_weights`; the same years for every economy."""
    rng = np.random.default_rng(seed + 7_919)
    n = n_acceding + n_members + n_outside
    gamma_E, gamma_M = draw_weights(n, rng)
    entry_acceding = first_year + rng.uniform(3.0, n_years - 3.0, size=n_acceding)
    entry = np.r_[entry_acceding, np.full(n_members, 1960.0), np.full(n_outside, np.nan)]
    sigma = sigma_median * np.exp(0.3 * rng.standard_normal(n))
    years = np.arange(first_year, first_year + n_years)
    rows = pd.DataFrame({"economy": np.repeat(np.arange(n), n_years), "year": np.tile(years, n)})
    return simulate_accession_rows(
        gamma_E,
        gamma_M,
        sigma,
        entry,
        rows,
        trend=trend,
        phase_in_years=phase_in_years,
        reference_year=int(first_year + n_years // 2),
        likelihood=likelihood,
        seed=seed,
    )


def simulate_like_status_panel(
    status_panel: pd.DataFrame,
    seed: int = 0,
    *,
    years: tuple[int, int] = (1988, 2022),
    sigma_median: float = 0.01,
    trend: float = -0.002,
    phase_in_years: float = 3.0,
    reference_year: int = 2005,
    likelihood: str = "normal",
) -> tuple[pd.DataFrame, AccessionTruth]:
    """The real data's accession structure with simulated tariffs.

    Keeps every economy-year of ``status_panel`` (a :func:`retrench.data.wto_status_panel`
    frame) in ``years`` that has an applied tariff, and each economy's entry date (from its
    ``years_since_entry``); draws the weights with :func:`draw_weights`.
    """
    needed = {"country_code", "year", "tariff_applied_pct", "years_since_entry"}
    missing = needed - set(status_panel.columns)
    if missing:
        raise DomainError(f"status panel lacks column(s) {', '.join(sorted(missing))}")
    rows = status_panel.loc[
        status_panel["year"].between(*years) & status_panel["tariff_applied_pct"].notna()
    ]
    codes = np.array(sorted(rows["country_code"].unique()))
    index = {c: i for i, c in enumerate(codes)}
    entry_of_row = rows["year"] + 0.5 - rows["years_since_entry"]
    entry = entry_of_row.groupby(rows["country_code"]).first().reindex(codes).to_numpy(float)
    rng = np.random.default_rng(seed + 104_729)
    gamma_E, gamma_M = draw_weights(len(codes), rng)
    sigma = sigma_median * np.exp(0.3 * rng.standard_normal(len(codes)))
    frame = pd.DataFrame(
        {"economy": rows["country_code"].map(index).to_numpy(), "year": rows["year"].to_numpy()}
    )
    return simulate_accession_rows(
        gamma_E,
        gamma_M,
        sigma,
        entry,
        frame,
        trend=trend,
        phase_in_years=phase_in_years,
        reference_year=reference_year,
        likelihood=likelihood,
        seed=seed,
        codes=codes,
    )
