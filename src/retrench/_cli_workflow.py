"""CLI commands of the estimation workflow: ``fit``, ``check``, ``simulate``, ``report``.

The commands live on the Typer app :data:`app` of this module; ``retrench.cli`` registers them
(:func:`register`). Each is a thin wrapper over :mod:`retrench.workflow`; any error a user can
cause (bad spec, missing data, a results folder of another model) ends the command with one
clear line on stderr and exit code 2, never a traceback. ``check`` exits 1 when the verdict is
"fail".
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from retrench.errors import RetrenchError

app = typer.Typer(help="Fit, check and use the structural models.", no_args_is_help=True)
console = Console()
RESULTS_HELP = "results folder of `retrench fit`"


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a RetrenchError (or a missing file) into one red line and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (RetrenchError, FileNotFoundError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            typer.secho(f"error: {type(exc).__name__}: {message}", fg="red", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


@app.command("fit")
@user_errors
def fit(
    model: Annotated[str, typer.Argument(help="model to fit: tariffs")],
    out: Annotated[Path, typer.Option("--out", help="results folder to write")],
    data: Annotated[
        Path | None,
        typer.Option("--data", help="data root (holding wdi_tariff_rates/ ...) or a panel CSV"),
    ] = None,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="TOML spec (default models/<model>.toml)")
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=1, help="draws per chain")] = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1, help="chains")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="random seed")] = None,
    warmup: Annotated[int | None, typer.Option("--warmup", min=1, help="warm-up")] = None,
) -> None:
    """Fit a model with NUTS and write fit.nc, spec.toml and diagnostics.csv to OUT."""
    from retrench.workflow.diagnostics import diagnose
    from retrench.workflow.jax_cache import enable_compilation_cache
    from retrench.workflow.results import (
        DIAGNOSTICS_FILE,
        build_model,
        save_results,
        tariff_data_source,
    )

    enable_compilation_cache()
    start = time.perf_counter()
    with console.status("[bold]loading data and validating the spec...") as status:
        source = tariff_data_source(data)
        fitted = build_model(model, source, spec)
        n_draws = draws or fitted.spec["sampler"]["draws"]
        n_chains = chains or fitted.spec["sampler"]["chains"]
        status.update(
            f"[bold]compiling and sampling {n_chains} chain(s) x {n_draws} draws "
            f"({len(fitted.panel)} observations, {len(fitted.countries)} countries)..."
        )
        idata = fitted.fit(draws=draws, chains=chains, seed=seed, warmup=warmup)
        status.update("[bold]saving...")
        save_results(fitted, out, source)
        diag = diagnose(
            idata, fitted.summary_sites, max_tree_depth=fitted.spec["sampler"]["max_tree_depth"]
        )
        diag.table.to_csv(Path(out) / DIAGNOSTICS_FILE)
    n_excluded = len(getattr(fitted, "excluded", []))
    console.print(
        f"fitted [bold]{model}[/] in {time.perf_counter() - start:.0f} s: "
        f"{len(fitted.panel)} observations used, {n_excluded} left out (see the report); "
        f"verdict [bold]{diag.verdict}[/]; results in {out}"
    )


@app.command("check")
@user_errors
def check(out: Annotated[Path, typer.Argument(help=RESULTS_HELP)]) -> None:
    """Print the diagnostics table and verdict; exit 0 on pass or warn, 1 on fail."""
    from retrench.workflow.diagnostics import FAIL, diagnose
    from retrench.workflow.render import diagnostics_table
    from retrench.workflow.results import model_class, read_attrs

    idata, attrs = read_attrs(out)
    import json

    cls = model_class(attrs["retrench_model"])
    spec = json.loads(attrs["retrench_spec"])
    sites = [s for s in cls.summary_sites if s in idata.posterior]
    sites += [s for s in getattr(cls, "tradewar_summary_sites", ()) if s in idata.posterior]
    diag = diagnose(idata, sites, max_tree_depth=spec["sampler"]["max_tree_depth"])
    console.print(diagnostics_table(diag))
    colour = {"pass": "green", "warn": "yellow", "fail": "red"}[diag.verdict]
    console.print(f"verdict: [bold {colour}]{diag.verdict}[/]")
    for reason in diag.reasons:
        console.print(f"  - {reason}")
    if diag.verdict == FAIL:
        raise typer.Exit(code=1)


@app.command("simulate")
@user_errors
def simulate(
    out: Annotated[Path, typer.Argument(help=RESULTS_HELP)],
    policy: Annotated[str, typer.Option("--policy", help="public | power | free-trade")] = "public",
) -> None:
    """Run a counterfactual policy over the posterior and print its summary."""
    from retrench.bayes import tariff_counterfactuals as cf
    from retrench.errors import SpecError
    from retrench.workflow.render import frame_table
    from retrench.workflow.results import load_results

    scenarios = {
        "public": ("public-preferred tariffs and welfare gap", cf.public_preferred),
        "power": ("rules-to-power shift of the U.S. tariff", cf.rules_to_power),
        "free-trade": ("PCBR of cutting each tariff to zero", cf.free_trade_pcbr),
    }
    if policy not in scenarios:
        raise SpecError(f"--policy: unknown policy {policy!r} (known: {', '.join(scenarios)})")
    with console.status("[bold]reloading data and the fit..."):
        model = load_results(out)
    title, scenario = scenarios[policy]
    ds = scenario(model)
    columns = {
        "public": [
            ("tariff_rules_factual", "country"),
            ("tariff_rules", "country"),
            ("welfare_gap", "country"),
        ],
        "power": [("power_tariff_rise", "section"), ("power_public_welfare_gain", "section")],
        "free-trade": [("pcbr_government", "country"), ("pcbr_public", "country")],
    }[policy]
    for name, dim in columns:
        table = cf.interval_table(ds[name], dim)
        console.print(frame_table(table, f"{title}: {name}"))


@app.command("report")
@user_errors
def report(out: Annotated[Path, typer.Argument(help=RESULTS_HELP)]) -> None:
    """Write plots and report.md (diagnostics, checks, LOO, counterfactuals) into OUT."""
    from retrench.workflow.report import write_report
    from retrench.workflow.results import load_results

    with console.status("[bold]reloading the fit and writing plots..."):
        model = load_results(out)
        path = write_report(model, out)
    console.print(f"report written to {path}")


def register(target: typer.Typer) -> None:
    """Register this module's commands on ``target`` (the ``retrench`` app)."""
    for command in app.registered_commands:
        target.registered_commands.append(command)
