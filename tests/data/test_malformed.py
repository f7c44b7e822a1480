"""Corrupted copies of the real files: every error names the file, the column and the row."""

from __future__ import annotations

import re

import pytest
from tests.data.conftest import set_cell

from retrench.data import load
from retrench.errors import DataError


def _drop_column(column: str):
    def edit(header, rows):
        i = header.index(column)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return edit


def _add_column(column: str, value: str):
    def edit(header, rows):
        return header + [column], [r + [value] for r in rows]

    return edit


def _copy_row(source: int, target: int):
    def edit(header, rows):
        rows[target] = list(rows[source])

    return edit


def _edits(*edits):
    def edit(header, rows):
        for e in edits:
            e(header, rows)

    return edit


WDI = ("wdi_tariff_rates", "wdi_tariff_rates_long.csv")
US = ("us_china_tradewar_tariffs", "us_tariffs_on_china_hs6.csv")
CN = ("us_china_tradewar_tariffs", "china_tariffs_on_us_hs6.csv")
IMP = ("us_china_tradewar_tariffs", "us_imports_from_china_by_naics3_monthly.csv")
EXP = ("us_china_tradewar_tariffs", "us_exports_to_china_by_naics3_monthly.csv")
ANNEX = ("us_china_tradewar_tariffs", "phase_one_annex_6_1_hs4.csv")
RC = ("us_trade_rollcalls", "trade_rollcalls.csv")
MV = ("us_trade_rollcalls", "trade_votes_members.csv")
VV = ("us_trade_rollcalls", "voteview_members_trade_congresses.csv")
GVC = ("wiod2013_gvc_indicators", "wiod2013_country_year_gvc.csv")
VA = ("wiod2013_gvc_indicators", "wiod2013_va_source_by_exporter.csv")
ADHM = ("adhm_house_2002_2016", "house_2002_2016.csv")
ADH = ("adh2013_china_shock_cz", "workfile_china.csv")
LARSEN = ("populism_europe", "populist_parties_ep_elections_larsen.csv")
POPU = ("populism_europe", "popu_list_rooduijn.csv")
CHES = ("populism_europe", "ches_1999_2019_v3.csv")

