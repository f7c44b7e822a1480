"""PyMC front end of any design: the same NumPyro model, its theory wrapped with ``wrap_jax``.

:func:`to_pymc` turns a :class:`~retrench.bayes.base.StructuralModel` into a ``pm.Model``:

* every latent site of the design's NumPyro model is a PyMC free variable of the same name,
  shape and dims, with the same prior as a PyMC distribution (``pm.Normal``, ``pm.HalfNormal``,
  ...; :func:`pymc_family`), hence the same support and the same unconstraining transform
  (log for positive, log-odds / interval for bounded), so a PyMC user can swap a prior;
* a prior whose parameters depend on other latent sites (a hierarchy: ``tariff_logit ~
  Normal(group_mean[g], country_sd)``) gets them from a ``pytensor.wrap_jax`` op that runs the
  NumPyro model up to that site;
* everything else (the likelihood, the root finds and closed forms of ``retrench.theory``, the
  solver-failure penalty, an exactly marginalised discrete parameter) is one ``wrap_jax`` op:
  the model's log joint (:func:`numpyro.infer.util.log_density`) minus the latent sites' prior
  terms, added with ``pm.Potential("log_likelihood_jax", ...)``;
* the deterministic sites (``deterministics=``) come out of the same op as ``pm.Deterministic``.

A prior of a family without a PyMC counterpart here becomes a flat variable on its support and
keeps its NumPyro density inside the potential (same log density, no swappable prior).

PyMC is optional: this module imports it only inside functions (``retrench[pymc]``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as dist
from numpyro.handlers import Messenger, seed, substitute, trace
from numpyro.infer.util import log_density

LIKELIHOOD_POTENTIAL = "log_likelihood_jax"


class _SiteReachedError(Exception):
    """Raised by :class:`_StopAt` once the wanted site's distribution is known."""


class _StopAt(Messenger):
    """Record the distribution of site ``name`` and stop running the model there."""

    def __init__(self, fn: Callable, name: str):
        super().__init__(fn)
        self.name = name
        self.site_fn: dist.Distribution | None = None

    def process_message(self, msg: dict) -> None:
        if msg["type"] == "sample" and msg["name"] == self.name:
            self.site_fn = msg["fn"]
            raise _SiteReachedError


def _unwrap(fn: dist.Distribution) -> dist.Distribution:
    """The elementwise distribution under plate expansion / ``Independent``."""
    while isinstance(fn, dist.Independent | dist.ExpandedDistribution):
        fn = fn.base_dist
    return fn


def _affine(fn: dist.Distribution) -> tuple[Any, Any, dist.Distribution] | None:
    """``(shift, scale, base)`` of a TransformedDistribution = shift + scale · base, else None."""
    if type(fn) is not dist.TransformedDistribution or len(fn.transforms) != 1:
        return None
    t = fn.transforms[0]
    if not isinstance(t, dist.transforms.AffineTransform):
        return None
    return t.loc, t.scale, fn.base_dist


def _location_scale(fn: dist.Distribution) -> tuple[str, dict[str, Any]] | None:
    affine = _affine(fn)
    if affine is not None:
        shift, scale, base = affine
        inner = _location_scale(_unwrap(base))
        if inner is None or inner[0] not in ("Normal", "StudentT"):
            return None
        family, params = inner
        return family, params | {
            "mu": shift + scale * params["mu"],
            "sigma": jnp.abs(scale) * params["sigma"],
        }
    if type(fn) is dist.Normal:
        return "Normal", {"mu": fn.loc, "sigma": fn.scale}
    if type(fn) is dist.StudentT:
        return "StudentT", {"nu": fn.df, "mu": fn.loc, "sigma": fn.scale}
    return None


