"""Electoral realignment fit (issue 5): wall time, compile time, ESS/s, cost of the root finds.

``run(quick)`` / ``markdown(payload)`` for ``python -m benchmarks.run`` (name ``electoral``);
``python -m benchmarks.bench_electoral calibrate ...`` runs the SBC study
(:mod:`benchmarks.electoral_calibration`).

Data: the real panels (``us_trade_rollcalls``, ``adhm_house_2002_2016``) with the default spec
(``models/electoral.toml``) and the reading the data prefer, Democrats = H
(docs/electoral_real_fit.md), when they are present and ``quick`` is off; otherwise the
simulated panels of :func:`retrench.data.simulate_electoral.simulate_electoral`.

What is measured:

* **fit**: one ``numpyro.infer.MCMC`` with the model's NUTS settings and ``jit_model_args``;
  the first ``run`` compiles and samples, the second (another key, same shapes) reuses the
  compiled sampler and is the timed one. compile ≈ first − second.
* **ESS/s**: minimum over the scalar elements of the model's summary sites of the bulk and of
  the tail ESS (rank-normalised, ArviZ), divided by the timed seconds (warm-up + draws).
* **root finds per log-density evaluation** at the posterior mean of the timed run, jitted,
  best of 7 batches of calls (robust to load): (a) the potential energy and its gradient as
  NUTS evaluates it (``full``); (b) the same with the Proposition 1 root finds (θ*_da by
  closed-form start + Newton, gradient by the implicit function theorem) replaced by constants
  (their values at the posterior mean) (``substituted``; the rest of the log density, incl.
  Φ_d, thresholds and D_j, unchanged);
  (c) the root finds alone, value and implicit gradient with respect to (λ, α_R, α_E, x_H, b)
  (``root_find_only``). full − substituted is the cost the root finds add to one gradient.
"""

from __future__ import annotations

import argparse
import time
from unittest import mock

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks._common import time_call
from retrench.bayes import electoral_structure as es
from retrench.bayes import inference_data as idio


def _model(quick: bool):
    from retrench.bayes.electoral import ElectoralModel

    if not quick:
        try:
            from retrench.data import electoral_district_panel, electoral_rollcall_panel

            panels = electoral_rollcall_panel(), electoral_district_panel()
            spec = {"structure": {"republican_leader": "L"}}
            return ElectoralModel(panels[0], spec, panels[1]), "real panels, Democrats = H"
        except Exception as err:  # noqa: BLE001 - real data absent on this machine
            print(f"  real electoral panels unavailable: {type(err).__name__}: {err}")
    from retrench.data.simulate_electoral import ElectoralTruth, simulate_electoral

    rollcalls, districts = simulate_electoral(ElectoralTruth(), 5, n_districts=150)
    return ElectoralModel(rollcalls, None, districts), "simulated panels (ElectoralTruth)"


def _time_fit(model, draws: int, warmup: int, chains: int) -> tuple[dict, object]:
    from numpyro.infer import MCMC, NUTS

    s = model.spec["sampler"]
    kernel = NUTS(model.model, target_accept_prob=s["target_accept"],
                  max_tree_depth=s["max_tree_depth"], **model.nuts_options())  # fmt: skip
    mcmc = MCMC(kernel, num_warmup=warmup, num_samples=draws, num_chains=chains,
                chain_method="sequential", progress_bar=False, jit_model_args=True)  # fmt: skip
    times = []
    for seed in (1, 2):
        start = time.perf_counter()
        mcmc.run(jax.random.PRNGKey(seed), model.inputs, model.observed,
                 extra_fields=("num_steps", "diverging"))  # fmt: skip
        jax.block_until_ready(mcmc.get_samples())
        times.append(time.perf_counter() - start)
    coords, dims = model.coords_and_dims()
    idata = idio.build_inference_data(
        mcmc, prior=None, posterior_predictive=None, coords=coords, dims=dims,
        observed_sites=model.active_observed_sites(),
    )  # fmt: skip
    sites = [n for n in model.summary_sites if n in idata.posterior]
    bulk = idio.ess(idata, sites, "bulk")
    tail = idio.ess(idata, sites, "tail")
    min_bulk = min(float(np.nanmin(bulk[n].values)) for n in sites)
    min_tail = min(float(np.nanmin(tail[n].values)) for n in sites)
    steps = np.asarray(mcmc.get_extra_fields()["num_steps"])
    divergences = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    timed = times[1]
    return {
        "first_call_s": times[0],
        "fit_s": timed,
        "compile_s": max(times[0] - times[1], 0.0),
        "draws": draws,
        "warmup": warmup,
        "chains": chains,
        "min_ess_bulk": min_bulk,
        "min_ess_tail": min_tail,
        "ess_bulk_per_s": min_bulk / timed,
        "ess_tail_per_s": min_tail / timed,
        "mean_leapfrog_steps": float(steps.mean()),
        "divergences": divergences,
    }, mcmc


def _point(model, mcmc):
    """Unconstrained posterior mean of the timed run and the model's potential function."""
    from numpyro.infer.util import initialize_model, unconstrain_fn

    info = initialize_model(jax.random.PRNGKey(0), model.model,
                            model_args=(model.inputs, model.observed))  # fmt: skip
    samples = mcmc.get_samples()
    z = {k: jnp.mean(v, 0) for k, v in samples.items() if k in info.param_info.z}
    z = unconstrain_fn(model.model, (model.inputs, model.observed), {}, z)
    return info.potential_fn, z


