"""Every ArviZ call of retrench lives here (ArviZ 1.x: arviz-base, arviz-stats; xarray DataTree).

The rest of the package handles results only through these functions: build a ``DataTree`` from
a NumPyro run or from arrays, read and write NetCDF, pull groups and draws, and compute R-hat,
ESS, LOO, comparisons and summaries. ``InferenceData`` is kept as the name of the results type
(an ``xarray.DataTree`` with the ArviZ groups ``posterior``, ``sample_stats``, ``log_likelihood``,
``observed_data``, ``prior``, ``prior_predictive``, ``posterior_predictive``).

Results files: a file written by retrench since the move to ArviZ 1 carries the root attribute
``retrench_format = "datatree-1"``. Files written before (ArviZ 0.x ``InferenceData.to_netcdf``)
hold the same NetCDF groups; :func:`read_netcdf` reads them into the same ``DataTree`` exactly
(the conversion is a re-labelling of the container, no number changes) and marks them
``retrench_format = "inferencedata-0"`` so callers can say where a file came from.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from retrench.errors import SpecError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    import arviz_base as azb
    import arviz_stats as azs

#: The results container: an ``xarray.DataTree`` with ArviZ's groups.
InferenceData = xr.DataTree
FORMAT_ATTR = "retrench_format"
FORMAT = "datatree-1"
LEGACY_FORMAT = "inferencedata-0"
GROUPS = (
    "posterior",
    "sample_stats",
    "log_likelihood",
    "observed_data",
    "prior",
    "prior_predictive",
    "posterior_predictive",
    "constant_data",
    "predictions",
)

__all__ = [
    "FORMAT",
    "InferenceData",
    "LooResult",
    "attrs_of",
    "build_inference_data",
    "compare",
    "drop_variables",
    "ess",
    "from_arrays",
    "from_groups",
    "group",
    "group_names",
    "has_group",
    "loo",
    "posterior_draws",
    "psense",
    "loo_from_log_lik",
    "read_netcdf",
    "rhat",
    "sample_stat",
    "set_attrs",
    "summary",
    "write_netcdf",
]


def _quiet(func: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def build_inference_data(
    mcmc: Any,
    *,
    prior: Mapping[str, Any] | None,
    posterior_predictive: Mapping[str, Any] | None,
    coords: Mapping[str, Sequence[Any]],
    dims: Mapping[str, Sequence[str]],
    observed_sites: Sequence[str],
    log_likelihood: bool = True,
) -> xr.DataTree:
    """DataTree with posterior, sample_stats, log_likelihood, observed_data, prior and
    posterior predictive groups, from a finished ``numpyro.infer.MCMC`` (``log_likelihood``
    False: no pointwise log likelihood; an empty ``posterior_predictive``: no such group).

    ``prior`` and ``posterior_predictive`` hold flat draws (first axis = draws, chain-major).
    Observed sites other than ``observed_sites`` (policy nodes, factors) are dropped from the
    observed_data, log_likelihood and prior predictive groups.
    """
    num_chains = int(mcmc.num_chains)
    posterior_predictive = (
        {k: _by_chain(v, num_chains) for k, v in posterior_predictive.items()}
        if posterior_predictive
        else None
    )
    tree = _quiet(
        azb.from_numpyro,
        mcmc,
        prior=_prior_by_chain(prior) if prior is not None else None,
        posterior_predictive=posterior_predictive,
        coords=dict(coords),
        dims={k: list(v) for k, v in dims.items()},
        log_likelihood=log_likelihood,
    )
    for name in ("observed_data", "log_likelihood", "prior_predictive"):
        if has_group(tree, name):
            data = group(tree, name)
            drop_variables(tree, name, [v for v in data.data_vars if v not in observed_sites])
    tree.attrs[FORMAT_ATTR] = FORMAT
    return tree


def _by_chain(values: Any, num_chains: int) -> np.ndarray:
    """Flat (chain-major) draws -> (chain, draw, ...)."""
    arr = np.asarray(values)
    return arr.reshape((num_chains, arr.shape[0] // num_chains) + arr.shape[1:])


def _prior_by_chain(prior: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Prior draws as one chain: (1, draw, ...)."""
    return {k: np.asarray(v)[None] for k, v in prior.items()}


def write_netcdf(idata: xr.DataTree, path: str) -> None:
    """Write ``idata`` (all groups and root attributes) to a NetCDF file at ``path``."""
    idata.attrs.setdefault(FORMAT_ATTR, FORMAT)
    idata.to_netcdf(path)


def read_netcdf(path: str) -> xr.DataTree:
    """Read a results file into memory (file closed afterwards).

    A file written before the move to ArviZ 1 (no ``retrench_format`` attribute) holds the same
    NetCDF groups and is read the same way, exactly; it is marked ``inferencedata-0``.
    """
    with xr.open_datatree(path) as opened:
        tree = opened.load().copy()
    tree.attrs.setdefault(FORMAT_ATTR, LEGACY_FORMAT)
    return tree