# (id, dataset/file, edit, column named in the error, row (0-based) named, extra text expected)
CASES = [
    (
        "negative_tariff",
        WDI,
        set_cell(3, "tariff_applied_weighted_mean_pct", "-1.5"),
        "tariff_applied_weighted_mean_pct",
        3,
        ">= 0",
    ),
    (
        "tariff_not_number",
        WDI,
        set_cell(4, "tariff_mfn_weighted_mean_pct", "abc"),
        "tariff_mfn_weighted_mean_pct",
        4,
        "'abc'",
    ),
    (
        "tariff_infinite",
        WDI,
        set_cell(2, "tariff_applied_weighted_mean_pct", "inf"),
        "tariff_applied_weighted_mean_pct",
        2,
        "'inf'",
    ),
    ("year_fractional", WDI, set_cell(5, "year", "2001.5"), "year", 5, "int"),
    ("year_empty", WDI, set_cell(6, "year", ""), "year", 6, "empty"),
    ("year_out_of_range", WDI, set_cell(7, "year", "1850"), "year", 7, "1960"),
    ("duplicate_key", WDI, _copy_row(0, 1), "country_code, year", 1, "unique key"),
    ("unknown_region", WDI, set_cell(8, "wb_region", "Atlantis"), "wb_region", 8, "Atlantis"),
    ("bad_country_code", WDI, set_cell(9, "country_code", "US"), "country_code", 9, "'US'"),
    (
        "missing_column",
        WDI,
        _drop_column("tariff_mfn_weighted_mean_pct"),
        "tariff_mfn_weighted_mean_pct",
        None,
        "missing",
    ),
    ("unexpected_column", WDI, _add_column("bound_rate", "1"), "bound_rate", None, "unexpected"),
    ("hs6_five_digits", US, set_cell(10, "hs6", "12345"), "hs6", 10, "12345"),
    (
        "impossible_date",
        US,
        set_cell(11, "time_of_tariff", "2018-02-30"),
        "time_of_tariff",
        11,
        "2018-02-30",
    ),
    ("china_negative_tariff", CN, set_cell(12, "tariff", "-5"), "tariff", 12, ">= 0"),
    (
        "china_trade_above_total",
        IMP,
        set_cell(13, "china_trade", "1e15"),
        "china_trade, total_trade",
        13,
        "china_trade <= total_trade",
    ),
    ("naics_letters", EXP, set_cell(14, "naics3", "ab1"), "naics3", 14, "ab1"),
    ("annex_hs4_mismatch", ANNEX, set_cell(15, "hs4", "9999"), "hs4_o, hs4", 15, "first 4"),
    ("vote_code_unknown", MV, set_cell(16, "position_raw", "Maybe"), "position_raw", 16, "Maybe"),
    (
        "vote_disagrees_with_position",
        MV,
        set_cell(17, "vote", "0.0"),
        "position_raw, vote",
        17,
        "Yea/Aye",
    ),
    ("vote_not_binary", MV, set_cell(18, "vote", "2"), "vote", 18, "[0.0, 1.0]"),
    ("party_unknown", MV, set_cell(19, "party", "X"), "party", 19, "'X'"),
    ("chamber_vs_vote_id", RC, set_cell(2, "chamber", "Senate"), "vote_id, chamber", 2, "prefix"),
    ("rollcall_date_format", RC, set_cell(3, "date", "1993/11/17"), "date", 3, "1993/11/17"),
    ("rollcall_negative_count", RC, set_cell(4, "nay", "-3"), "nay", 4, ">= 0"),
    (
        "voteview_nominate_range",
        VV,
        set_cell(20, "nominate_dim1", "3.2"),
        "nominate_dim1",
        20,
        "3.2",
    ),
    (
        "share_above_one",
        GVC,
        set_cell(21, "domestic_share_final_demand", "1.2"),
        "domestic_share_final_demand",
        21,
        "1.2",
    ),
    (
        "participation_not_sum",
        GVC,
        set_cell(22, "gvc_participation", "0.9"),
        "gvc_participation, gvc_backward, gvc_forward",
        22,
        "gvc_backward + gvc_forward",
    ),
    (
        "va_source_diagonal",
        VA,
        set_cell(23, "exporting_country", "AUS"),
        "source_country, exporting_country",
        23,
        "different",
    ),
    (
        "adhm_weight_above_one",
        ADHM,
        set_cell(24, "sh_district_2002", "1.5"),
        "sh_district_2002",
        24,
        "1.5",
    ),
    (
        "adhm_vote_change_150",
        ADHM,
        set_cell(25, "d2_shnr_2002_2016", "150"),
        "d2_shnr_2002_2016",
        25,
        "150",
    ),
    ("adhm_dummy_two", ADHM, set_cell(26, "redistrict_2016", "2"), "redistrict_2016", 26, "[0, 1]"),
    (
        "adh_t2_inconsistent",
        ADH,
        set_cell(27, "t2", "0"),
        "t2, yr",
        27,
        "t2 = 1 exactly when yr = 2000",
    ),
    ("adh_weight_negative", ADH, set_cell(28, "timepwt48", "-0.1"), "timepwt48", 28, "-0.1"),
    ("larsen_vote_share", LARSEN, set_cell(29, "vote_share", "120"), "vote_share", 29, "120"),
    ("popu_list_year", POPU, set_cell(30, "populist_start", "1800"), "populist_start", 30, "1800"),
    (
        "ches_unknown_label",
        CHES,
        set_cell(31, "eu_position", "very keen"),
        "eu_position",
        31,
        "very keen",
    ),
]


@pytest.mark.parametrize(
    ("dataset", "edit", "column", "row", "text"),
    [pytest.param(c[1], c[2], c[3], c[4], c[5], id=c[0]) for c in CASES],
)
def test_corrupted_file_raises_naming_file_column_and_row(
    corrupt_copy, dataset, edit, column, row, text
):
    name, filename = dataset
    root = corrupt_copy(name, filename, edit)
    with pytest.raises(DataError) as info:
        load(name, path=root)
    message = str(info.value)
    assert filename in message
    assert f"column '{column}'" in message or f"column {column!r}" in message
    if row is not None:
        assert re.search(rf"row {row} \(line {row + 2}\)", message), message
    assert text in message, message


