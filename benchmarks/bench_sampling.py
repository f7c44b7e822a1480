"""Sampling: ESS per second of retrench's NumPyro tariff model vs the same likelihood by hand in
PyMC (default sampler, and ``nuts_sampler="numpyro"``), 4 chains, same draws, same machine.

Data: one simulated country panel (:func:`retrench.data.simulate_tariff_panel`), no trade-war
block, so the likelihood is the closed-form (eq. 7) case. Every sampler runs in its own fresh
process (so that JAX's host-device count can be set for NumPyro's parallel chains).

Timed part: NUTS sampling including tuning/warm-up iterations, excluding model compilation:
for retrench the second call of :func:`benchmarks.nuts_runner.compiled_nuts` (NumPyro's NUTS
kernel on ``TariffModel.model``, compiled once; ``MCMC.run`` would recompile its loop on every
call), for PyMC the ``sampling_time`` it records. ``first_wall_s`` is the wall time of the
first retrench call (compilation included) or of the whole ``pm.sample`` call. Unconstrained
draws are used for NumPyro's ESS (bulk and tail ESS are rank-based, so the same).
ESS: ArviZ bulk and tail ESS, minimum over every element of every free parameter.
Baseline: PyMC's default sampler; ratio = ESS/s over the baseline's ESS/s (target >= 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json, os, sys, time, warnings
warnings.filterwarnings("ignore")
cfg = json.loads(sys.argv[1])
if cfg.get("host_devices"):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
        + f" --xla_force_host_platform_device_count={cfg['host_devices']}")
import numpy as np, jax
import retrench
from retrench.bayes import inference_data as idio
from retrench.workflow.jax_cache import enable_compilation_cache
enable_compilation_cache()
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.bayes.tariffs import TariffModel
sys.path.insert(0, cfg["repo"])
from benchmarks.tariff_pymc import build_pymc_model, free_variables, logp_difference

panel, _ = simulate_tariff_panel(n_countries=cfg["countries"], n_years=cfg["years"], seed=0)
model = TariffModel(panel, {"parameterisation": {"group": "non_centred", "trend_unit": 1.0}})
spec = model.spec["sampler"]
FREE_VARIABLES = free_variables(model)
chains, warmup, draws = cfg["chains"], cfg["warmup"], cfg["draws"]

def ess_min(idata):
    out = {}
    for method in ("bulk", "tail"):
        e = idio.ess(idata, list(FREE_VARIABLES), method)
        out[method] = float(min(float(np.min(e[v].values)) for v in FREE_VARIABLES))
    return out

if cfg["sampler"] == "retrench_numpyro":
    from benchmarks.nuts_runner import compiled_nuts
    run = compiled_nuts(model.model, (model.inputs, model.observed), warmup=warmup, draws=draws,
                        chains=chains, target_accept=spec["target_accept"],
                        max_tree_depth=spec["max_tree_depth"], chain_method=cfg["chain_method"])
    t0 = time.perf_counter(); run(1); first = time.perf_counter() - t0
    t0 = time.perf_counter(); out = run(2); timed = time.perf_counter() - t0
    idata = idio.from_arrays({k: out["z"][k] for k in FREE_VARIABLES})
    divergences = int(np.sum(out["diverging"]))
else:
    import pymc as pm
    pm_model = build_pymc_model(model, jax_compatible=cfg["sampler"] == "pymc_numpyro")
    cfg["logp_rel_difference"] = logp_difference(model, pm_model)
    if not cfg["logp_rel_difference"] < 1e-9:
        raise SystemExit(f"PyMC model differs from TariffModel: {cfg['logp_rel_difference']}")
    kwargs = dict(draws=draws, tune=warmup, chains=chains, target_accept=spec["target_accept"],
                  progressbar=False, compute_convergence_checks=False)
    if cfg["sampler"] == "pymc_numpyro":
        kwargs["nuts_sampler"] = "numpyro"
        kwargs["nuts_sampler_kwargs"] = {"chain_method": cfg["chain_method"]}
    with pm_model:
        t0 = time.perf_counter(); idata = pm.sample(random_seed=2, **kwargs)
        first = time.perf_counter() - t0
    timed = float(idata.posterior.attrs.get("sampling_time", first))
    divergences = int(idata.sample_stats["diverging"].sum())
    import pytensor
    cfg["pytensor_blas_ldflags"] = pytensor.config.blas__ldflags
ess = ess_min(idata)
print(json.dumps({**cfg, "first_wall_s": first, "sampling_s": timed, "ess_bulk_min": ess["bulk"],
                  "ess_tail_min": ess["tail"], "divergences": divergences,
                  "rows": int(len(model.panel))}))
"""