def pymc_family(fn: dist.Distribution) -> tuple[str, dict[str, Any]] | None:
    """The PyMC distribution (class name, parameters as JAX arrays) equal to NumPyro's ``fn``
    elementwise, or None when there is none here. Supports: Normal, StudentT (and their affine
    images), HalfNormal, LogNormal, half-Student-t (folded at 0), Exponential, Gamma, Beta,
    Uniform, TruncatedNormal (two-sided)."""
    fn = _unwrap(fn)
    found = _location_scale(fn)
    if found is not None:
        return found
    kind = type(fn)
    if kind is dist.HalfNormal:
        return "HalfNormal", {"sigma": fn.scale}
    if kind is dist.LogNormal:
        return "LogNormal", {"mu": fn.base_dist.loc, "sigma": fn.base_dist.scale}
    if kind is dist.FoldedDistribution and type(fn.base_dist) is dist.StudentT:
        base = fn.base_dist
        if np.all(np.asarray(jax.lax.stop_gradient(base.loc)) == 0.0):
            return "HalfStudentT", {"nu": base.df, "sigma": base.scale}
        return None
    if kind is dist.Exponential:
        return "Exponential", {"lam": fn.rate}
    if kind is dist.Gamma:
        return "Gamma", {"alpha": fn.concentration, "beta": fn.rate}
    if kind is dist.Beta:
        return "Beta", {"alpha": fn.concentration1, "beta": fn.concentration0}
    if kind is dist.Uniform:
        return "Uniform", {"lower": fn.low, "upper": fn.high}
    if kind is dist.TwoSidedTruncatedDistribution and type(fn.base_dist) is dist.Normal:
        base = fn.base_dist
        return "TruncatedNormal", {
            "mu": base.loc,
            "sigma": base.scale,
            "lower": fn.low,
            "upper": fn.high,
        }
    return None


@dataclasses.dataclass(frozen=True)
class LatentSite:
    """A latent site of the NumPyro model: name, shape, support and PyMC family (or None)."""

    name: str
    shape: tuple[int, ...]
    support: Any
    family: str | None


def latent_sites(model: Any, rng_seed: int = 0) -> list[LatentSite]:
    """The latent (unobserved sample) sites of ``model.model``, in execution order."""
    tr = trace(seed(model.model, rng_seed)).get_trace(*model.sampling_arguments())
    out = []
    for name, site in tr.items():
        if site["type"] == "sample" and not site["is_observed"]:
            family = pymc_family(site["fn"])
            out.append(
                LatentSite(
                    name,
                    tuple(np.shape(site["value"])),
                    site["fn"].support,
                    None if family is None else family[0],
                )
            )
    return out


def site_parameters(model: Any, name: str) -> Callable[[Mapping[str, jax.Array]], dict]:
    """JAX function: values of the latent sites before ``name`` -> the PyMC parameters of the
    prior at ``name`` (the NumPyro model run up to that site, nothing after it)."""
    inputs, observed = model.sampling_arguments()

    def parameters(values: Mapping[str, jax.Array]) -> dict:
        stopper = _StopAt(substitute(seed(model.model, 0), data=dict(values)), name)
        with contextlib.suppress(_SiteReachedError):
            stopper(inputs, observed)
        family = pymc_family(stopper.site_fn)
        return {k: jnp.asarray(v, dtype=float) for k, v in family[1].items()}

    return parameters


def likelihood_function(
    model: Any, priors_in_pymc: Sequence[str], deterministics: Sequence[str] = ()
) -> Callable[[Mapping[str, jax.Array]], tuple[jax.Array, dict]]:
    """JAX function: latent values -> (log joint minus the prior terms of ``priors_in_pymc``,
    the deterministic sites ``deterministics``). Observed sites, factors and the priors PyMC
    does not hold all stay in the first output."""
    inputs, observed = model.sampling_arguments()
    in_pymc = set(priors_in_pymc)

    def loglik(values: Mapping[str, jax.Array]) -> tuple[jax.Array, dict]:
        joint, tr = log_density(seed(model.model, 0), (inputs, observed), {}, dict(values))
        prior = 0.0
        for site_name in in_pymc:
            site = tr[site_name]
            term = jnp.sum(site["fn"].log_prob(site["value"]))
            prior = prior + (term if site["scale"] is None else site["scale"] * term)
        dets = {k: jnp.asarray(tr[k]["value"], dtype=float) for k in deterministics}
        return joint - prior, dets

    return loglik


