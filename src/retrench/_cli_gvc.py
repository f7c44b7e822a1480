"""CLI for the GVC localization design: ``retrench fit gvc --thresholds 0|1|2``.

:data:`app` is a Typer app whose command ``gvc`` fits :class:`~retrench.bayes.gvc_model.
GVCThresholdModel` on the WIOD panel (or a CSV), runs Hansen's (1999) estimator and bootstrap on
the same design, and writes to ``--out``: ``fit.nc`` (InferenceData with provenance),
``phi_summary.csv`` (φ posterior beside Hansen's interval, regime slopes), ``membership.csv``
(P(ω_it > φ) per country-year) and ``hansen.csv``. ``retrench.cli`` registers it, e.g.
``fit_app.add_typer(gvc_cli.app)`` or by calling :func:`fit_gvc` from the generic ``fit``.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from retrench.errors import RetrenchError

app = typer.Typer(help="GVC localization model (Qu & Yang 2023).", no_args_is_help=True)
console = Console()


def _panel(data: Path | None):
    import pandas as pd

    if data is not None and data.suffix == ".csv":
        return pd.read_csv(data)
    from retrench.data.panels_gvc import gvc_panel

    path = None if data is None else data / "wiod2013_gvc_indicators"
    return gvc_panel(path)


def fit_gvc(
    out: Path,
    thresholds: int = 1,
    regressor: str = "mu",
    data: Path | None = None,
    spec: Path | None = None,
    draws: int | None = None,
    chains: int | None = None,
    warmup: int | None = None,
    seed: int | None = None,
    hansen_replications: int | None = None,
) -> dict:
    """Fit, compare with Hansen, write the results folder; return the printed numbers."""
    from retrench.bayes.gvc_model import GVCThresholdModel
    from retrench.bayes.spec import load_spec, read_spec_file
    from retrench.workflow.hansen_bootstrap import hansen_analysis

    base = read_spec_file(spec) if spec is not None else None
    spec_obj = load_spec(GVCThresholdModel.schema, base)
    spec_obj["thresholds"]["count"] = thresholds
    spec_obj["thresholds"]["regressor"] = regressor
    if hansen_replications is not None:
        spec_obj["thresholds"]["hansen_replications"] = hansen_replications
    model = GVCThresholdModel(_panel(data), spec_obj)
    start = time.perf_counter()
    model.fit(draws=draws, chains=chains, seed=seed, warmup=warmup)
    bayes_seconds = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "fit.nc")
    result = {"bayes_seconds": bayes_seconds, "n_obs": model.design.n_obs}
    reps = spec_obj["thresholds"]["hansen_replications"]
    if thresholds and reps:
        start = time.perf_counter()
        hansen = hansen_analysis(model.design, replications=reps, seed=model.seed or 0)
        result["hansen_seconds"] = time.perf_counter() - start
        fit = hansen.one if thresholds == 1 else hansen.two
        summary = model.phi_summary()
        for j, (lo, hi) in enumerate(fit.intervals):
            summary.loc[f"phi_{j + 1}", "hansen_estimate"] = fit.thresholds[j]
            summary.loc[f"phi_{j + 1}", "hansen_lower"] = lo
            summary.loc[f"phi_{j + 1}", "hansen_upper"] = hi
        for j, slope in enumerate(fit.slopes):
            summary.loc[f"slope_{regressor}_regime_{j}", "hansen_estimate"] = slope
        summary.to_csv(out / "phi_summary.csv")
        tests = {
            "F_0v1": hansen.test_0v1.statistic,
            "p_0v1": hansen.test_0v1.p_value,
            "F_1v2": hansen.test_1v2.statistic,
            "p_1v2": hansen.test_1v2.p_value,
        }
        import pandas as pd

        pd.Series(tests).to_csv(out / "hansen.csv", header=["value"])
        model.threshold_membership().to_dataframe().to_csv(out / "membership.csv")
        result.update(summary=summary, tests=tests)
    return result


@app.command("gvc")
def gvc(
    out: Path = typer.Option(..., "--out", help="results folder to write"),  # noqa: B008
    thresholds: int = typer.Option(1, "--thresholds", min=0, max=2, help="0, 1 or 2"),
    regressor: str = typer.Option("mu", "--regressor", help="mu (eq. 19) or upsilon (eq. 20)"),
    data: Path | None = typer.Option(None, "--data", help="data root folder or a panel CSV"),  # noqa: B008
    spec: Path | None = typer.Option(None, "--spec", help="TOML spec (default models/gvc.toml)"),  # noqa: B008
    draws: int | None = typer.Option(None, "--draws", min=1),
    chains: int | None = typer.Option(None, "--chains", min=1),
    warmup: int | None = typer.Option(None, "--warmup", min=1),
    seed: int | None = typer.Option(None, "--seed", min=0),
    hansen_replications: int | None = typer.Option(None, "--hansen-replications", min=0),
) -> None:
    """Fit the GVC threshold model (eq. 16/19/20) and print φ beside Hansen's interval."""
    try:
        result = fit_gvc(
            out, thresholds, regressor, data, spec, draws, chains, warmup, seed, hansen_replications
        )
    except (RetrenchError, FileNotFoundError) as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {type(exc).__name__}: {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"fit on {result['n_obs']} country-years in {result['bayes_seconds']:.1f} s")
    if "summary" in result:
        table = Table(title="threshold φ (ω scale) and slopes by regime")
        for col in ["parameter", *result["summary"].columns]:
            table.add_column(col)
        for name, row in result["summary"].iterrows():
            table.add_row(name, *[f"{v:.4f}" for v in row.to_numpy(dtype=float)])
        console.print(table)
        console.print(
            "Hansen bootstrap: " + ", ".join(f"{k}={v:.3f}" for k, v in result["tests"].items())
        )
    console.print(f"results written to {out}")
