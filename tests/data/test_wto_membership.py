"""The wto_membership dataset: loader, validation errors, quality report and the status panel.

Expected facts are checked by hand against the WTO's accession pages (see the dataset's
PROVENANCE.md): China joined on 2001-12-11, Saudi Arabia on 2005-12-11, Viet Nam on
2007-01-11, Russia on 2012-08-22; Algeria is an observer; the United States was one of the 23
original GATT contracting parties (1948).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.data.conftest import read_rows, set_cell

from retrench.data import load, quality_report
from retrench.data.panels_wto import economy_status_summary, wto_status_panel
from retrench.errors import DataError

NAME = "wto_membership"


@pytest.fixture(scope="module")
def panel(data_root):
    return wto_status_panel(data_root)


def test_loader_matches_the_files_read_with_csv(data_root):
    loaded = load(NAME, path=data_root)
    header, rows = read_rows(data_root / NAME / "wto_membership.csv")
    assert loaded["members"].shape == (len(rows), len(header)) == (166, 7)
    routes = [r[header.index("route")] for r in rows]
    assert (routes.count("original"), routes.count("article_xii")) == (128, 38)
    members = loaded["members"].set_index("iso3")
    assert members.loc["CHN", "wto_member_date"] == pd.Timestamp("2001-12-11")
    assert pd.isna(members.loc["CHN", "gatt_contracting_party_date"])
    assert members.loc["USA", "gatt_contracting_party_date"] == pd.Timestamp("1948-01-01")
    obs_header, obs_rows = read_rows(data_root / NAME / "wto_observers.csv")
    assert len(loaded["observers"]) == len(obs_rows) == 23
    assert "DZA" in set(loaded["observers"]["iso3"])


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("wto_member_date", "2001-13-11", "date YYYY-MM-DD"),
        ("route", "accession", "one of ['original', 'article_xii']"),
        ("iso3", "chn", "matching"),
    ],
)
def test_malformed_member_cells_name_file_column_and_row(corrupt_copy, column, value, expected):
    root = corrupt_copy(NAME, "wto_membership.csv", set_cell(3, column, value))
    with pytest.raises(DataError) as info:
        load(NAME, path=root)
    message = str(info.value)
    assert "wto_membership.csv" in message and repr(column) in message
    assert "row 3 (line 5)" in message and expected in message


def test_gatt_date_after_membership_is_refused(corrupt_copy):
    # row 0 is Antigua and Barbuda (WTO 1995-01-01): a GATT date after it is impossible
    root = corrupt_copy(
        NAME, "wto_membership.csv", set_cell(0, "gatt_contracting_party_date", "1996-01-01")
    )
    with pytest.raises(
        DataError, match="gatt_contracting_party_date before wto_member_date"
    ) as info:
        load(NAME, path=root)
    assert "row 0 (line 2)" in str(info.value)


def test_observer_listed_as_member_is_refused(corrupt_copy):
    def make_algeria_a_member(header, rows):
        rows[0][header.index("iso3")] = "CHN"

    root = corrupt_copy(NAME, "wto_observers.csv", make_algeria_a_member)
    with pytest.raises(DataError, match="observers and members are disjoint") as info:
        load(NAME, path=root)
    assert "wto_observers.csv" in str(info.value) and "'CHN'" in str(info.value)


def test_quality_report_flags_observers_without_application_year(data_root):
    report = quality_report(NAME, data_root)
    flagged = set(report.outliers.loc[report.outliers["column"] == "application_year", "unit"])
    assert flagged == {"STP", "VAT"}
    cov = report.coverage.set_index("table")
    assert (cov.loc["members", "rows"], cov.loc["observers", "rows"]) == (166, 23)


def _status(panel: pd.DataFrame, code: str) -> dict[int, str]:
    rows = panel.loc[panel["country_code"] == code]
    return dict(zip(rows["year"], rows["wto_status"], strict=True))


@pytest.mark.parametrize(
    ("code", "date"),
    [("CHN", "2001-12-11"), ("SAU", "2005-12-11"), ("VNM", "2007-01-11"), ("RUS", "2012-08-22")],
)
def test_accessions_switch_status_in_their_year(panel, code, date):
    when = pd.Timestamp(date)
    status = _status(panel, code)
    assert all(s == "outside" for y, s in status.items() if y < when.year)
    assert all(s == "member" for y, s in status.items() if y > when.year)
    row = panel.loc[(panel["country_code"] == code) & (panel["year"] == when.year)]
    if len(row):  # the accession year itself (when WDI has it)
        assert row["wto_status"].item() == "acceding"
        days_left = (pd.Timestamp(f"{when.year + 1}-01-01") - when).days
        days_in_year = 366 if when.is_leap_year else 365
        assert row["member_share_of_year"].item() == pytest.approx(days_left / days_in_year)
    first = panel.loc[panel["country_code"] == code].iloc[0]
    assert first["accession_year"] == first["entry_year"] == when.year
    assert first["route"] == "article_xii" and not first["single_status"]
    # years_since_entry: from the membership date to 1 July of the year
    chn_2010 = panel.loc[(panel["country_code"] == code) & (panel["year"] == 2010)]
    if len(chn_2010):
        expected = (pd.Timestamp("2010-07-01") - when).days / 365.25
        assert chn_2010["years_since_entry"].item() == pytest.approx(expected)


def test_observer_outside_and_founder_inside_in_every_year(panel):
    algeria = panel.loc[panel["country_code"] == "DZA"]
    assert len(algeria) > 10
    assert (algeria["wto_status"] == "outside").all() and algeria["observer"].all()
    assert algeria["single_status"].all() and algeria["entry_date"].isna().all()
    assert (algeria["observer_application_year"] == 1987).all()
    usa = panel.loc[panel["country_code"] == "USA"]
    assert (usa["wto_status"] == "member").all() and usa["single_status"].all()
    assert (usa["entry_year"] == 1948).all() and usa["gatt_contracting_party"].all()
    assert (usa.loc[usa["year"] < 1995, "wto_member"] == False).all()  # noqa: E712
    assert usa.loc[usa["year"] >= 1995, "wto_member"].all()


def test_panel_keeps_every_wdi_economy_year(panel, data_root):
    header, rows = read_rows(data_root / "wdi_tariff_rates" / "wdi_tariff_rates_long.csv")
    region = header.index("wb_region")
    economies = [r for r in rows if r[region] != ""]
    assert len(panel) == len(economies)
    assert not panel.duplicated(["country_code", "year"]).any()
    assert "TWN" in panel.attrs["members_without_wdi"]
    assert set(panel.attrs["neither_listed"]) <= set(panel["country_code"])


def test_summary_counts_the_29_article_xii_economies_seen_on_both_sides(panel):
    summary = economy_status_summary(panel)
    both = summary.loc[(summary["years_outside"] > 0) & (summary["years_member"] > 0)]
    assert (both["route"] == "article_xii").sum() == 29  # the count from the WDI file
    china = summary.set_index("country_code").loc["CHN"]
    assert (china["years_outside"], china["years_acceding"]) == (8, 1)
