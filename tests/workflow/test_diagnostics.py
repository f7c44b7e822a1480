"""Diagnostics verdicts on hand-made chains with known properties."""

from __future__ import annotations

import numpy as np

from retrench.bayes import inference_data as idio
from retrench.workflow.diagnostics import FAIL, PASS, WARN, diagnose


def _idata(posterior: dict, diverging=None, n_steps=None, failures=None):
    chains, draws = next(iter(posterior.values())).shape[:2]
    stats = {
        "diverging": np.zeros((chains, draws), bool) if diverging is None else diverging,
        "n_steps": np.full((chains, draws), 7) if n_steps is None else n_steps,
    }
    post = dict(posterior)
    if failures is not None:
        post["solver_failures"] = failures
    return idio.from_arrays(post, sample_stats=stats)


def test_independent_well_mixed_chains_pass():
    rng = np.random.default_rng(0)
    diag = diagnose(_idata({"a": rng.normal(size=(4, 1000))}), ["a"], max_tree_depth=10)
    assert diag.verdict == PASS, diag.reasons
    assert diag.table.loc["a", "r_hat"] < 1.01
    assert diag.table.loc["a", "ess_bulk"] > 2000


def test_chains_stuck_in_different_places_fail_on_rhat():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 500)) + np.array([[0.0], [3.0]])
    diag = diagnose(_idata({"a": x}), ["a"], max_tree_depth=10)
    assert diag.verdict == FAIL
    assert any("R-hat" in r for r in diag.reasons)


def test_autocorrelated_chain_fails_on_ess():
    rng = np.random.default_rng(2)
    x = np.cumsum(rng.normal(size=(2, 1000)), axis=1) * 0.01 + rng.normal(size=(2, 1)) * 0
    diag = diagnose(_idata({"a": x}), ["a"], max_tree_depth=10)
    assert diag.table.loc["a", "ess_bulk"] < 100
    assert diag.verdict == FAIL


def test_divergences_saturation_and_solver_failures_are_counted():
    rng = np.random.default_rng(3)
    div = np.zeros((2, 1000), bool)
    div[0, :3] = True
    steps = np.full((2, 1000), 7)
    steps[1, :50] = 1023
    diag = diagnose(_idata({"a": rng.normal(size=(2, 1000))}, div, steps), ["a"], max_tree_depth=10)
    assert diag.counts["divergences"] == 3
    assert diag.counts["tree_depth_saturated"] == 50
    assert diag.verdict == WARN
    div[1, :40] = True  # 43 of 2000 > 1 %
    fails = np.zeros((2, 1000), int)
    diag = diagnose(
        _idata({"a": rng.normal(size=(2, 1000))}, div, None, fails), ["a"], max_tree_depth=10
    )
    assert diag.verdict == FAIL and diag.counts["solver_failures_in_posterior"] == 0
    fails[0, 0] = 2
    diag = diagnose(
        _idata({"a": rng.normal(size=(2, 1000))}, None, None, fails), ["a"], max_tree_depth=10
    )
    assert diag.counts["solver_failures_in_posterior"] == 2 and diag.verdict == FAIL


def test_vector_parameters_get_one_row_per_element():
    rng = np.random.default_rng(4)
    diag = diagnose(_idata({"b": rng.normal(size=(2, 500, 3))}), ["b"], max_tree_depth=10)
    assert list(diag.table.index) == ["b[0]", "b[1]", "b[2]"]
