"""Write the embedded synthetic electoral panels ``data/electoral_synthetic_*.csv``.

Run from the repository root: ``.venv/bin/python data/make_electoral_synthetic.py``. The panels
are drawn by :func:`retrench.data.simulate_electoral.simulate_electoral` from the default
:class:`~retrench.data.simulate_electoral.ElectoralTruth` with ``SEED``; nothing is copied from
the real data. Seed and true parameters are documented in ``data/README_electoral.md`` and
written to ``electoral_synthetic_truth.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from retrench.data.simulate_electoral import ElectoralTruth, congress_outcomes, simulate_electoral

SEED = 20250305
N_DISTRICTS = 200
HERE = Path(__file__).resolve().parent


def truth_frame(truth: ElectoralTruth) -> pd.DataFrame:
    """One row per Congress: α_R,c and the implied P(exit_L), P(exit_H), E[D_w], E[D_ℓ]; scalar
    parameters repeated in every row."""
    out = congress_outcomes(truth)
    frame = pd.DataFrame(
        {
            "congress": truth.congresses,
            "alpha_R": truth.alpha_R,
            "p_exit_L": out.p_exit_L,
            "p_exit_H": out.p_exit_H,
            "D_w": out.D_w,
            "D_l": out.D_l,
        }
    )
    for name, value in truth.scalars().items():
        frame[name] = value
    return frame


def main() -> None:
    truth = ElectoralTruth()
    rollcalls, districts = simulate_electoral(truth, SEED, n_districts=N_DISTRICTS)
    rollcalls.to_csv(HERE / "electoral_synthetic_rollcalls.csv", index=False)
    districts.to_csv(HERE / "electoral_synthetic_districts.csv", index=False)
    truth_frame(truth).to_csv(HERE / "electoral_synthetic_truth.csv", index=False)
    print(f"wrote {len(rollcalls)} roll-call rows, {len(districts)} districts (seed {SEED})")
    print(np.round(truth_frame(truth)[["congress", "alpha_R", "p_exit_H"]].to_numpy(), 3))


if __name__ == "__main__":
    main()
