"""What a fit identifies, for every design: ``identification.csv`` and ``identification.png``.

For every posterior quantity (each element of each parameter or derived site; per-observation
sites left out) the table holds

* ``parameter``: site name (e.g. ``gamma_M``); ``label``: element label, the coordinates
  joined by ``,`` (e.g. ``CHN``), empty for scalars;
* ``prior_sd``, ``posterior_sd``: sd over the prior draws (the fit's ``prior`` group, else the
  design's ``prior_predictive``) and over the posterior draws;
* ``contraction``: 1 − posterior var / prior var (near 0: the prior carries it; near 1: the data
  pin it);
* ``prior_sensitivity``, ``likelihood_sensitivity``: power-scaling sensitivity (Kallioinen et
  al. 2024, arviz-stats ``psense``); prior above 0.05 with likelihood below 0.05 is a strong
  prior / weak likelihood.

The log prior of each draw, which ``psense`` needs and NumPyro fits do not store, is computed by
:func:`retrench.bayes.log_prior.log_prior_draws`; where it cannot be (the posterior lacks a
latent site of the model) or the fit kept no pointwise log likelihood, the column is NaN and
``identification.md`` says why. Constants (prior and posterior sd both 0, e.g. a fixed phase-in)
are left out. :func:`write_identification` is what ``retrench report`` calls for every design.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from retrench.bayes import inference_data as idio
from retrench.bayes import plots
from retrench.bayes.contraction import contraction_table, site_elements
from retrench.bayes.log_prior import log_prior_draws

COLUMNS = (
    "parameter",
    "label",
    "prior_sd",
    "posterior_sd",
    "contraction",
    "prior_sensitivity",
    "likelihood_sensitivity",
)


def _sensitivity(result: xr.Dataset | None, name: str, n: int) -> np.ndarray:
    if result is None or name not in result:
        return np.full(n, np.nan)
    return np.asarray(result[name].values, float).reshape(-1)


def _element_positions(values: xr.DataArray, labels: pd.Series) -> np.ndarray:
    """Positions of ``labels`` among the elements of one site."""
    index = {label: i for i, label in enumerate(site_elements(values)[0])}
    return np.array([index[label] for label in labels], dtype=int)


def identification_table(
    idata: xr.DataTree,
    *,
    prior: xr.Dataset | None = None,
    log_prior: np.ndarray | None = None,
    exclude_dims: Sequence[str] = (),
) -> pd.DataFrame:
    """The identification table (module docstring) of a fit.

    Args:
        idata: the fit (posterior; prior and log_likelihood groups used where present).
        prior: prior draws to use when ``idata`` has no prior group (dims ``draw`` or
            ``chain, draw``).
        log_prior: log prior density of each posterior draw, (chain, draw); None: no prior
            sensitivity.
        exclude_dims: sites with any of these dims are left out (per-observation sites).
    """
    post = idio.group(idata, "posterior")
    if prior is None and idio.has_group(idata, "prior"):
        prior = idio.group(idata, "prior")
    table = contraction_table(post, prior, exclude_dims=exclude_dims)
    kept = list(dict.fromkeys(table["parameter"]))
    try:
        sensitivity = idio.psense(idata, kept, log_prior) if kept else {}
    except Exception as exc:  # noqa: BLE001  (the table stays useful without the sensitivities)
        sensitivity = {}
        warnings.warn(
            f"psense failed ({type(exc).__name__}: {exc}); sensitivities NaN", stacklevel=2
        )
    frames = []
    for name, frame in table.groupby("parameter", sort=False):
        n_elements = len(site_elements(post[name])[0])
        position = _element_positions(post[name], frame["label"])  # constants were dropped
        frame = frame.assign(
            prior_sensitivity=_sensitivity(sensitivity.get("prior"), name, n_elements)[position],
            likelihood_sensitivity=_sensitivity(sensitivity.get("likelihood"), name, n_elements)[
                position
            ],
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _observation_dims(idata: xr.DataTree) -> set[str]:
    if not idio.has_group(idata, "observed_data"):
        return set()
    data = idio.group(idata, "observed_data")
    return {d for v in data.data_vars.values() for d in v.dims}


def _prior_of(model: Any, idata: xr.DataTree) -> tuple[xr.Dataset | None, str]:
    if idio.has_group(idata, "prior"):
        return None, "prior sd: the fit's prior draws"
    try:
        return model.prior_predictive(draws=500, seed=0), "prior sd: the design's prior_predictive"
    except Exception as exc:  # noqa: BLE001  (a design without prior draws: NaN, said why)
        return None, f"prior sd: NaN (no prior draws: {exc})"


def _log_prior_of(model: Any, idata: xr.DataTree) -> tuple[np.ndarray | None, str]:
    try:
        post = idio.group(idata, "posterior")
        latent = model.site_names()["latent"]
        draws = {k: post[k].values for k in latent if k in post}
        values, note = log_prior_draws(model.model, model.inputs, model.observed, draws, latent)
    except Exception as exc:  # noqa: BLE001
        values, note = None, f"log prior not computable ({type(exc).__name__}: {exc})"
    if values is None:
        return None, f"prior_sensitivity: NaN ({note})"
    return values, f"prior_sensitivity: {note}"


def write_identification(model: Any, out: str | os.PathLike[str]) -> Path:
    """Write ``identification.csv``, ``identification.png`` (contraction per parameter) and
    ``identification.md`` (how each column was computed) for a fitted model; return the CSV."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idata = model.require_fit()
    prior, prior_note = _prior_of(model, idata)
    log_prior, lp_note = _log_prior_of(model, idata)
    table = identification_table(
        idata, prior=prior, log_prior=log_prior, exclude_dims=sorted(_observation_dims(idata))
    )
    path = out / "identification.csv"
    table.to_csv(path, index=False)
    finite = table.loc[np.isfinite(table["contraction"].astype(float))]
    by_site: Mapping[str, np.ndarray] = {
        name: group["contraction"].to_numpy(float) for name, group in finite.groupby("parameter")
    }
    if by_site:
        plots.plot_contraction(by_site, out / "identification.png")
    likelihood_note = (
        "likelihood_sensitivity: the pointwise log likelihood"
        if idio.has_group(idata, "log_likelihood")
        else "likelihood_sensitivity: NaN (the fit kept no pointwise log likelihood)"
    )
    notes = [
        "# Identification",
        "",
        "`identification.csv`: one row per element of every posterior quantity; contraction = "
        "1 - posterior var / prior var; power-scaling sensitivities from arviz-stats `psense` "
        "(prior > 0.05 with likelihood < 0.05: strong prior / weak likelihood).",
        "",
        f"- {prior_note}",
        f"- {lp_note}",
        f"- {likelihood_note}",
        "",
        "![contraction per parameter](identification.png)" if by_site else "",
    ]
    (out / "identification.md").write_text("\n".join(notes) + "\n", encoding="utf-8")
    return path
