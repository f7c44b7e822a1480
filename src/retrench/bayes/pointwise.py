"""Pointwise groups recomputed for a fit saved without them (``fit(pointwise=False)``).

A fit whose chains x draws x observations exceed the automatic limit is saved without its
pointwise log likelihood and predictive draws (``retrench_pointwise = "not stored: ..."``).
What reads them (a report's predictive checks and PSIS-LOO) gets them back here, in memory, from
the posterior draws and the same model function: the posterior predictive under
``numpyro.infer.Predictive`` and the log likelihood under ``numpyro.infer.log_likelihood``.
Nothing is written back to the file.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from numpyro.infer import log_likelihood

from retrench.bayes import inference_data as idio
from retrench.bayes.base import run_predictive
from retrench.errors import SpecError

#: Largest chains x draws x observations recomputed (the fit's own automatic limit x 4)
RESTORE_LIMIT = 1_000_000_000


def missing_pointwise_groups(idata: Any, sites: list[str] | None = None) -> list[str]:
    """The pointwise groups a fit lacks (``posterior_predictive``, ``log_likelihood``, and
    ``prior_predictive`` when it lacks any of the observed ``sites``)."""
    missing = [
        g for g in ("posterior_predictive", "log_likelihood") if not idio.has_group(idata, g)
    ]
    if sites:
        prior = (
            idio.group(idata, "prior_predictive")
            if idio.has_group(idata, "prior_predictive")
            else None
        )
        if prior is None or any(s not in prior for s in sites):
            missing.append("prior_predictive")
    return missing


def _restore_prior_predictive(model: Any, idata: Any, sites: list[str]) -> None:
    """Add the observed sites' prior predictive draws (as many as the stored prior draws)."""
    prior = idio.group(idata, "prior") if idio.has_group(idata, "prior") else None
    draws = prior.sizes["draw"] if prior is not None else 500
    seed = int(model.spec["sampler"]["seed"])
    out = run_predictive(
        model.model,
        jax.random.PRNGKey(seed + 3),
        model.inputs,
        num_samples=draws,
        return_sites=sites,
    )
    values = {k: np.asarray(v)[None] for k, v in out.items()}
    new = model._dataset(values, ["chain", "draw"])  # noqa: SLF001 - the base class's helper
    if idio.has_group(idata, "prior_predictive"):
        new = idio.group(idata, "prior_predictive").merge(new)
    idio.set_group(idata, "prior_predictive", new)


def restore_pointwise(model: Any) -> list[str]:
    """Recompute, in memory, the pointwise groups ``model``'s fit was saved without; return
    the names of the groups recomputed (empty when the fit has them all).

    Raises:
        SpecError: the recomputation would exceed :data:`RESTORE_LIMIT` values per group
            (refit with ``--pointwise`` on a machine with the memory, or a smaller panel).
    """
    if not hasattr(model, "active_observed_sites") or not hasattr(model, "_dataset"):
        return []
    idata = model.require_fit()
    sites = model.active_observed_sites()
    missing = missing_pointwise_groups(idata, sites)
    if not missing:
        return []
    post = idio.group(idata, "posterior")
    size = post.sizes["chain"] * post.sizes["draw"] * model.n_observations()
    if size > RESTORE_LIMIT:
        note = idio.attrs_of(idata).get("retrench_pointwise")
        raise SpecError(
            f"this fit was saved without pointwise values ({note}) "
            f"and recomputing them needs {size:,} values per group (> {RESTORE_LIMIT:,}); "
            "refit with --pointwise on a machine with the memory"
        )
    if "posterior_predictive" in missing:
        idio.set_group(idata, "posterior_predictive", model.posterior_predictive())
    if "prior_predictive" in missing:
        _restore_prior_predictive(model, idata, sites)
    if "log_likelihood" in missing:
        values = log_likelihood(
            model.model, model.posterior_samples(), model.inputs, model.observed
        )
        kept = {k: np.asarray(jax.device_get(v)) for k, v in values.items() if k in sites}
        shaped = model._shape_like_posterior(kept)  # noqa: SLF001 - the base class's own helper
        idio.set_group(idata, "log_likelihood", model._dataset(shaped, ["chain", "draw"]))  # noqa: SLF001
    return missing
