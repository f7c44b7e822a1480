"""PyMC front end (issue 15): cost of the wrapped log density and ESS per second of NumPyro NUTS
vs nutpie (diagonal and low-rank mass matrix) on the same design, same process, same machine.

Data: the embedded simulated tariff panel (``retrench fit tariffs --synthetic``). Gradient
cost: value and gradient of the log density at one point, NumPyro's jitted potential vs the
``to_pymc`` model's logp compiled by PyMC to JAX (the ``wrap_jax`` ops inside), mean of repeated
calls after compilation. Sampling: NumPyro's ``fit`` (compilation included, as a user sees it)
and nutpie on ``to_pymc(deterministics="none")`` with ``backend="jax"``, its compile time
measured apart. ESS: ArviZ bulk ESS, minimum over every element of every latent site.
"""

from __future__ import annotations

import time

import numpy as np


def _min_bulk_ess(idata, names) -> float:
    from retrench.bayes import inference_data as idio

    ess = idio.ess(idata, names, "bulk")
    return float(min(np.min(ess[n].values) for n in names))


def _per_call(fn, *args, repeats: int) -> float:
    import jax

    jax.block_until_ready(fn(*args))
    start = time.perf_counter()
    for _ in range(repeats):
        jax.block_until_ready(fn(*args))
    return (time.perf_counter() - start) / repeats


def gradient_cost(model, repeats: int) -> dict:
    """Seconds per value-and-gradient call: NumPyro potential vs the PyMC (wrap_jax) logp."""
    import jax
    from numpyro.infer.util import initialize_model, potential_energy
    from pymc.sampling.jax import get_jaxified_logp

    args = model.sampling_arguments()
    z = initialize_model(jax.random.PRNGKey(0), model.model, model_args=args).param_info.z
    numpyro_vg = jax.jit(jax.value_and_grad(lambda u: potential_energy(model.model, args, {}, u)))
    pymc_model = model.to_pymc(deterministics="none")
    logp = get_jaxified_logp(pymc_model)
    pymc_vg = jax.jit(jax.value_and_grad(lambda *x: logp(x)))
    x0 = [np.asarray(v) for v in pymc_model.initial_point().values()]
    return {
        "numpyro_s": _per_call(numpyro_vg, z, repeats=repeats),
        "pymc_wrap_jax_s": _per_call(pymc_vg, *x0, repeats=repeats),
    }


def sampling(model, draws: int, chains: int) -> list[dict]:
    """ESS/s of NumPyro NUTS and of nutpie (diag, low_rank) on the same model."""
    import nutpie

    from retrench.bayes.pymc_fit import sample_nutpie

    latent = model.site_names()["latent"]
    settings = dict(model.spec["sampler"]) | {"draws": draws, "warmup": draws, "chains": chains}
    records = []
    start = time.perf_counter()
    idata = model.fit(draws=draws, warmup=draws, chains=chains, prior_draws=10, pointwise=False)
    seconds = time.perf_counter() - start
    ess = _min_bulk_ess(idata, latent)
    records.append(
        {
            "sampler": "numpyro NUTS",
            "compile_s": None,
            "sample_s": seconds,
            "min_bulk_ess": ess,
            "ess_per_s": ess / seconds,
        }
    )
    pymc_model = model.to_pymc(deterministics="none")
    for adaptation in ("diag", "low_rank"):
        start = time.perf_counter()
        nutpie.compile_pymc_model(pymc_model, backend="jax", gradient_backend="jax")
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        tree = sample_nutpie(pymc_model, settings, adaptation=adaptation)
        seconds = time.perf_counter() - start - compile_s  # sample_nutpie compiles again
        ess = _min_bulk_ess(tree, latent)
        records.append(
            {
                "sampler": f"nutpie ({adaptation})",
                "compile_s": compile_s,
                "sample_s": seconds,
                "min_bulk_ess": ess,
                "ess_per_s": ess / seconds,
            }
        )
    return records


def run(quick: bool) -> dict:
    from retrench.designs import registry
    from retrench.workflow.results import build_model

    model = build_model("tariffs", registry.get("tariffs").make_source(synthetic=True))
    return {
        "benchmark": "pymc_frontend",
        "gradient": gradient_cost(model, repeats=20 if quick else 200),
        "sampling": sampling(model, draws=100 if quick else 1000, chains=2),
    }


def markdown(payload: dict) -> list[str]:
    g = payload["gradient"]
    lines = [
        f"Value + gradient of the log density: NumPyro {1e3 * g['numpyro_s']:.3f} ms, "
        f"PyMC (`wrap_jax`, JAX mode) {1e3 * g['pymc_wrap_jax_s']:.3f} ms.",
        "",
        "| sampler | compile (s) | sampling (s) | min bulk ESS | ESS/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in payload["sampling"]:
        compile_s = "incl." if r["compile_s"] is None else f"{r['compile_s']:.1f}"
        lines.append(
            f"| {r['sampler']} | {compile_s} | {r['sample_s']:.1f} | "
            f"{r['min_bulk_ess']:.0f} | {r['ess_per_s']:.2f} |"
        )
    return lines
