"""Counterfactual GVC participation and threshold membership (seed 003, eq. 19/20).

Re-shoring scenarios raise the local shares ω (final demand) or μ (intermediate inputs) of
every country, or of chosen countries, by a stated amount on their raw scale (e.g. +0.02 = two
percentage points). Over the joint posterior draws of (α, η, β, δ, σ, φ) the expected GVC
participation is recomputed with the shifted regressors:

* a shift of ω moves its own term c1·ω *and* can move a country-year across φ (regime switch);
* a shift of μ (eq. 19) or υ (eq. 20) moves the regime-specific slope term.

Results are on the raw GVCP scale (``gvc = mean + sd · standardised``), as an ``xarray.Dataset``
with dims ``(sample, country, year)``: ``gvc_factual``, ``gvc_counterfactual``, ``gvc_change``.
:func:`threshold_membership` gives P(ω_it > φ_j | y) per country-year from the exact φ pmf.
:func:`counterfactual_tables` is the CLI hook (``retrench simulate RESULTS --policy ...``):
per-country tables for the policies in :data:`POLICIES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.designs.gvc.posterior import ThresholdPosterior
from retrench.errors import DataError, SpecError


def _expected_standardised(
    posterior: ThresholdPosterior, covariates: np.ndarray, x: np.ndarray, q: np.ndarray
) -> np.ndarray:
    """(S, n) E[y | draws] for given standardised covariates, threshold regressor and raw q."""
    design = posterior.design
    samples = posterior.samples
    alpha, eta = posterior.fixed_effects()
    mean = samples["beta"] @ covariates.T + alpha[:, design.unit] + eta[:, design.time]
    if posterior.n_thresholds:
        phi = design.grid[posterior.phi_index_draws]  # (S, K)
        above = q[None, :, None] > phi[:, None, :]
        mean = mean + np.einsum("snk,sk->sn", above, samples["delta"]) * x[None, :]
    return mean


def _shifted_inputs(
    design: ThresholdDesign, shift: Mapping[str, float], mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    covariates = design.covariates.copy()
    q = design.threshold_variable.copy()
    for name, amount in shift.items():
        known = (*design.covariate_names, design.threshold_variable_name)
        if name not in known:
            raise DataError(f"cannot shift {name!r}: the model's variables are {known}")
        if name in design.covariate_names:
            sd = design.scales[name][1]
            covariates[mask, design.covariate_names.index(name)] += amount / sd
        if name == design.threshold_variable_name:
            q[mask] += amount
    x = covariates[:, design.covariate_names.index(design.threshold_regressor_name)]
    return covariates, x, q


def counterfactual_participation(
    posterior: ThresholdPosterior,
    shift: Mapping[str, float],
    countries: Sequence[str] | None = None,
) -> xr.Dataset:
    """Expected GVCP with and without ``shift`` (raw units, e.g. ``{"omega": 0.02}``).

    ``countries`` restricts the shift to those countries (all by default).
    """
    design = posterior.design
    if countries is None:
        mask = np.ones(design.n_obs, dtype=bool)
    else:
        unknown = sorted(set(countries) - set(design.unit_labels))
        if unknown:
            raise DataError(f"unknown countries {unknown}; the panel has {design.unit_labels}")
        codes = [design.unit_labels.index(c) for c in countries]
        mask = np.isin(design.unit, codes)
    factual = _expected_standardised(
        posterior, design.covariates, design.threshold_regressor, design.threshold_variable
    )
    changed = _expected_standardised(posterior, *_shifted_inputs(design, shift, mask))
    y_mean, y_sd = design.scales["gvc"]

    def to_grid(values: np.ndarray) -> np.ndarray:
        out = np.full((values.shape[0], design.n_units, design.n_times), np.nan)
        out[:, design.unit, design.time] = y_mean + y_sd * values
        return out

    coords = {"country": list(design.unit_labels), "year": list(design.time_labels)}
    dims = ("sample", "country", "year")
    ds = xr.Dataset(
        {
            "gvc_factual": (dims, to_grid(factual)),
            "gvc_counterfactual": (dims, to_grid(changed)),
        },
        coords=coords,
    )
    ds["gvc_change"] = ds.gvc_counterfactual - ds.gvc_factual
    ds.attrs["shift"] = ", ".join(f"{k}+{v}" for k, v in shift.items())
    return ds


def threshold_membership(posterior: ThresholdPosterior) -> xr.DataArray:
    """P(ω_it > φ_j | y) per threshold, country and year, from the exact φ pmf(s)."""
    design = posterior.design
    if posterior.n_thresholds == 0:
        raise DataError("threshold_membership needs a model with at least one threshold")
    out = np.full((posterior.n_thresholds, design.n_units, design.n_times), np.nan)
    for j, pmf in enumerate(posterior.phi_pmf):
        below = design.grid[None, :] < design.threshold_variable[:, None]  # φ_g < ω_it
        out[j, design.unit, design.time] = below @ pmf
    return xr.DataArray(
        out,
        dims=("threshold", "country", "year"),
        coords={
            "threshold": np.arange(1, posterior.n_thresholds + 1),
            "country": list(design.unit_labels),
            "year": list(design.time_labels),
        },
        name="prob_above_threshold",
    )


#: Re-shoring step used when ``counterfactual_tables`` gets no ``amount``: +0.02 on the raw
#: share (two percentage points). Chosen so that the largest observed shares (ω ≈ 0.97 in WIOD
#: 2013) stay below 1; a step that would push a share past 1 is refused, never clipped.
DEFAULT_RESHORE_AMOUNT = 0.02

#: Policies of :func:`counterfactual_tables` (policy -> one-line description).
POLICIES: dict[str, str] = {
    "reshore-omega": "domestic share of final demand ω rises by AMOUNT (default +0.02) in every "
    "country: change in GVC participation per country, posterior mean and 90 % interval",
    "reshore-mu": "domestic share of intermediate inputs μ rises by AMOUNT (default +0.02) in "
    "every country: change in GVC participation per country, posterior mean and 90 % interval",
    "membership": "which countries sit above the threshold φ in each year: P(ω_it > φ_j | y)",
}

_RESHORED = {"reshore-omega": "omega", "reshore-mu": "mu"}


def _interval_table(change: xr.DataArray, level: xr.DataArray, prob: float) -> pd.DataFrame:
    """Per-country posterior mean and equal-tailed ``prob`` interval (``change_lower``,
    ``change_upper``) of ``change`` (sample, country), beside the factual level's mean."""
    tail = (1.0 - prob) / 2.0
    values = change.transpose("sample", "country").to_numpy()
    lower, upper = np.quantile(values, [tail, 1.0 - tail], axis=0)
    return pd.DataFrame(
        {
            "factual_mean": level.mean("sample").to_numpy(),
            "change_mean": values.mean(axis=0),
            "change_lower": lower,
            "change_upper": upper,
        },
        index=pd.Index(change.country.to_numpy(), name="country"),
    )


