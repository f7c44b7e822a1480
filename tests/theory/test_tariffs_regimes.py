"""Regime tariffs (WTO accession): the Nash tariff of γ_M alone and the reciprocal tariff.

Oracles: the numeric Nash solve (:func:`nash_tariffs`, a 2×2 Newton root find), the numeric
eq. 6 solve (:func:`reciprocal_efficient_tariffs`), the closed forms written out here by hand,
SciPy's brentq on the first-order condition, and central finite differences.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import brentq

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory.tariffs import (
    MarketParams,
    TariffWeights,
    government_objective,
    nash_ad_valorem_closed_form,
    nash_prohibitive_weight,
    nash_tariff,
    nash_tariffs,
    nash_zero_weight,
    reciprocal_efficient_tariffs,
    reciprocal_tariff,
)

GAMMA_M = np.array([0.7, 0.9, 1.0, 1.2, 1.45, 1.7])
ODD_MARKET = MarketParams(1.2, 0.9, 0.05, 1.3, 0.0, 0.6)


def test_nash_tariff_matches_the_numeric_nash_solve_at_several_points():
    # foreign weights differ: Home's Nash tariff must not depend on them (gamma_M alone)
    w = TariffWeights(gamma_E=1.4, gamma_M=GAMMA_M, gamma_E_star=1.05, gamma_M_star=1.3)
    numeric = nash_tariffs(w)
    ours = nash_tariff(GAMMA_M)
    np.testing.assert_allclose(ours.specific, numeric.tau_x, rtol=1e-10, atol=1e-12)
    assert np.all(ours.in_domain)
    # the form (8 gamma_M - 5) / (4 (17 - 2 gamma_M)), written out by hand
    np.testing.assert_allclose(ours.specific, (8 * GAMMA_M - 5) / (4 * (17 - 2 * GAMMA_M)))


def test_nash_tariff_on_another_market_against_scipy_brentq():
    gamma_M = 1.1

    def home_marginal(tau: float) -> float:  # dG/dtau_x by autodiff of eq. 1, Foreign fixed
        grad = jax.grad(
            lambda t: (
                government_objective(t, 0.0, TariffWeights.symmetric(1.1, gamma_M), ODD_MARKET).home
            )
        )
        return float(grad(jnp.asarray(tau)))

    root = brentq(home_marginal, -0.3, 0.2, xtol=1e-14)
    assert float(nash_tariff(gamma_M, ODD_MARKET).specific) == pytest.approx(root, abs=1e-10)


def test_ad_valorem_nash_through_the_world_price():
    ours = nash_tariff(GAMMA_M)
    tau = (8 * GAMMA_M - 5) / (68 - 8 * GAMMA_M)
    np.testing.assert_allclose(ours.ad_valorem, tau / ((4 - 3 * tau) / 7), rtol=1e-12)
    np.testing.assert_allclose(ours.ad_valorem, nash_ad_valorem_closed_form(GAMMA_M), rtol=1e-12)
    assert float(nash_tariff(1.0).ad_valorem) == pytest.approx(1 / 11)  # 9.1 % (issue 16)


def test_zero_and_prohibitive_weights():
    assert float(nash_zero_weight()) == pytest.approx(5 / 8)
    assert float(nash_prohibitive_weight()) == pytest.approx(7 / 4)
    assert float(nash_tariff(5 / 8).specific) == pytest.approx(0.0, abs=1e-14)
    assert float(nash_tariff(1.75 - 1e-9).ad_valorem) == pytest.approx(1 / 3, abs=1e-8)
    # the zero weight on another market: the numeric Nash solve gives a zero tariff there
    g0 = float(nash_zero_weight(ODD_MARKET))
    w = TariffWeights.symmetric(1.0, g0)
    assert float(nash_tariffs(w, ODD_MARKET).tau_x) == pytest.approx(0.0, abs=1e-12)


def test_nash_domain_errors_and_traced_flags():
    with pytest.raises(DomainError, match="nonprohibitive"):
        nash_tariff(1.8)
    with pytest.raises(DomainError, match="gamma_M must be finite"):
        nash_tariff(jnp.nan)
    flags = jax.jit(lambda g: nash_tariff(g).in_domain)(jnp.array([1.0, 1.8, 9.0]))
    assert flags.tolist() == [True, False, False]
    below_zero = nash_tariff(0.6)  # an import subsidy: in the domain
    assert float(below_zero.specific) < 0 and bool(below_zero.in_domain)


def test_nash_gradient_against_finite_differences():
    g, h = 1.3, 1e-6
    grad = jax.grad(lambda x: nash_tariff(x).ad_valorem)(g)
    fd = (nash_ad_valorem_closed_form(g + h) - nash_ad_valorem_closed_form(g - h)) / (2 * h)
    assert float(grad) == pytest.approx(float(fd), rel=1e-7)
    # by hand: d/dg (8g - 5)/(41 - 8g) = 288 / (41 - 8g)^2
    assert float(grad) == pytest.approx(288 / (41 - 8 * g) ** 2, rel=1e-10)


@pytest.mark.parametrize(("gamma_E", "gamma_M"), [(1.1, 1.2), (1.0, 1.0), (1.3, 1.5), (0.8, 0.9)])
def test_reciprocal_tariff_matches_the_numeric_eq6_solve(gamma_E, gamma_M):
    numeric = reciprocal_efficient_tariffs(TariffWeights.symmetric(gamma_E, gamma_M))
    ours = reciprocal_tariff(gamma_E, gamma_M)
    assert float(ours.specific) == pytest.approx(float(numeric.tau_x), abs=1e-10)
    expected_t = (2 * gamma_M + 1 - 3 * gamma_E) / (2 * (4 - gamma_M))
    assert float(ours.ad_valorem) == pytest.approx(expected_t, rel=1e-10, abs=1e-13)
    assert bool(ours.in_domain)


def test_reciprocal_tariff_domain_and_gradients():
    with pytest.raises(DomainError, match="59 - 9\\*gamma_E - 8\\*gamma_M > 0"):
        reciprocal_tariff(3.0, 4.0)
    out = jax.jit(reciprocal_tariff)(jnp.array([1.1, 3.0]), jnp.array([1.2, 4.0]))
    assert out.in_domain.tolist() == [True, False]
    g = jax.grad(lambda e, m: reciprocal_tariff(e, m).ad_valorem, argnums=(0, 1))(1.1, 1.2)
    # by hand, t = N / (2 (4 - gM)) with N = 2 gM + 1 - 3 gE:
    # dt/dgE = -3 / (2 (4 - gM)); dt/dgM = (4 (4 - gM) + 2 N) / (2 (4 - gM))^2
    m, e = 1.2, 1.1
    assert float(g[0]) == pytest.approx(-3 / (2 * (4 - m)))
    assert float(g[1]) == pytest.approx(
        (4 * (4 - m) + 2 * (2 * m + 1 - 3 * e)) / (2 * (4 - m)) ** 2
    )
