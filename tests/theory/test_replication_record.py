"""Numbers of the replication record (docs/replication/*.md) that no other test pinned.

Every expected value is the record's printed number; every computed value comes from the
independent baselines (``benchmarks/baselines``: SciPy/NumPy written from the papers) or hand
algebra, except where a row states the code's own value (then the code is compared with the
baseline as well).
"""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.baselines.electoral_scipy import (
    equilibrium_scipy,
    proposal_scipy,
    threshold_scipy,
)
from benchmarks.baselines.tariffs_scipy import DEFAULT as M
from benchmarks.baselines.tariffs_scipy import _gradients, nash_tariffs_scipy
from scipy.optimize import brentq, fsolve

import retrench  # noqa: F401  (x64)
from retrench.theory.tariffs import TariffWeights, power_shift

# ------------------------------------------------------------------ seed 001 (Melnick)

APPENDIX = dict(lam=0.5, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125, gamma=1.05)

MODEL_COLUMN = {  # seed001.md, column "model (b = Ψ = 1)"
    0.70: dict(theta_LR=0.5398, theta_LE=0.4800, theta_HE=0.5050, theta_HR=0.5641,
               gamma_H=1.0430, gamma_L=1.0121, D_w=-0.0441, D_l=0.0543),
    0.71: dict(theta_LR=0.5418, theta_LE=0.4800, theta_HE=0.5050, theta_HR=0.5661,
               gamma_H=1.0457, gamma_L=1.0137, D_w=-0.0439, D_l=0.0545),
}  # fmt: skip

READING_COLUMN = {  # seed001.md, column "reading (bΨ/2 in Prop. 1)"
    0.70: dict(theta_LR=0.5659, theta_LE=0.4668, theta_HE=0.5083, theta_HR=0.6051,
               gamma_H=1.0476, gamma_L=1.0134, D_w=-0.0670, D_l=0.0947),
    0.71: dict(theta_LR=0.5691, theta_LE=0.4668, theta_HE=0.5083, theta_HR=0.6081,
               gamma_H=1.0506, gamma_L=1.0152, D_w=0.1617, D_l=-0.0831),
}  # fmt: skip


def _scipy_point(alpha_R: float, foc_factor: float = 1.0, b: float = 1.0) -> dict[str, float]:
    p = dict(APPENDIX, alpha_R=alpha_R, b=b)
    th = {
        k: proposal_scipy(p["lam"], a, x, p["b"] * foc_factor, p["psi"])
        for k, a, x in (
            ("LR", alpha_R, 0.0),
            ("LE", 0.4, 0.0),
            ("HR", alpha_R, 0.125),
            ("HE", 0.4, 0.125),
        )
    }
    out = {f"theta_{k}": v for k, v in th.items()}
    for d, x in (("L", 0.0), ("H", 0.125)):
        out[f"gamma_{d}"] = threshold_scipy(
            0.5, alpha_R, 0.4, x, p["b"], 1.0, th[f"{d}R"], th[f"{d}E"]
        )
    ex = {d: out[f"gamma_{d}"] >= 1.05 for d in "LH"}
    th_l = th["LE"] if ex["L"] else th["LR"]
    th_h = th["HE"] if ex["H"] else th["HR"]
    g_l, g_h = (1.0 if ex[d] else 1.05 for d in "LH")
    out["D_w"] = np.log(g_l * th_l / (g_h * th_h))
    out["D_l"] = np.log(g_l * (1 - th_l) / (g_h * (1 - th_h)))
    return out


@pytest.mark.parametrize("alpha_R", [0.70, 0.71])
def test_seed001_model_and_reading_columns(alpha_R):
    model, reading = _scipy_point(alpha_R), _scipy_point(alpha_R, foc_factor=0.5)
    for name, value in MODEL_COLUMN[alpha_R].items():
        assert model[name] == pytest.approx(value, abs=5e-5), name
    for name, value in READING_COLUMN[alpha_R].items():
        assert reading[name] == pytest.approx(value, abs=5e-5), name


def test_seed001_consistent_half_b_psi_gives_gamma_H_1_0731():
    assert _scipy_point(0.70, b=0.5)["gamma_H"] == pytest.approx(1.0731, abs=5e-5)


