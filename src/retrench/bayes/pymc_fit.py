"""Fit a design with PyMC (nutpie or PyMC's NUTS) and return the NumPyro back end's results.

``StructuralModel.fit(backend="pymc", sampler="nutpie"|"pymc")`` comes here. The sampler sees
:func:`retrench.bayes.pymc_bridge.to_pymc` (no deterministics: cheaper); the draws of the
latent sites are then handed to the design's NumPyro model, which computes what the NumPyro
back end stores: the deterministic sites (``Predictive`` on the draws), the pointwise log
likelihood of the observed sites, the observed data, the prior and prior predictive, and the
posterior predictive. Variable names, dims and groups are those of a NumPyro fit, so ``check``,
``report``, ``compare`` and counterfactuals (the design's model under ``do`` on the draws) work
unchanged. sample_stats holds ``diverging``, ``n_steps`` (leapfrog steps, what ``check``
compares with ``max_tree_depth``), ``tree_depth`` and ``step_size``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import jax
import numpy as np
from numpyro.handlers import seed, trace
from numpyro.infer import Predictive, log_likelihood

from retrench.bayes import inference_data as idio
from retrench.bayes.pymc_bridge import to_pymc
from retrench.errors import SpecError

SAMPLERS = ("nutpie", "pymc")


def sample_nutpie(pymc_model: Any, settings: Mapping[str, Any], adaptation: str = "diag") -> Any:
    """nutpie on the JAX backend (value and gradient from JAX): a DataTree of draws."""
    import nutpie

    compiled = nutpie.compile_pymc_model(pymc_model, backend="jax", gradient_backend="jax")
    return nutpie.sample(
        compiled,
        draws=settings["draws"],
        tune=settings["warmup"],
        chains=settings["chains"],
        cores=1,
        seed=settings["seed"],
        target_accept=settings["target_accept"],
        maxdepth=settings["max_tree_depth"],
        adaptation=adaptation,
        save_warmup=False,
        progress_bar=False,
    )


def sample_pymc_nuts(pymc_model: Any, settings: Mapping[str, Any]) -> Any:
    """PyMC's own NUTS (chains one after another): a DataTree of draws."""
    import pymc as pm

    with pymc_model:
        return pm.sample(
            draws=settings["draws"],
            tune=settings["warmup"],
            chains=settings["chains"],
            cores=1,
            random_seed=settings["seed"],
            target_accept=settings["target_accept"],
            max_treedepth=settings["max_tree_depth"],
            nuts_sampler="pymc",
            compute_convergence_checks=False,
            progressbar=False,
        )


def _stat(stats: Any, *names: str) -> np.ndarray | None:
    for name in names:
        if name in stats:
            return np.asarray(stats[name].values)
    return None


def run_sampler(model: Any, settings: Mapping[str, Any], sampler: str) -> tuple[dict, dict, float]:
    """``(latent draws (chain, draw, ...), sample stats, sampling seconds)`` from PyMC."""
    if sampler not in SAMPLERS:
        raise SpecError(f"sampler: expected one of {', '.join(SAMPLERS)} (got {sampler!r})")
    pymc_model = to_pymc(model, deterministics="none")
    start = time.perf_counter()
    if sampler == "nutpie":
        tree = sample_nutpie(pymc_model, settings)
    else:
        tree = sample_pymc_nuts(pymc_model, settings)
    seconds = time.perf_counter() - start
    posterior, stats = tree["posterior"], tree["sample_stats"]
    latent = model.site_names()["latent"]
    draws = {name: np.asarray(posterior[name].values) for name in latent}
    n_steps = _stat(stats, "n_steps")
    depth = _stat(stats, "depth", "tree_depth")
    if n_steps is None and depth is not None:
        n_steps = 2.0**depth - 1
    out_stats = {
        "diverging": _stat(stats, "diverging").astype(bool),
        "n_steps": np.asarray(n_steps, dtype=int),
        "tree_depth": np.asarray(depth, dtype=int),
        "reached_max_tree_depth": np.asarray(depth) >= settings["max_tree_depth"],
        "step_size": _stat(stats, "step_size"),
    }
    return draws, {k: v for k, v in out_stats.items() if v is not None}, seconds


