"""Country-year panel of WDI tariffs with each economy's GATT/WTO status in that year.

:func:`wto_status_panel` joins every WDI economy-year (:func:`tariff_country_panel`, aggregates
left out) to the ``wto_membership`` dataset and says, for each year, whether the economy was
inside the reciprocal (GATT/WTO) regime:

* ``entry_date``: the date the economy entered the regime: its GATT 1947 contracting-party date
  when it has one (original WTO members), otherwise its WTO membership date (Article XII
  accessions, e.g. China 2001-12-11); empty for economies that never joined (observers such as
  Algeria, and economies in neither file);
* ``wto_status``: ``"outside"`` in years before the entry year (and every year of an economy that
  never joined), ``"acceding"`` in the calendar year of entry (membership took effect during it;
  ``member_share_of_year`` says how much of it), ``"member"`` in later years;
* ``years_since_entry``: years from the entry date to 1 July of the year (negative before entry),
  for a phase-in of accession commitments;
* ``single_status``: True for an economy whose observed span (years with an applied tariff) has
  one status only: such an economy cannot show the move from outside to inside.

The GATT date, not the WTO date, marks entry for original members because they applied
negotiated, reciprocal GATT schedules before 1995. Nothing is dropped: every WDI economy-year
keeps its row, and economies listed neither as members nor as observers are kept as
``"outside"`` with ``wto_listing == "neither"`` (their codes are in ``attrs["neither_listed"]``).
WTO members without WDI data (Chinese Taipei, ``TWN``; the EU, ``EUU``, is a WDI aggregate) are
listed in ``attrs["members_without_wdi"]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrench.data.loaders import PathLike, load_wto_membership
from retrench.data.panels_tariffs import tariff_country_panel

WTO_STATUSES = ("outside", "acceding", "member")
WTO_LISTINGS = ("member", "observer", "neither")
WTO_PANEL_COLUMNS = (
    "country_code",
    "country_name",
    "year",
    "region",
    "income_group",
    "tariff_applied_pct",
    "tariff_mfn_pct",
    "suspect",
    "suspect_reason",
    "wto_listing",
    "route",
    "wto_member_date",
    "gatt_date",
    "entry_date",
    "entry_year",
    "accession_year",
    "observer",
    "observer_application_year",
    "wto_member",
    "gatt_contracting_party",
    "wto_status",
    "member_share_of_year",
    "years_since_entry",
    "single_status",
)


def entry_dates(members: pd.DataFrame) -> pd.Series:
    """Date each member entered the reciprocal regime: GATT date if any, else WTO date."""
    return members["gatt_contracting_party_date"].fillna(members["wto_member_date"])


def status_in_year(entry_year: pd.Series, year: pd.Series) -> pd.Series:
    """``outside`` before the entry year (or never), ``acceding`` in it, ``member`` after it."""
    status = np.where(
        entry_year.isna() | (year < entry_year),
        "outside",
        np.where(year == entry_year, "acceding", "member"),
    )
    return pd.Series(status, index=year.index, dtype="str")


def share_of_year_after(date: pd.Series, year: pd.Series) -> pd.Series:
    """Share of calendar ``year`` on or after ``date`` (0 before its year, 1 after; 0 if NaT)."""
    start = pd.to_datetime(year.astype(str) + "-01-01")
    end = pd.to_datetime((year + 1).astype(str) + "-01-01")
    length = (end - start).dt.days
    inside = (end - date.where(date > start, start)).dt.days.clip(lower=0)
    return (inside / length).where(date.notna(), 0.0).astype(float)


def wto_status_panel(path: PathLike = None) -> pd.DataFrame:
    """WDI economy-years (tariffs in percent) with their GATT/WTO status (module docstring).

    Columns: :data:`WTO_PANEL_COLUMNS`. ``accession_year`` is the year WTO membership took
    effect (any route); ``observer`` and ``observer_application_year`` come from
    ``wto_observers.csv`` (status as of 2024, not by year); ``wto_member`` and
    ``gatt_contracting_party`` say whether WTO membership / GATT status had taken effect by the
    end of the year. Sorted by country_code and year.
    """
    wdi = tariff_country_panel(path, aggregates="exclude")
    wto = load_wto_membership(path)
    members = wto["members"].assign(entry_date=entry_dates(wto["members"])).set_index("iso3")
    observers = wto["observers"].set_index("iso3")
    code = wdi["country_code"]
    panel = wdi.loc[
        :,
        [
            "country_code",
            "country_name",
            "year",
            "region",
            "income_group",
            "tariff_applied_pct",
            "tariff_mfn_pct",
            "suspect",
            "suspect_reason",
        ],
    ].copy()
    is_member, is_observer = code.isin(members.index), code.isin(observers.index)
    panel["wto_listing"] = np.where(
        is_member, "member", np.where(is_observer, "observer", "neither")
    )
    panel["route"] = code.map(members["route"])
    panel["wto_member_date"] = code.map(members["wto_member_date"])
    panel["gatt_date"] = code.map(members["gatt_contracting_party_date"])
    panel["entry_date"] = code.map(members["entry_date"])
    panel["entry_year"] = panel["entry_date"].dt.year.astype("Int64")
    panel["accession_year"] = panel["wto_member_date"].dt.year.astype("Int64")
    panel["observer"] = is_observer.to_numpy()
    panel["observer_application_year"] = code.map(observers["application_year"]).astype("Int64")
    year = panel["year"]
    panel["wto_member"] = (panel["accession_year"] <= year).fillna(False).astype(bool)
    panel["gatt_contracting_party"] = (
        (panel["gatt_date"].dt.year <= year).fillna(False).astype(bool)
    )
    panel["wto_status"] = status_in_year(panel["entry_year"].astype(float), year)
    panel["member_share_of_year"] = share_of_year_after(panel["entry_date"], year)
    mid_year = pd.to_datetime(year.astype(str) + "-07-01")
    panel["years_since_entry"] = (mid_year - panel["entry_date"]).dt.days / 365.25
    observed = panel.loc[panel["tariff_applied_pct"].notna()]
    statuses = observed.groupby("country_code")["wto_status"].nunique()
    panel["single_status"] = code.map(statuses.eq(1)).fillna(True).astype(bool)
    panel = panel.loc[:, list(WTO_PANEL_COLUMNS)].sort_values(["country_code", "year"])
    panel = panel.reset_index(drop=True)
    panel.attrs.update(
        sources=[
            wdi.attrs["source"],
            wto["members"].attrs["source"],
            wto["observers"].attrs["source"],
        ],
        units={"tariff_applied_pct": "percent", "tariff_mfn_pct": "percent", "year": "year"},
        neither_listed=sorted(set(code[~is_member & ~is_observer])),
        members_without_wdi=sorted(set(members.index) - set(code)),
        observers_without_wdi=sorted(set(observers.index) - set(code)),
    )
    return panel


def economy_status_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per economy of :func:`wto_status_panel`: years with an applied tariff in each
    status, the entry year, the route and ``single_status``."""
    observed = panel.loc[panel["tariff_applied_pct"].notna()]
    counts = (
        observed.groupby(["country_code", "wto_status"]).size().unstack(fill_value=0)
    ).reindex(columns=list(WTO_STATUSES), fill_value=0)
    counts.columns = [f"years_{s}" for s in WTO_STATUSES]
    first = panel.drop_duplicates("country_code").set_index("country_code")
    out = first[["country_name", "wto_listing", "route", "entry_year", "single_status"]].join(
        counts, how="left"
    )
    return out.fillna({f"years_{s}": 0 for s in WTO_STATUSES}).reset_index()
