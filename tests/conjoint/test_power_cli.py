"""Power by simulation and the conjoint command entry points (Typer sub-app, unregistered)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from retrench.designs.conjoint.attributes import ATTRIBUTES, effect_names
from retrench.designs.conjoint.cli import app, parse_restrictions
from retrench.designs.conjoint.power import power_curve, respondents_for_power
from retrench.designs.conjoint.results import CSV_COLUMNS
from retrench.designs.conjoint.survey import validate_survey

runner = CliRunner()


def test_power_rises_with_respondents_and_effect_size_and_is_small_at_null():
    curve = power_curve([60, 400], [0.0, 1.0], tasks=5, simulations=30, seed=1)
    at = curve.set_index(["effect_scale", "respondents"])["power"]
    assert at[(1.0, 400)] > at[(1.0, 60)]
    assert at[(1.0, 400)] >= 0.8
    # no shock-type effects: both one-sided 5 % tests must pass by chance, rarely
    assert at[(0.0, 400)] <= 0.15
    needed = respondents_for_power(curve)
    assert needed[1.0] == 400 and np.isnan(needed[0.0])


def test_design_command_writes_a_valid_design(tmp_path):
    out = tmp_path / "design.csv"
    result = runner.invoke(
        app,
        [
            "design",
            "--respondents",
            "30",
            "--tasks",
            "4",
            "--seed",
            "7",
            "--out",
            str(out),
            "--restrict",
            "ally=Ally,regime=Autocracy",
        ],
    )
    assert result.exit_code == 0, result.output
    design = pd.read_csv(out)
    assert len(design) == 30 * 4 * 2
    assert not ((design.ally == "Ally") & (design.regime == "Autocracy")).any()
    # with a chosen column filled in, the design passes the survey validation
    validate_survey(design.assign(chosen=(design.profile == 1).astype(int)))
    assert parse_restrictions(["a=b, c=d"]) == [{"a": "b", "c": "d"}]


def test_report_command_draws_plots_from_tables(tmp_path):
    rows = [(a, lv) for a, lv in effect_names()]
    amce = pd.DataFrame(
        [(a, lv, 0.1, 0.0, 0.2, m) for m in ("ols", "bayes") for a, lv in rows],
        columns=CSV_COLUMNS,
    )
    levels = [(a, lv) for a, lvs in ATTRIBUTES.items() for lv in lvs]
    mm = pd.DataFrame(
        [(a, lv, 0.5, 0.45, 0.55, m) for m in ("ols", "bayes") for a, lv in levels],
        columns=CSV_COLUMNS,
    )
    amce.to_csv(tmp_path / "amce.csv", index=False)
    mm.to_csv(tmp_path / "marginal_means.csv", index=False)
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "amce.png").stat().st_size > 1000
    assert "## AMCEs" in (tmp_path / "report.md").read_text()


def test_fit_command_needs_a_data_source(tmp_path):
    result = runner.invoke(app, ["fit", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "no public trade-policy conjoint" in str(result.exception)


def test_entry_resolves_through_the_registry():
    from retrench.designs import registry

    assert registry.DESIGNS["conjoint"] == "retrench.designs.conjoint"  # the one registry line
    entry = registry.get("conjoint")
    assert entry.model_class().__name__ == "ConjointModel"
    assert callable(entry.hook("after_fit")) and callable(entry.hook("report"))
    source = entry.make_source(None, True)
    assert source["kind"] == "synthetic" and source["path"].endswith("conjoint_synthetic.csv")
    survey = entry.load_data(source)["data"]
    assert len(survey) == 2400


def test_retrench_design_conjoint_through_the_main_cli(tmp_path):
    """``retrench design conjoint`` is wired from the registry entry (the CLI names no design):
    2 profiles per respondent-task, every level one of Table 2's."""
    from typer.testing import CliRunner

    from retrench.cli import app
    from retrench.designs.conjoint.attributes import ATTRIBUTES

    out = tmp_path / "design.csv"
    args = ["design", "conjoint", "--respondents", "7", "--tasks", "3", "--seed", "5"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) == 7 * 3 * 2
    assert sorted(frame.groupby(["respondent", "task"]).size().unique()) == [2]
    for attribute, levels in ATTRIBUTES.items():
        assert set(frame[attribute]) <= set(levels), attribute