def _constant_proposals(values):
    """A stand-in for :func:`es.all_proposal_logits` returning fixed values (no root find)."""

    def proposals(lam, alpha_R, alpha_E, x_H, b, psi):
        return tuple(jax.lax.stop_gradient(v) for v in values[:4]) + (values[4],)

    return proposals


def root_find_cost(model, mcmc, repeats: int = 50) -> dict:
    """Times (s per call) of (a) full, (b) substituted potential + gradient, (c) root finds."""
    potential, z = _point(model, mcmc)
    full = jax.jit(jax.value_and_grad(potential))
    jax.block_until_ready(full(z))

    samples = {k: jnp.mean(v, 0) for k, v in mcmc.get_samples().items()}
    args = (samples["lam"], samples["alpha_R"], samples["alpha_E"], samples["x_H"], samples["b"],
            model.spec["structure"]["psi"])  # fmt: skip
    values = es.all_proposal_logits(*args)
    with mock.patch.object(es, "all_proposal_logits", _constant_proposals(values)):
        substituted = jax.jit(jax.value_and_grad(potential))
        jax.block_until_ready(substituted(z))

    def proposals_total(lam, alpha_R, alpha_E, x_H, b):
        u = es.all_proposal_logits(lam, alpha_R, alpha_E, x_H, b, args[5])
        return sum(jnp.sum(v) for v in u[:4])

    roots = jax.jit(jax.value_and_grad(proposals_total, argnums=(0, 1, 2, 3, 4)))
    jax.block_until_ready(roots(*args[:5]))

    def timed(fn, *a):
        def call():
            for _ in range(repeats):
                out = fn(*a)
            jax.block_until_ready(out)

        return time_call(call, repeats=7)["min_s"] / repeats

    t_full, t_sub, t_root = timed(full, z), timed(substituted, z), timed(roots, *args[:5])
    return {
        "full_s": t_full,
        "substituted_s": t_sub,
        "root_find_only_s": t_root,
        "root_find_added_s": t_full - t_sub,
        "root_find_share": (t_full - t_sub) / t_full,
        "n_root_finds": int(2 * len(model.congresses) + 2),
    }


def run(quick: bool) -> dict:
    model, data = _model(quick)
    draws, warmup, chains = (100, 100, 1) if quick else (500, 500, 2)
    fit, mcmc = _time_fit(model, draws, warmup, chains)
    cost = root_find_cost(model, mcmc, repeats=20 if quick else 100)
    evaluations = fit["mean_leapfrog_steps"] * (draws + warmup) * chains
    print(
        f"  electoral ({data}): fit {fit['fit_s']:.1f} s (compile {fit['compile_s']:.1f} s), "
        f"ESS/s bulk {fit['ess_bulk_per_s']:.2f} tail {fit['ess_tail_per_s']:.2f}; "
        f"gradient {cost['full_s'] * 1e3:.3f} ms, root finds {cost['root_find_share']:.0%}"
    )
    return {
        "benchmark": "electoral_fit",
        "data": data,
        "rows": len(model.panel),
        "districts": 0 if model.districts is None else len(model.districts),
        "fit": fit,
        "root_finds": cost,
        "gradient_evaluations_approx": evaluations,
    }


def markdown(payload: dict) -> list[str]:
    f, c = payload["fit"], payload["root_finds"]
    return [
        f"Data: {payload['data']} ({payload['rows']} roll-call rows, {payload['districts']} "
        f"districts). NumPyro NUTS, {f['chains']} chain(s) × ({f['warmup']} warm-up + "
        f"{f['draws']} draws), sequential; timed: second `run` of the same compiled sampler.",
        "",
        "| fit (s) | first call (s) | compile (s) | min ESS bulk | min ESS tail | ESS bulk/s | "
        "ESS tail/s | mean leapfrog steps | divergences |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {f['fit_s']:.1f} | {f['first_call_s']:.1f} | {f['compile_s']:.1f} | "
        f"{f['min_ess_bulk']:.0f} | {f['min_ess_tail']:.0f} | {f['ess_bulk_per_s']:.2f} | "
        f"{f['ess_tail_per_s']:.2f} | {f['mean_leapfrog_steps']:.0f} | {f['divergences']} |",
        "",
        "Root finds per log-density evaluation (jitted potential energy + gradient at the "
        f"posterior mean; {c['n_root_finds']} Proposition 1 root finds per evaluation, "
        "closed-form start + Newton, implicit gradients). Baseline: the same log density with "
        "the root finds replaced by constants. The constants also cut the gradient's path from "
        "θ*_da back to the parameters (through Φ_d, the thresholds and D_j), so *added* "
        "overstates what the root finds themselves cost; the last column is that cost.",
        "",
        "| with root finds (ms) | root finds substituted (ms) | added by root finds (ms) | "
        "share | root finds alone, value + implicit gradient (ms) |",
        "|---:|---:|---:|---:|---:|",
        f"| {c['full_s'] * 1e3:.3f} | {c['substituted_s'] * 1e3:.3f} | "
        f"{c['root_find_added_s'] * 1e3:.3f} | {c['root_find_share']:.0%} | "
        f"{c['root_find_only_s'] * 1e3:.3f} |",
    ]


def main(argv: list[str] | None = None) -> int:
    from benchmarks import electoral_calibration as ec

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_electoral")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser("bench", help="run the benchmark and print its Markdown")
    bench.add_argument("--quick", action="store_true")
    ec.add_arguments(sub.add_parser("calibrate", help="simulation-based calibration study"))
    args = parser.parse_args(argv)
    if args.command == "calibrate":
        print(ec.calibrate(args).read_text(encoding="utf-8"))
    else:
        print("\n".join(markdown(run(args.quick))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
