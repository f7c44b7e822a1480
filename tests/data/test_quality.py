"""Quality reports: known WDI errors are flagged; reports render; CLI prints them."""

from __future__ import annotations

import numpy as np
import pytest
from tests.data.conftest import read_rows
from typer.testing import CliRunner

from retrench._cli_data import data_app
from retrench.data import quality_report


@pytest.fixture(scope="module")
def wdi_report(data_root):
    return quality_report("wdi_tariff_rates", data_root)


def test_known_wdi_errors_flagged(wdi_report):
    flagged = {
        (u, int(t))
        for u, t in zip(wdi_report.outliers["unit"], wdi_report.outliers["time"], strict=True)
    }
    for key in [("USA", 2019), ("NPL", 2008), ("PLW", 2019), ("BMU", 2019)]:
        assert key in flagged
    assert ("USA", 2018) not in flagged


def test_wdi_coverage_and_missingness(wdi_report):
    cov = wdi_report.coverage.iloc[0]
    assert (cov["rows"], cov["units"], cov["first"], cov["last"]) == (3808, 189, 1988, 2022)
    miss = wdi_report.missingness.set_index("column")["missing"]
    assert miss["tariff_applied_weighted_mean_pct"] == 2


def test_report_frame_and_render(wdi_report):
    frame = wdi_report.to_frame()
    assert set(frame["section"]) == {"coverage", "missingness", "outlier"}
    text = wdi_report.render()
    assert "NPL" in text and "coverage" in text


def test_other_reports(data_root):
    tw = quality_report("us_china_tradewar_tariffs", data_root)
    assert (tw.outliers["value"] > 100).all() and len(tw.outliers) > 0
    adhm = quality_report("adhm_house_2002_2016", data_root)
    flagged = adhm.outliers[adhm.outliers["column"] == "d2_shnr_2002_2016"]
    assert (flagged["value"].abs() >= 50).all() and len(flagged) > 0
    rc = quality_report("us_trade_rollcalls", data_root)
    assert "icpsr" in set(rc.outliers["column"])  # Steve Largent has no Voteview match


def test_cli_check_list_and_load(data_root, tmp_path):
    runner = CliRunner()
    result = runner.invoke(data_app, ["check", "wdi_tariff_rates", "--data", str(data_root)])
    assert result.exit_code == 0 and "NPL" in result.output
    result = runner.invoke(data_app, ["list", "--data", str(data_root)])
    assert result.exit_code == 0 and "wiod2013_gvc_indicators" in result.output
    out = tmp_path / "wdi.csv"
    result = runner.invoke(
        data_app, ["load", "wdi_tariff_rates", "--out", str(out), "--data", str(data_root)]
    )
    assert result.exit_code == 0 and out.read_text().count("\n") == 3809


def test_cli_errors_are_one_clean_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(data_app, ["check", "wdi_tariff_rates", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "wdi_tariff_rates_long.csv" in result.output
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("error:") and "wdi_tariff_rates" in last_line
    result = runner.invoke(data_app, ["check", "nope"])
    assert result.exit_code == 2 and "unknown dataset" in result.output


def test_cross_section_and_populism_reports(data_root):
    adh = quality_report("adh2013_china_shock_cz", data_root)
    assert adh.coverage.iloc[0]["units"] == 722
    header, rows = read_rows(data_root / "adh2013_china_shock_cz" / "workfile_china.csv")
    cz, yr, x = (header.index(c) for c in ("czone", "yr", "d_tradeusch_pw"))
    values = np.array([float(r[x]) for r in rows if r[yr] == "1990"])
    zones = [int(float(r[cz])) for r in rows if r[yr] == "1990"]
    z = (values - np.median(values)) / (1.4826 * np.median(np.abs(values - np.median(values))))
    expected = {zones[i] for i in np.flatnonzero(np.abs(z) > 6)}
    flagged = adh.outliers[
        (adh.outliers["column"] == "d_tradeusch_pw") & (adh.outliers["time"] == 1990)
    ]
    assert expected and set(flagged["unit"]) == expected
    pop = quality_report("populism_europe", data_root)
    assert set(pop.coverage["table"]) == {"ep_elections", "popu_list", "ches"}