def set_attrs(idata: xr.DataTree, attrs: Mapping[str, str]) -> None:
    """Set root attributes (strings) of ``idata``."""
    idata.attrs.update(dict(attrs))


def attrs_of(idata: xr.DataTree) -> dict[str, Any]:
    """Root attributes of ``idata``."""
    return dict(idata.attrs)


def group_names(idata: xr.DataTree) -> list[str]:
    """Names of the groups ``idata`` holds."""
    return list(idata.children)


def has_group(idata: xr.DataTree, name: str) -> bool:
    """True if ``idata`` has the group ``name`` (e.g. ``"posterior_predictive"``)."""
    return name in idata.children


def group(idata: xr.DataTree, name: str) -> xr.Dataset:
    """The dataset of group ``name`` (a view: read it, do not modify it in place)."""
    return idata[name].to_dataset()


def set_group(idata: xr.DataTree, name: str, data: xr.Dataset) -> None:
    """Replace (or add) the group ``name`` with ``data``."""
    idata[name] = xr.DataTree(dataset=data)


def drop_variables(idata: xr.DataTree, name: str, variables: Sequence[str]) -> None:
    """Remove ``variables`` (where present) from group ``name``; a group left empty is kept."""
    data = group(idata, name)
    present = [v for v in variables if v in data.data_vars]
    if present:
        set_group(idata, name, data.drop_vars(present))


def posterior_draws(
    idata: xr.DataTree, names: Sequence[str], group_name: str = "posterior"
) -> dict[str, np.ndarray]:
    """Draws of ``names`` as arrays of shape ``(chain * draw, ...)`` (chain-major order)."""
    data = group(idata, group_name)
    out = {}
    for name in names:
        values = np.asarray(data[name].values)
        out[name] = values.reshape((-1,) + values.shape[2:])
    return out


def sample_stat(idata: xr.DataTree, name: str) -> np.ndarray | None:
    """A sample statistic (``diverging``, ``n_steps``, ...) as (chain, draw) array, or None."""
    if not has_group(idata, "sample_stats"):
        return None
    stats = group(idata, "sample_stats")
    return np.asarray(stats[name].values) if name in stats else None


def _as_dataset(result: Any) -> xr.Dataset:
    return result.to_dataset() if isinstance(result, xr.DataTree) else result


def rhat(idata: xr.DataTree, var_names: Sequence[str]) -> xr.Dataset:
    """Rank-normalised split R-hat (Vehtari et al. 2021) per variable and element."""
    return _as_dataset(_quiet(azs.rhat, idata, var_names=list(var_names)))


def ess(idata: xr.DataTree, var_names: Sequence[str], method: str) -> xr.Dataset:
    """Effective sample size, ``method`` in {"bulk", "tail"}."""
    return _as_dataset(_quiet(azs.ess, idata, var_names=list(var_names), method=method))


def mcse(idata: xr.DataTree, var_names: Sequence[str]) -> xr.Dataset:
    """Monte Carlo standard error of the posterior mean."""
    return _as_dataset(_quiet(azs.mcse, idata, var_names=list(var_names), method="mean"))


def summary(idata: xr.DataTree, var_names: Sequence[str], ci_prob: float = 0.9) -> Any:
    """ArviZ summary table (pandas DataFrame) of ``var_names``: mean, sd, equal-tailed
    ``ci_prob`` interval, ESS, R-hat, MCSE."""
    return _quiet(azs.summary, idata, var_names=list(var_names), ci_prob=ci_prob, round_to="none")


@dataclasses.dataclass(frozen=True)
class LooResult:
    """PSIS-LOO of one observed site (Vehtari, Gelman & Gabry 2017).

    Attributes:
        elpd_loo: expected log pointwise predictive density; ``se`` its standard error.
        p_loo: effective number of parameters.
        loo_i: pointwise elpd (one per observation, flattened).
        pareto_k: Pareto k̂ per observation (k̂ > 0.7: that observation's estimate is unreliable).
        raw: ArviZ's own result (passed to :func:`compare`).
    """

    elpd_loo: float
    se: float
    p_loo: float
    loo_i: np.ndarray
    pareto_k: np.ndarray
    raw: Any


