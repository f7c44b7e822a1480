"""Market block of the DeRemer tariff model: eq. 3, section 3.3 world price, ad valorem."""

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
    from_ad_valorem,
    importer_price,
    market_clearing_residual,
    prohibitive_tariff,
    tariff_in_domain,
    to_ad_valorem,
    world_price,
)

TAUS = np.linspace(-0.9, 0.16, 23)
MARKETS = [
    MarketParams(),
    MarketParams(1.3, 0.8, 0.1, 1.2, 0.05, 0.4),
    MarketParams(2.0, 1.5, 0.0, 2.0, 0.2, 0.7),
]


def test_world_price_matches_section_3_3_formula():
    # Section 3.3: p^w(tau) = (4 - 3 tau)/7; Home's price is then (4 + 4 tau)/7.
    np.testing.assert_allclose(world_price(TAUS), (4 - 3 * TAUS) / 7, rtol=0, atol=1e-15)
    np.testing.assert_allclose(importer_price(TAUS), (4 + 4 * TAUS) / 7, rtol=0, atol=1e-15)


@pytest.mark.parametrize("market", MARKETS)
def test_world_price_clears_the_market_numerically(market):
    """Closed form vs a bracketing root find of eq. 3's market-clearing condition."""
    for tau in np.linspace(-0.2, 0.9 * float(prohibitive_tariff(market)), 7):

        def excess(pw, tau=tau):
            return float(market_clearing_residual(tau, pw, market))

        numeric = brentq(excess, -10.0, 10.0, xtol=1e-14)
        assert float(world_price(tau, market)) == pytest.approx(numeric, abs=1e-12)


def test_prohibitive_tariff_default_is_one_sixth():
    # Hand algebra: imports 1 - 1.5 (4 + 4 tau)/7 = 0  <=>  tau = 1/6.
    assert float(prohibitive_tariff()) == pytest.approx(1 / 6, abs=1e-14)
    assert bool(tariff_in_domain(1 / 6 - 1e-9))
    assert not bool(tariff_in_domain(1 / 6 + 1e-9))
    assert not bool(tariff_in_domain(-1.0 - 1e-9))  # foreign demand 1 - p^w turns negative


@pytest.mark.parametrize("market", MARKETS)
def test_ad_valorem_round_trip_and_closed_form(market):
    b, s_M = market.demand_slope, market.import_supply_slope
    total = 2 * b + s_M + market.export_supply_slope
    offset = 2 * market.demand_intercept - market.import_supply_intercept
    offset = offset - market.export_supply_intercept
    t = jnp.linspace(-0.3, 0.15, 10)
    tau = from_ad_valorem(t, market)
    # tau = t (offset - (b + s_M) tau)/total  =>  tau = t offset / (total + t (b + s_M))
    np.testing.assert_allclose(tau, t * offset / (total + t * (b + s_M)), atol=1e-13)
    np.testing.assert_allclose(to_ad_valorem(tau, market), t, atol=1e-12)


def test_ad_valorem_gradient_is_implicit_and_correct():
    grad = jax.grad(lambda t: from_ad_valorem(t))(0.05)
    h = 1e-6
    fd = (float(from_ad_valorem(0.05 + h)) - float(from_ad_valorem(0.05 - h))) / (2 * h)
    assert float(grad) == pytest.approx(fd, rel=1e-7)


def test_domain_errors_name_the_condition():
    with pytest.raises(DomainError, match="nonprohibitive"):
        to_ad_valorem(0.2)
    with pytest.raises(DomainError, match="> -1"):
        from_ad_valorem(-1.5)
    with pytest.raises(DomainError, match="nonprohibitive"):
        from_ad_valorem(0.5)  # implies tau = 2/11... > 1/6
    with pytest.raises(DomainError, match="import-competing sector must be smaller"):
        to_ad_valorem(0.0, MarketParams(import_supply_slope=3.0))


def test_traced_conversion_does_not_raise():
    value = jax.jit(to_ad_valorem)(0.5)  # prohibitive, but traced: no exception
    assert np.isfinite(float(value))
    assert not bool(jax.jit(tariff_in_domain)(0.5))
