"""Analysis panel of the tariff-accession design, with a record of every row left out and why.

:func:`prepare_accession_panel` turns a :func:`retrench.data.wto_status_panel` frame (or any
frame with the columns the spec maps) into ``country_code, year, tariff`` (fraction) and
``years_in_regime`` (years from GATT/WTO entry to 1 July of the year; NaN for an economy that
never joined) for the spec's years, leaving out missing tariffs and, when
``exclude_suspect``, the values the data layer flags as suspect (Nepal 2008 421.5 %, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrench.errors import DataError


def _exclude(frame: pd.DataFrame, mask: pd.Series, reason: str, log: list) -> pd.DataFrame:
    if mask.any():
        dropped = frame.loc[mask].copy()
        dropped["reason"] = reason
        log.append(dropped)
    return frame.loc[~mask]


def _numeric(data: pd.DataFrame, column: str) -> pd.Series:
    """``column`` as floats; a cell that is present but not a number is a DataError."""
    raw = data[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & values.isna()
    if bad.any():
        rows = [int(i) for i in np.flatnonzero(bad.to_numpy())]
        raise DataError(
            f"column {column!r}: expected numbers; row(s) {rows[:5]} hold "
            f"{[raw.iloc[r] for r in rows[:5]]} ({len(rows)} row(s) in all)"
        )
    return values.astype(float)


def prepare_accession_panel(
    data: pd.DataFrame, columns: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Economy-year panel and the table of excluded rows.

    Returns:
        ``(panel, excluded)``: panel with ``country_code, year, tariff`` (fraction) and
        ``years_in_regime``, sorted by economy and year; excluded rows with a ``reason``.

    Raises:
        DataError: non-numeric cells, negative or non-finite tariffs, infinite
            ``years_in_regime``, duplicated economy-years, or an empty panel.
    """
    c = columns
    frame = pd.DataFrame(
        {
            "country_code": data[c["country"]].astype(str),
            "year": _numeric(data, c["year"]),
            "tariff_pct": _numeric(data, c["tariff"]),
            "years_in_regime": _numeric(data, c["years_in_regime"]),
            "suspect": data[c["suspect"]].astype(bool) if c["suspect"] in data else False,
        },
        index=data.index,
    )
    log: list[pd.DataFrame] = []
    first, last = c["years"]
    frame = frame.loc[frame["year"].between(first, last)]
    frame = _exclude(frame, frame["tariff_pct"].isna(), "tariff missing", log)
    if c["exclude_suspect"]:
        frame = _exclude(frame, frame["suspect"], "flagged suspect by the data layer", log)
    bad = frame.loc[~np.isfinite(frame["tariff_pct"]) | (frame["tariff_pct"] < 0)]
    if len(bad):
        row = bad.iloc[0]
        raise DataError(
            f"column {c['tariff']!r}: tariffs must be finite and >= 0 (got {row['tariff_pct']} "
            f"for {row['country_code']} {int(row['year'])} at row {bad.index[0]}, "
            f"{len(bad)} row(s))"
        )
    infinite = frame.loc[np.isinf(frame["years_in_regime"])]
    if len(infinite):
        raise DataError(
            f"column {c['years_in_regime']!r}: must be finite or empty (never joined); "
            f"row {infinite.index[0]} holds {infinite['years_in_regime'].iloc[0]}"
        )
    duplicated = frame.duplicated(["country_code", "year"])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise DataError(
            f"columns {c['country']!r}, {c['year']!r}: one row per economy-year expected; "
            f"{row['country_code']} {int(row['year'])} repeats ({int(duplicated.sum())} row(s))"
        )
    if frame.empty:
        raise DataError(f"no usable tariff observations in years {first}-{last}")
    panel = pd.DataFrame(
        {
            "country_code": frame["country_code"].to_numpy(str),
            "year": frame["year"].to_numpy(np.int64),
            "tariff": frame["tariff_pct"].to_numpy(float) / 100.0,
            "years_in_regime": frame["years_in_regime"].to_numpy(float),
        }
    )
    panel = panel.sort_values(["country_code", "year"]).reset_index(drop=True)
    excluded = pd.concat(log) if log else pd.DataFrame(columns=[*frame.columns, "reason"])
    return panel, excluded.reset_index(drop=True)
