"""CLI of the electoral realignment design (Melnick 2025): ``fit``, ``simulate``, ``report``.

:data:`app` is a Typer app; ``retrench.cli`` registers it (e.g. ``fit_app.add_typer`` for
``retrench fit electoral``, or ``app.add_typer(electoral_app, name="electoral")``). The commands
are thin wrappers over :func:`fit_electoral`, :func:`simulate_policy` and :func:`write_report`:

* ``fit --out OUT [--synthetic | --data ROOT] [--spec S] [--draws N ...]`` writes ``fit.nc``
  (InferenceData with provenance), ``source.json`` (where the data came from),
  ``diagnostics.csv``, ``excluded.csv`` and ``districts_excluded.csv``;
* ``simulate OUT --policy hold-inequality|compensation [--amount K]`` runs a counterfactual over
  the posterior and writes ``counterfactual_<policy>.csv``;
* ``report OUT`` writes the plots (predictive checks, realignment map), contraction, realignment
  period and the counterfactual tables, and ``report.md``.

Any error a user can cause ends with one red line and exit code 2 (never a traceback).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from retrench._cli_workflow import user_errors

app = typer.Typer(help="Electoral realignment model (Melnick 2025).", no_args_is_help=True)
console = Console()
FIT_FILE, SOURCE_FILE = "fit.nc", "source.json"


def load_panels(source: dict[str, Any]):
    """(roll calls, districts) from a source record: ``{"synthetic": true}``, ``{"data": root}``
    (the real panels) or ``{"rollcalls_csv": path, "districts_csv": path}`` (panel CSVs)."""
    if source.get("rollcalls_csv"):
        import pandas as pd

        rollcalls = pd.read_csv(source["rollcalls_csv"], parse_dates=["date"])
        districts = None
        if source.get("districts_csv"):
            districts = pd.read_csv(source["districts_csv"], dtype={"district": str, "state": str})
        return rollcalls, districts
    if source.get("synthetic"):
        from retrench.bayes.electoral_data import synthetic_panels

        return synthetic_panels()
    from retrench.data import electoral_district_panel, electoral_rollcall_panel

    root = source.get("data")
    rc_path = None if root is None else Path(root) / "us_trade_rollcalls"
    d_path = None if root is None else Path(root) / "adhm_house_2002_2016"
    return electoral_rollcall_panel(rc_path), electoral_district_panel(d_path)


def load_fit(out: Path):
    """Reload the model and its fit from a results folder (data re-read and hash-checked)."""
    from retrench.bayes.electoral import ElectoralModel

    source = json.loads((Path(out) / SOURCE_FILE).read_text())
    rollcalls, districts = load_panels(source)
    return ElectoralModel.load(Path(out) / FIT_FILE, rollcalls, districts=districts)


def fit_electoral(
    out: Path,
    synthetic: bool = False,
    data: Path | None = None,
    spec: Path | None = None,
    draws: int | None = None,
    chains: int | None = None,
    warmup: int | None = None,
    seed: int | None = None,
    rollcalls_csv: Path | None = None,
    districts_csv: Path | None = None,
) -> dict[str, Any]:
    """Fit and write the results folder; return the numbers printed."""
    from retrench.bayes.electoral import ElectoralModel
    from retrench.workflow.diagnostics import diagnose

    source = {"synthetic": synthetic, "data": None if data is None else str(data)}
    if rollcalls_csv is not None:
        source = {"rollcalls_csv": str(Path(rollcalls_csv).resolve()),
                  "districts_csv": None if districts_csv is None
                  else str(Path(districts_csv).resolve())}  # fmt: skip
    rollcalls, districts = load_panels(source)
    model = ElectoralModel(rollcalls, spec, districts)
    start = time.perf_counter()
    idata = model.fit(draws=draws, chains=chains, seed=seed, warmup=warmup)
    seconds = time.perf_counter() - start
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / FIT_FILE)
    (out / SOURCE_FILE).write_text(json.dumps(source))
    sites = [s for s in model.summary_sites if s in idata.posterior]
    if idata.posterior.sizes["chain"] < 2:  # diagnose() fails on R-hat = NaN with one chain
        verdict, reasons = "not checked", ["one chain: R-hat needs >= 2 chains"]
    else:
        diag = diagnose(idata, sites, max_tree_depth=model.spec["sampler"]["max_tree_depth"])
        diag.table.to_csv(out / "diagnostics.csv")
        verdict, reasons = diag.verdict, diag.reasons
    model.excluded.to_csv(out / "excluded.csv", index=False)
    if model.district_excluded is not None:
        model.district_excluded.to_csv(out / "districts_excluded.csv", index=False)
    return {"seconds": seconds, "verdict": verdict, "reasons": reasons,
            "rows": len(model.panel), "excluded": len(model.excluded),
            "districts_excluded": 0 if model.district_excluded is None
            else len(model.district_excluded)}  # fmt: skip


@app.command("fit")
@user_errors
def fit(
    out: Annotated[Path, typer.Option("--out", help="results folder to write")],
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="embedded synthetic panels")
    ] = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="data root (default ../shared/data)")
    ] = None,
    spec: Annotated[Path | None, typer.Option("--spec", help="TOML spec")] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=1)] = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1)] = None,
    warmup: Annotated[int | None, typer.Option("--warmup", min=1)] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
    rollcalls: Annotated[
        Path | None, typer.Option("--rollcalls", help="roll-call panel CSV")
    ] = None,
    districts: Annotated[
        Path | None, typer.Option("--districts", help="district panel CSV")
    ] = None,
) -> None:
    """Fit the electoral model with NUTS and write fit.nc, diagnostics and exclusions to OUT."""
    with console.status("[bold]compiling and sampling..."):
        res = fit_electoral(
            out, synthetic, data, spec, draws, chains, warmup, seed, rollcalls, districts
        )
    console.print(
        f"fitted [bold]electoral[/] in {res['seconds']:.0f} s: {res['rows']} roll-call rows "
        f"({res['excluded']} left out), {res['districts_excluded']} uncontested districts "
        f"excluded; verdict [bold]{res['verdict']}[/]; results in {out}"
    )
    for reason in res["reasons"]:
        console.print(f"  - {reason}")


def simulate_policy(out: Path, policy: str, amount: float | None = None):
    """Run one counterfactual on the fit in ``out``; return (table, csv path)."""
    import numpy as np

    from retrench.bayes import electoral_counterfactuals as cf
    from retrench.errors import SpecError

    model = load_fit(out)
    if policy == "hold-inequality":
        _, table = cf.hold_inequality(model)
    elif policy == "compensation":
        if amount is None:
            _, table = cf.minimal_compensation(model)
        else:
            ds = model.counterfactual(
                compensation=np.full(len(model.congresses), amount),
                return_sites=["p_exit_H", "p_exit_L"],
            )
            flat = ds["p_exit_H"].values.reshape(-1, len(model.congresses))
            table = cf.interval_frame(flat, model.congresses)
            table["prob_H_exits"] = (flat > 0.5).mean(0)
    else:
        raise SpecError(
            f"--policy: unknown policy {policy!r} (known: hold-inequality, compensation)"
        )
    path = Path(out) / f"counterfactual_{policy}.csv"
    table.to_csv(path)
    return table, path


@app.command("simulate")
@user_errors
def simulate(
    out: Annotated[Path, typer.Argument(help="results folder of `fit`")],
    policy: Annotated[str, typer.Option("--policy", help="hold-inequality | compensation")],
    amount: Annotated[
        float | None,
        typer.Option(
            "--amount", help="raise in losers' share (default: the smallest keeping H in)"
        ),
    ] = None,
) -> None:
    """Run a counterfactual policy over the posterior and print its table."""
    with console.status("[bold]reloading data and the fit..."):
        table, path = simulate_policy(out, policy, amount)
    console.print(table.round(4).to_string())
    console.print(f"written to {path}")


def write_report(out: Path) -> Path:
    """Plots, tables and ``report.md`` for the fit in ``out``."""
    from retrench.bayes import electoral_checks as ck
    from retrench.bayes import electoral_counterfactuals as cf

    out = Path(out)
    model = load_fit(out)
    lines = ["# Electoral realignment fit", ""]
    ck.plot_party_yea_shares(model, out / "ppc_party_yea_shares.png")
    cf.plot_realignment_map(model, out / "realignment_map.png")
    contraction = ck.contraction(model.idata)
    contraction.to_csv(out / "contraction.csv")
    _, held = cf.hold_inequality(model)
    held.to_csv(out / "counterfactual_hold-inequality.csv")
    _, comp = cf.minimal_compensation(model)
    comp.to_csv(out / "counterfactual_compensation.csv")
    used = f"Roll-call rows used: {len(model.panel)}; left out: {len(model.excluded)}."
    lines += ["![party yea shares](ppc_party_yea_shares.png)",
              "![realignment map](realignment_map.png)", "", used, ""]  # fmt: skip
    if model.districts is not None:
        ck.plot_exposure_vote(model, out / "ppc_exposure_vote.png")
        period = ck.realignment_period(model.idata, model.congresses)
        period.to_csv(out / "realignment_period.csv")
        lines += ["![exposure-vote](ppc_exposure_vote.png)", "",
                  f"Uncontested districts excluded: {len(model.district_excluded)}.", "",
                  "## First realigned Congress (posterior)", "",
                  period.round(3).to_string(), ""]  # fmt: skip
    lines += ["## Contraction (1 - var_post/var_prior)", "", contraction.round(3).to_string(), "",
              "## Inequality held at the first Congress", "", held.round(3).to_string(), "",
              "## Smallest compensation keeping H in", "",
              comp.round(4).to_string(), ""]  # fmt: skip
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path


@app.command("report")
@user_errors
def report(out: Annotated[Path, typer.Argument(help="results folder of `fit`")]) -> None:
    """Write plots, tables and report.md into OUT."""
    with console.status("[bold]reloading the fit and writing plots..."):
        path = write_report(out)
    console.print(f"report written to {path}")
