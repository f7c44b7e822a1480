"""Numeric encodings shared by the estimators: attribute dummies and respondent moderators.

* :func:`attribute_dummies`: the n × K matrix of non-reference level indicators (K = Σ (levels − 1),
  columns in :func:`.attributes.effect_names` order): X in y = α + X β + ε (HHY 2014, eq. 5).
* :func:`moderator_matrix`: the N × M matrix Z of respondent covariates (one row per respondent
  in ``respondent_index`` order): a numeric column is centred and divided by its sd, a text
  column becomes indicators of its non-first levels (sorted), centred. Centring makes the mean
  part-worth B of the hierarchical model the part-worth of the average respondent in the sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retrench.designs.conjoint.attributes import ATTRIBUTES, effect_names
from retrench.errors import DataError


def attribute_dummies(
    frame: pd.DataFrame, attributes: Mapping[str, Sequence[str]] = ATTRIBUTES
) -> np.ndarray:
    """Indicators of the non-reference levels (float n × K)."""
    columns = [
        (frame[attribute].to_numpy() == level).astype(float)
        for attribute, level in effect_names(attributes)
    ]
    return np.column_stack(columns) if columns else np.zeros((len(frame), 0))


def respondent_index(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(codes 0..N−1 of each row's respondent, the respondent ids in code order)."""
    codes, ids = pd.factorize(frame["respondent"], sort=False)
    return codes.astype(np.int64), np.asarray(ids)


def moderator_matrix(
    frame: pd.DataFrame, moderators: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """(Z, names): centred (and, if numeric, standardised) respondent covariates.

    Raises DataError when a moderator column is missing, empty somewhere or constant.
    """
    _, ids = respondent_index(frame)
    per_respondent = frame.drop_duplicates("respondent").set_index("respondent").loc[ids]
    blocks: list[np.ndarray] = []
    names: list[str] = []
    for column in moderators:
        if column not in frame.columns:
            raise DataError(f"moderator {column!r}: no such column in the survey")
        values = per_respondent[column]
        if values.isna().any():
            raise DataError(f"moderator {column!r}: empty for some respondents")
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().all():
            sd = float(numeric.std(ddof=0))
            if sd == 0:
                raise DataError(f"moderator {column!r}: constant across respondents")
            blocks.append(((numeric - numeric.mean()) / sd).to_numpy(float)[:, None])
            names.append(column)
            continue
        levels = sorted(values.astype(str).unique())
        if len(levels) < 2:
            raise DataError(f"moderator {column!r}: a single level {levels!r}")
        for level in levels[1:]:
            indicator = (values.astype(str) == level).to_numpy(float)
            blocks.append((indicator - indicator.mean())[:, None])
            names.append(f"{column}={level}")
    z = np.hstack(blocks) if blocks else np.zeros((len(ids), 0))
    return z, names
