"""Per-dataset rules of the quality report: coverage rows and flagged values.

Each rule takes ``{table: DataFrame}`` (as :func:`retrench.data.loaders.frames_of` returns) and
gives ``(coverage rows, outlier rows, rules in words)``; :mod:`retrench.data.quality` assembles
them into a :class:`~retrench.data.quality.QualityReport`.  See that module for the rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from retrench.data.outliers import DEFAULT_SPIKE_THRESHOLD, robust_z_within, spike_scores
from retrench.data.panels_tariffs import IMPLAUSIBLE_TARIFF_PCT, wdi_suspect_flags

UNCONTESTED_CHANGE_PP = 50.0
CROSS_SECTION_Z = 6.0


def coverage_row(table: str, frame: pd.DataFrame, unit: str | None, time: str | None) -> dict:
    units = frame[unit].nunique() if unit else len(frame)
    first = frame[time].min() if time else ""
    last = frame[time].max() if time else ""
    if isinstance(first, pd.Timestamp):
        first, last = str(first.date()), str(last.date())
    return {
        "table": table,
        "rows": len(frame),
        "units": int(units),
        "unit_kind": unit or "row",
        "first": first,
        "last": last,
    }


def missingness(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for table, frame in frames.items():
        counts = frame.isna().sum()
        for column, n in counts[counts > 0].items():
            rows.append(
                {"table": table, "column": column, "missing": int(n), "share": n / len(frame)}
            )
    return pd.DataFrame(rows, columns=["table", "column", "missing", "share"])


def _outlier_rows(
    table: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    unit: str,
    time: str | None,
    column: str,
    reasons: pd.Series | str,
) -> list[dict]:
    rows = []
    for i in frame.index[mask.fillna(False).astype(bool)]:
        reason = reasons if isinstance(reasons, str) else reasons[i]
        when = frame.at[i, time] if time else ""
        if isinstance(when, pd.Timestamp):
            when = str(when.date())
        rows.append(
            {
                "table": table,
                "unit": frame.at[i, unit],
                "time": when,
                "column": column,
                "value": frame.at[i, column],
                "reason": reason,
            }
        )
    return rows


# --- per-dataset rules ---------------------------------------------------------------------


def _wdi(frames: dict) -> tuple[list, list, list[str]]:
    wdi = frames["data"]
    out: list[dict] = []
    for column in ("tariff_applied_weighted_mean_pct", "tariff_mfn_weighted_mean_pct"):
        flags, reasons = wdi_suspect_flags(wdi, column)
        out += _outlier_rows("data", wdi, flags, "country_code", "year", column, reasons)
    coverage = [coverage_row("data", wdi, "country_code", "year")]
    rules = [
        f"isolated spike |z| > {DEFAULT_SPIKE_THRESHOLD} (log1p residual from the closer of the "
        f"medians of the 2 years before and the 2 after, pooled MAD) or tariff > "
        f"{IMPLAUSIBLE_TARIFF_PCT:.0f} %"
    ]
    return coverage, out, rules


def _tradewar(frames: dict) -> tuple[list, list, list[str]]:
    out: list[dict] = []
    coverage = []
    for table in ("us_tariffs", "china_tariffs"):
        frame = frames[table]
        out += _outlier_rows(
            table,
            frame,
            frame["tariff"] > IMPLAUSIBLE_TARIFF_PCT,
            "hs6",
            "time_of_tariff",
            "tariff",
            "tariff > 100 % (quota placeholder?)",
        )
        coverage.append(coverage_row(table, frame, "hs6", "time_of_tariff"))
    for table in ("us_imports", "us_exports"):
        coverage.append(coverage_row(table, frames[table], "naics3", "time"))
    coverage.append(coverage_row("phase_one_annex", frames["phase_one_annex"], "hs4", None))
    return coverage, out, ["HS6 tariff above 100 % ad valorem"]


_WIOD_SPIKE_COLUMNS = (
    "gvc_participation",
    "gvc_backward",
    "gvc_forward",
    "domestic_share_final_demand",
    "domestic_share_intermediates",
    "va_to_go_ratio",
)


def _wiod(frames: dict) -> tuple[list, list, list[str]]:
    cy = frames["country_year"]
    out: list[dict] = []
    for column in _WIOD_SPIKE_COLUMNS:
        z = spike_scores(cy, column, "country", "year")["z"]
        reasons = z.map(lambda v: f"isolated spike z={v:.1f}")
        out += _outlier_rows(
            "country_year",
            cy,
            z.abs() > DEFAULT_SPIKE_THRESHOLD,
            "country",
            "year",
            column,
            reasons,
        )
    off = (cy["check_dva_plus_fva_over_exports"] - 1).abs() > 1e-3
    out += _outlier_rows(
        "country_year",
        cy,
        off,
        "country",
        "year",
        "check_dva_plus_fva_over_exports",
        "accounting check off 1 by > 1e-3",
    )
    coverage = [
        coverage_row("country_year", cy, "country", "year"),
        coverage_row("va_source", frames["va_source"], "source_country", "year"),
    ]
    return (
        coverage,
        out,
        [
            f"isolated spike |z| > {DEFAULT_SPIKE_THRESHOLD} within country",
            "(DVA + FVA) / exports differing from 1 by more than 1e-3",
        ],
    )


def _adhm(frames: dict) -> tuple[list, list, list[str]]:
    house = frames["data"]
    out: list[dict] = []
    for column in [c for c in house.columns if c.startswith("d2_shnr_2002_")]:
        mask = house[column].abs() >= UNCONTESTED_CHANGE_PP
        reasons = house[column].map(
            lambda v: (
                "change of ±100 points: uncontested in both years"
                if abs(v) >= 99.999
                else f"|change| >= {UNCONTESTED_CHANGE_PP:.0f} points: "
                "likely an uncontested race in one of the years"
            )
        )
        out += _outlier_rows(
            "data", house.assign(cell=_cell_label(house)), mask, "cell", None, column, reasons
        )
    zones = house.drop_duplicates("czone")
    z = robust_z_within(zones, "d_imp_usch_pd")
    out += _outlier_rows(
        "data",
        zones,
        z.abs() > CROSS_SECTION_Z,
        "czone",
        None,
        "d_imp_usch_pd",
        z.map(lambda v: f"robust z={v:.1f} across zones"),
    )
    coverage = [coverage_row("data", house, "congressionaldistrict", None)]
    return (
        coverage,
        out,
        [
            f"|Republican vote-share change| >= {UNCONTESTED_CHANGE_PP:.0f} points (uncontested)",
            f"China-shock exposure robust z > {CROSS_SECTION_Z:.0f} across commuting zones",
        ],
    )


def _cell_label(house: pd.DataFrame) -> pd.Series:
    return house["congressionaldistrict"] + " / county " + house["cty_fips"].astype(str)


def _adh(frames: dict) -> tuple[list, list, list[str]]:
    cz = frames["data"]
    out: list[dict] = []
    for column in ("d_tradeusch_pw", "d_tradeotch_pw_lag"):
        z = robust_z_within(cz, column, "yr")
        out += _outlier_rows(
            "data",
            cz,
            z.abs() > CROSS_SECTION_Z,
            "czone",
            "yr",
            column,
            z.map(lambda v: f"robust z={v:.1f} within period"),
        )
    return (
        [coverage_row("data", cz, "czone", "yr")],
        out,
        [f"robust z > {CROSS_SECTION_Z:.0f} within period (median/MAD across zones)"],
    )


CHAMBER_SIZE = {"House": 435, "Senate": 100}


def _rollcalls(frames: dict) -> tuple[list, list, list[str]]:
    rc = frames["rollcalls"]
    total = rc[["yea", "nay", "present", "not_voting"]].sum(axis=1)
    size = rc["chamber"].map(CHAMBER_SIZE)
    rc = rc.assign(members_recorded=total)
    out = _outlier_rows(
        "rollcalls",
        rc,
        total != size,
        "vote_id",
        "date",
        "members_recorded",
        size.map(lambda s: f"differs from the chamber size {s} (vacancies?)"),
    )
    mv = frames["member_votes"]
    out += _outlier_rows(
        "member_votes",
        mv,
        mv["icpsr"].isna(),
        "display_name",
        "vote_id",
        "icpsr",
        "no Voteview match",
    )
    coverage = [
        coverage_row("rollcalls", rc, "vote_id", "date"),
        coverage_row("member_votes", mv, "member_id_source", "date"),
        coverage_row("voteview_members", frames["voteview_members"], "icpsr", "congress"),
    ]
    return coverage, out, ["members recorded != chamber size", "member without Voteview match"]


def _populism(frames: dict) -> tuple[list, list, list[str]]:
    pl = frames["popu_list"]
    out: list[dict] = []
    for flag in ("populist", "farright", "farleft", "eurosceptic"):
        bad = pl[f"{flag}_start"] > pl[f"{flag}_end"]
        out += _outlier_rows(
            "popu_list",
            pl,
            bad,
            "party_name",
            None,
            f"{flag}_start",
            "classification starts after it ends",
        )
    coverage = [
        coverage_row("ep_elections", frames["ep_elections"], "country", "year"),
        coverage_row("popu_list", pl, "country_name", None),
        coverage_row("ches", frames["ches"], "country", "year"),
    ]
    return coverage, out, ["PopuList *_start > *_end"]


def _wto(frames: dict) -> tuple[list, list, list[str]]:
    members, observers = frames["members"], frames["observers"]
    n_sources = members["source"].str.split(";").str.len()
    out = _outlier_rows(
        "members",
        members,
        n_sources < 2,
        "iso3",
        "wto_member_date",
        "source",
        "membership date from a single source",
    )
    late_original = (members["route"] == "original") & (
        members["wto_member_date"] > pd.Timestamp("1997-12-31")
    )
    out += _outlier_rows(
        "members",
        members,
        late_original,
        "iso3",
        "wto_member_date",
        "wto_member_date",
        "original member joining after 1997 (Article XI membership was open until 1997)",
    )
    out += _outlier_rows(
        "observers",
        observers,
        observers["application_year"].isna(),
        "iso3",
        None,
        "application_year",
        "application year not found in the sources",
    )
    coverage = [
        coverage_row("members", members, "iso3", "wto_member_date"),
        coverage_row("observers", observers, "iso3", "application_year"),
    ]
    rules = [
        "membership date confirmed by fewer than 2 sources",
        "original member dated after 1997",
        "observer without an application year",
    ]
    return coverage, out, rules


RULES: dict[str, Callable[[dict], tuple[list, list, list[str]]]] = {
    "wdi_tariff_rates": _wdi,
    "us_china_tradewar_tariffs": _tradewar,
    "wiod2013_gvc_indicators": _wiod,
    "adhm_house_2002_2016": _adhm,
    "adh2013_china_shock_cz": _adh,
    "us_trade_rollcalls": _rollcalls,
    "populism_europe": _populism,
    "wto_membership": _wto,
}
