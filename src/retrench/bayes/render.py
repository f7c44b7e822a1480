"""Rich and Markdown rendering of diagnostics and summary tables (no computation here)."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from retrench.bayes.diagnostics import Diagnostics


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.4g}"
    return str(value)


def frame_table(frame: pd.DataFrame, title: str, max_rows: int = 40) -> Table:
    """A Rich table of ``frame`` (index as the first column), at most ``max_rows`` rows."""
    table = Table(title=title, show_lines=False)
    table.add_column(str(frame.index.name or ""), style="bold")
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for index, row in frame.head(max_rows).iterrows():
        table.add_row(str(index), *(_fmt(v) for v in row.tolist()))
    if len(frame) > max_rows:
        table.caption = f"{len(frame) - max_rows} more rows not shown"
    return table


def diagnostics_table(diag: Diagnostics, max_rows: int = 25) -> Table:
    """Worst parameters first (by R-hat, then ESS), and the run counts as a caption."""
    worst = diag.table.sort_values(["r_hat", "ess_bulk"], ascending=[False, True])
    table = frame_table(worst, "convergence diagnostics (worst first)", max_rows)
    table.caption = ", ".join(f"{k}: {_fmt(v)}" for k, v in diag.counts.items())
    return table


def markdown_table(frame: pd.DataFrame, max_rows: int = 40) -> str:
    """A GitHub Markdown table of ``frame`` (index as the first column)."""
    shown = frame.head(max_rows)
    header = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in shown.iterrows():
        lines.append("| " + " | ".join([str(index), *(_fmt(v) for v in row.tolist())]) + " |")
    if len(frame) > max_rows:
        lines.append(f"\n({len(frame) - max_rows} more rows not shown)")
    return "\n".join(lines)
