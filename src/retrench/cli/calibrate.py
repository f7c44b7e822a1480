"""CLI command ``retrench calibrate MODEL``: simulation-based calibration on the executor.

``retrench calibrate tariffs --simulations 50 --workers 4 --out runs/sbc`` simulates 50 data sets
at parameters drawn from the prior, fits each, and ranks the truth among the posterior draws
(Talts et al. 2018). Fits run as independent tasks: in local processes by default (JAX threads
limited per process), or on Ray with ``--executor ray`` (``--address`` joins an existing
cluster; without it a local Ray is started). Each task's result is written atomically as it
finishes, so an interrupted run resumes where it stopped; a failed task is retried once, then
reported with its seed. Results are identical whichever executor runs them.

Writes into OUT: one ``sim-XXXXX.npz`` per simulation and, through
:func:`retrench.workflow.calibration_summary.write_summary`, ``calibration.csv`` (per parameter:
coverage of the central ``--level`` and 50 % intervals, the 95 % binomial range of the coverage,
a rank-uniformity p-value), ``calibration_elements.csv`` (the same per element of a vector
parameter), ``ranks.png`` (rank histograms), ``ranks_ecdf.png`` (rank ECDF with its simultaneous
band) and ``calibration.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from retrench.cli.workflow import app, user_errors
from retrench.errors import SpecError

console = Console()

CLI_FILES = {
    "markdown": "calibration.md",
    "parameters": "calibration.csv",
    "elements": "calibration_elements.csv",
    "rank_histograms": "ranks.png",
    "rank_ecdf": "ranks_ecdf.png",
}


def collect_finished(out: Path):
    """The calibration result of the simulations already finished in ``out`` (an interrupted or
    still running study): every ``sim-*.npz`` there, nothing run."""
    from retrench.workflow.executor import RunSummary
    from retrench.workflow.executor_calibration import collect_calibration

    keys = sorted(p.stem for p in Path(out).glob("sim-*.npz"))
    if not keys:
        raise SpecError(f"{out}: no finished calibration tasks (sim-*.npz) to collect")
    summary = RunSummary(Path(out), "none", 0, [], keys, [], 0.0)
    return collect_calibration(out, summary)


def simulator_options(simulate_ref: str, given: list[str]) -> dict[str, str]:
    """``--simulate-option KEY=VALUE`` pairs, checked against the simulator's keywords."""
    import importlib
    import inspect

    module, _, name = simulate_ref.partition(":")
    accepted = [
        p
        for p in inspect.signature(getattr(importlib.import_module(module), name)).parameters
        if p != "seed"
    ]
    options: dict[str, str] = {}
    for pair in given:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SpecError(f"--simulate-option: expected KEY=VALUE (got {pair!r})")
        if key not in accepted:
            raise SpecError(
                f"--simulate-option {key}: the simulator takes "
                f"{', '.join(accepted) or 'no options'} (got {key!r})"
            )
        options[key] = value
    return options


@app.command("calibrate")
@user_errors
def calibrate(
    model: Annotated[str, typer.Argument(help="design to calibrate")],
    out: Annotated[Path, typer.Option("--out", help="folder for per-task results and summary")],
    simulations: Annotated[
        int, typer.Option("--simulations", min=1, help="number of simulated data sets")
    ] = 50,
    executor: Annotated[
        str, typer.Option("--executor", help="local (processes) | ray | serial")
    ] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="processes / Ray CPUs")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (default: local Ray)")
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=10, help="draws per fit")] = None,
    warmup: Annotated[int | None, typer.Option("--warmup", min=10, help="warm-up per fit")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="base seed of the study")] = 0,
    level: Annotated[float, typer.Option("--level", help="central interval level")] = 0.9,
    collect_only: Annotated[
        bool,
        typer.Option("--collect-only", help="summarise the tasks already in OUT; run nothing"),
    ] = False,
    simulate_option: Annotated[
        list[str] | None,
        typer.Option(
            "--simulate-option",
            help="KEY=VALUE passed to the design's simulator (repeatable), e.g. structure=real",
        ),
    ] = None,
) -> None:
    """Simulation-based calibration: coverage of the posterior intervals over many fits."""
    from retrench.bayes.render import frame_table
    from retrench.designs import registry
    from retrench.workflow import calibration_summary
    from retrench.workflow.executor_calibration import run_calibration

    entry = registry.get(model)
    if entry.calibration is None:
        known = ", ".join(e.name for e in registry.entries() if e.calibration) or "none"
        raise SpecError(f"model {model!r} has no calibration tasks (known: {known})")
    if not 0 < level < 1:
        raise SpecError(f"--level must be in (0, 1), got {level}")
    if address is not None and executor != "ray":
        raise SpecError("--address needs --executor ray")
    fit_options = {k: v for k, v in {"draws": draws, "warmup": warmup}.items() if v is not None}
    simulate_ref, fit_ref = entry.calibration
    simulate_options = simulator_options(simulate_ref, simulate_option or [])
    if collect_only:
        result = collect_finished(out)
    else:
        result = run_calibration(
            simulate_ref,
            fit_ref,
            simulations,
            out,
            base_seed=seed,
            simulate_options=simulate_options,
            fit_options=fit_options,
            executor=executor,
            workers=workers,
            address=address,
            description=f"calibrating {model}",
        )
    files = calibration_summary.SummaryFiles(**CLI_FILES)
    settings = {} if collect_only else {"base seed": seed} | fit_options | simulate_options
    calibration_summary.write_summary(
        result, out, title=f"Simulation-based calibration: {model}", settings=settings,
        level=level, files=files,
    )  # fmt: skip
    table = calibration_summary.parameter_table(result, level)
    shown = table.drop(columns=["elements", "range_low", "range_high"])
    console.print(frame_table(shown, f"{model}: coverage of the {level:.0%} intervals"))
    summary = result.summary
    for failure in summary.failures:
        console.print(f"[red]failed[/] {failure.key} (seed {failure.seed}): {failure.error}")
    console.print(f"results in {out} ({', '.join(CLI_FILES.values())})")
    if summary.failures:
        raise typer.Exit(code=1)
