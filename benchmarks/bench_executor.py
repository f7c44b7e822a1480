"""Executor speed-up: a 64-fit simulation-based calibration with 1 vs 2 local worker processes.

Each fit is a small NumPyro regression (:mod:`benchmarks.calibration_tasks`, 1 chain,
200 + 200 iterations, n = 50). Both runs use :func:`retrench.workflow.executor_calibration.
run_calibration` with ``executor="local"`` in a fresh output folder, so wall time includes
starting the worker processes and compiling the sampler once per worker. Baseline: 1 worker;
ratio = speed-up. The two runs must give identical ranks (same seeds, same draws).
"""

from __future__ import annotations

import resource
import tempfile
import time

import numpy as np

from retrench.workflow.executor_calibration import run_calibration

SIMULATE = "benchmarks.calibration_tasks:simulate_regression"
FIT_OPTIONS = {"warmup": 200, "draws": 200}
FIT = "benchmarks.calibration_tasks:fit_regression"


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished (waited-for) children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _calibration(workers: int, n_fits: int, executor: str = "local") -> tuple[float, float, object]:
    """(wall s, CPU s of the driver and its worker processes, result)."""
    with tempfile.TemporaryDirectory(prefix="retrench-bench-sbc-") as out:
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        result = run_calibration(
            SIMULATE,
            FIT,
            n_fits,
            out,
            executor=executor,
            workers=workers,
            progress=False,
            fit_options=FIT_OPTIONS,
        )
        wall = time.perf_counter() - start
    return wall, _cpu_seconds() - cpu_start, result


def run(quick: bool) -> dict:
    n_fits = 16 if quick else 64
    records, ranks = [], {}
    for workers in (1, 2):
        wall, cpu, result = _calibration(workers, n_fits)
        ranks[workers] = result.ranks
        records.append(
            {
                "executor": "local",
                "workers": workers,
                "fits": n_fits,
                "wall_s": wall,
                "cpu_s": cpu,
                "cores_busy": cpu / wall,
                "fits_per_s": n_fits / wall,
                "failures": len(result.summary.failures),
                "coverage_90": result.coverage(0.9),
            }
        )
        print(f"  {workers} worker(s): {wall:.1f} s for {n_fits} fits")
    identical = all(np.array_equal(ranks[1][k], ranks[2][k]) for k in ranks[1])
    speedup = records[0]["wall_s"] / records[1]["wall_s"]
    for r in records:
        r["speedup_vs_1_worker"] = records[0]["wall_s"] / r["wall_s"]
    return {
        "benchmark": "executor_speedup",
        "records": records,
        "speedup": speedup,
        "identical_results": identical,
    }


def _cores(record: dict) -> str:
    return f"{record['cores_busy']:.2f}" if "cores_busy" in record else "–"


def markdown(payload: dict) -> list[str]:
    lines = [
        f"{payload['records'][0]['fits']}-fit calibration (NumPyro regression, 1 chain, "
        "200 + 200 iterations each), local process pool; wall time includes worker start-up "
        "and one sampler compilation per worker. Baseline: 1 worker.",
        "",
        "| workers | wall (s) | cores busy (CPU s / wall s) | fits/s | speed-up | failures | "
        "90 % coverage (a, b, sigma) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in payload["records"]:
        cov = ", ".join(f"{v:.2f}" for v in r["coverage_90"].values())
        lines.append(
            f"| {r['workers']} | {r['wall_s']:.1f} | {_cores(r)} | {r['fits_per_s']:.2f} | "
            f"{r['speedup_vs_1_worker']:.2f}× | {r['failures']} | {cov} |"
        )
    lines += ["", f"Identical ranks with 1 and 2 workers: {payload['identical_results']}."]
    machine = payload.get("machine", {})
    load, cores = machine.get("load_average"), machine.get("cores")
    one = payload["records"][0]
    if cores and "cores_busy" in one and one["cores_busy"] > 1.05:
        lines += [
            "",
            f"One worker already keeps {one['cores_busy']:.2f} cores busy (the driver process, "
            "and XLA compiling on several threads: `threads_per_worker` limits the run-time "
            "thread pools, not the compiler), so on this machine's "
            f"{cores} cores a second worker can add at most {cores / one['cores_busy']:.2f}×; "
            "fits of a second each also spend a fixed share starting, compiling and writing.",
        ]
    if load and cores and load[0] > cores:
        lines += [
            "",
            f"The machine was oversubscribed during this run (load average {load[0]:.1f} on "
            f"{cores} cores from other processes), so a second worker competed for cores that "
            "were already busy: this run cannot show the speed-up the pool gives on free cores "
            "(the tasks share nothing and each worker is limited to one thread). Rerun "
            "`python -m benchmarks.run --only executor` on a quiet machine to measure it.",
        ]
    return lines
