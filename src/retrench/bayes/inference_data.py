"""Every ArviZ call of retrench lives here, so that a move to ArviZ 1.x / DataTree stays local.

The rest of the package handles ``InferenceData`` only through these functions: build it from a
NumPyro run, read and write NetCDF, pull posterior draws as arrays, and compute R-hat, ESS, LOO
and summaries.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from retrench.errors import SpecError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    import arviz as az

InferenceData = az.InferenceData

__all__ = [
    "InferenceData",
    "attrs_of",
    "build_inference_data",
    "compare",
    "ess",
    "from_arrays",
    "group",
    "has_group",
    "loo",
    "posterior_draws",
    "psis_log_weights",
    "read_netcdf",
    "rhat",
    "sample_stat",
    "set_attrs",
    "summary",
    "write_netcdf",
]


def build_inference_data(
    mcmc: Any,
    *,
    prior: Mapping[str, Any] | None,
    posterior_predictive: Mapping[str, Any] | None,
    coords: Mapping[str, Sequence[Any]],
    dims: Mapping[str, Sequence[str]],
    observed_sites: Sequence[str],
    log_likelihood: bool = True,
) -> az.InferenceData:
    """InferenceData with posterior, sample_stats, log_likelihood, observed_data, prior and
    posterior predictive groups, from a finished ``numpyro.infer.MCMC`` (``log_likelihood``
    False: no pointwise log likelihood; an empty ``posterior_predictive``: no such group).

    ``prior`` and ``posterior_predictive`` hold flat draws (first axis = draws, chain-major).
    Observed sites other than ``observed_sites`` (policy nodes, factors) are dropped from the
    observed_data, log_likelihood and prior predictive groups.
    """
    idata = az.from_numpyro(
        mcmc,
        prior=dict(prior) if prior is not None else None,
        posterior_predictive=dict(posterior_predictive) if posterior_predictive else None,
        coords=dict(coords),
        dims={k: list(v) for k, v in dims.items()},
        log_likelihood=log_likelihood,
    )
    for name in ("observed_data", "log_likelihood", "prior_predictive"):
        if name in idata.groups():
            data = getattr(idata, name)
            extra = [v for v in data.data_vars if v not in observed_sites]
            setattr(idata, name, data.drop_vars(extra))
    return idata


def write_netcdf(idata: az.InferenceData, path: str) -> None:
    """Write ``idata`` (all groups and root attributes) to a NetCDF file at ``path``."""
    idata.to_netcdf(path)


def read_netcdf(path: str) -> az.InferenceData:
    """Read a NetCDF file written by :func:`write_netcdf` into memory (file closed afterwards)."""
    idata = az.from_netcdf(path)
    for name in idata.groups():
        getattr(idata, name).load()
    return idata


def set_attrs(idata: az.InferenceData, attrs: Mapping[str, str]) -> None:
    """Set root attributes (strings) of ``idata``."""
    idata.attrs.update(dict(attrs))


def attrs_of(idata: az.InferenceData) -> dict[str, Any]:
    """Root attributes of ``idata``."""
    return dict(idata.attrs)


def has_group(idata: az.InferenceData, name: str) -> bool:
    """True if ``idata`` has the group ``name`` (e.g. ``"posterior_predictive"``)."""
    return name in idata.groups()


def group(idata: az.InferenceData, name: str) -> xr.Dataset:
    """The dataset of group ``name``."""
    return getattr(idata, name)


def posterior_draws(
    idata: az.InferenceData, names: Sequence[str], group_name: str = "posterior"
) -> dict[str, np.ndarray]:
    """Draws of ``names`` as arrays of shape ``(chain * draw, ...)`` (chain-major order)."""
    data = getattr(idata, group_name)
    out = {}
    for name in names:
        values = np.asarray(data[name].values)
        out[name] = values.reshape((-1,) + values.shape[2:])
    return out


def sample_stat(idata: az.InferenceData, name: str) -> np.ndarray | None:
    """A sample statistic (``diverging``, ``n_steps``, ...) as (chain, draw) array, or None."""
    stats = idata.sample_stats
    return np.asarray(stats[name].values) if name in stats else None


def rhat(idata: az.InferenceData, var_names: Sequence[str]) -> xr.Dataset:
    """Rank-normalised split R-hat (Vehtari et al. 2021) per variable and element."""
    return az.rhat(idata, var_names=list(var_names))


def ess(idata: az.InferenceData, var_names: Sequence[str], method: str) -> xr.Dataset:
    """Effective sample size, ``method`` in {"bulk", "tail"}."""
    return az.ess(idata, var_names=list(var_names), method=method)


def summary(idata: az.InferenceData, var_names: Sequence[str], hdi_prob: float = 0.9) -> Any:
    """ArviZ summary table (pandas DataFrame) of ``var_names``."""
    return az.summary(idata, var_names=list(var_names), hdi_prob=hdi_prob)


def loo(idata: az.InferenceData, var_name: str | None = None) -> Any:
    """PSIS-LOO of the observed site ``var_name`` with pointwise Pareto k (``.pareto_k``).

    ArviZ's own warnings are silenced here; callers report the k values (k > 0.7: unreliable).

    Raises:
        SpecError: the fit kept no pointwise log likelihood (``fit(pointwise=False)``, or too
            many observations for the automatic setting).
    """
    if not has_group(idata, "log_likelihood"):
        note = attrs_of(idata).get("retrench_pointwise", "not stored")
        raise SpecError(
            f"this fit has no pointwise log likelihood ({note}); refit with pointwise=True "
            "(`retrench fit ... --pointwise`) for LOO"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return az.loo(idata, pointwise=True, var_name=var_name)


def compare(idatas: Mapping[str, Any], var_name: str) -> Any:
    """ArviZ's PSIS-LOO comparison of several fits on the observed site ``var_name``.

    ``idatas`` maps names to InferenceData or to their :func:`loo` results (then LOO is not
    computed again). A DataFrame indexed by those names, best first: ``elpd_loo``, ``p_loo``,
    ``elpd_diff`` (to the best), ``se``, ``dse`` (SE of the pointwise difference), stacking
    ``weight`` and ArviZ's ``warning`` flag (some Pareto k > 0.7). ArviZ's own warnings are
    silenced (and its pandas deprecation notices); callers report them from ``warning``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return az.compare(dict(idatas), ic="loo", var_name=var_name)