def _log_gamma_gap(alpha_R: float, leader: str) -> float:
    x = 0.0 if leader == "L" else 0.125
    th_r, th_e = proposal_scipy(0.5, alpha_R, x, 1, 1), proposal_scipy(0.5, 0.4, x, 1, 1)
    return np.log(threshold_scipy(0.5, alpha_R, 0.4, x, 1, 1, th_r, th_e)) - np.log(1.05)


def test_seed001_proposition3_switch_points_and_vote_gaps():
    """Finding 4: γ_H = 1.05 at α_R* = 0.72481, γ_L = 1.05 at 0.86291; D* on either side."""
    a_h = brentq(lambda a: _log_gamma_gap(a, "H"), 0.70, 0.75, xtol=1e-12)
    a_l = brentq(lambda a: _log_gamma_gap(a, "L"), 0.80, 0.95, xtol=1e-12)
    assert a_h == pytest.approx(0.72481, abs=5e-6)
    assert a_l == pytest.approx(0.86291, abs=5e-6)
    cases = [
        (a_h - 0.002, -0.0436, 0.0546),
        (a_h + 0.002, 0.1251, -0.0356),
        (a_l + 0.002, -0.0507, 0.0492),
    ]
    for alpha_R, d_w, d_l in cases:
        ref = equilibrium_scipy(1.05, 0.5, alpha_R, 0.4, 1.0, 1.0, 0.125)
        assert ref["D_w"] == pytest.approx(d_w, abs=5e-5)
        assert ref["D_l"] == pytest.approx(d_l, abs=5e-5)


def test_seed001_figure2_threshold_values():
    want_l = [1.0040, 1.0162, 1.0368, 1.0662, 1.1053]
    want_h = [1.0450, 1.1008, 1.1690, 1.2516, 1.3510]
    for alpha_R, g_l, g_h in zip([0.5, 0.6, 0.7, 0.8, 0.9], want_l, want_h, strict=True):
        ref = equilibrium_scipy(1.05, 0.6, alpha_R, 0.4, 1.0, 1.0, 0.5)
        assert ref["gamma_L"] == pytest.approx(g_l, abs=5e-5)
        assert ref["gamma_H"] == pytest.approx(g_h, abs=5e-5)


def test_seed001_lemma1_is_a_probability_on_97_percent_of_the_grid():
    """Lemma 1 row: |(1 − λ)D_w + λD_ℓ| > 1/(2b) on 3 % of the propositions suite's grid."""
    from test_record_corrections import numpy_equilibrium, propositions_grid

    lam, a_r, a_e, b, psi, x_h, gamma = grid = propositions_grid(20_000, 0)
    _, _, d_w, d_l, _, _ = numpy_equilibrium(*grid)
    pi = 0.5 + b * ((1 - lam) * d_w + lam * d_l)
    assert np.mean((pi < 0) | (pi > 1)) == pytest.approx(0.031, abs=1e-3)


# ------------------------------------------------------------------ seed 002 (DeRemer)


def test_seed002_figure1_point_nash_and_public_numbers():
    """Rows 3, 4, 6: τ = 0.4/39.5 (1.786 % ad valorem), Nash 0.078767 (14.6 %), τ^W = 1.6/40.4."""
    tau = 4 * (2 * 1.2 + 1 - 3 * 1.1) / (59 - 9 * 1.1 - 8 * 1.2)
    assert tau == pytest.approx(0.010127, abs=5e-7)
    assert tau / M.world_price(tau) == pytest.approx(0.01786, abs=5e-6)
    nash = nash_tariffs_scipy(1.1, 1.2, 1.1, 1.2)
    assert nash[0] == pytest.approx(0.078767, abs=5e-7)
    assert nash[0] == pytest.approx((8 * 1.2 - 5) / (68 - 8 * 1.2), abs=1e-12)
    assert nash[0] / M.world_price(nash[0]) == pytest.approx(0.146, abs=5e-4)
    tau_w = 4 * (2 * 1.2 + 1 - 3 * 1.0) / (59 - 9 * 1.0 - 8 * 1.2)
    assert tau_w == pytest.approx(0.039604, abs=5e-7)