def run_predictive(
    model_fn: Any,
    key: jax.Array,
    inputs: Mapping[str, Any],
    *,
    samples: Mapping[str, jax.Array] | None = None,
    num_samples: int | None = None,
    return_sites: list[str] | None = None,
) -> dict[str, jax.Array]:
    """``numpyro.infer.Predictive`` compiled with ``jax.jit`` (as the NumPyro back end runs it;
    kept here so that this module does not import :mod:`retrench.bayes.base`)."""
    predictive = Predictive(
        model_fn, posterior_samples=samples, num_samples=num_samples, return_sites=return_sites
    )
    return jax.jit(lambda k: predictive(k, inputs, None))(key)


def observed_values(model: Any, sites: list[str]) -> dict[str, np.ndarray]:
    """The observed values of ``sites`` (as the NumPyro model sees them)."""
    tr = trace(seed(model.model, 0)).get_trace(model.inputs, model.observed)
    return {s: np.asarray(tr[s]["value"]) for s in sites}


def _flat(draws: Mapping[str, np.ndarray]) -> dict[str, jax.Array]:
    return {k: jax.numpy.asarray(v.reshape((-1,) + v.shape[2:])) for k, v in draws.items()}


def _by_chain(values: Mapping[str, Any], n_chain: int) -> dict[str, np.ndarray]:
    out = {}
    for k, v in values.items():
        arr = np.asarray(v)
        out[k] = arr.reshape((n_chain, arr.shape[0] // n_chain) + arr.shape[1:])
    return out


def fit_with_pymc(
    model: Any,
    settings: Mapping[str, Any],
    *,
    sampler: str,
    keep_pointwise: bool,
    prior_draws: int,
) -> idio.InferenceData:
    """Sample ``model`` with PyMC and build the NumPyro back end's DataTree (module docstring)."""
    draws, stats, seconds = run_sampler(model, settings, sampler)
    n_chain = settings["chains"]
    samples = _flat(draws)
    names = model.site_names()
    key_prior, key_ppc, key_det = jax.random.split(jax.random.PRNGKey(settings["seed"]), 3)
    posterior = dict(draws)
    if names["deterministic"]:
        dets = run_predictive(
            model.model,
            key_det,
            model.inputs,
            samples=samples,
            return_sites=names["deterministic"],
        )
        posterior |= _by_chain(dets, n_chain)
    ppc_sites = model.active_observed_sites()
    prior_sites = None if keep_pointwise else names["latent"] + names["deterministic"]
    prior = run_predictive(
        model.model, key_prior, model.inputs, num_samples=prior_draws, return_sites=prior_sites
    )
    stored_prior = set(names["latent"] + names["deterministic"])
    groups: dict[str, dict] = {
        "posterior": posterior,
        "sample_stats": stats,
        "observed_data": observed_values(model, ppc_sites),
        "prior": {k: np.asarray(v)[None] for k, v in prior.items() if k in stored_prior},
    }
    if keep_pointwise:
        loglik = log_likelihood(model.model, samples, model.inputs, model.observed)
        groups["log_likelihood"] = _by_chain({s: loglik[s] for s in ppc_sites}, n_chain)
        ppc = run_predictive(
            model.model, key_ppc, model.inputs, samples=samples, return_sites=ppc_sites
        )
        groups["posterior_predictive"] = _by_chain(ppc, n_chain)
        groups["prior_predictive"] = {
            k: np.asarray(v)[None] for k, v in prior.items() if k in ppc_sites
        }
    coords, dims = model.coords_and_dims()
    tree = idio.from_groups(groups, coords=coords, dims=dims)
    idio.set_attrs(
        tree,
        {
            "retrench_backend": f"pymc/{sampler}",
            "retrench_sampling_seconds": f"{seconds:.3f}",
        },
    )
    return tree