CONFIGS = (
    {"sampler": "pymc_default", "label": "PyMC default NUTS (baseline)"},
    {
        "sampler": "retrench_numpyro",
        "label": "retrench NumPyro, chains parallel",
        "chain_method": "parallel",
        "host_devices": 4,
    },
    {
        "sampler": "retrench_numpyro",
        "label": "retrench NumPyro, chains vectorized",
        "chain_method": "vectorized",
    },
    {
        "sampler": "pymc_numpyro",
        "label": "PyMC nuts_sampler='numpyro', chains parallel",
        "chain_method": "parallel",
        "host_devices": 4,
    },
)


def _run_config(cfg: dict) -> dict:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps({**cfg, "repo": repo})],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {**cfg, "error": proc.stderr[-1500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def configs_for_backend(backend: str) -> list[dict]:
    """The configurations to run: on a single GPU, parallel chains (one device per chain) are
    not possible, so NumPyro's chains run vectorized on the one device instead."""
    if backend != "gpu":
        return [dict(c) for c in CONFIGS]
    out = []
    for cfg in CONFIGS:
        cfg = dict(cfg)
        if cfg.pop("host_devices", None):
            cfg["chain_method"] = "vectorized"
            cfg["label"] = cfg["label"].replace("chains parallel", "chains vectorized (1 GPU)")
        if (cfg["sampler"], cfg.get("chain_method")) not in {
            (c["sampler"], c.get("chain_method")) for c in out
        }:
            out.append(cfg)
    return out


def run(quick: bool) -> dict:
    import jax

    size = (
        {"countries": 24, "years": 8, "chains": 4, "warmup": 300, "draws": 300}
        if quick
        else {"countries": 40, "years": 10, "chains": 4, "warmup": 500, "draws": 500}
    )
    records = []
    for cfg in configs_for_backend(jax.default_backend()):
        rec = _run_config({**cfg, **size})
        if "error" not in rec:
            rec["ess_bulk_per_s"] = rec["ess_bulk_min"] / rec["sampling_s"]
            rec["ess_tail_per_s"] = rec["ess_tail_min"] / rec["sampling_s"]
            print(
                f"  {cfg['label']}: {rec['sampling_s']:.1f} s, bulk ESS/s "
                f"{rec['ess_bulk_per_s']:.1f}"
            )
        else:
            print(f"  {cfg['label']}: failed")
        records.append(rec)
    base = records[0]
    for r in records:
        if "error" not in r and "error" not in base:
            r["bulk_ratio_vs_pymc"] = r["ess_bulk_per_s"] / base["ess_bulk_per_s"]
            r["tail_ratio_vs_pymc"] = r["ess_tail_per_s"] / base["ess_tail_per_s"]
    return {"benchmark": "sampling_ess", "size": size, "records": records}


def markdown(payload: dict) -> list[str]:
    s = payload["size"]
    lines = [
        f"Tariff design, simulated panel of {s['countries']} countries × {s['years']} years, "
        f"{s['chains']} chains × ({s['warmup']} warm-up + {s['draws']} draws). Timed: sampling "
        "incl. warm-up, excl. compilation (second run in the process). ESS = minimum over all "
        "free parameters. Baseline: PyMC default sampler.",
        "",
        "| sampler | sampling (s) | first run wall (s) | min bulk ESS | min tail ESS | "
        "bulk ESS/s | tail ESS/s | × PyMC (bulk) | × PyMC (tail) | divergences |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in payload["records"]:
        if "error" in r:
            lines.append(f"| {r['label']} | failed | | | | | | | | |")
            continue
        lines.append(
            f"| {r['label']} | {r['sampling_s']:.1f} | {r['first_wall_s']:.1f} | "
            f"{r['ess_bulk_min']:.0f} | {r['ess_tail_min']:.0f} | {r['ess_bulk_per_s']:.1f} | "
            f"{r['ess_tail_per_s']:.1f} | {r.get('bulk_ratio_vs_pymc', float('nan')):.2f} | "
            f"{r.get('tail_ratio_vs_pymc', float('nan')):.2f} | {r['divergences']} |"
        )
    blas = next(
        (
            r.get("pytensor_blas_ldflags")
            for r in payload["records"]
            if "pytensor_blas_ldflags" in r
        ),
        None,
    )
    if blas is not None:
        lines += [
            "",
            f"PyTensor BLAS flags: `{blas or '(none found)'}` (the likelihood is "
            "elementwise and has no matrix products, so BLAS does not enter its cost).",
        ]
    return lines
