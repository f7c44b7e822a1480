"""The long-format conjoint survey file: its schema and its validation.

One row per profile shown:

| column | content |
|---|---|
| ``respondent`` | respondent identifier (text or integer; not empty) |
| ``task`` | choice task within the respondent (integer >= 1) |
| ``profile`` | 1 or 2 (the two profiles of a paired task) |
| ``chosen`` | 0/1, exactly one chosen per respondent-task (forced choice) |
| ``rating`` | optional numeric rating of the profile (``chosen`` and/or ``rating`` must exist) |
| ``shock_type`` ... ``firm_type`` | the level's text, one column per attribute (Table 2) |
| ``ideology``, ``party``, ... | optional respondent columns (constant within a respondent) |

:func:`read_survey` reads a CSV file and :func:`validate_survey` checks a DataFrame. Every problem
raises one :class:`~retrench.errors.DataError` naming the file, the column, the first offending
rows (1-based data rows; the CSV line is the row + 1, the header being line 1) and what was
expected: a missing column, an unknown level, a non-binary ``chosen``, two (or no) chosen
profiles in a task, a task without exactly profiles 1 and 2, a duplicated row, a respondent
column that changes within a respondent. Column-level checks run through a ``pandera`` schema
(lazy, so that every failure is gathered); the task-level checks are group counts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from retrench.designs.conjoint.attributes import ATTRIBUTES
from retrench.errors import DataError

ID_COLUMNS = ("respondent", "task", "profile")
OUTCOME_COLUMNS = ("chosen", "rating")
MAX_SHOWN = 5


def _rows_text(rows: Sequence[int], values: Sequence[object] | None = None) -> str:
    shown = [
        f"row {r + 1}" + (f" ({values[i]!r})" if values is not None else "")
        for i, r in enumerate(rows[:MAX_SHOWN])
    ]
    more = f" ... and {len(rows) - MAX_SHOWN} more" if len(rows) > MAX_SHOWN else ""
    return f"{len(rows)} offending row(s): " + ", ".join(shown) + more


def _raise(source: str, problems: list[str]) -> None:
    if problems:
        body = "\n  - ".join(problems)
        raise DataError(
            f"invalid conjoint survey {source} (rows are 1-based data rows; CSV line = row + 1):"
            f"\n  - {body}"
        )


def survey_schema(
    attributes: Mapping[str, Sequence[str]], outcomes: Sequence[str]
) -> pa.DataFrameSchema:
    """The pandera schema of the column-level checks (ids, outcomes, attribute levels)."""
    columns = {
        "respondent": pa.Column(nullable=False),
        "task": pa.Column(
            float, [pa.Check.ge(1), pa.Check(lambda s: s == np.round(s), error="an integer")]
        ),
        "profile": pa.Column(float, pa.Check.isin([1, 2])),
    }
    if "chosen" in outcomes:
        columns["chosen"] = pa.Column(float, pa.Check.isin([0, 1]), nullable=False)
    if "rating" in outcomes:
        columns["rating"] = pa.Column(
            float, pa.Check(lambda s: np.isfinite(s), error="a finite number"), nullable=False
        )
    for attribute, levels in attributes.items():
        columns[attribute] = pa.Column(None, pa.Check.isin(list(levels)), nullable=False)
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


EXPECTED = {
    "task": "an integer >= 1",
    "profile": "1 or 2",
    "chosen": "0 or 1",
    "rating": "a finite number",
    "respondent": "a respondent identifier (not empty)",
}


def _column_problems(
    frame: pd.DataFrame, attributes: Mapping[str, Sequence[str]], outcomes: Sequence[str]
) -> list[str]:
    """Run the pandera schema; one message per failing column."""
    numeric = frame.copy()
    problems: list[str] = []
    for column in ("task", "profile", *outcomes):
        parsed = pd.to_numeric(numeric[column], errors="coerce").astype(float)
        bad = parsed.isna().to_numpy()
        if bad.any():
            rows = list(np.flatnonzero(bad))
            problems.append(
                f"column {column!r}: expected {EXPECTED[column]}; "
                + _rows_text(rows, list(frame[column].iloc[rows]))
            )
        numeric[column] = parsed.fillna(1.0 if column != "rating" else 0.0)
    try:
        survey_schema(attributes, outcomes).validate(numeric, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for column, group in cases.groupby("column", sort=False):
            rows = sorted({int(i) for i in group["index"].dropna()})
            values = [frame[column].iloc[r] for r in rows] if rows else None
            if column in attributes:
                expected = f"one of the levels {list(attributes[column])}"
            else:
                expected = EXPECTED.get(str(column), str(group["check"].iloc[0]))
            problems.append(f"column {column!r}: expected {expected}; " + _rows_text(rows, values))
    return problems


def _task_problems(frame: pd.DataFrame, outcomes: Sequence[str]) -> list[str]:
    """Duplicates, profiles 1 and 2 in every task, exactly one chosen per task."""
    problems: list[str] = []
    keys = list(ID_COLUMNS)
    duplicated = frame.duplicated(keys, keep=False).to_numpy()
    if duplicated.any():
        problems.append(
            "columns 'respondent', 'task', 'profile': expected unique rows; "
            + _rows_text(list(np.flatnonzero(duplicated)))
        )
    groups = frame.groupby(["respondent", "task"], sort=False)
    profiles = groups["profile"].transform(lambda s: tuple(sorted(s)) == (1, 2))
    bad = ~profiles.to_numpy(dtype=bool)
    if bad.any():
        problems.append(
            "column 'profile': expected exactly profiles 1 and 2 in every respondent-task; "
            + _rows_text(list(np.flatnonzero(bad)))
        )
    if "chosen" in outcomes:
        n_chosen = groups["chosen"].transform("sum").to_numpy()
        for count, what in ((n_chosen > 1, "two chosen profiles"), (n_chosen < 1, "none chosen")):
            if count.any():
                problems.append(
                    "column 'chosen': expected exactly one chosen profile per respondent-task, "
                    f"found {what} in a task; " + _rows_text(list(np.flatnonzero(count)))
                )
    return problems


def _respondent_problems(frame: pd.DataFrame, respondent_columns: Sequence[str]) -> list[str]:
    problems = []
    for column in respondent_columns:
        varies = frame.groupby("respondent")[column].transform(lambda s: s.nunique(dropna=False))
        bad = (varies > 1).to_numpy()
        if bad.any():
            problems.append(
                f"column {column!r}: expected one value per respondent (a respondent column); "
                + _rows_text(
                    list(np.flatnonzero(bad)), list(frame[column].iloc[np.flatnonzero(bad)])
                )
            )
    return problems


def validate_survey(
    frame: pd.DataFrame,
    *,
    source: str = "<DataFrame>",
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
    respondent_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Check a long-format survey frame; return a clean copy (integer ids and outcomes).

    Args:
        frame: the survey, one row per profile shown.
        source: how to name it in errors (the file path for :func:`read_survey`).
        attributes: attribute -> levels (default Table 2).
        respondent_columns: columns that must be constant within a respondent (moderators).

    Raises:
        DataError: naming ``source``, every offending column and its first offending rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{source}: expected a pandas DataFrame (got {type(frame).__name__})")
    frame = frame.reset_index(drop=True)
    required = [*ID_COLUMNS, *attributes, *respondent_columns]
    missing = [c for c in required if c not in frame.columns]
    outcomes = [c for c in OUTCOME_COLUMNS if c in frame.columns]
    problems = [f"column {c!r}: missing (expected a column {c!r})" for c in missing]
    if not outcomes:
        problems.append("columns 'chosen'/'rating': missing (expected 'chosen' and/or 'rating')")
    _raise(source, problems)
    problems = _column_problems(frame, attributes, outcomes)
    _raise(source, problems)
    clean = frame.copy()
    for column in ("task", "profile", *(o for o in outcomes if o == "chosen")):
        clean[column] = pd.to_numeric(clean[column]).astype("int64")
    if "rating" in outcomes:
        clean["rating"] = pd.to_numeric(clean["rating"]).astype(float)
    _raise(
        source, _task_problems(clean, outcomes) + _respondent_problems(clean, respondent_columns)
    )
    clean.attrs["source"] = source
    return clean


def read_survey(
    path: str | os.PathLike[str],
    *,
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
    respondent_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Read and validate a survey CSV (see :func:`validate_survey`); errors name the file."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError as exc:
        raise DataError(f"conjoint survey file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse {path} as CSV: {exc}") from exc
    for column in raw.columns:
        if column not in (*ID_COLUMNS, *OUTCOME_COLUMNS, *attributes, "respondent"):
            numbers = pd.to_numeric(raw[column], errors="coerce")
            if numbers.notna().sum() == raw[column].notna().sum():
                raw[column] = numbers
    return validate_survey(
        raw, source=str(path), attributes=attributes, respondent_columns=respondent_columns
    )
