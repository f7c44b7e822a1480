"""The robust outlier rules on synthetic series where the right answer is known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.data.outliers import (
    grouped_neighbour_median,
    isolated_spikes,
    neighbour_median,
    robust_z_within,
)


def _panel(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for country in range(30):
        level = rng.uniform(2, 15)
        for year in range(2000, 2020):
            step = 0.5 if (country % 3 == 0 and year >= 2010) else 1.0  # a liberalisation
            rows.append((f"C{country:02d}", year, level * step * np.exp(rng.normal(0, 0.03))))
    return pd.DataFrame(rows, columns=["code", "year", "tariff"])


def test_vectorised_neighbour_median_equals_loop():
    frame = _panel(1)
    frame.loc[frame.sample(frac=0.1, random_state=2).index, "tariff"] = np.nan
    vectorised = grouped_neighbour_median(frame["tariff"], frame["code"], 2)
    for _, idx in frame.groupby("code").groups.items():
        loop = neighbour_median(frame.loc[idx, "tariff"].to_numpy(), 2)
        np.testing.assert_allclose(vectorised.loc[idx].to_numpy(), loop, equal_nan=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spikes_flagged_and_level_shifts_not(seed):
    frame = _panel(seed)
    spikes = [("C05", 2007, 8.0), ("C13", 2015, 30.0), ("C22", 2003, 0.1)]
    for code, year, factor in spikes:
        row = (frame.code == code) & (frame.year == year)
        frame.loc[row, "tariff"] *= factor
    flags = isolated_spikes(frame, "tariff", group="code", order="year")
    flagged = set(map(tuple, frame.loc[flags, ["code", "year"]].to_numpy()))
    assert flagged == {(c, y) for c, y, _ in spikes}


def test_robust_z_within_matches_hand_computation():
    frame = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "x": [1, 2, 3, 4, 100, 5, 5, 6, 7, 8.0]})
    z = robust_z_within(frame, "x", "g")
    # group a: median 3, |x - 3| = 2,1,0,1,97 -> MAD 1
    assert z.iloc[4] == pytest.approx((100 - 3) / 1.4826)
    # group b: median 6, |x - 6| = 1,1,0,1,2 -> MAD 1
    assert z.iloc[9] == pytest.approx((8 - 6) / 1.4826)
