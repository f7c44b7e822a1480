"""The embedded synthetic data in ``data/`` are exactly what their scripts and seeds produce."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from retrench.data.simulate_gvc import simulate_gvc_panel

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, DATA_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gvc_synthetic_csv_is_reproduced_by_its_settings():
    settings = _load_script("make_gvc_synthetic").SETTINGS
    stored = pd.read_csv(DATA_DIR / "gvc_synthetic.csv")
    fresh = simulate_gvc_panel(**settings).panel
    assert list(stored.columns) == list(fresh.columns)
    assert len(stored) == settings["n_countries"] * settings["n_years"]
    assert (
        stored["country"].astype(str).to_numpy() == fresh["country"].astype(str).to_numpy()
    ).all()
    numeric = [c for c in stored.columns if c != "country"]
    np.testing.assert_allclose(
        stored[numeric].to_numpy(float), fresh[numeric].to_numpy(float), rtol=1e-9
    )


def test_gvc_synthetic_shares_are_shares():
    stored = pd.read_csv(DATA_DIR / "gvc_synthetic.csv")
    for column in ("omega", "mu", "upsilon"):
        assert stored[column].between(0, 1).all(), column
