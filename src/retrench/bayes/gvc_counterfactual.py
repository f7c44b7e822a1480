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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from retrench.bayes.gvc_design import ThresholdDesign
from retrench.bayes.gvc_posterior import ThresholdPosterior
from retrench.errors import DataError


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
