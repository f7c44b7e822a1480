"""``retrench compare``: PSIS-LOO comparison of results folders (workflow.compare)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.workflow.conftest import TOY_SPEC
from tests.workflow.toy_model import ToyModel, toy_panel
from typer.testing import CliRunner

from retrench.bayes import inference_data as idio
from retrench.cli import app
from retrench.errors import SpecError
from retrench.workflow.compare import compare_fits, folder_labels

runner = CliRunner()
#: a slope prior pinned far from the truth (0.5): that fit must lose the comparison clearly
WRONG_SLOPE = {"priors": {"slope": {"family": "normal", "loc": -1.0, "scale": 0.01}}}


def _fit(folder, spec_override=None, n=40, seed=0):
    spec = TOY_SPEC if spec_override is None else _merged(spec_override)
    model = ToyModel(toy_panel(n=n, seed=seed), spec)
    model.fit(draws=150, chains=2, seed=3, warmup=150, prior_draws=10)
    folder.mkdir(parents=True)
    model.save(folder / "fit.nc")
    return folder


def _merged(override):
    import tomllib

    spec = tomllib.loads(TOY_SPEC.read_text())
    spec["priors"].update(override["priors"])
    return spec


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    return {
        "right": _fit(root / "right"),
        "wrong": _fit(root / "wrong", WRONG_SLOPE),
        "other_data": _fit(root / "other_data", seed=5),
    }


def test_the_fit_with_the_wrong_slope_loses_by_many_standard_errors(folders):
    result = compare_fits([folders["right"], folders["wrong"]])
    table = result.tables["y_obs"]
    assert result.model == "toy" and result.skipped == {}
    assert list(table.index) == ["right", "wrong"]
    assert table.loc["right", "elpd_diff"] == 0.0
    assert -table.loc["wrong", "elpd_diff"] > 5 * table.loc["wrong", "dse"] > 0


def test_difference_and_its_se_follow_from_the_pointwise_loo(folders):
    result = compare_fits([folders["right"], folders["wrong"]])
    pointwise = {}
    for label in ("right", "wrong"):
        idata = idio.read_netcdf(str(folders[label] / "fit.nc"))
        pointwise[label] = np.asarray(idio.loo(idata, "y_obs").loo_i).ravel()
    diff = pointwise["wrong"] - pointwise["right"]  # ArviZ 1: elpd_diff = model - best
    table = result.tables["y_obs"]
    assert table.loc["wrong", "elpd_diff"] == pytest.approx(diff.sum(), rel=1e-9)
    assert table.loc["wrong", "dse"] == pytest.approx(np.sqrt(diff.size * diff.var()), rel=1e-6)
    assert table.loc["right", "elpd_loo"] == pytest.approx(pointwise["right"].sum(), rel=1e-9)


def test_fits_of_other_observations_are_refused_naming_the_folder(folders):
    with pytest.raises(SpecError, match="other_data observed other values than right"):
        compare_fits([folders["right"], folders["other_data"]])


def test_one_folder_or_an_unknown_site_is_a_clear_error(folders):
    with pytest.raises(SpecError, match="two or more"):
        compare_fits([folders["right"]])
    with pytest.raises(SpecError, match="no fit has observed site"):
        compare_fits([folders["right"], folders["wrong"]], ["votes"])


def test_labels_fall_back_to_paths_when_folder_names_repeat(tmp_path):
    assert folder_labels([tmp_path / "a", tmp_path / "b"]) == ["a", "b"]
    twice = [tmp_path / "x" / "fit", tmp_path / "y" / "fit"]
    assert folder_labels(twice) == [str(p) for p in twice]


def test_cli_prints_the_table_and_writes_a_csv_that_matches(folders, tmp_path):
    csv = tmp_path / "out" / "loo.csv"
    res = runner.invoke(
        app, ["compare", str(folders["wrong"]), str(folders["right"]), "--csv", str(csv)]
    )
    assert res.exit_code == 0, res.output
    assert "PSIS-LOO of y_obs" in res.output and "dse" in res.output
    frame = pd.read_csv(csv)
    assert list(frame["fit"]) == ["right", "wrong"]
    expected = compare_fits([folders["right"], folders["wrong"]]).to_frame()
    np.testing.assert_allclose(frame["elpd_loo"], expected["elpd_loo"], rtol=1e-12)
    bad = runner.invoke(app, ["compare", str(folders["right"]), str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "no fit.nc here" in bad.output
