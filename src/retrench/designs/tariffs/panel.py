"""Analysis panels of the tariff design, built from the data layer's tables with a record of
every row left out and why (nothing is dropped silently).

* :func:`prepare_country_panel`: WDI-schema country-year tariffs → ``country_code, year, group,
  tariff`` (fraction, not percent) for the years of the spec, leaving out aggregates, values the
  data layer flags as suspect (Nepal 2008 421.5 %, U.S. 2019 13.8 %, ...) and missing values.
* :func:`summarise_tradewar`: U.S. tariffs on China by HS6 → mean change by HS section between the
  pre-war baseline (2018-01-01) and the spec's date (default 2020-02-14, after Phase One).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrench.errors import DataError

MIN_CHANGE_SE = 0.001  # 0.1 percentage point
# HS sections (World Customs Organization): first chapter of each section I..XXI.
_SECTION_STARTS = (1, 6, 15, 16, 25, 28, 39, 41, 44, 47, 50, 64, 68, 71, 72, 84, 86, 90, 93, 94, 97)
_SECTION_NAMES = (
    "I animals",
    "II vegetables",
    "III fats",
    "IV food",
    "V minerals",
    "VI chemicals",
    "VII plastics",
    "VIII leather",
    "IX wood",
    "X paper",
    "XI textiles",
    "XII footwear",
    "XIII stone/glass",
    "XIV precious",
    "XV base metals",
    "XVI machinery",
    "XVII vehicles",
    "XVIII instruments",
    "XIX arms",
    "XX miscellaneous",
    "XXI art",
)


def hs_section(hs6: pd.Series) -> pd.Series:
    """HS section name of each 6-digit code (chapters 98-99 have no section: DataError)."""
    chapter = pd.to_numeric(hs6.astype(str).str[:2], errors="coerce")
    if chapter.isna().any() or (chapter < 1).any() or (chapter > 97).any():
        bad = hs6[chapter.isna() | (chapter < 1) | (chapter > 97)].iloc[0]
        raise DataError(f"tradewar: hs6 code {bad!r} has no HS section (chapters 01-97)")
    idx = np.searchsorted(np.array(_SECTION_STARTS), chapter.to_numpy(int), side="right") - 1
    return pd.Series(np.array(_SECTION_NAMES)[idx], index=hs6.index)


def _exclude(frame: pd.DataFrame, mask: pd.Series, reason: str, log: list) -> pd.DataFrame:
    if mask.any():
        dropped = frame.loc[mask].copy()
        dropped["reason"] = reason
        log.append(dropped)
    return frame.loc[~mask]


def prepare_country_panel(
    data: pd.DataFrame, columns: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country-year analysis panel and the table of excluded rows.

    Args:
        data: a frame in the ``tariff_country_panel`` schema (or any frame with the mapped
            columns).
        columns: the spec's ``[data]`` table (column names and ``years``, ``exclude_suspect``).

    Returns:
        ``(panel, excluded)``: panel with ``country_code, year, group, tariff`` (fraction),
        sorted by country and year; excluded rows with a ``reason`` column.

    Raises:
        DataError: negative or non-finite tariffs, a country without a group, or an empty panel.
    """
    c = columns
    frame = pd.DataFrame(
        {
            "country_code": data[c["country"]].astype(str),
            "year": pd.to_numeric(data[c["year"]], errors="coerce"),
            "group": data[c["group"]],
            "tariff_pct": pd.to_numeric(data[c["tariff"]], errors="coerce"),
            "suspect": data[c["suspect"]].astype(bool) if c["suspect"] in data else False,
            "aggregate": data[c["aggregate"]].astype(bool) if c["aggregate"] in data else False,
        },
        index=data.index,
    )
    log: list[pd.DataFrame] = []
    first, last = c["years"]
    frame = frame.loc[frame["year"].between(first, last)]
    frame = _exclude(frame, frame["aggregate"], "aggregate (not an economy)", log)
    frame = _exclude(frame, frame["tariff_pct"].isna(), "tariff missing", log)
    if c["exclude_suspect"]:
        frame = _exclude(frame, frame["suspect"], "flagged suspect by the data layer", log)
    bad = frame.loc[~np.isfinite(frame["tariff_pct"]) | (frame["tariff_pct"] < 0)]
    if len(bad):
        row = bad.iloc[0]
        raise DataError(
            f"column {c['tariff']!r}: tariffs must be finite and >= 0 (got {row['tariff_pct']} "
            f"for {row['country_code']} {int(row['year'])}, {len(bad)} row(s))"
        )
    no_group = frame.loc[frame["group"].isna() | (frame["group"].astype(str) == "")]
    if len(no_group):
        raise DataError(
            f"column {c['group']!r}: missing group for "
            + ", ".join(no_group["country_code"].unique())
        )
    if frame.empty:
        raise DataError(f"no usable tariff observations in years {first}-{last}")
    panel = pd.DataFrame(
        {
            "country_code": frame["country_code"].to_numpy(str),
            "year": frame["year"].to_numpy(np.int64),
            "group": frame["group"].astype(str).to_numpy(),
            "tariff": frame["tariff_pct"].to_numpy(float) / 100.0,
        }
    )
    panel = panel.sort_values(["country_code", "year"]).reset_index(drop=True)
    excluded = pd.concat(log) if log else pd.DataFrame(columns=[*frame.columns, "reason"])
    return panel, excluded.reset_index(drop=True)


