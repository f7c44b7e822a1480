"""Write data/tariffs_synthetic.csv: the embedded synthetic tariff panel of `retrench demo`.

Run from the repository root: ``.venv/bin/python data/make_synthetic.py``. The panel comes from
:func:`retrench.data.simulate_tariffs.simulate_tariff_panel` with the settings below (also listed
in data/README.md); the demo regenerates the truth from the same settings and checks that the
file matches before fitting it.
"""

from __future__ import annotations

from pathlib import Path

from retrench.data.simulate_tariffs import SYNTHETIC_DEMO_SETTINGS as SETTINGS
from retrench.data.simulate_tariffs import simulate_tariff_panel

OUTPUT = Path(__file__).resolve().parent / "tariffs_synthetic.csv"


def main() -> None:
    panel, truth = simulate_tariff_panel(**SETTINGS)
    panel.to_csv(OUTPUT, index=False, float_format="%.10g", lineterminator="\n")
    print(f"wrote {OUTPUT} ({len(panel)} rows)")
    print(truth.as_frame().to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print(f"trend {truth.trend}, reference year {truth.reference_year}")


if __name__ == "__main__":
    main()
