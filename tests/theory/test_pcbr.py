"""Rodrik's political cost-benefit ratio (seed 004): scaling laws, limits, hand algebra."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from scipy.integrate import quad

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory.pcbr import (
    ImportMarket,
    efficiency_cost,
    efficiency_gain,
    free_trade_gain_share,
    marginal_pcbr,
    pcbr_in_domain,
    pcbr_rule_of_thumb,
    political_cost_benefit_ratio,
    prohibitive_barrier,
    redistribution,
    tariff_equivalent_of_price_gap,
)

MARKETS = [
    ImportMarket(),
    ImportMarket(2.0, 1.5, 0.1, 0.8, 0.5),
    ImportMarket(1.0, 0.5, 0.2, 2.0, 0.1),
]


@pytest.mark.parametrize("m", MARKETS)
def test_efficiency_cost_is_the_harberger_triangle(m):
    for tau in np.linspace(0.0, float(prohibitive_barrier(m)), 7):
        expected = 0.5 * (m.demand_slope + m.supply_slope) * tau**2  # hand algebra
        assert float(efficiency_cost(tau, m)) == pytest.approx(expected, abs=1e-13)


@pytest.mark.parametrize("m", MARKETS)
def test_redistribution_is_the_producer_surplus_loss(m):
    tau0, tau1 = 0.8 * float(prohibitive_barrier(m)), 0.2 * float(prohibitive_barrier(m))
    numeric = quad(
        lambda p: m.supply_intercept + m.supply_slope * p,
        m.world_price + tau1,
        m.world_price + tau0,
    )[0]
    assert float(redistribution(tau0, tau1, m)) == pytest.approx(numeric, rel=1e-12)


def test_quadratic_cost_and_essay_multiples():
    # "A tax that is twice as large is four times as harmful ... four times ... sixteen times"
    tau = 0.02
    base = float(efficiency_cost(tau))
    assert float(efficiency_cost(2 * tau)) / base == pytest.approx(4.0, rel=1e-9)
    assert float(efficiency_cost(4 * tau)) / base == pytest.approx(16.0, rel=1e-9)


def test_doubling_the_cut_scales_gain_by_four_and_transfer_by_about_two():
    m = ImportMarket()
    for tau0 in (0.01, 0.02, 0.04):
        gain_ratio = float(efficiency_gain(2 * tau0, 0.0, m) / efficiency_gain(tau0, 0.0, m))
        transfer_ratio = float(redistribution(2 * tau0, 0.0, m) / redistribution(tau0, 0.0, m))
        assert gain_ratio == pytest.approx(4.0, rel=1e-9)
        # exactly 2 (S0 + s tau0) / (S0 + s tau0 / 2): linear at first order
        s0, s = 4 / 7 * 0.5, 0.5
        assert transfer_ratio == pytest.approx(2 * (s0 + s * tau0) / (s0 + s * tau0 / 2))
        assert abs(transfer_ratio - 2.0) < 0.2
        pcbr_ratio = float(
            political_cost_benefit_ratio(2 * tau0, 0.0, m)
            / political_cost_benefit_ratio(tau0, 0.0, m)
        )
        assert 0.5 < pcbr_ratio < 0.6  # roughly halves


def test_equal_cuts_gain_more_from_high_barriers_and_pcbr_falls():
    m, cut = ImportMarket(), 0.01
    starts = np.linspace(0.02, 0.09, 8)
    gains = [float(efficiency_gain(t, t - cut, m)) for t in starts]
    transfers = [float(redistribution(t, t - cut, m)) for t in starts]
    ratios = [float(political_cost_benefit_ratio(t, t - cut, m)) for t in starts]
    assert np.all(np.diff(gains) > 0) and np.all(np.diff(ratios) < 0)
    np.testing.assert_allclose(np.diff(gains), 0.5 * 1.5 * 2 * cut * np.diff(starts), rtol=1e-8)
    # transfers change only through the supply slope (second order): spread < 25 %
    assert max(transfers) / min(transfers) < 1.25


def test_full_removal_closed_form_and_small_cut_limit():
    m = ImportMarket()
    s0 = 0.5 * 4 / 7
    for tau0 in (0.005, 0.03, 0.09):
        expected = 2 * s0 / (1.5 * tau0) + 0.5 / 1.5  # hand algebra
        assert float(political_cost_benefit_ratio(tau0, 0.0, m)) == pytest.approx(
            expected, rel=1e-9
        )
        small = float(political_cost_benefit_ratio(tau0, tau0 - 1e-6, m))
        assert small == pytest.approx(float(marginal_pcbr(tau0, m)), rel=1e-4)


def test_rule_of_thumb_agrees_with_linear_model_to_first_order():
    m = ImportMarket()
    for tau0 in (0.002, 0.01, 0.05):
        p0 = m.world_price + tau0
        imports0 = 1 - 1.5 * p0
        t = tau0 / m.world_price
        elasticity = 1.5 * p0 / imports0
        rule = float(pcbr_rule_of_thumb(t, elasticity, (0.5 * p0) / imports0))
        exact = float(political_cost_benefit_ratio(tau0, 0.0, m))
        # first-order agreement: relative gap ~ (s tau0 / 2) / S(p^w) = 0.875 tau0 here
        assert 0 < rule / exact - 1 < tau0
    # Rodrik (2007 blog): t = 0.10, m = 0.2, e = 3 -> "a meager 0.25% of GDP"
    assert float(free_trade_gain_share(0.10, 0.2, 3.0)) == pytest.approx(0.0025, abs=5e-5)


def test_labour_mobility_barrier_of_the_essay():
    # "increase his income more than six-fold ... a tax/tariff of 500 percent"
    assert float(tariff_equivalent_of_price_gap(6.0)) == pytest.approx(5.0)


def test_domain_errors_and_traced_flag():
    with pytest.raises(DomainError, match="tau0 must be > tau1"):
        political_cost_benefit_ratio(0.02, 0.03)
    with pytest.raises(DomainError, match="tau1 must be >= 0"):
        efficiency_gain(0.02, -0.01)
    with pytest.raises(DomainError, match="prohibitive_barrier"):
        redistribution(0.2, 0.0)
    assert not bool(jax.jit(pcbr_in_domain)(0.02, 0.03))
    value = jax.jit(political_cost_benefit_ratio)(0.05, 0.0)
    assert float(value) == pytest.approx(float(political_cost_benefit_ratio(0.05, 0.0)))


def test_pcbr_gradient_matches_hand_derivative():
    # d/dtau0 of PCBR(tau0, 0) = -2 S0 / (1.5 tau0^2)
    grad = float(jax.grad(political_cost_benefit_ratio)(0.04, 0.0))
    assert grad == pytest.approx(-2 * (0.5 * 4 / 7) / (1.5 * 0.04**2), rel=1e-8)


# ----------------------------------------------------------------------------- inelastic supply

INELASTIC = ImportMarket(1.0, 1.0, 0.3, 0.0, 4.0 / 7.0)


def test_inelastic_supply_is_allowed_and_redistribution_is_exactly_linear():
    """s = 0: producers' loss ∫ S = c (τ0 − τ1) exactly (quad), equal for equal cuts whatever τ0;
    efficiency gain ½ b (τ0² − τ1²) (hand); full-removal PCBR 2c/(b τ0)."""
    c, b = 0.3, 1.0
    top = float(prohibitive_barrier(INELASTIC))
    assert top == pytest.approx((1.0 - c) / b - 4.0 / 7.0)
    for tau0 in np.linspace(0.02, top, 5):
        cut = 0.01
        got = float(redistribution(tau0, tau0 - cut, INELASTIC))
        integral, _ = quad(lambda p: c + 0.0 * p, 4 / 7 + tau0 - cut, 4 / 7 + tau0)
        assert got == pytest.approx(integral, abs=1e-14)
        assert got == pytest.approx(c * cut, abs=1e-14)
        gain = float(efficiency_gain(tau0, tau0 - cut, INELASTIC))
        assert gain == pytest.approx(0.5 * b * (tau0**2 - (tau0 - cut) ** 2), abs=1e-14)
        ratio = float(political_cost_benefit_ratio(tau0, 0.0, INELASTIC))
        assert ratio == pytest.approx(2 * c / (b * tau0), rel=1e-12)


def test_negative_supply_slope_is_still_refused():
    with pytest.raises(DomainError, match="supply_slope"):
        political_cost_benefit_ratio(0.05, 0.0, ImportMarket(1.0, 1.0, 0.3, -0.1, 4.0 / 7.0))
