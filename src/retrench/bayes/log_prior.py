"""Log prior density of each posterior draw of a NumPyro model (for power-scaling sensitivity).

:func:`log_prior_draws` evaluates, at every posterior draw, ``numpyro.infer.util.log_density`` of
the model with its observed sites blocked: the sum of log p(θ) over the latent sample sites (the
prior part of the joint density; observed sites, policy nodes and factors left out). The draws
must hold every latent site of the model; otherwise the answer is None with the reason (e.g. a
design that samples a marginalised form and stores other quantities).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from numpyro.handlers import block
from numpyro.infer.util import log_density

#: posterior draws evaluated per compiled batch (bounds memory on large panels)
BATCH = 200


def _prior_part(model_fn: Any) -> Any:
    """``model_fn`` with its observed sample sites hidden from the trace."""
    return block(model_fn, hide_fn=lambda site: bool(site.get("is_observed", False)))


def log_prior_draws(
    model_fn: Any,
    inputs: Mapping[str, Any],
    observed: Mapping[str, Any] | None,
    draws: Mapping[str, np.ndarray],
    latent: Sequence[str],
) -> tuple[np.ndarray | None, str]:
    """``(log_prior, note)``: log p(θ_s) for each draw s (shape (chain, draw)), or None.

    Args:
        model_fn: the NumPyro model ``model_fn(inputs, observed)``.
        draws: posterior draws shaped (chain, draw, ...) by site name.
        latent: names of the model's latent sample sites.
    """
    missing = [name for name in latent if name not in draws]
    if missing:
        return None, f"the posterior lacks the latent site(s) {', '.join(missing)}"
    prior_part = _prior_part(model_fn)

    def one(params: Mapping[str, jax.Array]) -> jax.Array:
        value, _ = log_density(prior_part, (inputs, observed), {}, params)
        return value

    batched = jax.jit(jax.vmap(one))
    first = np.asarray(draws[latent[0]])
    chains, n_draw = first.shape[:2]
    flat = {
        k: np.asarray(draws[k]).reshape(chains * n_draw, *np.shape(draws[k])[2:]) for k in latent
    }
    pieces = []
    for start in range(0, chains * n_draw, BATCH):
        chunk = {k: jnp.asarray(v[start : start + BATCH]) for k, v in flat.items()}
        pieces.append(np.asarray(batched(chunk)))
    values = np.concatenate(pieces).reshape(chains, n_draw)
    return values, "log prior of every posterior draw (numpyro log_density, observed sites blocked)"
