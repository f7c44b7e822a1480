r"""Scaling: fit cost of the tariff model as observations grow, 1e3 -> 1e6 rows.

Data: a simulated panel of 50 countries × 10 years (:func:`simulate_tariff_panel`) replicated
to N rows, each copy with its own multiplicative noise (a product-level panel: many tariff lines
per country and year, so 500 (country, year) cells at every size; synthetic at every size).
Each size runs in a fresh process; both likelihood paths run in that process:

* ``construct_s``: ``TariffModel(panel)`` (validation, panel preparation, data hash);
* ``cells_s``: ``model.sampling_arguments()``, the reduction of the rows to per-cell sufficient
  statistics (:mod:`retrench.bayes.cell_statistics`), once per fit;
* ``gradient_ms``: one jitted value-and-gradient of the log density NUTS samples, i.e. with the
  cell statistics (what ``fit`` uses; read by the linear-scaling target);
  ``gradient_rows_ms``: the same with the per-row likelihood (the baseline, the code before the
  change; the two values agree, ``cells_rel_difference``);
* ``censored_loglik_grad_ms`` / ``cells_loglik_grad_ms``: the likelihood alone, per row through
  ``LeftCensored`` vs :func:`censored_normal_cells_log_likelihood`;
* ``first_run_s`` / ``sampling_s``: first (compilation + sampling) and second call (sampling
  only) of :func:`benchmarks.nuts_runner.compiled_nuts` (1 chain) on the cell path at every
  size; ``rows_first_run_s`` / ``rows_sampling_s``: the per-row path up to ``nuts_max`` rows;
  ``fit_s`` = construct + reduction + sampling (what grows with N apart from compilation);
* ``peak_rss_mb``: the process's peak resident memory.

Baseline: the smallest size; per-row cost = (time / rows) relative to it (≤ 1: no worse than
linear). A plot goes to ``benchmarks/results/scaling.png``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks._common import RESULTS_DIR

BASE_COUNTRIES, BASE_YEARS = 50, 10

SCRIPT = r"""
import json, resource, sys, time
cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["repo"])
import numpy as np, jax, jax.numpy as jnp, pandas as pd
import retrench
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.bayes.tariffs import TariffModel
from retrench.bayes.censored import LeftCensored
from retrench.bayes.cell_statistics import censored_normal_cells_log_likelihood
from numpyro.infer.util import initialize_model

def best_ms(fn, *args, repeats=10):
    jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times)

base, _ = simulate_tariff_panel(n_countries=cfg["countries"], n_years=cfg["years"], seed=0)
copies = int(np.ceil(cfg["rows"] / len(base)))
rng = np.random.default_rng(1)
panel = pd.concat([base] * copies, ignore_index=True).iloc[: cfg["rows"]].copy()
noise = np.exp(0.05 * rng.standard_normal(len(panel)))
panel["tariff_applied_pct"] = panel["tariff_applied_pct"] * noise
t0 = time.perf_counter()
model = TariffModel(panel)
out = {"rows": int(len(model.panel)), "construct_s": time.perf_counter() - t0}
t0 = time.perf_counter()
cell_args = model.sampling_arguments()
out["cells_s"] = time.perf_counter() - t0
cells = cell_args[1]["tariff_cells"]
out["cells"] = int(cells.n_cells)
row_args = (model.inputs, model.observed)
info_rows = initialize_model(jax.random.PRNGKey(0), model.model, model_args=row_args)
info_cells = initialize_model(jax.random.PRNGKey(0), model.model, model_args=cell_args)
z = info_rows.param_info.z
grad_rows = jax.jit(jax.value_and_grad(info_rows.potential_fn))
grad_cells = jax.jit(jax.value_and_grad(info_cells.potential_fn))
out["gradient_rows_ms"] = best_ms(grad_rows, z)
out["gradient_ms"] = best_ms(grad_cells, z)
a, b = float(grad_rows(z)[0]), float(grad_cells(z)[0])
out["cells_rel_difference"] = abs(a - b) / abs(a)

# the likelihood alone: LeftCensored over the rows vs the cell statistics
y = np.asarray(model.observed["tariff"]); c = model.spec["likelihood"]["censor_below_pct"] / 100
idx = np.asarray(model.inputs["country"]); yr = np.asarray(model.inputs["years_from_ref"])
n_c = len(model.countries)
def mean_of(t, trend):
    return lambda i, years: (1.0 + t[i]) * jnp.exp(trend * years) - 1.0
def by_rows(t, s, trend):
    return jnp.sum(LeftCensored(mean_of(t, trend)(idx, yr), s[idx], c).log_prob(y))
def by_cells(t, s, trend):
    return censored_normal_cells_log_likelihood(cells, mean_of(t, trend), s, c)
