"""Posterior contraction: what the data pin and what the prior carries.

For each element of a posterior quantity, contraction = 1 − posterior var / prior var (Schad,
Betancourt & Vasishth 2021): near 1 the data identify it, near 0 (or below) the prior carries
it. One function for every design: :func:`contraction_table` gives one row per element;
:func:`contraction_by_site` regroups it as arrays for plots
(:func:`retrench.bayes.plots.plot_contraction`). The identification report
(:mod:`retrench.workflow.identification`) adds power-scaling sensitivities to the same table.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import xarray as xr

SAMPLE_DIMS = ("chain", "draw")
COLUMNS = ("parameter", "label", "prior_sd", "posterior_sd", "contraction")


def site_elements(values: xr.DataArray) -> tuple[list[str], np.ndarray]:
    """Element labels (coordinates joined by commas; ``""`` for a scalar) and the draws
    (samples × elements) of one site with dims (chain, draw, ...) or (draw, ...)."""
    sample = [d for d in values.dims if d in SAMPLE_DIMS]
    other = [d for d in values.dims if d not in SAMPLE_DIMS]
    flat = values.stack(_sample=sample).transpose("_sample", *other)
    arr = np.asarray(flat.values, float).reshape(flat.shape[0], -1)
    if not other:
        return [""], arr
    grids = np.meshgrid(*[values[d].values for d in other], indexing="ij")
    labels = [",".join(str(g.flat[i]) for g in grids) for i in range(arr.shape[1])]
    return labels, arr


def contraction_table(
    posterior: xr.Dataset,
    prior: xr.Dataset | None,
    names: Iterable[str] | None = None,
    exclude_dims: Iterable[str] = (),
    drop_constants: bool = True,
) -> pd.DataFrame:
    """One row per element of each numeric posterior site (``names``: those only, where the
    posterior has them): ``parameter``, ``label``, ``prior_sd``, ``posterior_sd`` (sample sds,
    ddof 1), ``contraction`` (NaN where the prior has no such site or zero spread).

    ``exclude_dims``: sites with any of these dims are left out (per-observation sites);
    ``drop_constants``: elements fixed in both prior and posterior (a fixed phase-in, the unit
    diagonal of a Cholesky factor) are left out.
    """
    wanted = list(posterior.data_vars) if names is None else [n for n in names if n in posterior]
    excluded = set(exclude_dims)
    frames = []
    for name in wanted:
        values = posterior[name]
        if set(values.dims) & excluded or not np.issubdtype(values.dtype, np.number):
            continue
        labels, post_draws = site_elements(values)
        post_sd = post_draws.std(0, ddof=1)
        if prior is not None and name in prior:
            prior_sd = site_elements(prior[name])[1].std(0, ddof=1)
        else:
            prior_sd = np.full(len(labels), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            contraction = np.where(prior_sd > 0, 1.0 - post_sd**2 / prior_sd**2, np.nan)
        frame = pd.DataFrame(
            {
                "parameter": name,
                "label": labels,
                "prior_sd": prior_sd,
                "posterior_sd": post_sd,
                "contraction": contraction,
            }
        )
        if drop_constants:
            frame = frame.loc[~((post_sd == 0) & ((prior_sd == 0) | np.isnan(prior_sd)))]
        frames.append(frame)
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def contraction_by_site(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """``{parameter: contraction of its elements}`` from :func:`contraction_table` (in order)."""
    return {
        str(name): group["contraction"].to_numpy()
        for name, group in table.groupby("parameter", sort=False)
    }
