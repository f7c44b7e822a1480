"""The conjoint design's registry hooks (``retrench fit | report conjoint``), not yet registered.

The registry entry that wires them (``retrench.workflow.registry``)::

    register(ModelEntry(
        name="conjoint",
        class_path="retrench.designs.conjoint.model:ConjointModel",
        make_source=conjoint_source,            # this module
        load_data=load_conjoint_data,           # this module
        report="retrench.designs.conjoint.hooks:write_report",
        after_fit="retrench.designs.conjoint.hooks:after_fit",
        description="trade-shock conjoint (Yean, seed 000): OLS AMCEs beside a hierarchical logit",
    ))

``after_fit`` runs the OLS estimator on the fitted panel and the posterior quantities on the
fit's draws, and writes ``amce.csv``, ``marginal_means.csv`` and ``hypotheses.csv``;
``write_report`` draws the dot-and-whisker plots and ``report.md`` from those tables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.designs.conjoint import ols
from retrench.designs.conjoint import posterior as post
from retrench.designs.conjoint.plots import plot_estimates
from retrench.designs.conjoint.results import CSV_COLUMNS, write_tables
from retrench.designs.conjoint.survey import read_survey
from retrench.errors import DataError, SpecError

EMBEDDED_SURVEY = Path(__file__).resolve().parents[4] / "data" / "conjoint_synthetic.csv"


def conjoint_source(
    data: str | os.PathLike[str] | None = None, synthetic: bool = False
) -> dict[str, Any]:
    """Source record: a survey CSV (``--data``) or the embedded simulated survey
    (``--synthetic``); no public trade-policy conjoint ships, so one of them is required."""
    if synthetic and data is not None:
        raise SpecError("--synthetic and --data exclude each other: choose one data source")
    if not synthetic and data is None:
        raise SpecError(
            "conjoint: give --data SURVEY.csv (your survey) or --synthetic (the embedded "
            "simulated survey); no public trade-policy conjoint data set ships"
        )
    path = Path(EMBEDDED_SURVEY if synthetic else data)
    if not path.is_file() or path.suffix.lower() != ".csv":
        raise DataError(f"--data {path}: expected a conjoint survey .csv file")
    return {"kind": "synthetic" if synthetic else "csv", "path": str(path.resolve())}


def load_conjoint_data(source: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of :class:`~.model.ConjointModel` for ``source`` (validated)."""
    return {"data": read_survey(source["path"])}


def tables_from_fit(model: Any) -> dict[str, pd.DataFrame]:
    """OLS on the model's panel beside the posterior quantities of its fitted draws."""
    samples = model.posterior_samples()
    levels = post.level_draws(model, samples)
    return {
        "amce": pd.concat([ols.amce_ols(model.panel), post.amce_bayes(model, samples)]),
        "marginal_means": pd.concat(
            [ols.marginal_means_ols(model.panel), post.marginal_means_bayes(model, samples)]
        ),
        "hypotheses": post.hypothesis_probabilities(post.amce_draws(levels))
        .rename_axis("hypothesis")
        .reset_index(),
    }


def after_fit(model: Any, out: Path) -> list[str]:
    """Write ``amce.csv``, ``marginal_means.csv``, ``hypotheses.csv``; return summary lines."""
    tables = tables_from_fit(model)
    write_tables(tables, out)
    return [
        f"P({row.hypothesis}) = {row.posterior_probability:.3f}"
        for row in tables["hypotheses"].itertuples()
    ] + [f"wrote amce.csv, marginal_means.csv, hypotheses.csv to {out}"]


def write_report(model: Any, out: Path) -> Path:
    """Dot-and-whisker plots of ``amce.csv`` and ``marginal_means.csv`` and ``report.md``
    (recomputes the tables from the fit when the CSVs are absent)."""
    out = Path(out)
    if not (out / "amce.csv").is_file():
        after_fit(model, out)
    return write_report_from_tables(out)


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub markdown table (numbers to 3 decimals)."""

    def cell(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def write_report_from_tables(out: str | os.PathLike[str]) -> Path:
    """The report of a folder holding ``amce.csv`` and ``marginal_means.csv``."""
    out = Path(out)
    amce = pd.read_csv(out / "amce.csv")
    mm = pd.read_csv(out / "marginal_means.csv")
    for name, table in (("amce.csv", amce), ("marginal_means.csv", mm)):
        if list(table.columns) != CSV_COLUMNS:
            raise DataError(f"{out / name}: expected columns {CSV_COLUMNS}")
    plot_estimates(amce, out / "amce.png", title="AMCEs (90 % intervals)")
    plot_estimates(
        mm,
        out / "marginal_means.png",
        title="Marginal means (90 % intervals)",
        reference=0.5,
        xlabel="P(profile chosen)",
    )
    lines = ["# Conjoint (Yean, After Equilibrium, Table 2)", "", "![AMCE](amce.png)", ""]
    lines += ["![Marginal means](marginal_means.png)", "", "## AMCEs", ""]
    lines.append(markdown_table(amce))
    hyp = out / "hypotheses.csv"
    if hyp.is_file():
        lines += ["", "## Posterior probabilities of the memo's hypotheses", ""]
        lines.append(markdown_table(pd.read_csv(hyp)))
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
