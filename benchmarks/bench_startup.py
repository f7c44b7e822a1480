"""Start-up: compile time cold (empty persistent cache) vs warm (cache filled by the cold run).

Each measurement is a fresh Python process (as a user's second ``retrench fit`` would be) that
turns the cache on with :func:`retrench.workflow.jax_cache.enable_compilation_cache`, so the warm
process can only gain from the files the cold one wrote. Workloads:

* ``tariff_fit``: the workflow's own probe, :func:`retrench.workflow.jax_cache.measure_startup`
  (a tiny simulated tariff panel, 1 chain, 20 + 20 iterations: compilation dominates);
* ``theory_batch``: first call of jit(vmap) of the reciprocal efficient tariffs (eq. 6) and of
  their gradient on 1,000 weight points.

Baseline: the cold process; ratio = warm / cold (target <= 0.5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

THEORY_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
import jax, jax.numpy as jnp, numpy as np
from retrench.workflow.jax_cache import enable_compilation_cache
enable_compilation_cache(sys.argv[1])
from retrench.theory import tariffs
t1 = time.perf_counter()
def tau(p):
    return tariffs.reciprocal_efficient_tariffs(tariffs.TariffWeights.symmetric(*p)).tau_x
points = jnp.asarray(np.random.default_rng(0).uniform(1.0, 1.6, (1000, 2)))
jax.block_until_ready(jax.jit(jax.vmap(tau))(points))
jax.block_until_ready(jax.jit(jax.vmap(jax.grad(tau)))(points))
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_fit_s": t2 - t1, "total_s": t2 - t0}))
"""


def _one_process(script: str, cache_dir: str) -> dict:
    env = dict(os.environ, RETRENCH_JAX_CACHE="1")
    proc = subprocess.run(
        [sys.executable, "-c", script, cache_dir],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"start-up probe failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _theory_pair() -> dict:
    with tempfile.TemporaryDirectory(prefix="retrench-bench-cache-") as folder:
        cold = _one_process(THEORY_SCRIPT, folder)
        warm = _one_process(THEORY_SCRIPT, folder)
    return {
        "cold_s": cold["total_s"],
        "warm_s": warm["total_s"],
        "cold_fit_s": cold["first_fit_s"],
        "warm_fit_s": warm["first_fit_s"],
    }


def _tariff_pair() -> dict:
    from retrench.workflow.jax_cache import measure_startup

    return measure_startup()


WORKLOADS = {"theory_batch": _theory_pair, "tariff_fit": _tariff_pair}


def run(quick: bool) -> dict:
    repeats = 1 if quick else 2
    records = []
    for name, probe in WORKLOADS.items():
        try:
            pairs = [probe() for _ in range(repeats)]
        except Exception as err:  # noqa: BLE001 - a workload that cannot run yet is reported
            records.append({"workload": name, "error": f"{type(err).__name__}: {err}"[:800]})
            print(f"  {name}: failed ({type(err).__name__})")
            continue
        med = {k: statistics.median(p[k] for p in pairs) for k in pairs[0]}
        record = {
            "workload": name,
            "repeats": repeats,
            **med,
            "warm_over_cold": med["warm_s"] / med["cold_s"],
            "warm_over_cold_compile": med["warm_fit_s"] / med["cold_fit_s"],
            "runs": pairs,
        }
        records.append(record)
        print(f"  {name}: cold {med['cold_s']:.2f} s, warm {med['warm_s']:.2f} s")
    return {"benchmark": "startup", "records": records}


def markdown(payload: dict) -> list[str]:
    lines = [
        "Fresh processes, median over repeats. *Process* = whole script (imports included); "
        "*compile+run* = the part after imports (first jit calls / first fit). Baseline: cold.",
        "",
        "| workload | cold process (s) | warm process (s) | warm/cold | cold compile+run (s) | "
        "warm compile+run (s) | warm/cold (compile+run) | target warm ≤ ½ cold |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in payload["records"]:
        if "error" in r:
            lines.append(f"| {r['workload']} | failed: {r['error'][:120]} | | | | | | |")
            continue
        met = "met" if r["warm_over_cold"] <= 0.5 else "missed"
        lines.append(
            f"| {r['workload']} | {r['cold_s']:.2f} | {r['warm_s']:.2f} | "
            f"{r['warm_over_cold']:.2f} | {r['cold_fit_s']:.2f} | {r['warm_fit_s']:.2f} | "
            f"{r['warm_over_cold_compile']:.2f} | {met} (process) |"
        )
    return lines
