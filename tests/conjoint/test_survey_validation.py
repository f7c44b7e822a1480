"""A malformed survey file gets one clear error naming file, column, row and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrench.designs.conjoint.simulate import simulate_survey
from retrench.designs.conjoint.survey import read_survey, validate_survey
from retrench.errors import DataError


@pytest.fixture(scope="module")
def survey():
    return simulate_survey(20, 3, seed=5, rating=True)


def write(tmp_path: Path, frame) -> Path:
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path


def test_valid_file_round_trips(tmp_path, survey):
    out = read_survey(write(tmp_path, survey), respondent_columns=["ideology", "party"])
    assert len(out) == len(survey)
    assert out["chosen"].dtype == "int64" and out.attrs["source"].endswith("survey.csv")


def test_missing_column_names_file_and_column(tmp_path, survey):
    path = write(tmp_path, survey.drop(columns="regime"))
    with pytest.raises(DataError, match=r"(?s)survey\.csv.*column 'regime': missing"):
        read_survey(path)


def test_no_outcome_column(tmp_path, survey):
    with pytest.raises(DataError, match="'chosen' and/or 'rating'"):
        read_survey(write(tmp_path, survey.drop(columns=["chosen", "rating"])))


def test_two_chosen_profiles_in_a_task(tmp_path, survey):
    bad = survey.copy()
    bad.loc[0, "chosen"], bad.loc[1, "chosen"] = 1, 1
    with pytest.raises(
        DataError, match=r"found two chosen profiles in a task; 2 offending row\(s\): row 1, row 2"
    ):
        read_survey(write(tmp_path, bad))


def test_no_chosen_profile_in_a_task(survey):
    bad = survey.copy()
    bad.loc[2, "chosen"], bad.loc[3, "chosen"] = 0, 0
    with pytest.raises(
        DataError, match="found none chosen in a task; 2 offending row.*row 3, row 4"
    ):
        validate_survey(bad, source="memory")


def test_unknown_level_names_row_and_levels(tmp_path, survey):
    bad = survey.copy()
    bad.loc[4, "shock_type"] = "Steel"
    with pytest.raises(
        DataError, match=r"column 'shock_type': expected one of the levels .*row 5 \('Steel'\)"
    ):
        read_survey(write(tmp_path, bad))


def test_non_binary_chosen(tmp_path, survey):
    bad = survey.copy().astype({"chosen": object})
    bad.loc[6, "chosen"] = 2
    bad.loc[8, "chosen"] = "yes"
    with pytest.raises(DataError, match=r"column 'chosen': expected 0 or 1") as info:
        read_survey(write(tmp_path, bad))
    assert "row 9 ('yes')" in str(info.value)


def test_bad_profile_and_duplicates(survey):
    bad = survey.copy()
    bad.loc[1, "profile"] = 3
    with pytest.raises(
        DataError, match=r"column 'profile': expected 1 or 2; 1 offending row\(s\): row 2"
    ):
        validate_survey(bad)
    dup = survey.copy()
    dup.loc[1, "profile"] = 1
    with pytest.raises(DataError, match="expected unique rows"):
        validate_survey(dup)


def test_respondent_column_must_be_constant(survey):
    bad = survey.copy()
    bad.loc[1, "party"] = "Green"
    with pytest.raises(DataError, match="column 'party': expected one value per respondent"):
        validate_survey(bad, respondent_columns=["party"])


def test_file_not_found(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_survey(tmp_path / "nope.csv")
