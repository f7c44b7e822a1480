"""Qu & Yang (2023) Tables 1-3 recomputed on the WIOD panel (docs/replication/seed003.md).

Run: ``python -m benchmarks.qu_yang_tables [--replications 500]`` from the repository root (the
data root defaults to ../shared/data or $RETRENCH_DATA). Prints markdown tables.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import retrench.data as rd
from retrench.designs.gvc.qu_yang_tables import (
    PAPER,
    PROJECT,
    table1,
    table3_column,
    threshold_tests,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=500)
    args = parser.parse_args()
    panel = rd.gvc_panel(seed_sample_only=True).dropna(subset=["gr"])
    panel = panel.assign(log_value_added=np.log(panel.value_added))
    print("omega range", panel.omega.min(), panel.omega.max(), "n", len(panel))
    print(table1(panel, controls=["log_value_added"]).round(4).to_string())
    for name, choices in (("project", PROJECT), ("paper", PAPER)):
        choices = type(choices)(**{**choices.__dict__, "replications": args.replications})
        for reg in ("mu", "upsilon"):
            table = threshold_tests(panel, reg, choices)
            print(f"\n{name} {reg} {table.attrs}")
            print(table.round(4).to_string())
            if name == "project":
                col = table3_column(panel, reg, float(table.loc["single", "threshold"]))
                print(pd.DataFrame({"eq": col}).round(4).to_string())


if __name__ == "__main__":
    main()