def from_arrays(
    posterior: Mapping[str, np.ndarray],
    *,
    log_likelihood: Mapping[str, np.ndarray] | None = None,
    observed_data: Mapping[str, np.ndarray] | None = None,
    sample_stats: Mapping[str, np.ndarray] | None = None,
    coords: Mapping[str, Sequence[Any]] | None = None,
    dims: Mapping[str, Sequence[str]] | None = None,
) -> az.InferenceData:
    """InferenceData from arrays shaped (chain, draw, ...) (ArviZ ``from_dict``), for models
    sampled outside ``numpyro.infer.MCMC`` (e.g. :mod:`retrench.bayes.gvc_posterior`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return az.from_dict(
            posterior=dict(posterior),
            log_likelihood=dict(log_likelihood) if log_likelihood is not None else None,
            observed_data=dict(observed_data) if observed_data is not None else None,
            sample_stats=dict(sample_stats) if sample_stats is not None else None,
            coords=dict(coords or {}),
            dims={k: list(v) for k, v in (dims or {}).items()},
        )


def psis_log_weights(log_lik: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pareto-smoothed importance log weights for leave-one-out (ArviZ ``psislw``).

    ``log_lik`` is the (S, n) pointwise log likelihood at S posterior draws; returns the
    normalised log weights (n, S) of the ratios 1 / p(y_i | θ_s) and the Pareto k̂ (n,) of each
    observation (k̂ > 0.7: unreliable). ArviZ's warnings are silenced; callers report k̂.
    """
    log_lik = np.asarray(log_lik, dtype=float)
    if log_lik.ndim != 2:
        raise ValueError(f"log_lik must be a (draws, observations) array (got {log_lik.shape})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log_weights, pareto_k = az.psislw(-log_lik.T)
    return np.asarray(log_weights), np.asarray(pareto_k)
