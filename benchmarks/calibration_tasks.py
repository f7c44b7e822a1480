"""Simulate/fit pairs for simulation-based calibration on the executor.

* the executor benchmark's small NumPyro regression (below);
* the tariff model's study (issue 4), runnable as one command that writes coverage.csv,
  coverage_elements.csv, rank-histogram and ECDF plots and a Markdown summary into a folder::

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
# `retrench calibrate tariffs` runs); the summary (tables, plots, docs-ready summary.md) is
# `retrench.workflow.calibration_summary.write_summary`, as for the CLI.


TARIFF_SIMULATE = "retrench.bayes.tariff_calibration:simulate"
TARIFF_FIT = "retrench.bayes.tariff_calibration:fit"


TARIFF_NOTES = (
    "Truths are drawn from the model's prior, data simulated by the data layer's NumPy "
    "simulator, the model refitted (Talts et al. 2018); per-country parameters are pooled over "
    "countries."
)


def run_tariff_calibration(
    out, datasets: int, workers: int, *, executor: str = "local", base_seed: int = 0, **options
) -> Path:
    """Run the study into ``out`` (results in ``out/tasks``); write coverage.csv,
    coverage_elements.csv, sbc_ranks.png, sbc_ecdf.png and summary.md
    (:func:`retrench.workflow.calibration_summary.write_summary`); return the summary's path.
    Rerunning resumes: finished fits are kept."""
    from retrench.workflow.calibration_summary import write_summary
    from retrench.workflow.executor_calibration import run_calibration

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
    return write_summary(
        result,
        out,
        title="Simulation-based calibration of the tariff model",
        settings=simulate_options | fit_options,
        notes=TARIFF_NOTES,
    )


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
