"""NUTS with a dense mass matrix for the electoral design (a workaround, see below).

The electoral posterior has ridges: the votes pin Φ_d/τ per Congress, while (γ, α_R level,
α_E, λ, b) trade off along iso-Φ curves (see :mod:`retrench.bayes.electoral`). With NumPyro's
default diagonal mass matrix, chains saturated the tree depth and disagreed (R-hat ≈ 2 for λ on
the synthetic panels, 2 chains × 100 draws). A dense mass matrix adapts to these correlations.

:meth:`retrench.workflow.model.StructuralModel.fit` builds ``NUTS`` without a ``dense_mass``
option, so :func:`fit_nuts` repeats its steps (same InferenceData groups, provenance and seeds)
with ``dense_mass`` from the spec's ``[nuts]`` table. When the base class gains the option,
this module can go.
"""

from __future__ import annotations

import jax
import numpy as np
from numpyro.infer import MCMC, NUTS

from retrench.workflow import inference_data as idio
from retrench.workflow import persistence
from retrench.workflow.model import run_predictive


def fit_nuts(
    model,
    draws: int | None = None,
    chains: int | None = None,
    seed: int | None = None,
    *,
    warmup: int | None = None,
    prior_draws: int = 500,
    progress_bar: bool = False,
    dense_mass: bool = True,
) -> idio.InferenceData:
    """The base class's ``fit`` with ``NUTS(..., dense_mass=dense_mass)``; sets ``model.idata``."""
    settings = model._sampler_settings(draws, chains, seed)
    if warmup is not None:
        settings["warmup"] = warmup
    kernel = NUTS(
        model.model,
        target_accept_prob=settings["target_accept"],
        max_tree_depth=settings["max_tree_depth"],
        dense_mass=dense_mass,
    )
    mcmc = MCMC(
        kernel,
        num_warmup=settings["warmup"],
        num_samples=settings["draws"],
        num_chains=settings["chains"],
        chain_method=settings["chain_method"],
        progress_bar=progress_bar,
    )
    key_fit, key_prior, key_ppc = jax.random.split(jax.random.PRNGKey(settings["seed"]), 3)
    mcmc.run(key_fit, model.inputs, model.observed, extra_fields=("num_steps", "diverging"))
    samples = mcmc.get_samples()
    prior = run_predictive(model.model, key_prior, model.inputs, num_samples=prior_draws)
    ppc_sites = model.active_observed_sites()
    ppc = run_predictive(
        model.model, key_ppc, model.inputs, samples=samples, return_sites=ppc_sites
    )
    coords, dims = model.coords_and_dims()
    idata = idio.build_inference_data(
        mcmc,
        prior={k: np.asarray(v) for k, v in prior.items()},
        posterior_predictive={k: np.asarray(v) for k, v in ppc.items()},
        coords=coords,
        dims=dims,
        observed_sites=ppc_sites,
    )
    idio.set_attrs(
        idata,
        persistence.provenance_attrs(
            model.schema.model_name, model.spec_json, model.data_hash, settings["seed"]
        ),
    )
    model.idata, model.seed = idata, settings["seed"]
    return idata
