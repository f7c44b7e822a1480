"""Table specifications of the tariff and GVC datasets (WDI, trade-war tracker, WIOD 2013).

Tariffs are percent ad valorem and may not be negative; values above 100 % are legal input (the
WDI file and the tracker's quota placeholders contain them) and are flagged by
:mod:`retrench.data.quality`, not rejected here.
"""

from __future__ import annotations

import pandas as pd

from retrench.data.validation import ColumnSpec as C
from retrench.data.validation import RowCheck, TableSpec

WB_REGIONS = (
    "East Asia & Pacific",
    "Europe & Central Asia",
    "Latin America & Caribbean",
    "Middle East & North Africa",
    "North America",
    "South Asia",
    "Sub-Saharan Africa",
)
WB_INCOME_GROUPS = ("High income", "Upper middle income", "Lower middle income", "Low income")

WDI_SPEC = TableSpec(
    "wdi_tariff_rates_long.csv",
    (
        C("country_name", "str"),
        C("country_code", "str", pattern=r"[A-Z0-9]{3}", description="ISO3 or WDI aggregate"),
        C("year", "int", ge=1960, le=2030, unit="year"),
        C(
            "tariff_applied_weighted_mean_pct",
            "float",
            nullable=True,
            ge=0,
            unit="percent",
            description="TM.TAX.MRCH.WM.AR.ZS applied tariff, trade-weighted mean, all products",
        ),
        C(
            "tariff_mfn_weighted_mean_pct",
            "float",
            nullable=True,
            ge=0,
            unit="percent",
            description="TM.TAX.MRCH.WM.FN.ZS MFN tariff, trade-weighted mean, all products",
        ),
        C("wb_region", "str", nullable=True, isin=WB_REGIONS, description="empty for aggregates"),
        C("wb_income_group", "str", nullable=True, isin=WB_INCOME_GROUPS),
    ),
    key=("country_code", "year"),
)

# --- trade-war tracker -------------------------------------------------------------------------

_HS6 = r"\d{6}"

US_TARIFFS_SPEC = TableSpec(
    "us_tariffs_on_china_hs6.csv",
    (
        C("hs6", "str", pattern=_HS6, description="HS 6-digit product (string, leading zeros)"),
        C("time_of_tariff", "date", description="date the tariff level took effect"),
        C(
            "tariff",
            "float",
            nullable=True,
            ge=0,
            unit="percent ad valorem",
            description="U.S. MFN + Section 301 duty on imports from China",
        ),
        C("description", "str", nullable=True),
    ),
    key=("hs6", "time_of_tariff"),
)

CHINA_TARIFFS_SPEC = TableSpec(
    "china_tariffs_on_us_hs6.csv",
    (
        C("time_of_tariff", "date"),
        C("hs6", "str", pattern=_HS6),
        C(
            "tariff",
            "float",
            nullable=True,
            ge=0,
            unit="percent ad valorem",
            description="China's MFN + retaliatory duty on imports from the U.S.",
        ),
    ),
    key=("hs6", "time_of_tariff"),
)


def _china_trade_within_total(df: pd.DataFrame) -> pd.Series:
    return df["china_trade"] <= df["total_trade"] * (1 + 1e-9)


def _naics_spec(filename: str, direction: str) -> TableSpec:
    return TableSpec(
        filename,
        (
            C("time", "date", description="month (first day)"),
            C("naics3", "str", pattern=r"\d{3}"),
            C(
                "tariff_trd_w_avg",
                "float",
                nullable=True,
                ge=0,
                unit="percent",
                description=f"trade-weighted average tariff ({direction})",
            ),
            C("total_trade", "float", ge=0, unit="USD per month"),
            C("china_trade", "float", ge=0, unit="USD per month"),
        ),
        key=("time", "naics3"),
        row_checks=(
            RowCheck(
                "china_within_total",
                ("china_trade", "total_trade"),
                _china_trade_within_total,
                "china_trade <= total_trade",
            ),
        ),
    )


