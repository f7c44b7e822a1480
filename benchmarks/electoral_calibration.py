"""Simulation-based calibration of the electoral model (issue 5) on the project's executor.

One command runs the whole study and writes ``coverage.csv`` (pooled per parameter),
``coverage_elements.csv`` (per Congress for the paths), ``sbc_ranks.png`` (rank histograms),
``sbc_ecdf.png`` (rank ECDF minus uniform, 95 % band) and ``summary.md`` into a folder::

    python -m benchmarks.bench_electoral calibrate --datasets 50 --workers 14 --out DIR

Each task (Talts et al. 2018, Algorithm 1): draw every parameter and a data set from the model's
own prior predictive (:func:`retrench.bayes.base.run_predictive` with no posterior) on the fixed
design of the simulated panels (:func:`retrench.data.simulate_electoral.simulate_electoral`:
which Congresses have roll calls, of which kind, how many members vote, the districts'
exposures), refit the model with one NUTS chain, and rank the truth among the (thinned) draws.
If the fit is calibrated, the ranks are uniform and the central 90 % intervals cover the truth in
about 90 % of data sets. Rerunning with the same options resumes (finished fits are kept).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from retrench.bayes.electoral_calibration import (  # noqa: F401  (re-exported for callers)
    SBC_PARAMETERS,
    SBC_PATHS,
    SBC_SCALARS,
    design_model,
    fit_posterior,
    simulate_prior,
)


def _coverage(ranks: np.ndarray, n_draws: int, level: float) -> np.ndarray:
    lower, upper = (1 - level) / 2 * n_draws, (1 + level) / 2 * n_draws
    return (ranks >= lower) & (ranks <= upper)


def calibration_tables(result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pooled, per element): 90 % and 50 % coverage and a rank-uniformity p-value (chi-square,
    10 bins) per parameter, pooled over Congresses for the paths, and per Congress."""
    from scipy import stats

    def pvalue(r: np.ndarray) -> float:
        counts, _ = np.histogram(r.ravel(), bins=10, range=(0, result.n_draws + 1))
        return float(stats.chisquare(counts).pvalue)

    pooled, elements = [], []
    for name, ranks in result.ranks.items():
        r = np.asarray(ranks).reshape(len(ranks), -1)
        cov90, cov50 = _coverage(r, result.n_draws, 0.9), _coverage(r, result.n_draws, 0.5)
        pooled.append({"parameter": name, "n_ranks": r.size, "coverage_90": cov90.mean(),
                       "coverage_50": cov50.mean(), "uniformity_p": pvalue(r)})  # fmt: skip
        if r.shape[1] > 1:
            for j in range(r.shape[1]):
                elements.append({"parameter": f"{name}[{j}]", "n_ranks": r.shape[0],
                                 "coverage_90": cov90[:, j].mean(),
                                 "coverage_50": cov50[:, j].mean(),
                                 "uniformity_p": pvalue(r[:, j])})  # fmt: skip
    return pd.DataFrame(pooled), pd.DataFrame(elements)


def write_summary(result, table: pd.DataFrame, out: Path, settings: dict) -> Path:
    """``summary.md``: settings, the pooled coverage table and the plots."""
    from scipy import stats

    n_sims = next(iter(result.ranks.values())).shape[0]
    lo, hi = (x / n_sims for x in stats.binom.interval(0.95, n_sims, 0.9))
    rows = [
        f"| {r.parameter} | {r.n_ranks} | {r.coverage_90:.3f} | {r.coverage_50:.3f} "
        f"| {r.uniformity_p:.3f} |"
        for r in table.itertuples()
    ]
    lines = [
        "# Simulation-based calibration of the electoral model",
        "",
        f"{n_sims} simulated data sets ({len(result.summary.failures)} failed, listed in "
        "tasks/failures.json), "
        + ", ".join(f"{k} = {v}" for k, v in settings.items())
        + f"; {result.n_draws} thinned posterior draws per fit; wall time "
        f"{result.summary.wall_s:.0f} s on {result.summary.workers} worker(s).",
        "",
        "Truths and data drawn from the model's prior predictive on the simulated panels' design, "
        "model refitted (Talts et al. 2018). Paths (p_exit_H, p_exit_L, alpha_R) are pooled over "
        "Congresses here (per Congress in coverage_elements.csv). A scalar's 90 % coverage over "
        f"{n_sims} data sets should lie in [{lo:.2f}, {hi:.2f}] (95 % binomial range); "
        "uniformity_p: chi-square test of the rank histogram (10 bins).",
        "",
        "| parameter | ranks | coverage 90 % | coverage 50 % | uniformity p |",
        "|---|---:|---:|---:|---:|",
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


def run_electoral_calibration(
    out, datasets: int, workers: int, *, executor: str = "local", base_seed: int = 0, **options
) -> Path:
    """Run the study into ``out`` (per-fit results in ``out/tasks``); write the tables, plots
    and summary.md; return the summary's path."""
    from benchmarks.calibration_tasks import _ecdf_plot
    from retrench.workflow.executor_calibration import run_calibration
    from retrench.workflow.plots import plot_rank_histograms

    sim_keys = ("n_districts", "republican_leader")
    simulate_options = {k: v for k, v in options.items() if k in sim_keys}
    fit_options = {k: v for k, v in options.items() if k not in sim_keys}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = run_calibration(
        "retrench.bayes.electoral_calibration:simulate_prior",
        "retrench.bayes.electoral_calibration:fit_posterior",
        datasets,
        out / "tasks",
        base_seed=base_seed,
        simulate_options=simulate_options,
        fit_options=fit_options,
        executor=executor,
        workers=workers,
        description="electoral SBC",
    )
    pooled, elements = calibration_tables(result)
    pooled.to_csv(out / "coverage.csv", index=False)
    elements.to_csv(out / "coverage_elements.csv", index=False)
    plot_rank_histograms(result.ranks, result.n_draws, out / "sbc_ranks.png")
    _ecdf_plot(result.ranks, result.n_draws, out / "sbc_ecdf.png")
    return write_summary(result, pooled, out, simulate_options | fit_options)


def add_arguments(parser) -> None:
    """Options of the ``calibrate`` command (see :func:`run_electoral_calibration`)."""
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--executor", choices=["local", "serial", "ray"], default="local")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--thin", type=int, default=2)
    parser.add_argument("--max-tree-depth", type=int, default=8)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--republican-leader", choices=["H", "L"], default="H")


def calibrate(args) -> Path:
    """Run the study from parsed ``calibrate`` arguments."""
    return run_electoral_calibration(
        args.out,
        args.datasets,
        args.workers,
        executor=args.executor,
        base_seed=args.seed,
        n_districts=args.districts,
        republican_leader=args.republican_leader,
        draws=args.draws,
        warmup=args.warmup,
        thin=args.thin,
        max_tree_depth=args.max_tree_depth,
    )
