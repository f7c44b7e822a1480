"""The electoral design through the generic CLI (typer's CliRunner), on the session's small fit
(no refit): ``simulate`` with both policies, ``report``, ``check``, and one-line user errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from retrench.cli import app
from retrench.workflow.results import FIT_FILE, save_results

runner = CliRunner()


@pytest.fixture(scope="module")
def results(fitted, tmp_path_factory):
    out = tmp_path_factory.mktemp("electoral_results")
    rc, dc = out / "rollcalls.csv", out / "districts.csv"
    fitted._data_raw.to_csv(rc, index=False)
    fitted._districts_raw.to_csv(dc, index=False)
    save_results(fitted, out, {"kind": "csv", "rollcalls": str(rc), "districts": str(dc)})
    return out


def test_simulate_both_policies(results):
    held = runner.invoke(app, ["simulate", str(results), "--policy", "hold-inequality"])
    assert held.exit_code == 0, held.output
    held_table = pd.read_csv(results / "counterfactual_hold-inequality.csv", index_col=0)
    assert "p_exit_H_held" in held_table.columns
    comp = runner.invoke(app, ["simulate", str(results), "--policy", "compensation"])
    assert comp.exit_code == 0, comp.output
    assert list(results.glob("counterfactual_compensation*.csv"))
    fixed = runner.invoke(
        app, ["simulate", str(results), "--policy", "compensation", "--amount", "0.05"]
    )
    assert fixed.exit_code == 0, fixed.output
    fixed_table = pd.read_csv(results / "counterfactual_compensation_amount=0.05.csv", index_col=0)
    assert fixed_table.shape[0] == len(fixed_table.index.unique()) > 0


def test_report_writes_plots_and_markdown(results):
    result = runner.invoke(app, ["report", str(results)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in results.iterdir()}
    assert {"report.md", "realignment_map.png", "ppc_party_yea_shares.png"} <= names
    assert any(name.startswith("ppc_exposure") for name in names)


def test_check_reads_the_model_from_the_folder(results):
    result = runner.invoke(app, ["check", str(results)])
    assert result.exit_code in (0, 1), result.output
    assert "verdict" in result.output and "x_H" in result.output


def test_user_errors_are_one_line(results, tmp_path):
    bad = runner.invoke(app, ["simulate", str(results), "--policy", "tariff"])
    assert bad.exit_code == 2 and "unknown policy" in bad.output
    missing = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    no_rollcalls = runner.invoke(
        app, ["fit", "electoral", "--out", str(tmp_path / "x"), "--districts", "d.csv"]
    )
    assert no_rollcalls.exit_code == 2 and "--districts needs --rollcalls" in no_rollcalls.output


@pytest.mark.slow
def test_fit_on_the_embedded_synthetic_panels(tmp_path):
    out = tmp_path / "fit"
    args = ["fit", "electoral", "--out", str(out), "--synthetic", "--draws", "50"]
    result = runner.invoke(app, [*args, "--warmup", "50", "--chains", "2"])
    assert result.exit_code == 0, result.output
    assert {FIT_FILE, "diagnostics.csv", "excluded.csv", "spec.toml"} <= {
        p.name for p in out.iterdir()
    }
    from retrench.bayes import inference_data as idio

    attrs = idio.attrs_of(idio.read_netcdf(str(out / FIT_FILE)))
    assert json.loads(attrs["retrench_data_source"]) == {"kind": "synthetic"}
