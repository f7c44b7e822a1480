"""NUTS on a NumPyro model compiled once, so that sampling can be timed apart from compilation.

``numpyro.infer.MCMC`` recompiles its sampling loop on every ``run`` (measured here: one
``_fori_collect_loop`` compilation per run, 15-20 s for the tariff model on a loaded 2-core
machine), so "time of the second run" still contains a compilation. This runner builds the
same NUTS kernel with NumPyro's functional API (``hmc(potential_fn_gen, algo="NUTS")``:
identical step-size and mass-matrix adaptation), runs warm-up with ``fori_loop`` and sampling
with ``scan`` inside one ``jax.jit`` (chains ``vmap``-ed, or ``pmap``-ed over host devices for
``chain_method="parallel"``), and returns a function whose first call compiles and whose later
calls only sample.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import numpy as np
from numpyro.infer.hmc import hmc
from numpyro.infer.util import initialize_model


def compiled_nuts(
    model: Callable,
    model_args: tuple,
    *,
    warmup: int,
    draws: int,
    chains: int,
    target_accept: float = 0.8,
    max_tree_depth: int = 10,
    chain_method: str = "vectorized",
) -> Callable[[int], dict]:
    """``run(seed) -> {"z": {site: (chains, draws, ...)}, "num_steps", "diverging"}``.

    ``z`` holds unconstrained draws (rank-based bulk/tail ESS do not change under the monotone
    transforms to the constrained space).
    """
    info = initialize_model(
        jax.random.split(jax.random.PRNGKey(0), chains),
        model,
        model_args=model_args,
        dynamic_args=True,
    )
    init_kernel, sample_kernel = hmc(potential_fn_gen=info.potential_fn, algo="NUTS")

    def one_chain(init_z, key):
        state = init_kernel(
            init_z,
            num_warmup=warmup,
            target_accept_prob=target_accept,
            max_tree_depth=max_tree_depth,
            model_args=model_args,
            rng_key=key,
        )
        state = jax.lax.fori_loop(
            0, warmup, lambda _, st: sample_kernel(st, model_args=model_args), state
        )

        def step(st, _):
            st = sample_kernel(st, model_args=model_args)
            return st, (st.z, st.num_steps, st.diverging)

        _, (z, steps, diverging) = jax.lax.scan(step, state, None, length=draws)
        return {"z": z, "num_steps": steps, "diverging": diverging}

    if chain_method == "parallel":
        if jax.local_device_count() < chains:
            raise ValueError(
                f"chain_method='parallel' needs {chains} devices, JAX has "
                f"{jax.local_device_count()} (set numpyro.set_host_device_count first)"
            )
        batched = jax.pmap(one_chain)
    elif chain_method == "vectorized":
        batched = jax.jit(jax.vmap(one_chain))
    else:
        raise ValueError(f"chain_method must be 'parallel' or 'vectorized', got {chain_method!r}")

    def run(seed: int) -> dict:
        keys = jax.random.split(jax.random.PRNGKey(seed), chains)
        out = jax.block_until_ready(batched(info.param_info.z, keys))
        return jax.tree_util.tree_map(np.asarray, out)

    return run
