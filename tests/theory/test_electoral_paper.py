"""Replication of the numbers printed in Melnick (2025), seed 001 (docs/replication/seed001.md).

Printed numbers are compared with independent SciPy computations (benchmarks/baselines), and the
JAX code is compared with the same SciPy computations, so no expected value comes from the code
under test.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from benchmarks.baselines.electoral_scipy import (
    equilibrium_scipy,
    proposal_scipy,
    threshold_scipy,
)

import retrench  # noqa: F401  (x64)
from retrench.theory.electoral import equilibrium
from retrench.theory.electoral_paper import (
    PAPER_PARAMETERS,
    PAPER_SOURCES,
    PRINTED_PROP3,
    equilibrium_as_printed,
    figure2_threshold_curves,
    summary_table,
)

PROP3 = ("prop3_alpha_R_0.70", "prop3_alpha_R_0.71")
ROUNDING = 5e-4 + 1e-12  # the paper prints three decimals


def scipy_reading(p, foc_factor: float) -> dict[str, float]:
    """Proposals from Proposition 1 with bΨ·foc_factor; thresholds from Φ_d with the stated bΨ."""
    th = {
        k: proposal_scipy(p.lam, a, x, p.b * foc_factor, p.psi)
        for k, a, x in (
            ("LR", p.alpha_R, 0.0), ("LE", p.alpha_E, 0.0),
            ("HR", p.alpha_R, p.x_H), ("HE", p.alpha_E, p.x_H),
        )
    }  # fmt: skip
    out = {f"theta_{k}": v for k, v in th.items()}
    for d, x in (("L", 0.0), ("H", p.x_H)):
        args = (p.lam, p.alpha_R, p.alpha_E, x, p.b, p.psi, th[f"{d}R"], th[f"{d}E"])
        out[f"gamma_{d}"] = threshold_scipy(*args)
    size_L = 1.0 if p.gamma <= out["gamma_L"] else p.gamma
    size_H = 1.0 if p.gamma <= out["gamma_H"] else p.gamma
    th_L = th["LE"] if size_L == 1.0 else th["LR"]
    th_H = th["HE"] if size_H == 1.0 else th["HR"]
    out["D_w"] = np.log(size_L * th_L / (size_H * th_H))
    out["D_l"] = np.log(size_L * (1 - th_L) / (size_H * (1 - th_H)))
    return out


@pytest.mark.parametrize("key", PROP3)
def test_printed_example_is_reproduced_by_the_half_b_psi_reading(key):
    """Every printed digit but θ_LE at α_R = 0.71 (see the next test) is matched."""
    reading = scipy_reading(PAPER_PARAMETERS[key], foc_factor=0.5)
    for name, printed in PRINTED_PROP3[key].items():
        if key == "prop3_alpha_R_0.71" and name == "theta_LE":
            continue
        assert abs(reading[name] - printed) <= ROUNDING, (name, reading[name], printed)


def test_printed_theta_LE_at_0_71_is_inconsistent_with_its_own_value_at_0_70():
    """θ_LE does not depend on α_R, yet the paper prints 0.467 and then 0.468."""
    values = [equilibrium_as_printed(PAPER_PARAMETERS[k])["theta_LE"] for k in PROP3]
    assert float(values[0]) == float(values[1])
    assert abs(float(values[1]) - 0.467) < ROUNDING
    assert abs(float(values[1]) - PRINTED_PROP3["prop3_alpha_R_0.71"]["theta_LE"]) > ROUNDING


@pytest.mark.parametrize("key", PROP3)
def test_equilibrium_as_printed_matches_scipy_reading(key):
    p = PAPER_PARAMETERS[key]
    code = equilibrium_as_printed(p)
    ref = scipy_reading(p, foc_factor=0.5)
    for name, value in ref.items():
        np.testing.assert_allclose(float(code[name]), value, rtol=1e-8, atol=1e-10)
    assert bool(code["exit_H"]) == (key == "prop3_alpha_R_0.71")
    assert not bool(code["exit_L"])


@pytest.mark.parametrize("key", PROP3)
def test_model_at_printed_parameters_matches_scipy_and_not_the_printed_numbers(key):
    p = PAPER_PARAMETERS[key]
    eq = equilibrium(p)
    ref = equilibrium_scipy(*p)
    for name in ("theta_LR", "theta_LE", "theta_HR", "theta_HE", "D_w", "D_l", "pi_L"):
        np.testing.assert_allclose(float(getattr(eq, name)), ref[name], rtol=1e-8, atol=1e-10)
    for d in ("L", "H"):
        np.testing.assert_allclose(float(jnp.exp(getattr(eq, f"log_gamma_{d}"))), ref[f"gamma_{d}"])
    # the model's proposals are not the printed ones (0.540 vs 0.566 for θ_LR at α_R = 0.70)
    assert abs(float(eq.theta_LR) - PRINTED_PROP3[key]["theta_LR"]) > 0.02
    # and H does not exit at α_R = 0.71: γ_H ≈ 1.046 < γ = 1.05
    assert not bool(eq.exit_H) and ref["gamma_H"] < 1.05


def test_fully_consistent_half_b_psi_model_does_not_reproduce_the_thresholds():
    """With b = 1/2 everywhere, γ_H ≈ 1.073 at α_R = 0.70, so H would already exit there."""
    p = PAPER_PARAMETERS["prop3_alpha_R_0.70"]._replace(b=0.5)
    ref = equilibrium_scipy(*p)
    assert abs(ref["gamma_H"] - PRINTED_PROP3["prop3_alpha_R_0.70"]["gamma_H"]) > 0.02
    assert bool(equilibrium(p).exit_H)


def test_text_claim_theta_above_population_share_fails_for_theta_LE_in_the_example():
    """Text after Corollary 1: θ*_da > 1 − λ; the example's own θ_LE ≈ 0.467–0.480 < 0.5."""
    p = PAPER_PARAMETERS["prop3_alpha_R_0.70"]
    assert float(equilibrium(p).theta_LE) < 1 - p.lam
    assert PRINTED_PROP3["prop3_alpha_R_0.70"]["theta_LE"] < 1 - p.lam


