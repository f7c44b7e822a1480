"""Theory throughput: equilibria per second under jit+vmap against a plain SciPy loop.

For each theory module, the same random parameter points are solved (a) by the retrench JAX
function under ``jax.jit(jax.vmap(...))`` and (b) by a plain Python loop over an independent
SciPy implementation (``benchmarks/baselines``), the way a user would write it by default.
Compilation is timed separately. Where the SciPy loop over the largest size would take too long,
it runs on the first ``scipy_cap`` points and its rate is extrapolated (``scipy_extrapolated``).
The two answers are compared on the points both solved (``max_abs_diff``).

The JAX side is ``jax.jit`` of the point function vmapped over chunks of :data:`CHUNK` points
(``jax.lax.map(..., batch_size=CHUNK)``, the way the library batches array inputs itself, see
``retrench.theory.electoral_domain.map_pointwise``): the solver's temporaries stay in the CPU
cache and each chunk's root-find loop stops when that chunk has converged. A single
``jax.jit(jax.vmap(...))`` over the whole batch is timed as well (``jax_vmap_points_per_s``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import retrench  # noqa: F401  (x64)
from benchmarks._common import time_call


@dataclass(frozen=True)
class TheoryCase:
    """One benchmarked function: how to draw points, run JAX on a batch, run SciPy on a point."""

    name: str
    sample: Callable[[np.random.Generator, int], dict[str, np.ndarray]]
    jax_batch: Callable[..., Any]  # keyword arrays -> array (n, k) of outputs
    scipy_point: Callable[..., np.ndarray]  # keyword floats -> array (k,)


#: Points per vmapped chunk on the JAX side (see the module docstring).
CHUNK = 4096


def _block(x: Any) -> Any:
    return jax.block_until_ready(x)


def run_case(case: TheoryCase, sizes: list[int], scipy_cap: int, seed: int = 0) -> list[dict]:
    """Time ``case`` at every size; return one record per size."""
    rng = np.random.default_rng(seed)
    records = []
    for n in sizes:
        points = case.sample(rng, n)
        args = {k: jnp.asarray(v) for k, v in points.items()}

        def point(kw):
            return case.jax_batch(**kw)

        chunked = jax.jit(lambda a: jax.lax.map(point, a, batch_size=CHUNK))
        t0 = time.perf_counter()
        compiled = chunked.lower(args).compile()
        compile_s = time.perf_counter() - t0
        jax_out = np.asarray(_block(compiled(args)))
        jax_t = time_call(lambda compiled=compiled, args=args: _block(compiled(args)), repeats=5)
        whole = jax.jit(jax.vmap(point)).lower(args).compile()
        vmap_out = np.asarray(_block(whole(args)))
        vmap_t = time_call(lambda whole=whole, args=args: _block(whole(args)), repeats=5)

        n_scipy = min(n, scipy_cap)
        t0 = time.perf_counter()
        scipy_out = np.stack(
            [
                np.asarray(case.scipy_point(**{k: float(v[i]) for k, v in points.items()}))
                for i in range(n_scipy)
            ]
        )
        scipy_s = time.perf_counter() - t0
        scipy_rate = n_scipy / scipy_s
        diff = np.abs(jax_out[:n_scipy].reshape(n_scipy, -1) - scipy_out.reshape(n_scipy, -1))
        jax_rate = n / jax_t["min_s"]
        records.append(
            {
                "function": case.name,
                "points": n,
                "jax_compile_s": compile_s,
                "jax_run_min_s": jax_t["min_s"],
                "jax_run_median_s": jax_t["median_s"],
                "jax_points_per_s": jax_rate,
                "jax_chunk": CHUNK,
                "jax_vmap_points_per_s": n / vmap_t["min_s"],
                "jax_vmap_vs_chunked_max_abs_diff": float(np.nanmax(np.abs(vmap_out - jax_out))),
                "load_average_after": list(os.getloadavg()),
                "scipy_points": n_scipy,
                "scipy_loop_s": scipy_s,
                "scipy_points_per_s": scipy_rate,
                "scipy_extrapolated": n_scipy < n,
                "speedup_jax_over_scipy": jax_rate / scipy_rate,
                "max_abs_diff": float(np.nanmax(diff)),
                "nan_jax": int(np.isnan(jax_out).sum()),
            }
        )
        print(
            f"  {case.name:<36} n={n:>8,d}  jax {jax_rate:>12,.0f}/s  "
            f"(one vmap {n / vmap_t['min_s']:>12,.0f}/s)  "
            f"scipy {scipy_rate:>9,.0f}/s  x{jax_rate / scipy_rate:>8.1f}  "
            f"compile {compile_s:.2f}s  max|diff| {records[-1]['max_abs_diff']:.1e}"
        )
    return records
