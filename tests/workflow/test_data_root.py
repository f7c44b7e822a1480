"""``retrench fit DESIGN --data ROOT`` takes the data root (the folder holding the dataset
folders, e.g. ../shared/data) for every design, and a user error prints its whole message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrench.cli import app
from retrench.data.locate import candidate_roots
from retrench.designs import registry

runner = CliRunner()
SHIPPED = ["tariffs", "electoral", "gvc"]
#: a dataset folder each design reads from the root
DATASET_OF = {
    "tariffs": "wdi_tariff_rates",
    "electoral": "us_trade_rollcalls",
    "gvc": "wiod2013_gvc_indicators",
}


@pytest.fixture(scope="module")
def data_root() -> Path:
    for root in candidate_roots():
        if all((root / d).is_dir() for d in DATASET_OF.values()):
            return root.resolve()
    pytest.skip("real data folder (../shared/data or $RETRENCH_DATA) not available")


@pytest.mark.parametrize("design", SHIPPED)
def test_every_design_loads_its_panels_from_the_data_root(design, data_root) -> None:
    entry = registry.get(design)
    source = entry.make_source(data_root)
    assert source["kind"] == "real" and Path(source["path"]) == data_root
    loaded = entry.load_data(source)
    assert len(loaded["data"]) > 0
    json.dumps(source)  # a source record must be JSON-able (it is saved in fit.nc)


@pytest.mark.parametrize("design", ["electoral", "gvc"])
def test_a_dataset_folder_given_as_root_fails_with_every_place_looked(
    design, data_root, tmp_path
) -> None:
    wrong = data_root / DATASET_OF[design]  # the dataset folder, not the root
    result = runner.invoke(app, ["fit", design, "--out", str(tmp_path / "o"), "--data", str(wrong)])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    looked = [line for line in lines if line.strip().startswith("- ")]
    assert any("Looked in:" in line for line in lines), result.output
    assert looked and all(str(wrong) in line for line in looked), result.output


FIT_ARGS = ["--draws", "6", "--warmup", "6", "--chains", "1", "--no-pointwise"]
EXTRA = {"gvc": ["--set", "thresholds.hansen_replications=0", "--thresholds", "1"]}


@pytest.mark.slow  # a fit on the real panels: minutes on a shared 2-core machine
@pytest.mark.parametrize("design", SHIPPED)
def test_fit_reads_the_data_root_through_the_cli(design, data_root, tmp_path) -> None:
    out = tmp_path / design
    args = ["fit", design, "--out", str(out), "--data", str(data_root), *FIT_ARGS]
    result = runner.invoke(app, args + EXTRA.get(design, []))
    assert result.exit_code == 0, result.output
    assert (out / "fit.nc").is_file() and (out / "spec.toml").is_file()
