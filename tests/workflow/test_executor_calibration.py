"""Simulation-based calibration helper: exact conjugate posteriors calibrate, wrong ones do not.

Model: mu ~ Normal(0, 1), y_i | mu ~ Normal(mu, 1), i = 1..n. The exact posterior is
Normal(sum(y) / (n + 1), 1 / sqrt(n + 1)) (hand algebra), so exact draws give uniform ranks and a
90 % coverage near 0.9; draws with a too-small scale must fail both checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from retrench.errors import SpecError
from retrench.workflow.executor_calibration import ranks_of_truth, run_calibration


def simulate_normal_mean(seed: int, n: int = 8) -> tuple[dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    mu = rng.normal()
    return {"mu": mu, "pair": np.array([mu, -mu])}, rng.normal(mu, 1.0, size=n)


def exact_posterior_draws(y: np.ndarray, seed: int, n_draws: int = 99, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    n = len(y)
    mu = rng.normal(y.sum() / (n + 1), scale / np.sqrt(n + 1), size=n_draws)
    return {"mu": mu, "pair": np.stack([mu, -mu], axis=1)}


def test_exact_posterior_is_calibrated(tmp_path):
    result = run_calibration(
        simulate_normal_mean,
        exact_posterior_draws,
        200,
        tmp_path,
        executor="serial",
        progress=False,
    )
    assert result.n_draws == 99
    assert result.ranks["mu"].shape == (200,) and result.ranks["pair"].shape == (200, 2)
    # 200 Bernoulli(0.9) trials: sd 0.021, so +-0.065 is about 3 sd
    assert abs(result.coverage(0.9)["mu"] - 0.9) < 0.065
    assert result.uniformity_pvalues()["mu"] > 0.001
    # the second component of "pair" is -mu, so its rank mirrors mu's
    np.testing.assert_array_equal(result.ranks["pair"][:, 1], 99 - result.ranks["pair"][:, 0])
    assert result.summary.ok and len(result.summary.computed) == 200


def test_overconfident_posterior_is_detected(tmp_path):
    result = run_calibration(
        simulate_normal_mean,
        exact_posterior_draws,
        200,
        tmp_path,
        executor="serial",
        fit_options={"scale": 0.3},
        progress=False,
    )
    assert result.coverage(0.9)["mu"] < 0.6
    assert result.uniformity_pvalues()["mu"] < 1e-6


def test_rerun_of_a_calibration_reuses_finished_simulations(tmp_path):
    first = run_calibration(
        simulate_normal_mean,
        exact_posterior_draws,
        5,
        tmp_path,
        executor="serial",
        progress=False,
    )
    again = run_calibration(
        simulate_normal_mean,
        exact_posterior_draws,
        8,
        tmp_path,
        executor="serial",
        progress=False,
    )
    assert len(again.summary.skipped) == 5 and len(again.summary.computed) == 3
    np.testing.assert_array_equal(again.ranks["mu"][:5], first.ranks["mu"])


def test_ranks_of_truth_checks_shapes():
    ranks = ranks_of_truth({"a": 0.5}, {"a": np.array([0.1, 0.7, 0.2, 0.9])})
    assert int(ranks["rank__a"]) == 2 and int(ranks["n_draws"]) == 4
    with pytest.raises(SpecError, match="no draws for parameter 'b'"):
        ranks_of_truth({"b": 1.0}, {"a": np.zeros(3)})
    with pytest.raises(SpecError, match="expected \\(n_draws, \\*\\(2,\\)\\)"):
        ranks_of_truth({"a": np.zeros(2)}, {"a": np.zeros((3, 3))})