args = (jnp.full(n_c, 0.05), jnp.full(n_c, 0.01), jnp.asarray(0.001))
out["censored_loglik_grad_ms"] = best_ms(jax.jit(jax.grad(by_rows, (0, 1, 2))), *args)
out["cells_loglik_grad_ms"] = best_ms(jax.jit(jax.grad(by_cells, (0, 1, 2))), *args)

from benchmarks.nuts_runner import compiled_nuts
spec = model.spec["sampler"]
def nuts(model_args):
    return compiled_nuts(model.model, model_args, warmup=cfg["warmup"], draws=cfg["draws"],
                         chains=1, target_accept=spec["target_accept"],
                         max_tree_depth=spec["max_tree_depth"])
paths = [("", cell_args)] + ([("rows_", row_args)] if cfg["nuts_rows"] else [])
for prefix, model_args in paths:
    run = nuts(model_args)
    t0 = time.perf_counter(); run(1); out[prefix + "first_run_s"] = time.perf_counter() - t0
    t0 = time.perf_counter(); res = run(2); out[prefix + "sampling_s"] = time.perf_counter() - t0
    out[prefix + "leapfrog_steps_draws"] = int(np.sum(res["num_steps"]))
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _one_size(rows: int, warmup: int, draws: int, nuts_rows: bool) -> dict:
    cfg = {
        "rows": rows,
        "countries": BASE_COUNTRIES,
        "years": BASE_YEARS,
        "warmup": warmup,
        "draws": draws,
        "nuts_rows": nuts_rows,
        "repo": str(Path(__file__).resolve().parents[1]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(cfg)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return {"rows": rows, "error": proc.stderr[-1500:]}
    rec = json.loads(proc.stdout.strip().splitlines()[-1])
    rec["fit_s"] = rec["construct_s"] + rec["cells_s"] + rec["sampling_s"]
    rec["gradient_speedup"] = rec["gradient_rows_ms"] / rec["gradient_ms"]
    # warm-up steps are not recorded by extra_fields; scale by iterations for the total
    for prefix in ("", "rows_"):
        if prefix + "sampling_s" in rec:
            steps = rec[prefix + "leapfrog_steps_draws"] * (warmup + draws) / draws
            rec[prefix + "leapfrog_steps_est"] = steps
            rec[prefix + "nuts_ms_per_step"] = 1e3 * rec[prefix + "sampling_s"] / steps
    return rec


def _plot(records: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in records if "error" not in r]
    rows = [r["rows"] for r in ok]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    axes[0].loglog(rows, [r["fit_s"] for r in ok], "o-", label="fit: construct + cells + NUTS")
    axes[0].loglog(rows, [r["sampling_s"] for r in ok], "s--", label="NUTS sampling (cells)")
    axes[0].loglog(rows, [r["construct_s"] for r in ok], "^:", label="TariffModel(panel)")
    axes[0].loglog(rows, [r["cells_s"] for r in ok], "v:", label="reduction to cells")
    by_rows = [r for r in ok if "rows_sampling_s" in r]
    axes[0].loglog(
        [r["rows"] for r in by_rows],
        [r["rows_sampling_s"] for r in by_rows],
        "kx",
        label="NUTS sampling (rows)",
    )
    axes[0].set(xlabel="rows", ylabel="seconds", title="wall time (excl. compilation)")
    axes[0].legend(fontsize=8)
    grad_rows = [r["gradient_rows_ms"] for r in ok]
    axes[1].loglog(rows, grad_rows, "o-", label="log-density gradient, per row (before)")
    axes[1].loglog(rows, [r["gradient_ms"] for r in ok], "s-", label="… by cells (now)")
    axes[1].loglog(rows, [r["censored_loglik_grad_ms"] for r in ok], "^--", label="LeftCensored")
    axes[1].loglog(rows, [r["cells_loglik_grad_ms"] for r in ok], "v--", label="cell likelihood")
    axes[1].loglog(rows, [grad_rows[0] * n / rows[0] for n in rows], "k:", label="linear")
    axes[1].set(xlabel="rows", ylabel="ms", title="one gradient")
    axes[1].legend(fontsize=8)
    axes[2].semilogx(rows, [r["peak_rss_mb"] for r in ok], "o-")
    axes[2].set(xlabel="rows", ylabel="MiB", title="peak resident memory")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _per_row_cost(records: list[dict], key: str, out_key: str) -> None:
    base = records[0]
    for r in records:
        r[out_key] = (r[key] / r["rows"]) / (base[key] / base["rows"])


def run(quick: bool) -> dict:
    sizes = [1_000, 10_000, 100_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    nuts_rows_max = 1_000
    warmup, draws = (50, 50) if quick else (100, 100)
    records = []
    for rows in sizes:
        rec = _one_size(rows, warmup, draws, nuts_rows=rows <= nuts_rows_max)
        records.append(rec)
        if "error" in rec:
            print(f"  {rows:,} rows: failed")
        else:
            print(
                f"  {rows:,} rows: gradient rows {rec['gradient_rows_ms']:.3f} ms, cells "
                f"{rec['gradient_ms']:.3f} ms; fit {rec['fit_s']:.1f} s, "
                f"{rec['peak_rss_mb']:.0f} MiB"
            )
    ok = [r for r in records if "error" not in r]
    if ok:
        _per_row_cost(ok, "gradient_ms", "per_row_cost_vs_smallest")
        _per_row_cost(ok, "gradient_rows_ms", "rows_per_row_cost_vs_smallest")
        _per_row_cost(ok, "fit_s", "fit_per_row_cost_vs_smallest")
        _plot(records, RESULTS_DIR / "scaling.png")
    return {
        "benchmark": "scaling",
        "warmup": warmup,
        "draws": draws,
        "nuts_rows_max": nuts_rows_max,
        "records": records,
        "plot": "results/scaling.png",
    }


def _fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _markdown_rows_only(payload: dict) -> list[str]:
    """Result files written before the cell statistics (per-row likelihood only; e.g. the GPU
    run in ``benchmarks/results/gpu/``)."""
    lines = [
        "Recorded before the cell statistics: per-row likelihood only. *gradient* = one "
        "jit-compiled value-and-gradient of the log density (best of 10); NUTS: 1 chain × "
        f"({payload['warmup']} + {payload['draws']}) iterations up to "
        f"{payload['nuts_max_rows']:,} rows; last two columns: `LeftCensored` alone and a "
        "hand-written censored/uncensored split.",
        "",
        "| rows | TariffModel() (s) | gradient (ms) | per-row cost vs smallest "
        "| first NUTS run (s) | NUTS sampling (s) | peak RSS (MiB) "
        "| LeftCensored grad (ms) | split grad (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in payload["records"]:
        if "error" in r:
            lines.append(f"| {r['rows']:,} | failed: {r['error'][-150:]!r} |" + " |" * 7)
            continue
        lines.append(
            f"| {r['rows']:,} | {r['construct_s']:.2f} | {r['gradient_ms']:.3f} | "
            f"{r['per_row_cost_vs_smallest']:.2f} | {_fmt(r.get('first_run_s'), '.1f')} | "
            f"{_fmt(r.get('sampling_s'), '.1f')} | {r['peak_rss_mb']:.0f} | "
            f"{r['censored_loglik_grad_ms']:.3f} | {r['split_loglik_grad_ms']:.3f} |"
        )
    return lines


def markdown(payload: dict) -> list[str]:
    if "nuts_rows_max" not in payload:
        return _markdown_rows_only(payload)
    lines = [
        "TariffModel on synthetic product-level rows (50 countries × 10 years = 500 (country, "
        "year) cells, replicated with noise). NUTS samples the log density from per-cell "
        "sufficient statistics (`retrench.bayes.cell_statistics`; exact for the normal family, "
        "same value as the per-row form, relative difference in the last column); *before* = "
        "the per-row likelihood, run in the same process. *gradient* = one jit-compiled "
        "value-and-gradient of the log density (best of 10); NUTS: 1 chain × "
        f"({payload['warmup']} + {payload['draws']}) iterations, by cells at every size, by "
        f"rows up to {payload['nuts_rows_max']:,} rows; *fit* = TariffModel() + reduction to "
        "cells + NUTS sampling (compilation excluded: it does not depend on N). Per-row cost = "
        "(time / rows) relative to the smallest size (≤ 1: no worse than linear).",
        "",
        f"![scaling]({payload['plot']})",
        "",
        "| rows | TariffModel() (s) | cells (s) | gradient before, rows (ms) | gradient, cells "
        "(ms) | per-row gradient cost, before / now | first NUTS run (s) | NUTS sampling, "
        "cells / rows (s) | NUTS steps, cells / rows | fit (s) | per-row fit cost | peak RSS (MiB) "
        "| rel. difference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in payload["records"]:
        if "error" in r:
            lines.append(f"| {r['rows']:,} | failed: {r['error'][-150:]!r} |" + " |" * 11)
            continue
        lines.append(
            f"| {r['rows']:,} | {r['construct_s']:.2f} | {r['cells_s']:.2f} | "
            f"{r['gradient_rows_ms']:.3f} | {r['gradient_ms']:.3f} | "
            f"{r['rows_per_row_cost_vs_smallest']:.2f} / {r['per_row_cost_vs_smallest']:.4f} | "
            f"{r['first_run_s']:.1f} | {r['sampling_s']:.1f} / "
            f"{_fmt(r.get('rows_sampling_s'), '.1f')} | {r['leapfrog_steps_est']:,.0f} / "
            f"{_fmt(r.get('rows_leapfrog_steps_est'), ',.0f')} | {r['fit_s']:.1f} | "
            f"{r['fit_per_row_cost_vs_smallest']:.3f} | {r['peak_rss_mb']:.0f} | "
            f"{r['cells_rel_difference']:.1e} |"
        )
    return lines
