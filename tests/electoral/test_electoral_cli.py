"""The electoral CLI through typer's CliRunner, on the session's small fit (no refit)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from retrench._cli_electoral import FIT_FILE, SOURCE_FILE, app

runner = CliRunner()


@pytest.fixture(scope="module")
def results(fitted, tmp_path_factory):
    out = tmp_path_factory.mktemp("electoral_results")
    rc, dc = out / "rollcalls.csv", out / "districts.csv"
    fitted._data_raw.to_csv(rc, index=False)
    fitted._districts_raw.to_csv(dc, index=False)
    fitted.save(out / FIT_FILE)
    (out / SOURCE_FILE).write_text(json.dumps({"rollcalls_csv": str(rc), "districts_csv": str(dc)}))
    return out


def test_simulate_both_policies(results):
    held = runner.invoke(app, ["simulate", str(results), "--policy", "hold-inequality"])
    assert held.exit_code == 0, held.output
    assert "p_exit_H_held" in held.output
    comp = runner.invoke(app, ["simulate", str(results), "--policy", "compensation"])
    assert comp.exit_code == 0, comp.output
    assert (results / "counterfactual_compensation.csv").is_file()
    fixed = runner.invoke(
        app, ["simulate", str(results), "--policy", "compensation", "--amount", "0.05"]
    )
    assert fixed.exit_code == 0 and "prob_H_exits" in fixed.output, fixed.output


def test_report_writes_plots_and_markdown(results):
    result = runner.invoke(app, ["report", str(results)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in results.iterdir()}
    expected = {"report.md", "realignment_map.png", "ppc_party_yea_shares.png",
                "ppc_exposure_vote.png", "contraction.csv", "realignment_period.csv"}  # fmt: skip
    assert expected <= names


def test_user_errors_are_one_line(results, tmp_path):
    bad = runner.invoke(app, ["simulate", str(results), "--policy", "tariff"])
    assert bad.exit_code == 2 and "unknown policy" in bad.output
    missing = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


@pytest.mark.slow
def test_fit_on_the_embedded_synthetic_panels(tmp_path):
    out = tmp_path / "fit"
    args = ["fit", "--out", str(out), "--synthetic", "--draws", "50", "--warmup", "50"]
    result = runner.invoke(app, [*args, "--chains", "2"])
    assert result.exit_code == 0, result.output
    assert {FIT_FILE, SOURCE_FILE, "diagnostics.csv", "excluded.csv"} <= {
        p.name for p in out.iterdir()
    }
    assert json.loads((out / SOURCE_FILE).read_text())["synthetic"] is True
