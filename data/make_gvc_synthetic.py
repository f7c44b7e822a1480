"""Regenerate ``data/gvc_synthetic.csv``: a synthetic GVC panel with one known ω threshold.

Run: ``.venv/bin/python data/make_gvc_synthetic.py``. The panel is drawn by
``retrench.data.simulate_gvc.simulate_gvc_panel`` (eq. 19: the slope on μ changes when ω crosses
φ) at the settings below; nothing is taken from ``../shared/data``.
"""

from __future__ import annotations

from pathlib import Path

from retrench.data.simulate_gvc import simulate_gvc_panel

SETTINGS = {
    "n_countries": 21,
    "n_years": 16,
    "thresholds": (0.87,),
    "increments": (-0.6,),
    "threshold_regressor": "mu",
    "sigma": 0.3,
    "seed": 2023,
}


def main() -> None:
    simulated = simulate_gvc_panel(**SETTINGS)
    out = Path(__file__).with_name("gvc_synthetic.csv")
    simulated.panel.to_csv(out, index=False, float_format="%.10g")
    print(f"wrote {out} ({len(simulated.panel)} rows); settings: {SETTINGS}")


if __name__ == "__main__":
    main()
