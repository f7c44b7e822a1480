"""Simulation-based calibration of the electoral model (issue 5) on the project's executor.

One command runs the whole study and writes ``coverage.csv`` (pooled per parameter),
``coverage_elements.csv`` (per Congress for the paths), ``sbc_ranks.png`` (rank histograms),
``sbc_ecdf.png`` (rank ECDF minus uniform, simultaneous 95 % band) and ``summary.md`` into a
folder (:func:`retrench.workflow.calibration_summary.write_summary`)::

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

from retrench.bayes.electoral_calibration import (  # noqa: F401  (re-exported for callers)
    SBC_PARAMETERS,
    SBC_PATHS,
    SBC_SCALARS,
    design_model,
    fit_posterior,
    simulate_prior,
)

ELECTORAL_NOTES = (
    "Truths and data drawn from the model's prior predictive on the simulated panels' design, "
    "model refitted (Talts et al. 2018). The paths (p_exit_H, p_exit_L, alpha_R) are pooled "
    "over Congresses in the table and reported per Congress in coverage_elements.csv."
)


def run_electoral_calibration(
    out, datasets: int, workers: int, *, executor: str = "local", base_seed: int = 0, **options
) -> Path:
    """Run the study into ``out`` (per-fit results in ``out/tasks``); write the tables, plots
    and summary.md; return the summary's path."""
    from retrench.workflow.calibration_summary import write_summary
    from retrench.workflow.executor_calibration import run_calibration

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
    return write_summary(
        result,
        out,
        title="Simulation-based calibration of the electoral model",
        settings=simulate_options | fit_options,
        notes=ELECTORAL_NOTES,
    )


def add_arguments(parser) -> None:
    """Options of the ``calibrate`` command (see :func:`run_electoral_calibration`)."""
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--executor", choices=["local", "serial", "ray"], default="local")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=800)
    parser.add_argument("--thin", type=int, default=2)
    parser.add_argument("--max-tree-depth", type=int, default=9)
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
