"""Write data/conjoint_synthetic.csv: the embedded simulated conjoint survey (seed 000, Table 2).

Run from the repository root: ``python data/make_conjoint_synthetic.py``. The survey comes from
:func:`retrench.designs.conjoint.simulate.simulate_survey` with the settings below and the known
part-worths :data:`retrench.designs.conjoint.simulate.DEFAULT_TRUTH` (printed, and listed in
data/README.md). No public trade-policy conjoint data set ships: this file is simulated.
"""

from __future__ import annotations

from pathlib import Path

from retrench.designs.conjoint.simulate import DEFAULT_TRUTH, simulate_survey

OUTPUT = Path(__file__).resolve().parent / "conjoint_synthetic.csv"
SETTINGS = {"respondents": 300, "tasks": 4, "seed": 2025, "rating": True}


def main() -> None:
    survey = simulate_survey(**SETTINGS, truth=DEFAULT_TRUTH)
    survey.to_csv(OUTPUT, index=False, lineterminator="\n")
    print(f"wrote {OUTPUT} ({len(survey)} rows), settings {SETTINGS}")
    for (attribute, level), value in DEFAULT_TRUTH.part_worths.items():
        print(f"part-worth {attribute} = {level}: {value}")
    for (moderator, (attribute, level)), value in DEFAULT_TRUTH.moderation.items():
        print(f"moderation {moderator} x {attribute} = {level}: {value}")
    print(f"heterogeneity sd: {DEFAULT_TRUTH.heterogeneity_sd}")


if __name__ == "__main__":
    main()