def _flat_variable(pm: Any, site: LatentSite, dims: Any) -> Any:
    """A flat PyMC variable on ``site``'s support (transform matching NumPyro's)."""
    support = site.support
    while isinstance(support, dist.constraints.independent):
        support = support.base_constraint
    if support is dist.constraints.real:
        return pm.Flat(site.name, shape=site.shape, dims=dims)
    if support is dist.constraints.positive:
        return pm.HalfFlat(site.name, shape=site.shape, dims=dims)
    raise NotImplementedError(
        f"to_pymc: latent site {site.name!r} has support {support} and a prior family "
        "without a PyMC counterpart here"
    )


def _constant_parameters(name: str, traces: Sequence[Mapping[str, Any]]) -> dict | None:
    """The prior parameters of site ``name`` as numbers when they are the same in two prior
    draws of the model (no dependence on earlier latent sites), else None."""
    first, second = (pymc_family(tr[name]["fn"])[1] for tr in traces)
    first = {k: np.asarray(v, dtype=float) for k, v in first.items()}
    same = all(np.array_equal(first[k], np.asarray(second[k], dtype=float)) for k in first)
    return first if same else None


def _prior_traces(model: Any) -> list[dict[str, Any]]:
    """Two traces of the model at different prior draws (what :func:`_constant_parameters`
    compares)."""
    args = model.sampling_arguments()
    return [trace(seed(model.model, rng_seed)).get_trace(*args) for rng_seed in (1, 2)]


def _by_name(wrap_jax: Callable, fn: Callable, names: Sequence[str]) -> Callable:
    """``wrap_jax`` of ``fn(dict)`` called with the values of ``names`` as positional inputs."""
    return wrap_jax(lambda *values: fn(dict(zip(names, values, strict=True))))


def to_pymc(model: Any, *, deterministics: Sequence[str] | str = "all", coords: bool = True) -> Any:
    """The ``pm.Model`` of ``model`` (a :class:`~retrench.bayes.base.StructuralModel`); see
    the module docstring. ``deterministics``: ``"all"``, ``"none"`` or the names of the
    deterministic sites to add as ``pm.Deterministic`` (per-observation sites cost memory per
    draw). ``coords``: attach the design's ArviZ coordinates and dims."""
    import pymc as pm
    import pytensor.tensor as pt
    from pytensor import wrap_jax

    sites = latent_sites(model)
    all_dets = model.site_names()["deterministic"]
    if isinstance(deterministics, str):
        deterministics = {"all": all_dets, "none": []}[deterministics]
    model_coords, model_dims = model.coords_and_dims() if coords else ({}, {})
    traces = _prior_traces(model)
    with pm.Model(coords=model_coords) as pymc_model:
        variables: dict[str, Any] = {}
        for i, site in enumerate(sites):
            dims = model_dims.get(site.name)
            dims = dims if dims and len(dims) == len(site.shape) else None
            if site.family is None:
                variables[site.name] = _flat_variable(pm, site, dims)
                continue
            params: Any = _constant_parameters(site.name, traces)
            if params is None:
                upstream = sites[:i]
                params_fn = site_parameters(model, site.name)
                names = [s.name for s in upstream]
                params = _by_name(wrap_jax, params_fn, names)(
                    *[pt.specify_shape(variables[s.name], s.shape) for s in upstream]
                )
            cls = getattr(pm, site.family)
            variables[site.name] = cls(site.name, **params, shape=site.shape, dims=dims)
        names = [s.name for s in sites]
        loglik_fn = likelihood_function(
            model, [s.name for s in sites if s.family is not None], deterministics
        )
        loglik, dets = _by_name(wrap_jax, loglik_fn, names)(
            *[pt.specify_shape(variables[s.name], s.shape) for s in sites]
        )
        pm.Potential(LIKELIHOOD_POTENTIAL, loglik)
        for name in deterministics:
            dims = model_dims.get(name)
            ndim = dets[name].type.ndim
            pm.Deterministic(name, dets[name], dims=dims if dims and len(dims) == ndim else None)
    return pymc_model
