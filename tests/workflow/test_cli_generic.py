"""The generic command line: one ``fit MODEL`` / ``check`` / ``simulate`` / ``report`` for every
registered design, spec overrides with ``--set``, and one-line errors for options of another
design."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from retrench._cli_workflow import parse_assignments, spec_argument
from retrench.cli import app
from retrench.errors import DataError, SpecError
from retrench.workflow import registry
from retrench.workflow.data_sources import electoral_source, gvc_source, tariff_source

runner = CliRunner()


def test_set_assignments_parse_toml_values_into_nested_tables() -> None:
    got = parse_assignments(
        ["sampler.warmup=1500", "likelihood.errors=student_t", "priors.trend.scale=0.02",
         "nuts.dense_mass=true", 'data.group="income_group"']
    )  # fmt: skip
    assert got == {
        "sampler": {"warmup": 1500},
        "likelihood": {"errors": "student_t"},
        "priors": {"trend": {"scale": 0.02}},
        "nuts": {"dense_mass": True},
        "data": {"group": "income_group"},
    }


@pytest.mark.parametrize("bad", ["warmup=3", "sampler.warmup", "sampler..x=1", "=1"])
def test_malformed_set_assignment_is_a_spec_error_naming_it(bad: str) -> None:
    with pytest.raises(SpecError, match="SECTION.KEY=VALUE"):
        parse_assignments([bad])


def test_set_overrides_merge_over_a_spec_file(tmp_path) -> None:
    path = tmp_path / "s.toml"
    complete = "".join(f"[{s}]\nx = 1\n" for s in ("data", "priors", "likelihood"))
    path.write_text('[sampler]\nwarmup = 10\ndraws = 20\n[model]\nname = "x"\n' + complete)
    merged = spec_argument(path, {"sampler": {"warmup": 99}})
    assert merged["sampler"] == {"warmup": 99, "draws": 20}
    assert spec_argument(path, {}) == path
    assert spec_argument(None, {}) is None


def test_set_does_not_complete_a_spec_file_that_lacks_sections(tmp_path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[sampler]\nwarmup = 10\ndraws = 20\n[model]\nname = "x"\n')
    with pytest.raises(SpecError, match="missing section.*data, likelihood, priors"):
        spec_argument(path, {"sampler": {"warmup": 99}})


def test_design_options_go_to_their_spec_keys_and_are_refused_elsewhere() -> None:
    spec: dict = {}
    registry.apply_fit_options(registry.get("gvc"), spec, {"thresholds": 2, "regressor": None})
    assert spec == {"thresholds": {"count": 2}}
    with pytest.raises(SpecError, match="--thresholds applies to model gvc, not 'tariffs'"):
        registry.apply_fit_options(registry.get("tariffs"), {}, {"thresholds": 1})


def test_every_registered_design_resolves_its_class_and_hooks() -> None:
    assert set(registry.names()) >= {"tariffs", "electoral", "gvc", "accession", "conjoint"}
    without_policies = {"conjoint"}  # a survey design: estimands, no structural policy nodes
    for name in registry.names():
        entry = registry.get(name)
        assert entry.model_class().schema.model_name == name
        assert callable(entry.hook("report"))
        if name in without_policies:
            assert entry.counterfactuals is None
            continue
        module = entry.counterfactual_module()
        assert module.POLICIES and callable(module.counterfactual_tables)


def test_data_sources_name_the_bad_input(tmp_path) -> None:
    with pytest.raises(SpecError, match="--synthetic and --data"):
        tariff_source(tmp_path, synthetic=True)
    with pytest.raises(DataError, match="neither a CSV file nor a folder"):
        gvc_source(tmp_path / "missing")
    with pytest.raises(SpecError, match="--districts needs --rollcalls"):
        electoral_source(districts=tmp_path / "d.csv")
    assert tariff_source(synthetic=True)["kind"] == "csv"
    assert electoral_source(synthetic=True) == {"kind": "synthetic"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["fit", "nosuch", "--out", "x"], "unknown model 'nosuch'"),
        (["fit", "tariffs", "--out", "x", "--thresholds", "1"], "applies to model gvc"),
        (["fit", "gvc", "--out", "x", "--rollcalls", "r.csv"], "applies to model electoral"),
        (["check", "no-such-folder"], "no fit.nc here"),
        (["calibrate", "gvc", "--out", "x"], "no calibration tasks"),
    ],
)
def test_user_errors_end_with_one_line_and_exit_2(args, message) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_gvc_fit_check_simulate_report_end_to_end(tmp_path) -> None:
    out = tmp_path / "gvc"
    result = runner.invoke(
        app,
        ["fit", "gvc", "--synthetic", "--out", str(out), "--thresholds", "1", "--draws", "60",
         "--warmup", "60", "--chains", "2", "--set", "thresholds.hansen_replications=0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {"fit.nc", "spec.toml", "diagnostics.csv"} <= {p.name for p in out.iterdir()}
    spec_text = (out / "spec.toml").read_text()
    assert "count = 1" in spec_text
    check = runner.invoke(app, ["check", str(out)])
    verdict = re.search(r"verdict: (pass|warn|fail)", check.output)
    assert verdict is not None, check.output
    assert check.exit_code == (1 if verdict.group(1) == "fail" else 0)
    listed = runner.invoke(app, ["simulate", str(out)])
    assert listed.exit_code == 0 and "reshore-omega" in listed.output
    bad = runner.invoke(app, ["simulate", str(out), "--policy", "nope"])
    assert bad.exit_code == 2 and "unknown policy 'nope'" in bad.output
    done = runner.invoke(app, ["simulate", str(out), "--policy", "reshore-mu", "--amount", "0.01"])
    assert done.exit_code == 0, done.output
    assert list(out.glob("counterfactual_reshore-mu*.csv"))
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output
    assert (out / "report.md").read_text().strip()


@pytest.fixture
def toy_design():
    """A registered design whose calibration tasks are a tiny regression (fast)."""
    from retrench.workflow.data_sources import gvc_source, load_gvc_data

    registry.register(
        registry.ModelEntry(
            name="toy",
            class_path="retrench.bayes.gvc_model:GVCThresholdModel",
            make_source=gvc_source,
            load_data=load_gvc_data,
            calibration=(
                "benchmarks.calibration_tasks:simulate_regression",
                "benchmarks.calibration_tasks:fit_regression",
            ),
        )
    )
    yield "toy"
    registry._REGISTRY.pop("toy")


def test_calibrate_runs_resumes_and_collects(toy_design, tmp_path) -> None:
    out = tmp_path / "sbc"
    args = ["calibrate", toy_design, "--simulations", "4", "--executor", "serial",
            "--draws", "60", "--warmup", "60", "--out", str(out)]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    table = pd.read_csv(out / "calibration.csv", index_col=0)
    assert set(table["simulations"]) == {4}
    # each coverage is a share of the 4 simulations (k / 4), not e.g. a mean over draws
    coverage = table["coverage_90"].to_numpy(float)
    assert ((coverage * 4).round(9) == (coverage * 4).round()).all(), coverage
    assert (out / "ranks.png").stat().st_size > 0 and (out / "calibration.md").is_file()
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("sim-*.npz")}
    assert len(stamps) == 4
    again = runner.invoke(app, [*args[:3], "6", *args[4:]])  # two more; the four are kept
    assert again.exit_code == 0, again.output
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("sim-*.npz")}.items() >= stamps.items()
    collected = runner.invoke(app, ["calibrate", toy_design, "--out", str(out), "--collect-only"])
    assert collected.exit_code == 0, collected.output
    assert set(pd.read_csv(out / "calibration.csv", index_col=0)["simulations"]) == {6}


def test_calibrate_collect_only_on_an_empty_folder_is_one_line(toy_design, tmp_path) -> None:
    result = runner.invoke(app, ["calibrate", toy_design, "--out", str(tmp_path), "--collect-only"])
    assert result.exit_code == 2 and "no finished calibration tasks" in result.output
