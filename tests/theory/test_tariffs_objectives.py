"""Eq. 1 (G), eq. 2 (W), eq. 4 and eq. 5 of DeRemer (2023), checked term by term."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from scipy.integrate import quad

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory.tariffs import (
    MarketParams,
    TariffWeights,
    export_price_effect,
    government_objective,
    objective_gradients,
    public_welfare,
    reciprocity_ratio,
)

POINTS = [(0.0, 0.0), (0.05, -0.1), (-0.3, 0.12), (0.15, 0.15)]
WEIGHTS = TariffWeights(1.3, 1.1, 1.7, 0.9)


def _bs_objectives(tau_x, tau_y, w, a=1.0, b=1.0, s_E=1.0, s_M=0.5):
    """Bagwell–Staiger by numeric integration: CS + weighted PS + own tariff revenue."""
    total = 2 * b + s_E + s_M

    def pw(tau):
        return (2 * a - (b + s_M) * tau) / total

    def cs(p):
        return quad(lambda q: a - b * q, p, a / b)[0]

    def ps(p, slope):
        return quad(lambda q: slope * q, 0.0, p)[0]

    def imports(p):
        return a - b * p - s_M * p

    px, py_home = pw(tau_x) + tau_x, pw(tau_y)
    px_foreign, py_star = pw(tau_x), pw(tau_y) + tau_y
    home = cs(px) + w[1] * ps(px, s_M) + tau_x * imports(px) + cs(py_home) + w[0] * ps(py_home, s_E)
    foreign = (
        cs(px_foreign)
        + w[2] * ps(px_foreign, s_E)
        + cs(py_star)
        + w[3] * ps(py_star, s_M)
        + tau_y * imports(py_star)
    )
    return home, foreign


@pytest.mark.parametrize("tau", POINTS)
def test_objective_matches_bagwell_staiger_term_by_term(tau):
    G, G_star = government_objective(*tau, WEIGHTS)
    home, foreign = _bs_objectives(*tau, WEIGHTS)
    assert float(G) == pytest.approx(home, abs=1e-12)
    assert float(G_star) == pytest.approx(foreign, abs=1e-12)


def test_welfare_minus_objective_is_weighted_rents():
    w_gov, w_pub = TariffWeights(1.4, 1.3, 1.2, 1.5), TariffWeights(1.0, 1.1, 1.05, 1.5)
    tau_x, tau_y = 0.04, 0.02
    px, py = (4 + 4 * tau_x) / 7, (4 - 3 * tau_y) / 7
    W, _ = public_welfare(tau_x, tau_y, w_pub)
    G, _ = government_objective(tau_x, tau_y, w_gov)
    expected = (1.0 - 1.4) * py**2 / 2 + (1.1 - 1.3) * px**2 / 4
    assert float(W - G) == pytest.approx(expected, abs=1e-14)


def test_unit_weights_give_national_welfare_with_free_trade_not_optimal():
    # With all weights 1 a small tariff raises Home welfare (terms of trade): dW/dtau_x > 0 at 0.
    grad_home, _ = objective_gradients(0.0, 0.0, TariffWeights(1.0, 1.0, 1.0, 1.0), MarketParams())
    assert float(grad_home[0]) == pytest.approx(6 / 98, abs=1e-14)  # hand algebra


@pytest.mark.parametrize("gamma_E", [1.0, 1.3, 2.0])
@pytest.mark.parametrize("tau_y", [-0.2, 0.0, 0.1])
def test_eq4_decomposition_of_foreign_tariff_effect(gamma_E, tau_y):
    w = TariffWeights(gamma_E, 1.2, 1.1, 1.2)
    grad_home, _ = objective_gradients(0.0, tau_y, w, MarketParams())
    p_y = (4 - 3 * tau_y) / 7
    q_y, exports = p_y, p_y - (1 - p_y)
    dpw = -3 / 7
    assert float(grad_home[1]) == pytest.approx(((gamma_E - 1) * q_y + exports) * dpw, abs=1e-14)
    # eq. 4: dp_y/dp_y* = M'_y/(Q'_y - D'_y) = -1.5/2
    local = float(export_price_effect(tau_y, gamma_E, MarketParams()))
    assert local == pytest.approx(-0.75 * (gamma_E - 1) * q_y, abs=1e-14)
    if gamma_E > 1:  # "the local price externality amplifies the terms-of-trade externality"
        assert float(grad_home[1]) < dpw * exports < 0


def test_reciprocity_definitions_agree_only_when_symmetric():
    for tau in (-0.1, 0.0, 0.08):
        for definition in ("trade_volume", "terms_of_trade"):
            assert float(reciprocity_ratio(tau, tau, definition=definition)) == pytest.approx(1.0)
    tv = float(reciprocity_ratio(0.1, -0.1, definition="trade_volume"))
    tot = float(reciprocity_ratio(0.1, -0.1, definition="terms_of_trade"))
    # hand algebra: tv = p_x^w/p_y^w = (4 - 0.3)/(4 + 0.3); tot = M_x/M_y
    assert tv == pytest.approx(3.7 / 4.3, rel=1e-13)
    m_x, m_y = 1 - 1.5 * 4.4 / 7, 1 - 1.5 * 3.6 / 7
    assert tot == pytest.approx(m_x / m_y, rel=1e-13)
    assert tot > 0 and tv > 0 and abs(tot - tv) > 0.1


def test_prohibitive_tariff_raises_eagerly_and_flags_when_traced():
    with pytest.raises(DomainError, match="tau_x must be nonprohibitive"):
        government_objective(0.2, 0.0, WEIGHTS)
    with pytest.raises(DomainError, match="gamma_M must be finite"):
        government_objective(0.0, 0.0, TariffWeights(1.0, np.nan, 1.0, 1.0))
    pair = jax.jit(government_objective)(0.2, 0.0, WEIGHTS)
    assert not bool(pair.in_domain) and np.isfinite(float(pair.home))
