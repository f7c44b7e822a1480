"""Property tests (hypothesis) over the tariff model's parameter space."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory.tariffs import (
    MarketParams,
    TariffWeights,
    market_clearing_residual,
    nash_tariffs,
    prohibitive_tariff,
    reciprocal_efficient_tariffs,
    tariff_in_domain,
    world_price,
)

weight = st.floats(0.5, 4.5, allow_nan=False)
weights = st.builds(TariffWeights, weight, weight, weight, weight)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
traced_efficient = jax.jit(reciprocal_efficient_tariffs)
traced_nash = jax.jit(nash_tariffs)


@SETTINGS
@given(weights)
def test_efficient_in_domain_is_finite_and_out_of_domain_is_rejected(w):
    traced = traced_efficient(w)
    if bool(traced.ok):
        assert np.isfinite(float(traced.tau_x)) and np.isfinite(float(traced.tau_y_star))
        assert bool(tariff_in_domain(traced.tau_x)) and bool(tariff_in_domain(traced.tau_y_star))
        eager = reciprocal_efficient_tariffs(w)
        assert float(eager.tau_x) == pytest.approx(float(traced.tau_x), abs=1e-12)
    else:
        # traced: a flag, no exception; eager: the documented DomainError naming a condition
        with pytest.raises(DomainError, match="must"):
            reciprocal_efficient_tariffs(w)


@SETTINGS
@given(weights)
def test_nash_domain_is_exactly_gamma_M_below_seven_quarters(w):
    traced = traced_nash(w)
    expected = (w.gamma_M < 1.75) & (w.gamma_M_star < 1.75)  # hand algebra, section 3.3 forms
    if abs(w.gamma_M - 1.75) > 1e-9 and abs(w.gamma_M_star - 1.75) > 1e-9:
        assert bool(traced.ok) == expected
    if bool(traced.ok):
        assert np.isfinite(float(traced.tau_x)) and np.isfinite(float(traced.tau_y_star))
    else:
        with pytest.raises(DomainError, match="must"):
            nash_tariffs(w)


markets = st.builds(
    MarketParams,
    st.floats(0.5, 3.0),
    st.floats(0.3, 3.0),
    st.floats(0.0, 0.3),
    st.floats(0.5, 3.0),
    st.floats(0.0, 0.3),
    st.floats(0.1, 0.5),
)


@settings(max_examples=60, deadline=None)
@given(markets, st.floats(-0.5, 0.5))
def test_world_price_clears_any_linear_market(market, tau):
    residual = market_clearing_residual(tau, world_price(tau, market), market)
    assert abs(float(residual)) < 1e-12
    cutoff = float(prohibitive_tariff(market))
    if float(prohibitive_tariff(market)) > 0 and tau > cutoff + 1e-9:
        assert not bool(tariff_in_domain(tau, market))


def test_traced_flags_on_a_batch_with_nan_and_pole():
    w = TariffWeights(jnp.array([1.1, jnp.nan, 3.0]), jnp.array([1.2, 1.2, 4.0]), 1.1, 1.2)
    sol = jax.jit(
        jax.vmap(reciprocal_efficient_tariffs, in_axes=(TariffWeights(0, 0, None, None),))
    )(w)
    np.testing.assert_array_equal(np.asarray(sol.ok), [True, False, False])
    with pytest.raises(DomainError, match="gamma_E must be finite"):
        reciprocal_efficient_tariffs(w)
