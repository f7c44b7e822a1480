"""Tariff panels for the exporter-influence design (DeRemer; DESIGN.md section 3 and 6).

* :func:`tariff_country_panel`: WDI country-year applied and MFN trade-weighted mean tariffs,
  with region and income group, economies separated from aggregates, suspicious values flagged.
* :func:`tradewar_tariff_panel`: 2018-2020 U.S.-China tariffs by HS6 product and date, both
  directions, with the pre-war (2018-01-01) baseline per product.

The column names listed in :data:`TARIFF_COUNTRY_COLUMNS` and :data:`TRADEWAR_COLUMNS` are a
contract with ``retrench.workflow``; add columns, do not rename them.

Observed tariffs are ad valorem (percent).  The theory works with specific tariffs; the model maps
them through its own world price, t = tau / p^w(tau) (DESIGN.md section 3).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from retrench.data.loaders import PathLike, load_us_china_tradewar_tariffs, load_wdi_tariff_rates
from retrench.data.outliers import DEFAULT_SPIKE_THRESHOLD, spike_scores
from retrench.errors import DataError

#: WDI aggregate codes (regions, income groups, lending groups, world).  Rows whose ``wb_region``
#: is empty are treated as aggregates as well.
WDI_AGGREGATE_CODES = frozenset(
    {
        "AFE",
        "AFW",
        "ARB",
        "CEB",
        "CSS",
        "EAP",
        "EAR",
        "EAS",
        "ECA",
        "ECS",
        "EMU",
        "EUU",
        "FCS",
        "HIC",
        "HPC",
        "IBD",
        "IBT",
        "IDA",
        "IDB",
        "IDX",
        "INX",
        "LAC",
        "LCN",
        "LDC",
        "LIC",
        "LMC",
        "LMY",
        "LTE",
        "MEA",
        "MIC",
        "MNA",
        "NAC",
        "OED",
        "OSS",
        "PRE",
        "PSS",
        "PST",
        "SAS",
        "SSA",
        "SSF",
        "SST",
        "TEA",
        "TEC",
        "TLA",
        "TMN",
        "TSA",
        "TSS",
        "UMC",
        "WLD",
    }
)
#: Tariffs above this (percent, economy-wide trade-weighted mean) are implausible and flagged.
IMPLAUSIBLE_TARIFF_PCT = 100.0

TARIFF_COUNTRY_COLUMNS = (
    "country_code",
    "country_name",
    "year",
    "region",
    "income_group",
    "is_aggregate",
    "tariff_applied_pct",
    "tariff_mfn_pct",
    "suspect_applied",
    "suspect_mfn",
    "suspect",
    "suspect_reason",
)
TRADEWAR_COLUMNS = (
    "direction",
    "hs6",
    "date",
    "tariff_pct",
    "baseline_tariff_pct",
    "tariff_change_pp",
    "description",
    "suspect",
)
TRADEWAR_BASELINE_DATE = pd.Timestamp("2018-01-01")
DIRECTIONS = ("us_on_china", "china_on_us")


def wdi_suspect_flags(
    wdi: pd.DataFrame, column: str, threshold: float = DEFAULT_SPIKE_THRESHOLD
) -> tuple[pd.Series, pd.Series]:
    """Flag isolated spikes (pooled robust z of the log residual from the closer of the medians
    of the 2 preceding and the 2 following years, |z| > ``threshold``; see
    :mod:`retrench.data.outliers`) and values above 100 %; return (flag, reason) Series."""
    scores = spike_scores(wdi, column, group="country_code", order="year", threshold=threshold)
    spike = (scores["z"].abs() > threshold).fillna(False)
    too_high = wdi[column].gt(IMPLAUSIBLE_TARIFF_PCT).fillna(False)
    reason = pd.Series("", index=wdi.index, dtype="str")
    label = column.removeprefix("tariff_").removesuffix("_weighted_mean_pct")
    for i in wdi.index[spike | too_high]:
        parts = []
        if spike[i]:
            parts.append(
                f"{label} spike z={scores.loc[i, 'z']:.1f} "
                f"(neighbours' median {scores.loc[i, 'reference']:.2f} %)"
            )
        if too_high[i]:
            parts.append(f"{label} > {IMPLAUSIBLE_TARIFF_PCT:.0f} %")
        reason[i] = "; ".join(parts)
    return (spike | too_high).astype(bool), reason


def tariff_country_panel(
    path: PathLike = None,
    aggregates: Literal["exclude", "include", "only"] = "exclude",
    spike_threshold: float = DEFAULT_SPIKE_THRESHOLD,
) -> pd.DataFrame:
    """Country-year WDI tariffs (percent) with region, income group and suspicion flags.

    Columns (:data:`TARIFF_COUNTRY_COLUMNS`): ``tariff_applied_pct`` (TM.TAX.MRCH.WM.AR.ZS),
    ``tariff_mfn_pct`` (TM.TAX.MRCH.WM.FN.ZS), ``region``/``income_group`` (World Bank),
    ``is_aggregate`` (EU and other WDI aggregates, empty region), ``suspect_applied``,
    ``suspect_mfn`` and ``suspect`` (either) from :func:`wdi_suspect_flags`, and a readable
    ``suspect_reason``.  Flagged values are kept, not dropped: the caller decides (e.g. treat them
    as missing in a fit).  ``aggregates`` chooses economies only (default), both, or aggregates
    only.  Sorted by country_code and year.
    """
    if aggregates not in ("exclude", "include", "only"):
        raise DataError(f"aggregates must be 'exclude', 'include' or 'only' (got {aggregates!r})")
    wdi = load_wdi_tariff_rates(path)
    flags_applied, why_applied = wdi_suspect_flags(
        wdi, "tariff_applied_weighted_mean_pct", spike_threshold
    )
    flags_mfn, why_mfn = wdi_suspect_flags(wdi, "tariff_mfn_weighted_mean_pct", spike_threshold)
    panel = pd.DataFrame(
        {
            "country_code": wdi["country_code"],
            "country_name": wdi["country_name"],
            "year": wdi["year"].astype("int64"),
            "region": wdi["wb_region"],
            "income_group": wdi["wb_income_group"],
            "is_aggregate": wdi["wb_region"].isna() | wdi["country_code"].isin(WDI_AGGREGATE_CODES),
            "tariff_applied_pct": wdi["tariff_applied_weighted_mean_pct"],
            "tariff_mfn_pct": wdi["tariff_mfn_weighted_mean_pct"],
            "suspect_applied": flags_applied,
            "suspect_mfn": flags_mfn,
            "suspect": flags_applied | flags_mfn,
            "suspect_reason": [
                "; ".join(p for p in pair if p) for pair in zip(why_applied, why_mfn, strict=True)
            ],
        }
    )
    if aggregates == "exclude":
        panel = panel[~panel["is_aggregate"]]
    elif aggregates == "only":
        panel = panel[panel["is_aggregate"]]
    panel = panel.sort_values(["country_code", "year"]).reset_index(drop=True)
    panel.attrs.update(
        source=wdi.attrs["source"],
        units={"tariff_applied_pct": "percent", "tariff_mfn_pct": "percent", "year": "year"},
        suspect_rule=(
            f"isolated spike: |robust z| > {spike_threshold} of log(1+x) against the closer of "
            f"the medians of the 2 preceding and the 2 following observations of the same "
            f"economy (pooled MAD scale), or > {IMPLAUSIBLE_TARIFF_PCT:.0f} %"
        ),
    )
    return panel


def _direction_frame(table: pd.DataFrame, direction: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "direction": direction,
            "hs6": table["hs6"],
            "date": table["time_of_tariff"],
            "tariff_pct": table["tariff"],
            "description": table.get("description"),
        }
    )
    frame["description"] = frame["description"].astype("str").where(frame["description"].notna())
    baseline = frame.loc[frame["date"] == TRADEWAR_BASELINE_DATE].set_index("hs6")["tariff_pct"]
    frame["baseline_tariff_pct"] = frame["hs6"].map(baseline)
    return frame


def tradewar_tariff_panel(path: PathLike = None) -> pd.DataFrame:
    """U.S.-China trade-war tariffs by HS6 product and date, both directions, long format.

    Columns (:data:`TRADEWAR_COLUMNS`): ``direction`` (``"us_on_china"``: U.S. MFN + Section 301
    duties on imports from China; ``"china_on_us"``: China's MFN + retaliation on imports from the
    U.S.), ``hs6`` (6-character string), ``date`` (the date the tariff level took effect),
    ``tariff_pct`` (percent ad valorem; missing where the source is), ``baseline_tariff_pct``
    (the same product's tariff on 2018-01-01, before the war), ``tariff_change_pp``
    (= tariff_pct - baseline_tariff_pct, percentage points), ``description`` (U.S. file only),
    and ``suspect`` (tariff above 100 %: quota lines coded with placeholder values in the source,
    see PROVENANCE).  Every product has a row at every date of its direction; nothing is dropped.
    """
    tables = load_us_china_tradewar_tariffs(path)
    panel = pd.concat(
        [
            _direction_frame(tables["us_tariffs"], "us_on_china"),
            _direction_frame(tables["china_tariffs"], "china_on_us"),
        ],
        ignore_index=True,
    )
    panel["tariff_change_pp"] = panel["tariff_pct"] - panel["baseline_tariff_pct"]
    panel["suspect"] = panel["tariff_pct"].gt(IMPLAUSIBLE_TARIFF_PCT).fillna(False).astype(bool)
    panel = panel.loc[:, list(TRADEWAR_COLUMNS)]
    panel["direction"] = panel["direction"].astype("str")
    panel = panel.sort_values(["direction", "hs6", "date"]).reset_index(drop=True)
    panel.attrs.update(
        sources=[tables["us_tariffs"].attrs["source"], tables["china_tariffs"].attrs["source"]],
        units={
            "tariff_pct": "percent ad valorem",
            "baseline_tariff_pct": "percent ad valorem",
            "tariff_change_pp": "percentage points",
        },
        baseline_date=str(TRADEWAR_BASELINE_DATE.date()),
    )
    return panel


def tradewar_dates(panel: pd.DataFrame, direction: str) -> np.ndarray:
    """Sorted distinct dates at which ``direction``'s tariffs changed (the tracker's dates)."""
    if direction not in DIRECTIONS:
        raise DataError(f"direction must be one of {DIRECTIONS} (got {direction!r})")
    return np.sort(panel.loc[panel["direction"] == direction, "date"].unique())
