"""Table specifications of the ``wto_membership`` dataset (WTO members and observers).

``wto_membership.csv``: one row per WTO member (166), with the date membership took effect, the
date the member (or its predecessor) became a GATT 1947 contracting party, and the route
(``original`` under Article XI, ``article_xii`` by accession negotiation). ``wto_observers.csv``:
the 23 observer governments (22 negotiating accession plus the Holy See). See the dataset's
``PROVENANCE.md``.

Row rules (every one names its columns in an error):

* a GATT date, when present, precedes the WTO date;
* an ``article_xii`` member has no GATT date (no Article XII member was a contracting party);
* an ``original`` member has a GATT date, except the European Union (``EUU``), a member as the
  European Communities.
"""

from __future__ import annotations

import pandas as pd

from retrench.data.validation import ColumnSpec as C
from retrench.data.validation import RowCheck, TableSpec

ROUTES = ("original", "article_xii")
#: The WTO Agreement entered into force on 1 January 1995: no membership date can precede it.
WTO_START = pd.Timestamp("1995-01-01")
#: Members that are original members without a GATT date of their own.
ORIGINAL_WITHOUT_GATT = ("EUU",)


def _gatt_before_wto(df: pd.DataFrame) -> pd.Series:
    gatt = df["gatt_contracting_party_date"]
    return gatt.isna() | (gatt < df["wto_member_date"])


def _article_xii_without_gatt(df: pd.DataFrame) -> pd.Series:
    return (df["route"] != "article_xii") | df["gatt_contracting_party_date"].isna()


def _original_with_gatt(df: pd.DataFrame) -> pd.Series:
    exempt = df["iso3"].isin(ORIGINAL_WITHOUT_GATT)
    return (df["route"] != "original") | df["gatt_contracting_party_date"].notna() | exempt


def _member_after_wto_start(df: pd.DataFrame) -> pd.Series:
    return df["wto_member_date"] >= WTO_START


MEMBERSHIP_SPEC = TableSpec(
    "wto_membership.csv",
    (
        C("country_name", "str", description="the WTO's own name for the member"),
        C("iso3", "str", pattern=r"[A-Z]{3}", description="ISO3 / World Bank code (EUU, TWN)"),
        C(
            "wto_member_date",
            "date",
            description="date WTO membership took effect (not approval or signature)",
        ),
        C(
            "gatt_contracting_party_date",
            "date",
            nullable=True,
            description="date of becoming a GATT 1947 contracting party; empty if never",
        ),
        C("route", "str", isin=ROUTES, description="original (Art. XI) or article_xii"),
        C("source", "str", description="';'-separated keys of the agreeing sources"),
        C("notes", "str", nullable=True),
    ),
    key=("iso3",),
    row_checks=(
        RowCheck(
            "member_after_wto_start",
            ("iso3", "wto_member_date"),
            _member_after_wto_start,
            "wto_member_date on or after 1995-01-01 (WTO Agreement in force)",
        ),
        RowCheck(
            "gatt_before_wto",
            ("iso3", "gatt_contracting_party_date", "wto_member_date"),
            _gatt_before_wto,
            "gatt_contracting_party_date before wto_member_date",
        ),
        RowCheck(
            "article_xii_without_gatt",
            ("iso3", "route", "gatt_contracting_party_date"),
            _article_xii_without_gatt,
            "no gatt_contracting_party_date for an article_xii member",
        ),
        RowCheck(
            "original_with_gatt",
            ("iso3", "route", "gatt_contracting_party_date"),
            _original_with_gatt,
            "a gatt_contracting_party_date for an original member (except EUU)",
        ),
    ),
)

OBSERVERS_SPEC = TableSpec(
    "wto_observers.csv",
    (
        C("country_name", "str"),
        C("iso3", "str", pattern=r"[A-Z]{3}", description="ISO3 / World Bank code"),
        C(
            "application_year",
            "int",
            nullable=True,
            ge=1948,
            le=2030,
            unit="year",
            description="year of the accession application (GATT application before 1995)",
        ),
        C("status", "str", pattern=r"observer.*", description="observer status in words"),
        C("source", "str"),
        C("notes", "str", nullable=True),
    ),
    key=("iso3",),
)
