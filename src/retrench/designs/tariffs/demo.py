"""The tariff part of ``retrench demo``: fit the embedded synthetic panel, show recovery and
counterfactuals.

:func:`run_tariff_demo` regenerates the truth behind ``data/tariffs_synthetic.csv`` from the
simulator settings (:data:`~retrench.data.simulate_tariffs.SYNTHETIC_DEMO_SETTINGS`), checks that
the file holds exactly that panel, fits it (2 chains × 400 draws), prints recovered against true
values and the counterfactuals; the workflow then writes the results folder with a report.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from retrench.bayes import inference_data as idio
from retrench.errors import DataError

DEMO_DRAWS, DEMO_WARMUP, DEMO_CHAINS, DEMO_SEED = 400, 400, 2, 7


def synthetic_panel_and_truth(path: str | os.PathLike[str] | None = None):
    """The embedded synthetic panel (read from the CSV) and its regenerated truth."""
    from retrench.data.simulate_tariffs import SYNTHETIC_DEMO_SETTINGS, simulate_tariff_panel
    from retrench.data.sources import read_panel_csv
    from retrench.designs.tariffs.source import SYNTHETIC_FILE
    from retrench.resources import embedded_file

    path = Path(path) if path is not None else embedded_file(SYNTHETIC_FILE)
    panel = read_panel_csv(path)
    regenerated, truth = simulate_tariff_panel(**SYNTHETIC_DEMO_SETTINGS)
    same_rows = len(panel) == len(regenerated) and (
        panel["country_code"].tolist() == regenerated["country_code"].tolist()
    )
    if not same_rows or not np.allclose(
        panel["tariff_applied_pct"], regenerated["tariff_applied_pct"], rtol=1e-8, atol=1e-10
    ):
        raise DataError(
            f"{path} does not match the simulator settings {SYNTHETIC_DEMO_SETTINGS}; "
            "regenerate it with `python data/make_synthetic.py`"
        )
    return panel, truth


def recovery_table(idata, truth, countries: np.ndarray) -> pd.DataFrame:
    """True vs posterior mean and 90 % interval of t_c, γ_E and γ_M for every country."""
    order = {c: i for i, c in enumerate(truth.country_code)}
    idx = np.array([order[c] for c in countries])
    draws = idio.posterior_draws(idata, ["tariff_rules", "gamma_E", "gamma_M"])
    rows = []
    for name, true in (
        ("tariff_rules", truth.tariff_rules),
        ("gamma_E", truth.gamma_E),
        ("gamma_M", truth.gamma_M),
    ):
        lo, hi = np.quantile(draws[name], [0.05, 0.95], axis=0)
        for j, c in enumerate(countries):
            t = float(true[idx[j]])
            rows.append(
                {
                    "parameter": f"{name}[{c}]",
                    "true": t,
                    "mean": float(draws[name][:, j].mean()),
                    "q5": lo[j],
                    "q95": hi[j],
                    "covered": bool(lo[j] <= t <= hi[j]),
                }
            )
    return pd.DataFrame(rows).set_index("parameter")


def run_tariff_demo(console: Console | None = None) -> dict:
    """Fit the embedded synthetic tariff panel and print recovery and counterfactuals.

    Returns a dict with the recovery table, the coverage by parameter, the verdict and timing,
    and the fitted ``model`` with its data ``source`` record (which
    :func:`retrench.workflow.demo.run_design_demo` writes into a results folder with the report).
    """
    from retrench.bayes.diagnostics import diagnose
    from retrench.bayes.render import frame_table
    from retrench.designs.tariffs.model import TariffModel
    from retrench.designs.tariffs.policies import scenario_tables
    from retrench.designs.tariffs.source import tariff_source
    from retrench.designs.tariffs.spec import SMALL_PANEL_OVERRIDES

    console = console or Console()
    start = time.perf_counter()
    panel, truth = synthetic_panel_and_truth()
    model = TariffModel(panel, SMALL_PANEL_OVERRIDES)  # ~3 countries per region
    console.print(
        f"[bold]Tariff model[/] (DeRemer 2023) on the embedded synthetic panel: "
        f"{len(model.countries)} countries x {panel['year'].nunique()} years; fitting "
        f"{DEMO_CHAINS} chains x {DEMO_DRAWS} draws..."
    )
    idata = model.fit(draws=DEMO_DRAWS, chains=DEMO_CHAINS, seed=DEMO_SEED, warmup=DEMO_WARMUP)
    fit_s = time.perf_counter() - start
    diag = diagnose(
        idata, model.summary_sites, max_tree_depth=model.spec["sampler"]["max_tree_depth"]
    )
    table = recovery_table(idata, truth, model.countries)
    coverage = table.groupby(table.index.str.split("[").str[0])["covered"].mean()
    console.print(frame_table(table.head(12), "recovered vs true (first 12 rows)"))
    console.print(
        "90 % interval coverage: "
        + ", ".join(f"{k} {v:.2f}" for k, v in coverage.items())
        + f"  (verdict: {diag.verdict}; fit {fit_s:.0f} s)"
    )
    console.print(
        "t_c is identified by the data; gamma_E is carried by its prior (one tariff per country "
        "cannot separate gamma_E from gamma_M), so its coverage reflects the prior, not the data."
    )
    tables = scenario_tables(model)
    summary = pd.DataFrame(
        {name: t["mean"].describe()[["mean", "min", "max"]] for name, t in tables.items()}
    ).T.rename_axis("counterfactual (across countries)")
    console.print(frame_table(summary, "counterfactuals over the posterior (posterior means)"))
    return {
        "model": model,
        "source": tariff_source(synthetic=True),
        "recovery": table,
        "coverage": coverage.to_dict(),
        "verdict": diag.verdict,
        "seconds": time.perf_counter() - start,
    }
