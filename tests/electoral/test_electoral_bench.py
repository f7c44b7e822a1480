"""The electoral benchmark: its root-find substitution is faithful; a quick run renders (slow)."""

from __future__ import annotations

from unittest import mock

import jax
import numpy as np
import pytest
from benchmarks import bench_electoral as bench

from retrench.bayes import electoral_structure as es

ARGS = (0.5, np.array([0.62, 0.7, 0.78]), 0.45, 0.2, 1.1, 1.0)  # λ, α_R path, α_E, x_H, b, Ψ


def _equilibrium(alpha_R):
    lam, _, alpha_E, x_H, b, psi = ARGS
    return es.congress_equilibrium(np.log(1.05), lam, alpha_R, alpha_E, x_H, b, psi, 0.01)


def _grad(field: str, alpha_R):
    return jax.grad(lambda a: getattr(_equilibrium(a), field).sum())(alpha_R)


def test_substituted_root_finds_give_the_same_equilibrium_without_their_gradient():
    values = es.all_proposal_logits(*ARGS)
    full = _equilibrium(ARGS[1])
    with mock.patch.object(es, "all_proposal_logits", bench._constant_proposals(values)):
        held = _equilibrium(ARGS[1])
        held_phi, held_dw = _grad("phi_H", ARGS[1]), _grad("D_w", ARGS[1])
    for name in ("phi_L", "phi_H", "p_exit_H", "D_w", "D_l"):
        np.testing.assert_allclose(getattr(held, name), getattr(full, name), rtol=1e-12)
    # envelope theorem: θ*_HR maximises H's objective (Proposition 1), so dΦ_H/dα_R is the same
    # with θ* held fixed; the income gaps D_j are no optimum, so their gradients must differ
    np.testing.assert_allclose(held_phi, _grad("phi_H", ARGS[1]), rtol=1e-8)
    assert np.max(np.abs(held_dw - _grad("D_w", ARGS[1]))) > 1e-3


@pytest.mark.slow
def test_quick_benchmark_runs_and_renders():
    payload = bench.run(quick=True)
    fit, cost = payload["fit"], payload["root_finds"]
    assert fit["fit_s"] > 0
    assert fit["ess_bulk_per_s"] == pytest.approx(fit["min_ess_bulk"] / fit["fit_s"])
    assert cost["root_find_only_s"] > 0 and cost["n_root_finds"] == 30
    text = "\n".join(bench.markdown(payload))
    assert "compile (s)" in text and "root finds" in text
