"""Data-quality reports: coverage, missingness by column, and robust outlier flags per dataset.

``quality_report(name, path=None)`` loads the dataset (so schema failures surface as DataError
first) and returns a :class:`QualityReport`.  The outlier rules (see :mod:`.outliers`):

* ``wdi_tariff_rates``: isolated spikes of each economy's tariff series (pooled robust z > 10 of
  the log residual from the closer of the medians of the 2 years before and the 2 years after)
  and tariffs above 100 %; this flags the
  known WDI errors (Nepal 2008 421.5 %, U.S. 2019 13.8 %, Palau and Bermuda 2019 > 100 %).
* ``us_china_tradewar_tariffs``: HS6 tariffs above 100 % (quota placeholders in the source).
* ``wiod2013_gvc_indicators``: isolated spikes (threshold 10) in each country's GVC and
  input-output ratios, and accounting checks (DVA + FVA) / exports off 1 by more than 1e-3.
* ``adhm_house_2002_2016``: vote-share changes with |change| >= 50 points (uncontested races) and
  commuting zones with robust z > 6 in China-shock exposure.
* ``adh2013_china_shock_cz``: robust z > 6 within period in import exposure and instrument.
* ``us_trade_rollcalls``: roll calls whose member total differs from the chamber size, and member
  rows without a Voteview match.
* ``populism_europe``: PopuList classifications that end before they start.
* ``wto_membership``: membership dates confirmed by a single source, original members dated
  after 1997, observers without an application year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from retrench.data.loaders import PathLike, frames_of, load
from retrench.data.locate import dataset_info
from retrench.data.quality_rules import RULES, missingness

OUTLIER_COLUMNS = ("table", "unit", "time", "column", "value", "reason")


@dataclass
class QualityReport:
    """Coverage, missingness and flagged outliers of one dataset.

    ``coverage``: one row per table (rows, units, first/last period); ``missingness``: one row per
    column with any missing cell (count and share); ``outliers``: one row per flagged value with
    columns :data:`OUTLIER_COLUMNS`; ``rules``: the outlier rules applied, in words.
    """

    name: str
    title: str
    coverage: pd.DataFrame
    missingness: pd.DataFrame
    outliers: pd.DataFrame
    rules: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """All three sections as one tidy frame: section, table, item, value, detail."""
        rows: list[dict[str, Any]] = []
        for rec in self.coverage.to_dict("records"):
            for key in ("rows", "units", "first", "last"):
                rows.append(
                    {
                        "section": "coverage",
                        "table": rec["table"],
                        "item": key,
                        "value": rec[key],
                        "detail": rec["unit_kind"],
                    }
                )
        for rec in self.missingness.to_dict("records"):
            rows.append(
                {
                    "section": "missingness",
                    "table": rec["table"],
                    "item": rec["column"],
                    "value": rec["missing"],
                    "detail": f"{rec['share']:.1%}",
                }
            )
        for rec in self.outliers.to_dict("records"):
            rows.append(
                {
                    "section": "outlier",
                    "table": rec["table"],
                    "item": f"{rec['unit']} {rec['time']} {rec['column']}",
                    "value": rec["value"],
                    "detail": rec["reason"],
                }
            )
        return pd.DataFrame(rows, columns=["section", "table", "item", "value", "detail"])

    def rich_tables(self, max_outliers: int = 40) -> list[Any]:
        """Rich renderables (a title line and three tables) for a console."""
        from rich.table import Table

        coverage = Table(title=f"{self.name}: coverage")
        for col in ("table", "rows", "units", "unit_kind", "first", "last"):
            coverage.add_column(col)
        for rec in self.coverage.to_dict("records"):
            coverage.add_row(
                *(str(rec[c]) for c in ("table", "rows", "units", "unit_kind", "first", "last"))
            )
        missing = Table(title="missingness (columns with any missing cell)")
        for col in ("table", "column", "missing", "share"):
            missing.add_column(col)
        for rec in self.missingness.to_dict("records"):
            missing.add_row(rec["table"], rec["column"], str(rec["missing"]), f"{rec['share']:.1%}")
        outliers = Table(title=f"flagged values: {len(self.outliers)} (first {max_outliers} shown)")
        for col in OUTLIER_COLUMNS:
            outliers.add_column(col)
        for rec in self.outliers.head(max_outliers).to_dict("records"):
            outliers.add_row(*(_fmt(rec[c]) for c in OUTLIER_COLUMNS))
        return [
            f"[bold]{self.title}[/bold]",
            coverage,
            missing,
            outliers,
            *(f"rule: {r}" for r in self.rules),
        ]

    def render(self, width: int = 140, max_outliers: int = 40) -> str:
        """Plain-text rendering (through rich) of the whole report."""
        from rich.console import Console

        console = Console(width=width, record=True, file=_NullFile(), color_system=None)
        for item in self.rich_tables(max_outliers):
            console.print(item)
        return console.export_text()


class _NullFile:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def quality_report(name: str, path: PathLike = None) -> QualityReport:
    """Coverage, missingness and robust outlier flags of dataset ``name`` (see module doc)."""
    info = dataset_info(name)
    frames = frames_of(load(name, path))
    coverage, outliers, rules = RULES[name](frames)
    return QualityReport(
        name=name,
        title=info.title,
        coverage=pd.DataFrame(coverage),
        missingness=missingness(frames),
        outliers=pd.DataFrame(outliers, columns=list(OUTLIER_COLUMNS)),
        rules=rules,
    )
