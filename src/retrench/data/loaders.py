"""One loader per real dataset, behind the single entry point :func:`load`.

Every loader reads the files of one dataset folder (located by :mod:`retrench.data.locate`),
converts and validates them against the specifications in ``schemas_*`` and returns

=============================  ==============================================================
dataset                        returns
=============================  ==============================================================
``us_trade_rollcalls``         dict ``rollcalls``, ``member_votes``, ``voteview_members``
``adhm_house_2002_2016``       DataFrame, one row per county x 108th-congress district cell
``adh2013_china_shock_cz``     DataFrame, one row per commuting zone x period (1990, 2000)
``us_china_tradewar_tariffs``  dict ``us_tariffs``, ``china_tariffs``, ``us_imports``,
                               ``us_exports``, ``phase_one_annex``
``wdi_tariff_rates``           DataFrame, one row per economy or aggregate x year
``wiod2013_gvc_indicators``    dict ``country_year``, ``va_source``
``populism_europe``            dict ``ep_elections``, ``popu_list``, ``ches``
``wto_membership``             dict ``members`` (one row per WTO member), ``observers``
=============================  ==============================================================

Units and descriptions are in each frame's ``attrs`` (``units``, ``descriptions``, ``source``).
Invalid input raises :class:`~retrench.errors.DataError`; ``drop_invalid=True`` drops offending
rows instead and lists them in ``attrs["dropped"]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd

from retrench.data import schemas_electoral as se
from retrench.data import schemas_populism as sp
from retrench.data import schemas_trade as st
from retrench.data import schemas_wto as sw
from retrench.data.locate import DATASETS, dataset_file, dataset_info
from retrench.data.validation import Problem, TableSpec, raise_problems, read_table
from retrench.errors import DataError

PathLike = str | os.PathLike[str] | None


def _read(name: str, spec: TableSpec, path: PathLike, drop_invalid: bool) -> pd.DataFrame:
    return read_table(dataset_file(name, spec.filename, path), spec, drop_invalid=drop_invalid)


def load_us_trade_rollcalls(path: PathLike = None, drop_invalid: bool = False) -> dict:
    """Roll calls on major U.S. trade bills 1993-2020 and how every member voted.

    Returns ``{"rollcalls", "member_votes", "voteview_members"}``.  Beyond the per-file schemas it
    checks that every member vote belongs to a listed roll call and that the roll call's ``yea``
    and ``nay`` counts equal the member rows (Aye counted as Yea, No as Nay).
    """
    name = "us_trade_rollcalls"
    rollcalls = _read(name, se.ROLLCALLS_SPEC, path, drop_invalid)
    members = _read(name, se.MEMBER_VOTES_SPEC, path, drop_invalid)
    voteview = _read(name, se.VOTEVIEW_SPEC, path, drop_invalid)
    _check_members_match_rollcalls(rollcalls, members)
    return {"rollcalls": rollcalls, "member_votes": members, "voteview_members": voteview}


def _check_members_match_rollcalls(rollcalls: pd.DataFrame, members: pd.DataFrame) -> None:
    source = members.attrs["source"]
    unknown = ~members["vote_id"].isin(rollcalls["vote_id"])
    problems = []
    if unknown.any():
        rows = [int(i) for i in members.index[unknown]]
        problems.append(
            Problem(
                "vote_id",
                "a vote_id listed in trade_rollcalls.csv",
                rows,
                list(members.loc[unknown, "vote_id"]),
            )
        )
    counts = (
        members.assign(yea=members["vote"].eq(1), nay=members["vote"].eq(0))
        .groupby("vote_id")[["yea", "nay"]]
        .sum()
    )
    merged = rollcalls.merge(
        counts.add_suffix("_members"), left_on="vote_id", right_index=True, how="left"
    )
    for column in ("yea", "nay"):
        off = merged[column] != merged[f"{column}_members"].fillna(0)
        if off.any():
            rows = [int(i) for i in merged.index[off]]
            values = [
                f"{v}: {a} in roll call vs {b} member rows"
                for v, a, b in merged.loc[off, ["vote_id", column, f"{column}_members"]].itertuples(
                    index=False
                )
            ]
            problems.append(Problem(column, "count equal to the member-level rows", rows, values))
    if problems:
        raise_problems(f"{source} (against {rollcalls.attrs['source']})", problems)


def load_adhm_house_2002_2016(path: PathLike = None, drop_invalid: bool = False) -> pd.DataFrame:
    """ADHM (2020) county x congressional-district cells: exposure, vote changes, weights.

    Vote-share changes ``d2_shnr_2002_t`` are in percentage points (Republican share of the
    two-party House vote, year t minus 2002) and are aggregated to districts with
    ``sh_district_2002``; see :func:`retrench.data.electoral_district_panel`.
    """
    return _read("adhm_house_2002_2016", se.ADHM_SPEC, path, drop_invalid)


def load_adh2013_china_shock_cz(path: PathLike = None, drop_invalid: bool = False) -> pd.DataFrame:
    """ADH (2013) commuting-zone work file: 722 zones x 2 stacked periods, 191 columns."""
    return _read("adh2013_china_shock_cz", se.ADH_SPEC, path, drop_invalid)


def load_us_china_tradewar_tariffs(path: PathLike = None, drop_invalid: bool = False) -> dict:
    """Trade-war tariffs by HS6 product and date (both directions) and NAICS3 monthly trade.

    Returns ``{"us_tariffs", "china_tariffs", "us_imports", "us_exports", "phase_one_annex"}``;
    tariffs in percent ad valorem, ``hs6`` kept as a 6-character string.
    """
    name = "us_china_tradewar_tariffs"
    specs = {
        "us_tariffs": st.US_TARIFFS_SPEC,
        "china_tariffs": st.CHINA_TARIFFS_SPEC,
        "us_imports": st.US_IMPORTS_SPEC,
        "us_exports": st.US_EXPORTS_SPEC,
        "phase_one_annex": st.ANNEX_SPEC,
    }
    return {key: _read(name, spec, path, drop_invalid) for key, spec in specs.items()}


def load_wdi_tariff_rates(path: PathLike = None, drop_invalid: bool = False) -> pd.DataFrame:
    """WDI applied and MFN trade-weighted mean tariffs (percent) by economy/aggregate and year."""
    return _read("wdi_tariff_rates", st.WDI_SPEC, path, drop_invalid)


def load_wiod2013_gvc_indicators(path: PathLike = None, drop_invalid: bool = False) -> dict:
    """WIOD 2013 derived GVC indicators: ``{"country_year", "va_source"}`` (money in USD mn)."""
    name = "wiod2013_gvc_indicators"
    return {
        "country_year": _read(name, st.GVC_COUNTRY_YEAR_SPEC, path, drop_invalid),
        "va_source": _read(name, st.VA_SOURCE_SPEC, path, drop_invalid),
    }


def load_populism_europe(path: PathLike = None, drop_invalid: bool = False) -> dict:
    """Populist EP vote shares (Larsen), PopuList 2.0 and the CHES 1999-2019 trend file.

    Returns ``{"ep_elections", "popu_list", "ches"}``.  In ``ches`` the Stata value labels of the
    position scales are mapped back to numbers (:data:`~retrench.data.schemas_populism.CHES_LABELS`)
    and the export's unnamed row-number column is removed.
    """
    name = "populism_europe"
    return {
        "ep_elections": _read(name, sp.EP_ELECTIONS_SPEC, path, drop_invalid),
        "popu_list": _read(name, sp.POPU_LIST_SPEC, path, drop_invalid),
        "ches": _ches_with_numeric_positions(_read(name, sp.CHES_SPEC, path, drop_invalid)),
    }


def load_wto_membership(path: PathLike = None, drop_invalid: bool = False) -> dict:
    """WTO members (membership and GATT dates, route) and observer governments.

    Returns ``{"members", "observers"}`` (dates as datetimes). Beyond the per-file schemas
    (:mod:`retrench.data.schemas_wto`) it checks that no observer is also a member.
    """
    name = "wto_membership"
    members = _read(name, sw.MEMBERSHIP_SPEC, path, drop_invalid)
    observers = _read(name, sw.OBSERVERS_SPEC, path, drop_invalid)
    _check_observers_are_not_members(members, observers)
    return {"members": members, "observers": observers}


def _check_observers_are_not_members(members: pd.DataFrame, observers: pd.DataFrame) -> None:
    both = observers["iso3"].isin(members["iso3"])
    if both.any():
        rows = [int(i) for i in observers.index[both]]
        raise_problems(
            f"{observers.attrs['source']} (against {members.attrs['source']})",
            [
                Problem(
                    "iso3",
                    "an economy that is not a WTO member (observers and members are disjoint)",
                    rows,
                    list(observers.loc[both, "iso3"]),
                )
            ],
        )


def _ches_with_numeric_positions(ches: pd.DataFrame) -> pd.DataFrame:
    attrs = dict(ches.attrs)
    ches = ches.drop(columns=[c for c in ches.columns if str(c).startswith("Unnamed")])
    problems: list[Problem] = []
    for column in sp.CHES_NUMERIC_LABELLED:
        if column not in ches.columns:
            problems.append(Problem(column, "column missing; expected a CHES position column"))
            continue
        values, problem = sp.ches_numeric(ches[column], column)
        if problem is not None:
            problems.append(problem)
            continue
        low, high = sp.CHES_RANGES[column]
        out = values.notna() & ((values < low) | (values > high))
        if out.any():
            rows = [int(i) for i in ches.index[out]]
            problems.append(Problem(column, f"in [{low}, {high}]", rows, list(values[out])))
        ches[column] = values
    raise_problems(attrs["source"], problems)
    ches.attrs.update(attrs)
    return ches


LOADERS: dict[str, Callable[..., Any]] = {
    "us_trade_rollcalls": load_us_trade_rollcalls,
    "adhm_house_2002_2016": load_adhm_house_2002_2016,
    "adh2013_china_shock_cz": load_adh2013_china_shock_cz,
    "us_china_tradewar_tariffs": load_us_china_tradewar_tariffs,
    "wdi_tariff_rates": load_wdi_tariff_rates,
    "wiod2013_gvc_indicators": load_wiod2013_gvc_indicators,
    "populism_europe": load_populism_europe,
    "wto_membership": load_wto_membership,
}
assert set(LOADERS) == set(DATASETS)


def load(name: str, path: PathLike = None, drop_invalid: bool = False) -> Any:
    """Load dataset ``name`` (its folder name) from ``path`` / ``$RETRENCH_DATA`` / ../shared/data.

    Returns a DataFrame or a dict of DataFrames (see the module docstring); raises DataError for
    an unknown or missing dataset and for any invalid input.
    """
    dataset_info(name)
    return LOADERS[name](path, drop_invalid=drop_invalid)


def dataset_names() -> list[str]:
    """Names accepted by :func:`load`."""
    return list(DATASETS)


def frames_of(loaded: Any) -> dict[str, pd.DataFrame]:
    """A loaded dataset as ``{table name: DataFrame}`` (a single frame is called ``data``)."""
    if isinstance(loaded, pd.DataFrame):
        return {"data": loaded}
    if isinstance(loaded, dict):
        return dict(loaded)
    raise DataError(f"unexpected loaded object of type {type(loaded).__name__}")
