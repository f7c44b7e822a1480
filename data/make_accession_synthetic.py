"""Write data/accession_synthetic.csv: the embedded panel of ``retrench fit accession --synthetic``.

Run from the repository root: ``python data/make_accession_synthetic.py``. The panel comes from
:func:`retrench.data.simulate_tariffs_accession.simulate_accession_panel` with the settings
below (also in data/README.md): 6 economies entering the WTO inside 1996-2009, 2 inside
throughout, 1 never joining; phase-in 3 years (the design's default, fixed).
"""

from __future__ import annotations

from pathlib import Path

from retrench.data.simulate_tariffs_accession import simulate_accession_panel

OUTPUT = Path(__file__).resolve().parent / "accession_synthetic.csv"
SETTINGS = {
    "n_acceding": 6,
    "n_members": 2,
    "n_outside": 1,
    "n_years": 14,
    "seed": 2016,
    "first_year": 1996,
    "phase_in_years": 3.0,
    "trend": -0.002,
}


def main() -> None:
    panel, truth = simulate_accession_panel(**SETTINGS)
    panel.to_csv(OUTPUT, index=False, float_format="%.10g", lineterminator="\n")
    print(f"wrote {OUTPUT} ({len(panel)} rows)")
    print(truth.as_frame().to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print(f"trend {truth.trend}, reference year {truth.reference_year}")


if __name__ == "__main__":
    main()
