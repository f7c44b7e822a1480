"""Analysis panels against independent aggregations of the raw CSV rows."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from tests.data.conftest import read_rows

from retrench.data import (
    TARIFF_COUNTRY_COLUMNS,
    TRADEWAR_COLUMNS,
    electoral_district_panel,
    electoral_member_votes,
    electoral_rollcall_panel,
    gvc_missing_countries,
    gvc_panel,
    tariff_country_panel,
    tradewar_tariff_panel,
)


@pytest.fixture(scope="module")
def tariffs(data_root):
    return tariff_country_panel(data_root)


def test_tariff_panel_columns_and_no_rows_dropped(tariffs, data_root):
    assert tuple(tariffs.columns) == TARIFF_COUNTRY_COLUMNS
    header, rows = read_rows(data_root / "wdi_tariff_rates" / "wdi_tariff_rates_long.csv")
    region = header.index("wb_region")
    economies = [r for r in rows if r[region] != ""]
    assert len(tariffs) == len(economies)
    assert not tariffs["is_aggregate"].any()
    both = tariff_country_panel(data_root, aggregates="include")
    assert len(both) == len(rows)
    assert set(both.loc[both["is_aggregate"], "country_code"]) == {"EUU"}


def test_tariff_panel_flags_known_errors_but_keeps_them(tariffs):
    t = tariffs.set_index(["country_code", "year"])
    for key in [("USA", 2019), ("NPL", 2008), ("PLW", 2019), ("BMU", 2019)]:
        assert t.loc[key, "suspect"], key
        assert t.loc[key, "suspect_reason"] != ""
    assert t.loc[("NPL", 2008), "tariff_applied_pct"] == 421.5
    for key in [("USA", 2018), ("USA", 2020), ("NPL", 2009), ("CHN", 2010), ("DEU", 2015)]:
        assert not t.loc[key, "suspect"], key
    assert tariffs["suspect"].mean() < 0.05


def test_tradewar_panel_baseline_and_change(data_root):
    panel = tradewar_tariff_panel(data_root)
    assert tuple(panel.columns) == TRADEWAR_COLUMNS
    header, rows = read_rows(
        data_root / "us_china_tradewar_tariffs" / "china_tariffs_on_us_hs6.csv"
    )
    by_product = defaultdict(dict)
    for date, hs6, tariff in rows:
        by_product[hs6][date] = float(tariff) if tariff else math.nan
    cn = panel[panel["direction"] == "china_on_us"]
    assert len(cn) == len(rows)
    for hs6 in ["010121", "120190", "870323"]:
        sub = cn[cn["hs6"] == hs6]
        base = by_product[hs6]["2018-01-01"]
        assert np.allclose(sub["baseline_tariff_pct"], base)
        expected = [by_product[hs6][d] - base for d in sorted(by_product[hs6])]
        assert np.allclose(sub["tariff_change_pp"], expected, equal_nan=True)
    us = panel[panel["direction"] == "us_on_china"]
    assert us["hs6"].nunique() == 5114 and us["date"].nunique() == 7
    assert (panel["suspect"] == (panel["tariff_pct"] > 100)).all()


def test_rollcall_panel_matches_independent_count(data_root):
    panel = electoral_rollcall_panel(data_root)
    header, rows = read_rows(data_root / "us_trade_rollcalls" / "trade_votes_members.csv")
    h = {c: header.index(c) for c in ("vote_id", "party", "position_raw")}
    counts = defaultdict(lambda: [0, 0])
    for r in rows:
        party = "I" if r[h["party"]] == "ID" else r[h["party"]]
        if r[h["position_raw"]] in ("Yea", "Aye"):
            counts[(r[h["vote_id"]], party)][0] += 1
        elif r[h["position_raw"]] in ("Nay", "No"):
            counts[(r[h["vote_id"]], party)][1] += 1
    for vote_id in ["h575-103.1993", "s395-103.1993", "h362-114.2015"]:
        for party in ("D", "R"):
            row = panel[(panel.vote_id == vote_id) & (panel.party == party)].iloc[0]
            yea, nay = counts[(vote_id, party)]
            assert (row.yea, row.nay) == (yea, nay)
            assert row.yea_share == pytest.approx(yea / (yea + nay))
    total = panel.groupby("vote_id")[["yea", "nay"]].sum()
    assert total.loc["h575-103.1993"].tolist() == [234, 200]  # NAFTA, trade_rollcalls.csv


def test_member_votes_carry_ideology(data_root):
    members = electoral_member_votes(data_root)
    assert set(members["party"]) <= {"D", "R", "I"}
    assert members["vote"].dropna().isin([0, 1]).all()
    r = members[members.party == "R"]["nominate_dim1"].mean()
    d = members[members.party == "D"]["nominate_dim1"].mean()
    assert r > 0 > d


@pytest.fixture(scope="module")
def districts(data_root):
    return electoral_district_panel(data_root)


def test_district_panel_against_numpy_aggregation(districts, data_root):
    panel = districts.set_index("district")
    header, rows = read_rows(data_root / "adhm_house_2002_2016" / "house_2002_2016.csv")
    col = {
        c: header.index(c)
        for c in ("congressionaldistrict", "sh_district_2002", "d_imp_usch_pd", "d2_shnr_2002_2016")
    }
    for district in ["AL 1", "OK 1", "CA 12", "FL 5"]:
        cells = [r for r in rows if r[col["congressionaldistrict"]] == district]
        w = np.array([float(r[col["sh_district_2002"]]) for r in cells])
        x = np.array([float(r[col["d_imp_usch_pd"]]) for r in cells])
        y = np.array(
            [
                float(r[col["d2_shnr_2002_2016"]]) if r[col["d2_shnr_2002_2016"]] else np.nan
                for r in cells
            ]
        )
        ok = ~np.isnan(y)
        assert panel.loc[district, "exposure"] == pytest.approx(np.sum(w * x))
        assert panel.loc[district, "d_rep_share"] == pytest.approx(
            np.sum(w[ok] * y[ok]) / np.sum(w[ok])
        )
        assert panel.loc[district, "weight_missing"] == pytest.approx(np.sum(w[~ok]))
        assert panel.loc[district, "uncontested"] == bool(np.any(np.abs(y[ok]) >= 50))
    assert len(panel) == 432
    assert panel.loc["OK 1", "weight_missing"] > 0


def test_district_panel_keeps_uncontested_districts(districts):
    panel = districts
    assert panel["uncontested"].any() and not panel["uncontested"].all()
    assert panel.loc[panel["fully_uncontested_swing"], "uncontested"].all()


def test_gvc_panel_growth_gap_and_missing_countries(data_root):
    panel = gvc_panel(data_root)
    header, rows = read_rows(
        data_root / "wiod2013_gvc_indicators" / "wiod2013_country_year_gvc.csv"
    )
    c, y, va = (header.index(k) for k in ("country", "year", "value_added"))
    value = {(r[c], int(r[y])): float(r[va]) for r in rows}
    world = defaultdict(float)
    for (_, year), v in value.items():
        world[year] += v
    for country, year in [("USA", 2009), ("CHN", 2003), ("DEU", 1996)]:
        own = value[(country, year)] / value[(country, year - 1)] - 1
        gap = own - (world[year] / world[year - 1] - 1)
        got = panel[(panel.country == country) & (panel.year == year)]["gr"].item()
        assert got == pytest.approx(gap)
    assert panel[panel.year == 1995]["gr"].isna().all()
    assert set(gvc_missing_countries(data_root)) == {"NZL", "NOR", "CHE"}
    sample = gvc_panel(data_root, seed_sample_only=True)
    assert sample["country"].nunique() == 18
    assert np.allclose(sample["omega"], sample["omega"].clip(0, 1))