def test_adh_t2_case_really_breaks_consistency(data_root):
    # Row 27 must be a second-period row for the t2 = 0 edit above to be an error.
    from tests.data.conftest import read_rows

    header, rows = read_rows(data_root / ADH[0] / ADH[1])
    assert rows[27][header.index("yr")] == "2000"


def test_rollcall_count_mismatch_names_vote_id(corrupt_copy):
    root = corrupt_copy(*RC, set_cell(0, "yea", "235"))
    with pytest.raises(DataError, match=r"h575-103\.1993: 235 in roll call vs 234"):
        load("us_trade_rollcalls", path=root)


def test_member_vote_id_not_in_rollcalls(corrupt_copy):
    root = corrupt_copy(*MV, set_cell(0, "vote_id", "h999-103.1993"))
    with pytest.raises(DataError, match=r"h999-103\.1993") as info:
        load("us_trade_rollcalls", path=root)
    assert "row 0 (line 2)" in str(info.value)


def test_all_failures_reported_together(corrupt_copy):
    edit = _edits(
        set_cell(3, "tariff_applied_weighted_mean_pct", "-1"), set_cell(9, "wb_region", "Atlantis")
    )
    root = corrupt_copy(*WDI, edit)
    with pytest.raises(DataError) as info:
        load("wdi_tariff_rates", path=root)
    message = str(info.value)
    assert "row 3 (line 5)" in message and "row 9 (line 11)" in message


def test_drop_invalid_drops_and_reports(corrupt_copy, data_root):
    from tests.data.conftest import read_rows

    _, rows = read_rows(data_root / WDI[0] / WDI[1])
    edit = _edits(set_cell(3, "tariff_applied_weighted_mean_pct", "-1"), set_cell(4, "year", "x"))
    root = corrupt_copy(*WDI, edit)
    frame = load("wdi_tariff_rates", path=root, drop_invalid=True)
    assert len(frame) == len(rows) - 2
    dropped = frame.attrs["dropped"]
    assert sum(d["count"] for d in dropped) == 2
    assert {r for d in dropped for r in d["rows"]} == {3, 4}
    assert any("tariff_applied_weighted_mean_pct" in d["reason"] for d in dropped)


def test_drop_invalid_still_raises_for_missing_column(corrupt_copy):
    root = corrupt_copy(*WDI, _drop_column("year"))
    with pytest.raises(DataError, match="year"):
        load("wdi_tariff_rates", path=root, drop_invalid=True)


def test_missing_dataset_names_dataset_places_and_file(tmp_path):
    with pytest.raises(DataError) as info:
        load("wdi_tariff_rates", path=tmp_path)
    message = str(info.value)
    assert "wdi_tariff_rates" in message
    assert "wdi_tariff_rates_long.csv" in message
    assert str(tmp_path.resolve()) in message


def test_env_var_is_used_before_the_default(corrupt_copy, monkeypatch):
    from retrench.data.locate import candidate_roots

    root = corrupt_copy(*WDI, set_cell(3, "tariff_applied_weighted_mean_pct", "-1.5"))
    monkeypatch.setenv("RETRENCH_DATA", str(root))
    assert candidate_roots()[0] == root
    with pytest.raises(DataError, match="row 3"):
        load("wdi_tariff_rates")


def test_unknown_dataset_lists_known_names():
    with pytest.raises(DataError, match="wdi_tariff_rates"):
        load("no_such_dataset")


def test_ragged_csv_row_names_file_and_line(corrupt_copy):
    def edit(header, rows):
        rows[10].append("extra")

    root = corrupt_copy(*WDI, edit)
    with pytest.raises(DataError) as info:
        load("wdi_tariff_rates", path=root)
    message = str(info.value)
    assert "wdi_tariff_rates_long.csv" in message and "line 12" in message


def test_empty_file_is_a_data_error(corrupt_copy):
    root = corrupt_copy(*WDI, lambda header, rows: ([], []))
    with pytest.raises(DataError, match="wdi_tariff_rates_long.csv"):
        load("wdi_tariff_rates", path=root)
