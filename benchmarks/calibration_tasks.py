"""Simulate/fit pairs for simulation-based calibration on the executor.

* the executor benchmark's small NumPyro regression (below);
* the tariff model's study (issue 4), runnable as one command that writes coverage.csv,
  rank-histogram and ECDF plots and a Markdown summary into a folder::

      python -m benchmarks.calibration_tasks tariffs --datasets 50 --workers 14 --out DIR

Regression:

y_i = a + b x_i + sigma e_i, i = 1..n, with a, b ~ Normal(0, 1), sigma ~ HalfNormal(1); one NUTS
chain per fit. The sampler is compiled once per worker process (``jit_model_args=True``) and
reused for every fit of the same size, as a calibration study would do.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jax
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
from numpyro.infer import MCMC, NUTS


def regression(x, y=None):
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(a + b * x, sigma), obs=y)


def simulate_regression(seed: int, n: int = 50) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    truth = {"a": rng.normal(), "b": rng.normal(), "sigma": abs(rng.normal())}
    x = rng.normal(size=n)
    y = truth["a"] + truth["b"] * x + truth["sigma"] * rng.normal(size=n)
    return truth, {"x": x, "y": y}


@cache
def _sampler(warmup: int, draws: int) -> MCMC:
    return MCMC(
        NUTS(regression),
        num_warmup=warmup,
        num_samples=draws,
        num_chains=1,
        progress_bar=False,
        jit_model_args=True,
    )


def fit_regression(data: dict, seed: int, warmup: int = 300, draws: int = 300) -> dict:
    mcmc = _sampler(warmup, draws)
    mcmc.run(jax.random.PRNGKey(seed), data["x"], data["y"])
    return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}


# --- tariff model (issue 4): simulation-based calibration over many data sets ---------------
#
#   python -m benchmarks.calibration_tasks tariffs --datasets 50 --workers 14 --out DIR
#
# The tasks are `retrench.bayes.tariff_calibration.simulate` / `fit` (the same ones
# `retrench calibrate tariffs` runs); this command adds the ECDF plot, 50 % coverage and a
# docs-ready summary.md.


TARIFF_SIMULATE = "retrench.bayes.tariff_calibration:simulate"
TARIFF_FIT = "retrench.bayes.tariff_calibration:fit"


def _ecdf_plot(ranks: dict[str, np.ndarray], n_draws: int, path) -> str:
    """ECDF of the scaled ranks minus the uniform CDF, with a 95 % pointwise binomial band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(0, 1, 101)
    fig, axes = plt.subplots(1, len(ranks), figsize=(2.6 * len(ranks), 2.6), squeeze=False)
    for ax, (name, r) in zip(axes[0], ranks.items(), strict=True):
        u = (np.asarray(r).ravel() + 0.5) / (n_draws + 1)
        ecdf = np.searchsorted(np.sort(u), grid, side="right") / u.size
        band = 1.96 * np.sqrt(grid * (1 - grid) / u.size)
        ax.fill_between(grid, -band, band, color="0.85")
        ax.plot(grid, ecdf - grid, color="tab:blue")
        ax.set_title(name, fontsize=8)
        ax.set_xlabel("fractional rank")
    axes[0][0].set_ylabel("ECDF - uniform")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def tariff_calibration_table(result) -> pd.DataFrame:
    """Coverage of the central 90 % and 50 % intervals and a rank-uniformity p-value per
    parameter (per-country parameters pooled over countries)."""
    cover90, cover50 = result.coverage(0.9), result.coverage(0.5)
    pvalues = result.uniformity_pvalues()
    return pd.DataFrame(
        {
            "parameter": list(result.ranks),
            "n_ranks": [int(np.size(r)) for r in result.ranks.values()],
            "coverage_90": [cover90[n] for n in result.ranks],
            "coverage_50": [cover50[n] for n in result.ranks],
            "uniformity_p": [pvalues[n] for n in result.ranks],
        }
    )


def _binomial_range(n: int, p: float = 0.9) -> tuple[float, float]:
    from scipy import stats

    lo, hi = stats.binom.interval(0.95, n, p)
    return lo / n, hi / n


def write_tariff_summary(result, table: pd.DataFrame, out, settings: dict) -> Path:
    """``summary.md``: settings, the coverage table and the plots (docs-ready Markdown)."""
    n_sims = next(iter(result.ranks.values())).shape[0]
    lo, hi = _binomial_range(n_sims)
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = [
        f"| {r.parameter} | {r.n_ranks} | {r.coverage_90:.3f} | {r.coverage_50:.3f} "
        f"| {r.uniformity_p:.3f} |"
        for r in table.itertuples()
    ]
    failures = len(result.summary.failures)
    lines = [
        "# Simulation-based calibration of the tariff model",
        "",
        f"{n_sims} simulated data sets ({failures} failed fits, listed in failures.json), "
        + ", ".join(f"{k} = {v}" for k, v in settings.items())
        + f"; {result.n_draws} thinned posterior draws per fit; wall time "
        f"{result.summary.wall_s:.0f} s on {result.summary.workers} worker(s).",
        "",
        "Truths are drawn from the model's prior, data simulated by the data layer's NumPy "
        "simulator, the model refitted (Talts et al. 2018). Per-country parameters are pooled "
        "over countries. A scalar parameter's 90 % coverage over "
        f"{n_sims} data sets should lie in [{lo:.2f}, {hi:.2f}] (95 % binomial range); "
        "uniformity_p is a chi-square test of the rank histogram (10 bins).",
        "",
        header,
        rule,
        *rows,
        "",
        "![rank histograms](sbc_ranks.png)",
        "",
        "![rank ECDF differences](sbc_ecdf.png)",
        "",
    ]
    path = Path(out) / "summary.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_tariff_calibration(
    out, datasets: int, workers: int, *, executor: str = "local", base_seed: int = 0, **options
) -> Path:
    """Run the study into ``out`` (results in ``out/tasks``); write coverage.csv, the plots and
    summary.md; return the summary's path. Rerunning resumes: finished fits are kept."""
    from retrench.workflow.executor_calibration import run_calibration
    from retrench.workflow.plots import plot_rank_histograms

    sim_keys = ("n_countries", "n_years", "first_year")
    simulate_options = {k: v for k, v in options.items() if k in sim_keys}
    fit_options = {k: v for k, v in options.items() if k not in sim_keys}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = run_calibration(
        TARIFF_SIMULATE,
        TARIFF_FIT,
        datasets,
        out / "tasks",
        base_seed=base_seed,
        simulate_options=simulate_options,
        fit_options=fit_options,
        executor=executor,
        workers=workers,
    )
    table = tariff_calibration_table(result)
    table.to_csv(out / "coverage.csv", index=False)
    plot_rank_histograms(result.ranks, result.n_draws, out / "sbc_ranks.png")
    _ecdf_plot(result.ranks, result.n_draws, out / "sbc_ecdf.png")
    return write_tariff_summary(result, table, out, simulate_options | fit_options)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibration_tasks")
    parser.add_argument("model", choices=["tariffs"])
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--executor", choices=["local", "serial", "ray"], default="local")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--thin", type=int, default=2)
    parser.add_argument("--countries", type=int, default=6)
    parser.add_argument("--years", type=int, default=6)
    args = parser.parse_args(argv)
    path = run_tariff_calibration(
        args.out,
        args.datasets,
        args.workers,
        executor=args.executor,
        base_seed=args.seed,
        n_countries=args.countries,
        n_years=args.years,
        draws=args.draws,
        warmup=args.warmup,
        thin=args.thin,
    )
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
