"""Round trips on the real files: shapes, dtypes, keys, and values read independently."""

from __future__ import annotations

import pytest
from tests.data.conftest import read_rows

from retrench.data import load


@pytest.fixture(scope="module")
def loaded(data_root):
    names = [
        "us_trade_rollcalls",
        "adhm_house_2002_2016",
        "adh2013_china_shock_cz",
        "us_china_tradewar_tariffs",
        "wdi_tariff_rates",
        "wiod2013_gvc_indicators",
        "populism_europe",
    ]
    return {n: load(n, path=data_root) for n in names}


def _cell(data_root, name, filename, match: dict, column: str) -> str:
    header, rows = read_rows(data_root / name / filename)
    for row in rows:
        if all(row[header.index(k)] == v for k, v in match.items()):
            return row[header.index(column)]
    raise AssertionError(f"no row {match} in {filename}")


def test_shapes_match_the_files(loaded, data_root):
    cases = [
        ("wdi_tariff_rates", None, "wdi_tariff_rates_long.csv"),
        ("adhm_house_2002_2016", None, "house_2002_2016.csv"),
        ("adh2013_china_shock_cz", None, "workfile_china.csv"),
        ("us_trade_rollcalls", "member_votes", "trade_votes_members.csv"),
        ("us_trade_rollcalls", "rollcalls", "trade_rollcalls.csv"),
        ("us_china_tradewar_tariffs", "us_tariffs", "us_tariffs_on_china_hs6.csv"),
        ("us_china_tradewar_tariffs", "china_tariffs", "china_tariffs_on_us_hs6.csv"),
        ("wiod2013_gvc_indicators", "country_year", "wiod2013_country_year_gvc.csv"),
        ("wiod2013_gvc_indicators", "va_source", "wiod2013_va_source_by_exporter.csv"),
        ("populism_europe", "ep_elections", "populist_parties_ep_elections_larsen.csv"),
    ]
    for name, table, filename in cases:
        frame = loaded[name] if table is None else loaded[name][table]
        header, rows = read_rows(data_root / name / filename)
        assert frame.shape == (len(rows), len(header)), (name, table)


def test_documented_sizes(loaded):
    assert len(loaded["us_trade_rollcalls"]["rollcalls"]) == 53
    assert len(loaded["us_trade_rollcalls"]["member_votes"]) == 14640
    assert loaded["adh2013_china_shock_cz"].shape == (1444, 191)
    assert loaded["adhm_house_2002_2016"]["congressionaldistrict"].nunique() == 432
    assert loaded["wiod2013_gvc_indicators"]["country_year"]["country"].nunique() == 41


def test_dtypes(loaded):
    wdi = loaded["wdi_tariff_rates"]
    assert str(wdi["year"].dtype) == "int64"
    assert str(wdi["tariff_applied_weighted_mean_pct"].dtype) == "float64"
    us = loaded["us_china_tradewar_tariffs"]["us_tariffs"]
    assert us["hs6"].str.len().eq(6).all() and us["hs6"].iloc[0] == "010121"
    assert str(us["time_of_tariff"].dtype).startswith("datetime64")
    mv = loaded["us_trade_rollcalls"]["member_votes"]
    assert str(mv["icpsr"].dtype) == "Int64"
    assert str(loaded["adh2013_china_shock_cz"]["czone"].dtype) == "int64"
    assert str(loaded["populism_europe"]["ches"]["eu_position"].dtype) == "float64"


def test_keys_unique(loaded):
    assert not loaded["wdi_tariff_rates"].duplicated(["country_code", "year"]).any()
    assert not loaded["adh2013_china_shock_cz"].duplicated(["czone", "yr"]).any()
    mv = loaded["us_trade_rollcalls"]["member_votes"]
    assert not mv.duplicated(["vote_id", "member_id_source"]).any()
    for table in ("us_tariffs", "china_tariffs"):
        t = loaded["us_china_tradewar_tariffs"][table]
        assert not t.duplicated(["hs6", "time_of_tariff"]).any()


def test_known_values_agree_with_csv_module(loaded, data_root):
    wdi = loaded["wdi_tariff_rates"].set_index(["country_code", "year"])
    for code, year in [("USA", 2019), ("NPL", 2008), ("CHN", 2010)]:
        raw = _cell(
            data_root,
            "wdi_tariff_rates",
            "wdi_tariff_rates_long.csv",
            {"country_code": code, "year": str(year)},
            "tariff_applied_weighted_mean_pct",
        )
        assert wdi.loc[(code, year), "tariff_applied_weighted_mean_pct"] == float(raw)
    raw = _cell(
        data_root,
        "wiod2013_gvc_indicators",
        "wiod2013_country_year_gvc.csv",
        {"country": "CHN", "year": "2005"},
        "gvc_backward",
    )
    cy = loaded["wiod2013_gvc_indicators"]["country_year"].set_index(["country", "year"])
    assert cy.loc[("CHN", 2005), "gvc_backward"] == float(raw)
    raw = _cell(
        data_root,
        "us_china_tradewar_tariffs",
        "us_tariffs_on_china_hs6.csv",
        {"hs6": "851712", "time_of_tariff": "2019-09-01"},
        "tariff",
    )
    us = loaded["us_china_tradewar_tariffs"]["us_tariffs"]
    got = us.loc[(us.hs6 == "851712") & (us.time_of_tariff == "2019-09-01"), "tariff"].item()
    assert got == float(raw)


def test_ches_labels_mapped_to_codebook_numbers(loaded, data_root):
    header, rows = read_rows(data_root / "populism_europe" / "ches_1999_2019_v3.csv")
    ches = loaded["populism_europe"]["ches"]
    col = header.index("eu_position")
    labelled = [i for i, r in enumerate(rows) if r[col] == "strongly in favor"]
    assert labelled and (ches.loc[labelled, "eu_position"] == 7.0).all()
    centre = [i for i, r in enumerate(rows) if r[header.index("lrgen")] == "center"]
    assert centre and (ches.loc[centre, "lrgen"] == 5.0).all()
    numeric = [
        i
        for i, r in enumerate(rows)
        if r[col] not in ("", "strongly in favor", "strongly opposed", "neutral")
    ]
    assert ches.loc[numeric[:20], "eu_position"].tolist() == [
        float(rows[i][col]) for i in numeric[:20]
    ]


def test_units_attached(loaded):
    wdi = loaded["wdi_tariff_rates"]
    assert wdi.attrs["units"]["tariff_applied_weighted_mean_pct"] == "percent"
    assert wdi.attrs["source"].endswith("wdi_tariff_rates_long.csv")
    assert wdi.attrs["dropped"] == []


def test_pandera_schema_accepts_the_loaded_frames(loaded):
    from retrench.data import schemas_electoral as se
    from retrench.data import schemas_trade as st
    from retrench.data.validation import build_schema

    build_schema(st.WDI_SPEC).validate(loaded["wdi_tariff_rates"])
    build_schema(se.ROLLCALLS_SPEC).validate(loaded["us_trade_rollcalls"]["rollcalls"])
    bad = loaded["wdi_tariff_rates"].copy()
    bad.loc[0, "tariff_mfn_weighted_mean_pct"] = -1.0
    import pandera.pandas as pa

    with pytest.raises(pa.errors.SchemaError):
        build_schema(st.WDI_SPEC).validate(bad)
