"""A design defined in the test suite (tests/designs_fixture/toy/: model, spec, policies,
report) gets every command of the CLI from one registry line, with no edit outside its folder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from retrench.cli import app
from retrench.designs import registry

runner = CliRunner()
FAST = ["--draws", "80", "--warmup", "80", "--chains", "1"]


@pytest.fixture
def toy():
    registry.register_package("toy", "tests.designs_fixture.toy")  # the one registry line
    yield "toy"
    registry.unregister("toy")


def _ok(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def test_toy_design_gets_fit_check_simulate_report_compare_calibrate(toy, tmp_path) -> None:
    wide, narrow = tmp_path / "wide", tmp_path / "narrow"
    _ok(["fit", toy, "--synthetic", "--out", str(wide), *FAST, "--slope-scale", "3.0"])
    assert "scale = 3.0" in (wide / "spec.toml").read_text()  # the design's own option
    _ok(["fit", toy, "--synthetic", "--out", str(narrow), *FAST, "--slope-scale", "0.01"])

    check = runner.invoke(app, ["check", str(wide)])
    assert check.exit_code in (0, 1) and "verdict" in check.output

    assert "shift" in _ok(["simulate", str(wide)]).output
    _ok(["simulate", str(wide), "--policy", "shift", "--amount", "2.5"])
    (table_path,) = wide.glob("counterfactual_shift*.csv")
    table = pd.read_csv(table_path, index_col=0)
    # the policy node adds 2.5 to every mean: change = counterfactual - factual = 2.5 exactly
    np.testing.assert_allclose(table["mean_change"], 2.5, rtol=1e-12)
    np.testing.assert_allclose(table["mean"] - table["mean_factual"], 2.5, rtol=1e-12)

    _ok(["report", str(wide)])
    assert "slope" in (wide / "report.md").read_text()

    compared = _ok(["compare", str(wide), str(narrow)])
    assert "PSIS-LOO" in compared.output

    sbc = tmp_path / "sbc"
    _ok(["calibrate", toy, "--simulations", "2", "--executor", "serial", "--draws", "40",
         "--warmup", "40", "--out", str(sbc)])  # fmt: skip
    assert (sbc / "calibration.csv").is_file()


def test_an_option_of_no_design_is_refused_with_the_designs_options(toy) -> None:
    result = runner.invoke(app, ["fit", toy, "--synthetic", "--out", "x", "--nope", "1"])
    assert result.exit_code == 2
    assert "--nope: no such option of `retrench fit toy`" in result.output
    assert "--slope-scale" in result.output


def test_unregistered_the_toy_design_is_unknown(toy) -> None:
    registry.unregister(toy)
    result = runner.invoke(app, ["fit", toy, "--synthetic", "--out", "x"])
    assert result.exit_code == 2 and "unknown model 'toy'" in result.output
