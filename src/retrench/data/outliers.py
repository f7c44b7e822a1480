"""Robust outlier rules shared by the quality reports and the analysis panels.

Two rules, both robust to the outliers they look for:

* :func:`isolated_spikes`: within each group's time series (e.g. a country's tariff by year), a
  value is compared on the log(1 + x) scale with the median of the ``window`` observations before
  it and with the median of the ``window`` observations after it, and the closer of the two is
  its reference.  The residual is divided by a pooled robust scale, 1.4826 x the median absolute
  deviation of all residuals, and values with ``|z| > threshold`` are flagged; the medians are
  recomputed without flagged values until the flags are stable.  A level shift (a
  liberalisation) matches one side and is not flagged; a one-year spike (U.S. 2019: 13.8 %
  between 1.6 % and 1.5 %) departs from both sides and is.
* :func:`robust_z_within`: (x - median) / (1.4826 MAD) within a group, for cross-sections.

Both return boolean or float Series aligned with the input and never drop anything.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

MAD_TO_SD = 1.4826
DEFAULT_SPIKE_THRESHOLD = 10.0
DEFAULT_SPIKE_WINDOW = 2


def neighbour_median(values: np.ndarray, window: int = DEFAULT_SPIKE_WINDOW) -> np.ndarray:
    """Median of the non-missing neighbours within ``window`` positions, excluding the point."""
    out = np.full(len(values), np.nan)
    for i in range(len(values)):
        neighbours = np.r_[values[max(0, i - window) : i], values[i + 1 : i + 1 + window]]
        neighbours = neighbours[~np.isnan(neighbours)]
        if neighbours.size:
            out[i] = np.median(neighbours)
    return out


def _side_median(grouped, shifts: list[int]) -> np.ndarray:
    matrix = np.column_stack([grouped.shift(k).to_numpy(dtype="float64") for k in shifts])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no neighbour on that side: NaN
        return np.nanmedian(matrix, axis=1)


def grouped_neighbour_median(
    values: pd.Series, groups: pd.Series, window: int = DEFAULT_SPIKE_WINDOW
) -> pd.Series:
    """Vectorised :func:`neighbour_median` within each group (rows already in series order)."""
    grouped = values.groupby(groups, sort=False)
    shifts = list(range(1, window + 1)) + [-k for k in range(1, window + 1)]
    return pd.Series(_side_median(grouped, shifts), index=values.index)


def closest_side_reference(
    point: pd.Series,
    neighbours: pd.Series,
    groups: pd.Series,
    window: int = DEFAULT_SPIKE_WINDOW,
) -> pd.Series:
    """Of the medians of the ``window`` preceding and the ``window`` following ``neighbours``
    within each group, the one closer to ``point`` on the log(1 + x) scale (the only one at a
    series end).  Rows must be in series order.

    A value is an isolated spike only if it departs from *both* sides; a level shift matches one
    side and so gets a small residual.
    """
    grouped = neighbours.groupby(groups, sort=False)
    before = _side_median(grouped, list(range(1, window + 1)))
    after = _side_median(grouped, [-k for k in range(1, window + 1)])
    x = np.log1p(point.to_numpy(dtype="float64"))
    gap_before = np.abs(x - np.log1p(before))
    gap_after = np.abs(x - np.log1p(after))
    use_after = np.isnan(gap_before) | (gap_after < gap_before)
    return pd.Series(np.where(use_after, after, before), index=point.index)


def _scores_once(
    frame: pd.DataFrame, value: str, group: str, order: str, window: int, masked: pd.Series
) -> pd.DataFrame:
    ordered = frame.sort_values([group, order])
    raw = ordered[value].astype("float64")
    clean = raw.where(~masked.reindex(ordered.index))
    reference = closest_side_reference(raw, clean, ordered[group], window).reindex(frame.index)
    residual = np.log1p(frame[value].astype("float64")) - np.log1p(reference)
    centred = residual - np.nanmedian(residual)
    scale = MAD_TO_SD * np.nanmedian(np.abs(centred))
    scale = scale if scale > 0 else np.nan
    return pd.DataFrame({"reference": reference, "residual": residual, "z": centred / scale})


def spike_scores(
    frame: pd.DataFrame,
    value: str,
    group: str,
    order: str,
    window: int = DEFAULT_SPIKE_WINDOW,
    threshold: float = DEFAULT_SPIKE_THRESHOLD,
    max_passes: int = 5,
) -> pd.DataFrame:
    """Closest-side neighbour reference, log residual and pooled robust z of ``value``.

    Iterated: each pass recomputes the neighbour medians without the values the previous pass
    flagged (|z| > ``threshold``), until the flags stop changing (at most ``max_passes``), so
    that one spike neither hides nor fakes another next to it.  Returns a frame aligned with
    ``frame`` with columns ``reference``, ``residual``, ``z``; missing values get NaN scores
    (never flagged).
    """
    flagged = pd.Series(False, index=frame.index)
    scores = _scores_once(frame, value, group, order, window, flagged)
    for _ in range(max_passes - 1):
        new_flags = (scores["z"].abs() > threshold).fillna(False)
        if new_flags.equals(flagged):
            break
        flagged = new_flags
        scores = _scores_once(frame, value, group, order, window, flagged)
    return scores


def isolated_spikes(
    frame: pd.DataFrame,
    value: str,
    group: str,
    order: str,
    threshold: float = DEFAULT_SPIKE_THRESHOLD,
    window: int = DEFAULT_SPIKE_WINDOW,
) -> pd.Series:
    """Boolean Series: is ``value`` an isolated spike (|z| > threshold) in its group's series."""
    z = spike_scores(frame, value, group, order, window, threshold)["z"]
    return (z.abs() > threshold).fillna(False).astype(bool)


def robust_z_within(frame: pd.DataFrame, value: str, group: str | None = None) -> pd.Series:
    """(x - median) / (1.4826 MAD) within ``group`` (whole column if None); NaN where MAD = 0."""
    x = frame[value].astype("float64")
    if group is None:
        med = x.median()
        mad = (x - med).abs().median()
        return (x - med) / (MAD_TO_SD * mad) if mad > 0 else x * np.nan
    grouped = x.groupby(frame[group])
    med = grouped.transform("median")
    mad = (x - med).abs().groupby(frame[group]).transform("median")
    return (x - med) / (MAD_TO_SD * mad.where(mad > 0))
