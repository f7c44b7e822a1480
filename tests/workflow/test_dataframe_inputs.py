"""A DataFrame given to a model's constructor is validated like a panel CSV (issue 13): wrong
kinds, non-finite or out-of-range values, empty key cells and duplicate rows are DataErrors
naming the column, the row position and the value, for every design that reads a panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.designs.accession.model import TariffAccessionModel
from retrench.designs.gvc.model import GVCThresholdModel
from retrench.designs.tariffs.model import TariffModel
from retrench.errors import DataError
from retrench.resources import embedded_file


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(embedded_file(name))


PANELS = {
    "tariffs": (TariffModel, "tariffs_synthetic.csv", "tariff_applied_pct", "country_code"),
    "accession": (
        TariffAccessionModel,
        "accession_synthetic.csv",
        "tariff_applied_pct",
        "country_code",
    ),
    "gvc": (GVCThresholdModel, "gvc_synthetic.csv", "omega", "country"),
}


def _spoil(frame: pd.DataFrame, column: str, row: int, value) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize("design", sorted(PANELS))
@pytest.mark.parametrize(
    "what, spoil, expected",
    [
        ("text in a number column", lambda f, v, k: _spoil(f, v, 3, "n/a"), r"row 3: 'n/a'"),
        ("infinite value", lambda f, v, k: _spoil(f, v, 4, np.inf), r"row 4: 'inf'"),
        ("fractional year", lambda f, v, k: _spoil(f, "year", 5, 2001.5), r"row 5: '2001.5'"),
        ("empty key cell", lambda f, v, k: _spoil(f, k, 6, None), r"row 6: ''"),
        (
            "duplicate row",
            lambda f, v, k: pd.concat([f, f.iloc[[2]]], ignore_index=True),
            r"unique key",
        ),
    ],
)
def test_bad_dataframe_is_refused_naming_column_and_row(design, what, spoil, expected):
    model_class, file_name, value_column, key_column = PANELS[design]
    if what == "duplicate row" and design == "tariffs":
        pytest.skip("the tariff design reads several rows of a country-year as one cell")
    frame = _read(file_name)
    model_class(frame)  # the embedded panel itself is accepted
    bad = spoil(frame, value_column, key_column)
    with pytest.raises(DataError, match=expected) as info:
        model_class(bad)
    message = str(info.value)
    assert f"the data given to {model_class.__name__}" in message, message


def test_negative_tariff_in_a_dataframe_names_the_range():
    frame = _spoil(_read("tariffs_synthetic.csv"), "tariff_applied_pct", 7, -2.0)
    with pytest.raises(DataError, match=r"tariff_applied_pct.*in \[0, 1000\].*row 7: -2\.0"):
        TariffModel(frame)


def test_electoral_rollcall_csv_is_checked_naming_file_column_and_row(tmp_path):
    from typer.testing import CliRunner

    from retrench.cli import app

    rollcalls = _read("electoral_synthetic_rollcalls.csv")
    rollcalls["n_voting"] = rollcalls["n_voting"].astype(object)
    rollcalls.loc[4, "n_voting"] = "many"
    path = tmp_path / "rollcalls.csv"
    rollcalls.to_csv(path, index=False)
    result = CliRunner().invoke(
        app, ["fit", "electoral", "--rollcalls", str(path), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "'n_voting'" in result.output, result.output
    assert "row 4: 'many'" in result.output, result.output
    assert not (tmp_path / "out").exists()
