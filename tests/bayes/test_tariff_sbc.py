"""Simulation-based calibration of the tariff model.

The study itself is ``python -m benchmarks.calibration_tasks tariffs --datasets 50 --workers N
--out DIR`` (:mod:`benchmarks.calibration_tasks`): truths drawn from the model's prior, data
simulated by the data layer's independent simulator, the model refitted, ranks of the truths
among the draws (Talts et al. 2018). The slow test runs it (``make test-all``); the fast tests
check the summary written from known ranks.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from benchmarks.calibration_tasks import TARIFF_NOTES, run_tariff_calibration

from retrench.bayes.tariff_calibration import SBC_PARAMETERS
from retrench.workflow.calibration_summary import parameter_table, write_summary
from retrench.workflow.executor import RunSummary
from retrench.workflow.executor_calibration import CalibrationResult

N_DATASETS = int(os.environ.get("RETRENCH_SBC_N", "50"))  # >= 50 for the real check
N_WORKERS = int(os.environ.get("RETRENCH_SBC_WORKERS", "2"))


def _result(ranks: dict[str, np.ndarray], n_draws: int) -> CalibrationResult:
    summary = RunSummary(Path("."), "serial", 1, ["sim-0"], [], [], 12.0)
    truths = {k: np.zeros_like(v, dtype=float) for k, v in ranks.items()}
    return CalibrationResult(ranks, truths, n_draws, summary)


def test_calibration_table_counts_interval_hits_from_ranks(tmp_path):
    # 100 draws: the central 90 % interval holds ranks 5..95, the 50 % one 25..75
    ranks = {
        "trend": np.array([0, 50, 50, 100]),
        "tariff_rules": np.array([[5, 96], [30, 70], [80, 24], [50, 50]]),
    }
    table = parameter_table(_result(ranks, 100))
    assert table.loc["trend", "coverage_90"] == pytest.approx(2 / 4)
    assert table.loc["trend", "coverage_50"] == pytest.approx(2 / 4)
    assert table.loc["tariff_rules", "n_ranks"] == 8
    assert table.loc["tariff_rules", "coverage_90"] == pytest.approx(7 / 8)
    assert table.loc["tariff_rules", "coverage_50"] == pytest.approx(4 / 8)
    path = write_summary(
        _result(ranks, 100), tmp_path, title="tariffs", settings={"draws": 100}, notes=TARIFF_NOTES
    )
    text = path.read_text()
    # 4 data sets: the 95 % binomial range of a 90 % coverage is [2/4, 4/4]
    assert "| trend | 4 | 4 | 0.500 | 0.500 |" in text
    assert "| tariff_rules | 4 | 8 | 0.875 | 0.500 |" in text
    assert "4 simulated data sets" in text and "draws = 100" in text and TARIFF_NOTES in text
    coverage = pd.read_csv(tmp_path / "coverage.csv").set_index("parameter")
    assert coverage.loc["tariff_rules", "coverage_90"] == pytest.approx(7 / 8)
    assert list(pd.read_csv(tmp_path / "coverage_elements.csv")["parameter"]) == [
        "tariff_rules[0]",
        "tariff_rules[1]",
    ]


@pytest.mark.slow
def test_sbc_ranks_uniform_and_90_percent_intervals_cover(tmp_path):
    out = Path(os.environ.get("RETRENCH_SBC_OUT", tmp_path))
    run_tariff_calibration(out, N_DATASETS, N_WORKERS, draws=400, warmup=400, thin=2)
    table = pd.read_csv(out / "coverage.csv").set_index("parameter")
    assert set(table.index) == set(SBC_PARAMETERS)
    for name in ("summary.md", "sbc_ranks.png", "sbc_ecdf.png"):
        assert (out / name).is_file(), name
    print(table.to_string())
    if N_DATASETS < 50:  # a smoke run (RETRENCH_SBC_N small) only checks the pipeline
        return
    # 90 % intervals: a scalar's coverage over 50 data sets has binomial sd 0.042
    assert table["coverage_90"].between(0.78, 0.99).all(), table["coverage_90"]
    assert table["coverage_50"].between(0.32, 0.68).all(), table["coverage_50"]
    assert (table["uniformity_p"] > 1e-3).all(), table["uniformity_p"]
