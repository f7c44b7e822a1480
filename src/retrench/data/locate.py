"""Where the real datasets live, and which files each one must contain.

The data are never copied into the repository.  A dataset folder is looked up, in order, in

1. the explicit ``path`` argument (a folder that holds dataset folders),
2. the environment variable ``RETRENCH_DATA`` (same meaning),
3. ``../shared/data`` relative to the repository root (found from this file), and
4. ``../shared/data`` and ``shared/data`` relative to the current working directory.

A missing dataset raises :class:`~retrench.errors.DataError` naming the dataset, every place
looked, and the file expected.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from retrench.errors import DataError
from retrench.resources import repository_root

ENV_VAR = "RETRENCH_DATA"


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset folder, its files, a one-line description and what its loader returns."""

    name: str
    files: tuple[str, ...]
    title: str
    returns: str


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "us_trade_rollcalls",
            (
                "trade_rollcalls.csv",
                "trade_votes_members.csv",
                "voteview_members_trade_congresses.csv",
            ),
            "U.S. congressional roll calls on major trade bills 1993-2020, member level",
            "dict: rollcalls, member_votes, voteview_members",
        ),
        DatasetInfo(
            "adhm_house_2002_2016",
            ("house_2002_2016.csv",),
            "ADHM (2020) county x congressional-district file, House elections 2002-2016",
            "DataFrame: one row per county x 108th-congress district cell",
        ),
        DatasetInfo(
            "adh2013_china_shock_cz",
            ("workfile_china.csv",),
            "ADH (2013) commuting-zone work file, 722 CZ x 2 periods",
            "DataFrame: one row per commuting zone x period",
        ),
        DatasetInfo(
            "us_china_tradewar_tariffs",
            (
                "us_tariffs_on_china_hs6.csv",
                "china_tariffs_on_us_hs6.csv",
                "us_imports_from_china_by_naics3_monthly.csv",
                "us_exports_to_china_by_naics3_monthly.csv",
                "phase_one_annex_6_1_hs4.csv",
            ),
            "U.S.-China trade-war tariffs 2018-2020 by HS6 product, both directions",
            "dict: us_tariffs, china_tariffs, us_imports, us_exports, phase_one_annex",
        ),
        DatasetInfo(
            "wdi_tariff_rates",
            ("wdi_tariff_rates_long.csv",),
            "World Bank WDI applied and MFN weighted-mean tariffs, 1988-2022",
            "DataFrame: one row per economy (or aggregate) x year",
        ),
        DatasetInfo(
            "wiod2013_gvc_indicators",
            ("wiod2013_country_year_gvc.csv", "wiod2013_va_source_by_exporter.csv"),
            "GVC participation and input-output ratios from WIOD 2013, 1995-2011",
            "dict: country_year, va_source",
        ),
        DatasetInfo(
            "populism_europe",
            (
                "populist_parties_ep_elections_larsen.csv",
                "popu_list_rooduijn.csv",
                "ches_1999_2019_v3.csv",
            ),
            "Populist EP vote shares (Larsen), PopuList 2.0, CHES 1999-2019",
            "dict: ep_elections, popu_list, ches",
        ),
        DatasetInfo(
            "wto_membership",
            ("wto_membership.csv", "wto_observers.csv"),
            "WTO members (membership and GATT dates, route) and observers",
            "dict: members, observers",
        ),
    )
}


def candidate_roots(path: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders that may hold the dataset folders, in the order they are tried."""
    if path is not None:
        return [Path(path).expanduser()]
    roots: list[Path] = []
    env = os.environ.get(ENV_VAR)
    if env:
        roots.append(Path(env).expanduser())
    checkout = repository_root()
    if checkout is not None:
        roots.append(checkout / ".." / "shared" / "data")
    roots.append(Path.cwd() / ".." / "shared" / "data")
    roots.append(Path.cwd() / "shared" / "data")
    unique: list[Path] = []
    for root in roots:
        if root.resolve() not in {r.resolve() for r in unique}:
            unique.append(root)
    return unique


def dataset_info(name: str) -> DatasetInfo:
    """The registry entry of ``name``; DataError lists the known names otherwise."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise DataError(f"unknown dataset {name!r}; known datasets: {known}") from None


def dataset_file(name: str, filename: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Path of ``filename`` inside dataset ``name``; DataError naming every place looked."""
    dataset_info(name)
    looked = []
    for root in candidate_roots(path):
        candidate = root / name / filename
        if candidate.is_file():
            return candidate.resolve()
        looked.append(str(candidate.resolve()))
    places = "\n  - ".join(looked)
    hint = f"pass path= (--data DIR) or set {ENV_VAR} to the folder holding {name}/"
    raise DataError(
        f"dataset {name!r}: file {filename!r} not found in any place looked; {hint}. "
        f"Looked in:\n  - {places}"
    )


def dataset_files(name: str, path: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Every file of dataset ``name``, located as in :func:`dataset_file`."""
    return {f: dataset_file(name, f, path) for f in dataset_info(name).files}