def test_figure2_thresholds_ordered_increasing_and_match_scipy():
    alpha_R = np.linspace(0.41, 0.95, 28)
    ratio, g_L, g_H = (np.asarray(a) for a in figure2_threshold_curves(alpha_R))
    np.testing.assert_allclose(ratio, alpha_R / (1 - alpha_R))
    assert np.all(g_L < g_H)
    assert np.all(np.diff(g_L) > 0) and np.all(np.diff(g_H) > 0)
    base = PAPER_PARAMETERS["figure2"]
    for k in range(0, 28, 9):
        ref = equilibrium_scipy(*base._replace(alpha_R=float(alpha_R[k])))
        np.testing.assert_allclose([g_L[k], g_H[k]], [ref["gamma_L"], ref["gamma_H"]], rtol=1e-8)


def test_figure2_hand_checkable_proposals():
    """λ = 0.6, α_E = 0.4: θ_LE = 0.4 exactly (α = 1 − λ, x = 0) and θ_HE = 0.5 exactly
    (x + α − 1/2 = 2bΨ(2λ − 1) = 0.4), both by hand from Proposition 1."""
    eq = equilibrium(PAPER_PARAMETERS["figure2"])
    np.testing.assert_allclose([float(eq.theta_LE), float(eq.theta_HE)], [0.4, 0.5], atol=1e-9)


def test_paper_parameters_are_in_domain_documented_and_summarised():
    assert set(PAPER_SOURCES) == set(PAPER_PARAMETERS)
    for p in PAPER_PARAMETERS.values():
        assert bool(equilibrium(p).in_domain)
    rows = dict(summary_table(PAPER_PARAMETERS["prop3_alpha_R_0.70"]))
    ref = equilibrium_scipy(*PAPER_PARAMETERS["prop3_alpha_R_0.70"])
    np.testing.assert_allclose(rows["theta_HR"], ref["theta_HR"], rtol=1e-9)
    np.testing.assert_allclose(rows["gamma_H (threshold)"], ref["gamma_H"], rtol=1e-9)
    assert rows["param x_H"] == 0.125 and rows["exit_H"] == 0.0
