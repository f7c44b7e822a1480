"""Command entry points of the conjoint design (a Typer sub-app, not yet registered).

Wiring (for the coordinator)::

    retrench design conjoint --respondents N --tasks K --seed S --out FILE.csv [--restrict A=L,B=M]
        -> design_command(...) -> design.generate_design + CSV
    retrench fit conjoint --data FILE.csv | --synthetic --out DIR
        -> the generic fit with hooks.conjoint_source / hooks.load_conjoint_data / hooks.after_fit,
           or fit_command(...) here (both estimators, no fit.nc) until then
    retrench report DIR  -> hooks.write_report (plots from amce.csv / marginal_means.csv)
    retrench conjoint power --respondents 200,400,800 --effect-scale 0.5,1

``app`` holds ``design``, ``fit``, ``report`` and ``power`` so that
``app.add_typer(conjoint_app, name="conjoint")`` exposes them as ``retrench conjoint ...``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retrench.errors import SpecError

app = typer.Typer(
    name="conjoint", help="Trade-shock conjoint (Yean, seed 000).", no_args_is_help=True
)


def parse_restrictions(items: list[str] | None) -> list[dict[str, str]]:
    """``["ally=Ally,regime=Autocracy"]`` -> ``[{"ally": "Ally", "regime": "Autocracy"}]``."""
    out = []
    for item in items or []:
        rule = {}
        for part in item.split(","):
            attribute, sep, level = part.partition("=")
            if not sep:
                raise SpecError(f"--restrict {item!r}: expected ATTRIBUTE=LEVEL[,ATTRIBUTE=LEVEL]")
            rule[attribute.strip()] = level.strip()
        out.append(rule)
    return out


@app.command("design")
def design_command(
    respondents: Annotated[int, typer.Option("--respondents", min=1)],
    tasks: Annotated[int, typer.Option("--tasks", min=1)],
    seed: Annotated[int, typer.Option("--seed", min=0)],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    restrict: Annotated[
        list[str] | None, typer.Option("--restrict", help="forbidden combination A=L,B=M")
    ] = None,
) -> None:
    """Write a randomised paired-profile design (Table 2 attributes) as a long CSV."""
    from retrench.designs.conjoint.design import generate_design

    frame = generate_design(respondents, tasks, seed, restrictions=parse_restrictions(restrict))
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    typer.echo(f"wrote {len(frame)} profiles ({respondents} respondents x {tasks} tasks) to {out}")


@app.command("fit")
def fit_command(
    out: Annotated[Path, typer.Option("--out", help="results folder")],
    data: Annotated[Path | None, typer.Option("--data", help="survey CSV")] = None,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="embedded simulated survey")
    ] = False,
    draws: Annotated[int | None, typer.Option("--draws", min=1)] = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1)] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
) -> None:
    """Both estimators on one survey: amce.csv, marginal_means.csv, hypotheses.csv in OUT."""
    from retrench.designs.conjoint.hooks import conjoint_source, load_conjoint_data
    from retrench.designs.conjoint.results import estimate_both, write_tables

    survey = load_conjoint_data(conjoint_source(data, synthetic))["data"]
    tables = estimate_both(survey, draws=draws, chains=chains, seed=seed)
    for path in write_tables(tables, out):
        typer.echo(f"wrote {path}")


@app.command("report")
def report_command(out: Annotated[Path, typer.Argument(help="results folder")]) -> None:
    """Dot-and-whisker plots and report.md from amce.csv and marginal_means.csv."""
    from retrench.designs.conjoint.hooks import write_report_from_tables

    typer.echo(f"wrote {write_report_from_tables(out)}")


@app.command("power")
def power_command(
    respondents: Annotated[str, typer.Option("--respondents", help="e.g. 200,400,800")],
    effect_scale: Annotated[str, typer.Option("--effect-scale", help="e.g. 0.5,1")] = "1",
    tasks: Annotated[int, typer.Option("--tasks", min=1)] = 5,
    simulations: Annotated[int, typer.Option("--simulations", min=1)] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0)] = 0,
) -> None:
    """Power to detect the memo's ordering of shock types, by simulation (OLS)."""
    from retrench.designs.conjoint.power import power_curve, respondents_for_power

    curve = power_curve(
        [int(v) for v in respondents.split(",")],
        [float(v) for v in effect_scale.split(",")],
        tasks=tasks,
        simulations=simulations,
        seed=seed,
    )
    typer.echo(curve.to_string(index=False))
    typer.echo("respondents for 80 % power:\n" + respondents_for_power(curve).to_string())
