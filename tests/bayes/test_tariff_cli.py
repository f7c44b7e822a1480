"""CLI commands through typer's CliRunner: success paths, verdict exit codes, user errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from retrench._cli_workflow import app
from retrench.workflow.diagnostics import diagnose
from retrench.workflow.results import read_attrs

runner = CliRunner()


def test_fit_writes_a_results_folder(small_tariff_fit):
    result, out = small_tariff_fit["result"], small_tariff_fit["out"]
    assert result.exit_code == 0, result.output
    assert {"fit.nc", "spec.toml", "diagnostics.csv"} <= {p.name for p in out.iterdir()}
    _, attrs = read_attrs(out)
    assert json.loads(attrs["retrench_data_source"])["kind"] == "csv"


def test_check_exit_code_follows_the_verdict(small_tariff_fit):
    out = small_tariff_fit["out"]
    idata, attrs = read_attrs(out)
    from retrench.bayes.tariffs import TariffModel

    verdict = diagnose(
        idata,
        TariffModel.summary_sites,
        max_tree_depth=json.loads(attrs["retrench_spec"])["sampler"]["max_tree_depth"],
    ).verdict
    result = runner.invoke(app, ["check", str(out)])
    assert f"verdict: {verdict}" in result.output
    assert result.exit_code == (1 if verdict == "fail" else 0)


def test_simulate_public_and_report(small_tariff_fit):
    out = small_tariff_fit["out"]
    result = runner.invoke(app, ["simulate", str(out), "--policy", "public"])
    assert result.exit_code == 0, result.output
    assert "welfare_gap" in result.output
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    for name in (
        "report.md",
        "prior_predictive.png",
        "posterior_predictive.png",
        "pareto_k.png",
        "weight_ridge.png",
        "contraction.png",
    ):
        assert (out / name).is_file(), name
    text = (out / "report.md").read_text()
    assert "PSIS-LOO" in text and "Identification" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "{out}", "--policy", "tax-everything"], "--policy: unknown policy"),
        (["simulate", "{out}", "--policy", "power"], "tradewar.use"),
        (["check", "{missing}"], "no fit.nc here"),
        (["fit", "nonsense", "--out", "{missing}", "--data", "{csv}"], "unknown model"),
        (["fit", "tariffs", "--out", "{missing}", "--data", "{missing}/x.csv"], "neither a CSV"),
        (
            ["fit", "tariffs", "--out", "{missing}", "--data", "{csv}", "--spec", "{badspec}"],
            "priors.group_sd.scale",
        ),
    ],
)
def test_user_errors_end_with_one_line_and_exit_2(small_tariff_fit, tmp_path, args, message):
    bad = tmp_path / "bad.toml"
    text = (small_tariff_fit["out"] / "spec.toml").read_text()
    bad.write_text(
        text.replace(
            '[priors.group_sd]\nfamily = "half_normal"\nscale = 0.3',
            '[priors.group_sd]\nfamily = "half_normal"\nscale = -0.3',
        )
    )
    fill = {
        "out": str(small_tariff_fit["out"]),
        "missing": str(tmp_path / "nowhere"),
        "csv": str(small_tariff_fit["csv"]),
        "badspec": str(bad),
    }
    result = runner.invoke(app, [a.format(**fill) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