def _check_share_bounds(design: ThresholdDesign, name: str, amount: float) -> None:
    """Refuse a step that takes a share (ω or μ, raw scale) outside [0, 1]."""
    if name == design.threshold_variable_name:
        raw = design.threshold_variable
    else:
        loc, sd = design.scales[name]
        raw = loc + sd * design.covariates[:, design.covariate_names.index(name)]
    shifted = raw + amount
    bad = (shifted > 1.0) | (shifted < 0.0)
    if np.any(bad):
        where = sorted(
            {f"{design.unit_labels[design.unit[i]]} {design.time_labels[design.time[i]]}"
             for i in np.flatnonzero(bad)}
        )  # fmt: skip
        raise SpecError(
            f"amount={amount}: {name} + amount leaves [0, 1] at {len(where)} country-year(s), "
            f"e.g. {where[:5]}; choose a smaller step"
        )


def counterfactual_tables(
    model, policy: str, amount: float | None = None, prob: float = 0.90
) -> list[tuple[str, pd.DataFrame]]:
    """Counterfactual tables of a fitted :class:`~retrench.designs.gvc.model.GVCThresholdModel`.

    ``policy`` is a key of :data:`POLICIES`:

    * "reshore-omega" / "reshore-mu": ω or μ of every country rises by ``amount`` (raw share,
      default :data:`DEFAULT_RESHORE_AMOUNT`); two tables, one row per country: the change in
      GVC participation (raw GVCP units) in the last panel year and averaged over the panel's
      years, each with posterior mean and equal-tailed ``prob`` interval;
    * "membership": per threshold φ_j, a country × year table of P(ω_it > φ_j | y), and a
      per-country summary (years with P > 0.5, first and last such year).

    Raises :class:`SpecError` for an unknown policy, an amount with "membership", a step that
    leaves [0, 1], or "membership" on a model without thresholds.
    """
    if policy not in POLICIES:
        raise SpecError(f"unknown policy {policy!r}; choose one of {sorted(POLICIES)}")
    posterior = getattr(model, "posterior", None)
    if posterior is None:
        raise SpecError("counterfactual_tables: the model has no posterior; fit or load it first")
    design = posterior.design
    if policy == "membership":
        if amount is not None:
            raise SpecError("policy 'membership' takes no amount")
        return _membership_tables(posterior)
    step = DEFAULT_RESHORE_AMOUNT if amount is None else float(amount)
    if not np.isfinite(step):
        raise SpecError(f"amount must be a finite number (got {amount!r})")
    name = _RESHORED[policy]
    _check_share_bounds(design, name, step)
    ds = counterfactual_participation(posterior, {name: step})
    last = design.time_labels[-1]
    per_year = _interval_table(ds.gvc_change.sel(year=last), ds.gvc_factual.sel(year=last), prob)
    averaged = _interval_table(ds.gvc_change.mean("year"), ds.gvc_factual.mean("year"), prob)
    label = f"{name} +{step:g}, {prob:.0%} interval"
    return [
        (f"GVC participation change, {label}, {last}", per_year),
        (f"GVC participation change, {label}, mean over {design.time_labels[0]}-{last}", averaged),
    ]


def _membership_tables(posterior: ThresholdPosterior) -> list[tuple[str, pd.DataFrame]]:
    if posterior.n_thresholds == 0:
        raise SpecError("policy 'membership' needs a model with thresholds.count of 1 or 2")
    membership = threshold_membership(posterior)
    tables: list[tuple[str, pd.DataFrame]] = []
    for j in membership.threshold.values:
        grid = membership.sel(threshold=j).to_pandas()
        grid.index.name, grid.columns.name = "country", "year"
        above = grid > 0.5
        years = grid.columns.to_numpy()
        summary = pd.DataFrame(
            {
                "years_above": above.sum(axis=1).astype(int),
                "first_year_above": [_first(years, row) for row in above.to_numpy()],
                "last_year_above": [_first(years[::-1], row[::-1]) for row in above.to_numpy()],
            },
            index=grid.index,
        )
        tables.append((f"P(omega > phi_{j} | y) by country and year", grid))
        tables.append((f"years with P(omega > phi_{j}) > 0.5, by country", summary))
    return tables


def _first(years: np.ndarray, flags: np.ndarray) -> float:
    """First year whose flag is set (NaN if none: the country never sits above φ)."""
    hits = np.flatnonzero(flags)
    return float(years[hits[0]]) if hits.size else float("nan")