US_IMPORTS_SPEC = _naics_spec(
    "us_imports_from_china_by_naics3_monthly.csv", "U.S. tariffs on Chinese goods"
)
US_EXPORTS_SPEC = _naics_spec(
    "us_exports_to_china_by_naics3_monthly.csv", "Chinese tariffs on U.S. goods"
)


def _hs4_prefix(df: pd.DataFrame) -> pd.Series:
    return df["hs4"] == df["hs4_o"].str[:4]


ANNEX_SPEC = TableSpec(
    "phase_one_annex_6_1_hs4.csv",
    (
        C("hs4_o", "str", pattern=r"\d{4,10}", description="code as printed in Annex 6.1"),
        C("description", "str", description="has stray commas from PDF extraction"),
        C("low_catagory", "str"),
        C("high_catagory", "str", isin=("1. Manufactured Goods", "2. Agriculture", "3. Energy")),
        C("hs4", "str", pattern=r"\d{4}"),
    ),
    key=("hs4_o",),
    row_checks=(
        RowCheck("hs4_prefix", ("hs4_o", "hs4"), _hs4_prefix, "hs4 = first 4 digits of hs4_o"),
    ),
)

# --- WIOD 2013 derived GVC indicators ----------------------------------------------------------

_MUSD = "millions of current USD"
_WIOD_MONEY = (
    "gross_output",
    "value_added",
    "intermediate_inputs",
    "domestic_intermediate_inputs",
    "final_demand",
    "domestic_final_demand_sourced",
    "gross_exports",
    "exports_final",
    "exports_intermediate",
    "dva_in_exports",
    "fva_in_exports",
    "dvx_in_partner_exports",
)
_WIOD_SHARES = (
    "va_to_go_ratio",
    "domestic_share_intermediates",
    "domestic_share_final_demand",
    "gvc_backward",
    "gvc_forward",
)
WIOD_COUNTRY_PATTERN = r"[A-Z]{3}|RoW"


def _participation_is_sum(df: pd.DataFrame) -> pd.Series:
    return (df["gvc_participation"] - df["gvc_backward"] - df["gvc_forward"]).abs() < 1e-4


GVC_COUNTRY_YEAR_SPEC = TableSpec(
    "wiod2013_country_year_gvc.csv",
    (
        C("country", "str", pattern=WIOD_COUNTRY_PATTERN, description="WIOD ISO3 code or RoW"),
        C("year", "int", ge=1995, le=2011, unit="year"),
        *(C(c, "float", ge=0, unit=_MUSD) for c in _WIOD_MONEY),
        *(C(c, "float", ge=0, le=1, unit="share") for c in _WIOD_SHARES),
        C("gvc_participation", "float", ge=0, le=2, unit="share of gross exports"),
        C(
            "check_dva_plus_fva_over_exports",
            "float",
            ge=0.99,
            le=1.01,
            unit="ratio",
            description="(DVA + FVA) / gross exports; 1 by construction",
        ),
    ),
    key=("country", "year"),
    row_checks=(
        RowCheck(
            "participation_sum",
            ("gvc_participation", "gvc_backward", "gvc_forward"),
            _participation_is_sum,
            "gvc_participation = gvc_backward + gvc_forward",
        ),
    ),
)


def _source_differs(df: pd.DataFrame) -> pd.Series:
    return df["source_country"] != df["exporting_country"]


VA_SOURCE_SPEC = TableSpec(
    "wiod2013_va_source_by_exporter.csv",
    (
        C("year", "int", ge=1995, le=2011, unit="year"),
        C("source_country", "str", pattern=WIOD_COUNTRY_PATTERN),
        C("exporting_country", "str", pattern=WIOD_COUNTRY_PATTERN),
        C(
            "va_embodied_musd",
            "float",
            ge=0,
            unit=_MUSD,
            description="VA of source_country embodied in exporting_country's gross exports",
        ),
    ),
    key=("year", "source_country", "exporting_country"),
    row_checks=(
        RowCheck(
            "off_diagonal",
            ("source_country", "exporting_country"),
            _source_differs,
            "source_country different from exporting_country",
        ),
    ),
)