def test_seed002_eq4_local_price_term_at_figure1_point():
    """Row 9: dG/dp_y* = (dp_y/dp_y*)(γ_E − 1)Q_y = −0.75 · 0.1 · p_y = −0.0425."""
    tau = 0.4 / 39.5
    assert -0.75 * 0.1 * M.world_price(tau) == pytest.approx(-0.0425, abs=5e-5)


def test_seed002_power_shift_numbers():
    """Row 13: symmetric point dτ/dλ = ±0.10148 (λ^R = 1); w = (1.3, 1.4, 1.1, 1.2):
    λ^R = 0.659, dτ = (+0.3526, −0.1449) by finite differences of the λ-weighted frontier."""

    def frontier(w, lam):
        def foc(t):
            home, foreign = _gradients(t, *w, M)
            return lam * home + foreign

        return fsolve(foc, [0.0, 0.0], xtol=1e-13)

    for w, lam_r, dtau in [
        ((1.1, 1.2, 1.1, 1.2), 1.0, (0.10148, -0.10148)),
        ((1.3, 1.4, 1.1, 1.2), 0.659, (0.3526, -0.1449)),
    ]:
        shift = power_shift(TariffWeights(*w))
        assert float(shift.home_weight) == pytest.approx(lam_r, abs=5e-4)
        lam = float(shift.home_weight)
        h = 1e-6
        fd = (frontier(w, lam + h) - frontier(w, lam - h)) / (2 * h)
        np.testing.assert_allclose(fd, dtau, atol=5e-5)
        np.testing.assert_allclose([shift.dtau_x, shift.dtau_y_star], fd, atol=1e-6)


@pytest.mark.slow
def test_seed002_row11_solution_shares_on_2000_draws():
    """Row 11: 2,000 draws from [1, 1.6]^4 (seed 2026): Newton (terms of trade) 42.4 %,
    frontier solution exists 47.8 %, 109 Newton failures had one; trade volume 100 %."""
    import jax

    from retrench.theory.tariffs import reciprocal_efficient_tariffs
    from retrench.theory.tariffs_frontier import reciprocal_efficient_tariffs_on_frontier

    draws = np.random.default_rng(2026).uniform(1, 1.6, (2000, 4))
    w = TariffWeights(*draws.T)
    frontier = jax.jit(reciprocal_efficient_tariffs_on_frontier, static_argnums=2)
    tot = frontier(w, retrench.theory.tariffs.MarketParams(), "terms_of_trade")
    vol = frontier(w, retrench.theory.tariffs.MarketParams(), "trade_volume")
    newton = jax.jit(lambda ww: reciprocal_efficient_tariffs(ww, definition="terms_of_trade"))(w)
    ok = np.asarray(newton.converged & newton.in_domain)
    exists = np.asarray(tot.exists)
    assert ok.mean() == pytest.approx(0.4235, abs=1e-4)
    assert exists.mean() == pytest.approx(0.478, abs=1e-4)
    assert int(np.sum(exists & ~ok)) == 109 and not np.any(ok & ~exists)
    assert np.asarray(vol.exists).all()


# ------------------------------------------------------------------ seed 004 (Rodrik)


def test_seed004_full_removal_pcbr_and_rule_of_thumb_numbers():
    """Row 5: PCBR = 2S(p^w)/((b + s)τ0) + s/(b + s) = 9.86 at τ0 = 0.04, 5.10 at 0.08 (S = p/2,
    p^w = 4/7, b + s = 1.5); row 7: 2(1 + t)/(e t) = 51 at t = 2 %, 11 at t = 10 % (e = 2)."""
    from retrench.theory.pcbr import pcbr_rule_of_thumb, political_cost_benefit_ratio

    for tau0, printed in [(0.04, 9.86), (0.08, 5.10)]:
        hand = 2 * (0.5 * 4 / 7) / (1.5 * tau0) + 0.5 / 1.5
        assert hand == pytest.approx(printed, abs=5e-3)
        assert float(political_cost_benefit_ratio(tau0, 0.0)) == pytest.approx(hand, rel=1e-12)
    for t, printed in [(0.02, 51.0), (0.10, 11.0)]:
        assert 2 * (1 + t) / (2.0 * t) == pytest.approx(printed, abs=1e-9)
        assert float(pcbr_rule_of_thumb(t, 2.0, 1.0)) == pytest.approx(printed, abs=1e-9)