def summarise_tradewar(
    tradewar: pd.DataFrame, date: str, direction: str = "us_on_china"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean U.S. tariff on China by HS section, pre-war baseline and at ``date`` (fractions).

    Products flagged ``suspect`` (placeholder quota codes above 100 %) or with a missing tariff
    are left out and returned in the second frame with the reason.

    Returns:
        ``(sections, excluded)``; ``sections`` has ``section, n_products, baseline, tariff,
        change, change_se`` with ``change = tariff - baseline`` and ``change_se`` the standard
        error of that mean over the section's lines (at least 0.1 pp).
    """
    needed = {"direction", "hs6", "date", "tariff_pct", "baseline_tariff_pct", "suspect"}
    missing = needed - set(tradewar.columns)
    if missing:
        raise DataError(f"tradewar panel lacks column(s) {', '.join(sorted(missing))}")
    when = pd.Timestamp(date)
    rows = tradewar.loc[(tradewar["direction"] == direction) & (tradewar["date"] == when)]
    if rows.empty:
        raise DataError(f"tradewar panel has no {direction} rows on {when.date()}")
    log: list[pd.DataFrame] = []
    rows = _exclude(rows, rows["suspect"].astype(bool), "suspect (> 100 %)", log)
    rows = _exclude(
        rows, rows["tariff_pct"].isna() | rows["baseline_tariff_pct"].isna(), "missing", log
    )
    rows = rows.assign(
        section=hs_section(rows["hs6"]),
        change=(rows["tariff_pct"] - rows["baseline_tariff_pct"]) / 100.0,
    )
    sections = (
        rows.groupby("section", sort=True)
        .agg(
            n_products=("hs6", "size"),
            baseline=("baseline_tariff_pct", "mean"),
            tariff=("tariff_pct", "mean"),
            change_sd=("change", "std"),
        )
        .reset_index()
    )
    sections["baseline"] /= 100.0
    sections["tariff"] /= 100.0
    sections["change"] = sections["tariff"] - sections["baseline"]
    # standard error of the section mean over its lines, floored at 0.1 pp (single-line or
    # uniform sections would otherwise claim an exact observation)
    spread = sections["change_sd"].fillna(0.0) / np.sqrt(sections["n_products"])
    sections["change_se"] = np.maximum(spread, MIN_CHANGE_SE)
    sections = sections.drop(columns="change_sd")
    excluded = pd.concat(log) if log else pd.DataFrame(columns=[*rows.columns, "reason"])
    return sections, excluded.reset_index(drop=True)