def loo(idata: xr.DataTree, var_name: str | None = None) -> LooResult:
    """PSIS-LOO of the observed site ``var_name`` with pointwise Pareto k.

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
    raw = _quiet(azs.loo, idata, pointwise=True, var_name=var_name)
    return LooResult(
        elpd_loo=float(raw.elpd),
        se=float(raw.se),
        p_loo=float(raw.p),
        loo_i=np.asarray(raw.elpd_i).ravel(),
        pareto_k=np.asarray(raw.pareto_k).ravel(),
        raw=raw,
    )


def compare(idatas: Mapping[str, Any], var_name: str) -> Any:
    """ArviZ's PSIS-LOO comparison of several fits on the observed site ``var_name``.

    ``idatas`` maps names to DataTrees or to their :func:`loo` results (then LOO is not
    computed again). A DataFrame indexed by those names, best first: ``rank``, ``elpd_loo``,
    ``p_loo``, ``elpd_diff`` (to the best), ``se``, ``dse`` (SE of the pointwise difference),
    stacking ``weight`` and ``warning`` (some Pareto k > 0.7). ArviZ's warnings are silenced;
    callers report them from ``warning``.
    """
    results = {k: v if isinstance(v, LooResult) else loo(v, var_name) for k, v in idatas.items()}
    table = _quiet(azs.compare, {k: v.raw for k, v in results.items()}, round_to="none")
    table = table.rename(columns={"elpd": "elpd_loo", "p": "p_loo"})
    table["warning"] = [bool(np.max(results[k].pareto_k) > 0.7) for k in table.index]
    return table


def from_arrays(
    posterior: Mapping[str, np.ndarray],
    *,
    log_likelihood: Mapping[str, np.ndarray] | None = None,
    observed_data: Mapping[str, np.ndarray] | None = None,
    sample_stats: Mapping[str, np.ndarray] | None = None,
    coords: Mapping[str, Sequence[Any]] | None = None,
    dims: Mapping[str, Sequence[str]] | None = None,
    prior: Mapping[str, np.ndarray] | None = None,
    log_prior: Mapping[str, np.ndarray] | None = None,
) -> xr.DataTree:
    """DataTree from arrays shaped (chain, draw, ...) (ArviZ ``from_dict``), for models
    sampled outside ``numpyro.infer.MCMC`` (e.g. the GVC design's exact-conditional sampler)."""
    groups = {"posterior": dict(posterior)}
    for name, values in (
        ("log_likelihood", log_likelihood),
        ("observed_data", observed_data),
        ("sample_stats", sample_stats),
        ("prior", prior),
        ("log_prior", log_prior),
    ):
        if values is not None:
            groups[name] = dict(values)
    tree = _quiet(
        azb.from_dict,
        groups,
        coords=dict(coords or {}),
        dims={k: list(v) for k, v in (dims or {}).items()},
    )
    tree.attrs[FORMAT_ATTR] = FORMAT
    return tree


def from_groups(
    groups: Mapping[str, Mapping[str, np.ndarray]],
    *,
    coords: Mapping[str, Sequence[Any]] | None = None,
    dims: Mapping[str, Sequence[str]] | None = None,
) -> xr.DataTree:
    """DataTree from any ArviZ groups of arrays shaped (chain, draw, ...) (observed_data: as
    observed), e.g. a PyMC fit rebuilt as the NumPyro back end's results
    (:mod:`retrench.bayes.pymc_fit`)."""
    tree = _quiet(
        azb.from_dict,
        {k: dict(v) for k, v in groups.items()},
        coords=dict(coords or {}),
        dims={k: list(v) for k, v in (dims or {}).items()},
    )
    tree.attrs[FORMAT_ATTR] = FORMAT
    return tree


def psense(
    idata: xr.DataTree, var_names: Sequence[str], log_prior: np.ndarray | None = None
) -> dict[str, xr.Dataset | None]:
    """Power-scaling sensitivity (Kallioinen et al. 2024; arviz-stats ``psense``) of the posterior
    of ``var_names`` to the prior and to the likelihood: ``{"prior": ..., "likelihood": ...}``,
    a Dataset per element, or None where the fit lacks what it needs (``log_prior``: the log
    prior density of each posterior draw, shape (chain, draw); the likelihood needs the
    ``log_likelihood`` group). ``idata`` is not modified."""
    groups = {name: group(idata, name) for name in ("posterior", "log_likelihood")
              if has_group(idata, name)}  # fmt: skip
    out: dict[str, xr.Dataset | None] = {"prior": None, "likelihood": None}
    if log_prior is not None:
        post = groups["posterior"]
        groups["log_prior"] = xr.Dataset(
            {"log_prior": (("chain", "draw"), np.asarray(log_prior, float))},
            coords={"chain": post["chain"], "draw": post["draw"]},
        )
    tree = xr.DataTree.from_dict({f"/{k}": v for k, v in groups.items()})
    for kind, needed in (("prior", "log_prior"), ("likelihood", "log_likelihood")):
        if needed in groups:
            out[kind] = _as_dataset(_quiet(azs.psense, tree, var_names=list(var_names), group=kind))
    return out


def loo_from_log_lik(log_lik: np.ndarray) -> LooResult:
    """PSIS-LOO from an (S, n) pointwise log likelihood at S posterior draws (one chain), for
    posteriors sampled outside NumPyro (the GVC design's exact-conditional sampler)."""
    log_lik = np.asarray(log_lik, dtype=float)
    if log_lik.ndim != 2:
        raise ValueError(f"log_lik must be a (draws, observations) array (got {log_lik.shape})")
    tree = from_arrays(
        {"_draw_index": np.arange(log_lik.shape[0], dtype=float)[None]},
        log_likelihood={"y": log_lik[None]},
        dims={"y": ["observation"]},
    )
    return loo(tree, "y")
