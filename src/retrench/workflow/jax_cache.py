"""JAX persistent compilation cache: on by default for fits, opt out with ``RETRENCH_JAX_CACHE=0``.

Compiling the NUTS kernel dominates the start-up of small fits (DESIGN.md section 5). With the
persistent cache the XLA executables of a model are written to disk on the first run and read back
by later processes, so the second ``retrench fit`` of the same model and data shapes starts faster.

Environment:
    RETRENCH_JAX_CACHE=0        disable (default: enabled)
    RETRENCH_JAX_CACHE_DIR=DIR  cache folder (default: ``~/.cache/retrench/jax``)

:func:`measure_startup` times a fresh process cold (empty cache) and warm (cache filled by the
cold run); the benchmark calls it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jax

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "retrench" / "jax"


def cache_enabled() -> bool:
    """False when ``RETRENCH_JAX_CACHE`` is set to 0/false/no/off."""
    return os.environ.get("RETRENCH_JAX_CACHE", "1").strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }


def cache_dir() -> Path:
    """The cache folder (``RETRENCH_JAX_CACHE_DIR`` or the default)."""
    env = os.environ.get("RETRENCH_JAX_CACHE_DIR")
    return Path(env) if env else DEFAULT_CACHE_DIR


def enable_compilation_cache(directory: str | os.PathLike[str] | None = None) -> Path | None:
    """Turn on JAX's persistent compilation cache (unless opted out); return its folder or None.

    Every executable is cached (no minimum compile time or size), since the many small
    compilations of a NumPyro run are what makes start-up slow.
    """
    if not cache_enabled():
        return None
    folder = Path(directory) if directory is not None else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return folder


_STARTUP_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
from retrench.workflow.jax_cache import enable_compilation_cache
enable_compilation_cache(sys.argv[1])
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.designs.tariffs.model import TariffModel
panel, _ = simulate_tariff_panel(n_countries=12, n_years=4, seed=0)
model = TariffModel(panel, {"sampler": {"chain_method": "sequential"}})
t1 = time.perf_counter()
model.fit(draws=20, chains=1, seed=0, warmup=20, prior_draws=10)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_fit_s": t2 - t1, "total_s": t2 - t0}))
"""


def measure_startup(cache_directory: str | os.PathLike[str] | None = None) -> dict[str, float]:
    """Time a tiny tariff fit in two fresh processes: cold (empty cache) then warm.

    Returns ``{"cold_s", "warm_s", "cold_fit_s", "warm_fit_s"}``: wall seconds for the whole
    process body and for the fit alone (compilation + 40 iterations).
    """
    with tempfile.TemporaryDirectory(prefix="retrench-jax-cache-") as tmp:
        folder = str(cache_directory) if cache_directory is not None else tmp
        env = dict(os.environ, RETRENCH_JAX_CACHE="1")
        results = []
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, "-c", _STARTUP_SCRIPT, folder],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    cold, warm = results
    return {
        "cold_s": cold["total_s"],
        "warm_s": warm["total_s"],
        "cold_fit_s": cold["first_fit_s"],
        "warm_fit_s": warm["first_fit_s"],
    }
