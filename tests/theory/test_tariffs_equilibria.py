"""Nash, reciprocal efficient (eq. 6-7), Remarks 1-2 and the power shift of DeRemer (2023)."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from benchmarks.baselines.tariffs_scipy import (
    nash_tariffs_scipy,
    reciprocal_efficient_tariffs_scipy,
)

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory.tariffs import (
    PAPER_PARAMETERS,
    MarketParams,
    TariffWeights,
    efficient_tariff_closed_form,
    nash_tariffs,
    objective_gradients,
    pareto_efficient_tariffs,
    power_shift,
    public_preferred_tariffs,
    reciprocal_efficient_tariffs,
    reciprocal_stationarity_residual,
    to_ad_valorem,
)

MARKET = MarketParams()
BATCH = 10_000  # every grid is padded to this size so each solver compiles once per session
_FILLER = TariffWeights(1.1, 1.2, 1.1, 1.2)


def _padded(solver):
    compiled = jax.jit(jax.vmap(solver))

    def run(w: TariffWeights):
        n = int(jnp.size(w.gamma_E))
        full = TariffWeights(
            *[
                jnp.concatenate(
                    [jnp.broadcast_to(jnp.asarray(x, float), (n,)), jnp.full(BATCH - n, f)]
                )
                for x, f in zip(w, _FILLER, strict=True)
            ]
        )
        return jax.tree_util.tree_map(lambda a: a[:n], compiled(full))

    return run


efficient_batch = _padded(reciprocal_efficient_tariffs)
nash_batch = _padded(nash_tariffs)
shift_batch = _padded(power_shift)


def _grid(*axes):
    cols = np.array(list(itertools.product(*axes))).T
    return [jnp.asarray(c) for c in cols]


def _asymmetric_weights(n=400, seed=0, low=1.0, high=1.6):
    rng = np.random.default_rng(seed)
    return TariffWeights(*[jnp.asarray(rng.uniform(low, high, n)) for _ in range(4)])


# ---------------------------------------------------------------- eq. 7 and eq. 6


def test_eq7_closed_form_equals_numeric_eq6_on_symmetric_grid():
    gE, gM = _grid(np.linspace(1.0, 2.95, 14), np.linspace(0.8, 3.9, 15))
    sol = efficient_batch(TariffWeights.symmetric(gE, gM))
    # Independent characterisation of the domain (hand algebra with section 3.3 forms):
    # concave 9gE + 8gM < 59, nonprohibitive 8gM - 9gE < 5, tau > -1 <=> gE < 3.
    expected_in = (9 * gE + 8 * gM < 59) & (8 * gM - 9 * gE < 5) & (gE < 3)
    np.testing.assert_array_equal(np.asarray(sol.ok), np.asarray(expected_in))
    closed = 4 * (2 * gM + 1 - 3 * gE) / (59 - 9 * gE - 8 * gM)
    ok = np.asarray(sol.ok)
    np.testing.assert_allclose(sol.tau_x[ok], closed[ok], atol=1e-12)
    np.testing.assert_allclose(sol.tau_y_star[ok], closed[ok], atol=1e-12)
    assert ok.sum() > 100
    # DESIGN section 6: ad-valorem efficient tariff (2 gM + 1 - 3 gE)/(2 (4 - gM))
    t = jax.vmap(to_ad_valorem)(sol.tau_x[ok])
    np.testing.assert_allclose(t, ((2 * gM + 1 - 3 * gE) / (2 * (4 - gM)))[ok], atol=1e-12)


def test_eq7_function_matches_paper_expression_and_rejects_pole():
    assert float(efficient_tariff_closed_form(1.1, 1.2)) == pytest.approx(0.4 / 39.5)
    with pytest.raises(DomainError, match="59 - 9\\*gamma_E - 8\\*gamma_M > 0"):
        efficient_tariff_closed_form(3.0, 4.0)


def test_asymmetric_solutions_satisfy_eq6_reciprocity_and_efficiency():
    w = _asymmetric_weights()
    sol = efficient_batch(w)
    assert bool(jnp.all(sol.ok))
    resid = jax.vmap(reciprocal_stationarity_residual)(sol.tau_x, sol.tau_y_star, w)
    assert float(jnp.max(jnp.abs(resid))) < 1e-10
    # Pareto frontier: the two gradients are parallel (zero determinant) and opposed.
    gh, gf = jax.vmap(lambda a, b, ww: objective_gradients(a, b, ww, MARKET))(
        sol.tau_x, sol.tau_y_star, w
    )
    det = gh[:, 0] * gf[:, 1] - gh[:, 1] * gf[:, 0]
    assert float(jnp.max(jnp.abs(det))) < 1e-10
    assert bool(jnp.all(gh[:, 0] * gf[:, 0] < 0))


def test_asymmetric_eq6_matches_scipy_baseline():
    w = _asymmetric_weights(n=40, seed=1, low=1.0, high=2.0)
    sol = efficient_batch(w)
    for i in np.where(np.asarray(sol.ok))[0]:
        ref = reciprocal_efficient_tariffs_scipy(*[float(x[i]) for x in w])
        np.testing.assert_allclose([sol.tau_x[i], sol.tau_y_star[i]], ref, atol=1e-10)


def test_terms_of_trade_reading_of_eq5_also_matches_scipy_where_it_solves():
    w = _asymmetric_weights(n=30, seed=2, low=1.0, high=1.3)
    sol = jax.jit(
        jax.vmap(lambda ww: reciprocal_efficient_tariffs(ww, definition="terms_of_trade"))
    )(w)
    for i in np.where(np.asarray(sol.ok))[0]:
        ref = reciprocal_efficient_tariffs_scipy(
            *[float(x[i]) for x in w], definition="terms_of_trade"
        )
        np.testing.assert_allclose([sol.tau_x[i], sol.tau_y_star[i]], ref, atol=1e-10)


# ---------------------------------------------------------------- Nash


def test_nash_satisfies_each_governments_foc_and_closed_form():
    w = _asymmetric_weights(n=200, seed=3, low=0.8, high=1.7)
    sol = nash_batch(w)
    assert bool(jnp.all(sol.ok))
    gh, gf = jax.vmap(lambda a, b, ww: objective_gradients(a, b, ww, MARKET))(
        sol.tau_x, sol.tau_y_star, w
    )
    assert float(jnp.max(jnp.abs(gh[:, 0]))) < 1e-12
    assert float(jnp.max(jnp.abs(gf[:, 1]))) < 1e-12
    # hand algebra: tau^N = (8 gM - 5)/(68 - 8 gM), depends on gamma_M only
    np.testing.assert_allclose(sol.tau_x, (8 * w.gamma_M - 5) / (68 - 8 * w.gamma_M), atol=1e-12)
    np.testing.assert_allclose(
        sol.tau_y_star, (8 * w.gamma_M_star - 5) / (68 - 8 * w.gamma_M_star), atol=1e-12
    )
    for i in range(0, 200, 20):
        ref = nash_tariffs_scipy(*[float(x[i]) for x in w])
        np.testing.assert_allclose([sol.tau_x[i], sol.tau_y_star[i]], ref, atol=1e-10)


def test_efficient_tariffs_lie_below_nash():
    gE, gM = _grid(np.linspace(1.0, 2.5, 10), np.linspace(1.0, 1.74, 10))
    w = TariffWeights.symmetric(gE, gM)
    eff, nash = efficient_batch(w), nash_batch(w)
    assert bool(jnp.all(eff.ok & nash.ok))
    assert bool(jnp.all(eff.tau_x < nash.tau_x))
    wa = _asymmetric_weights(n=300, seed=4, low=1.0, high=1.7)
    eff, nash = efficient_batch(wa), nash_batch(wa)
    both = eff.ok & nash.ok
    assert int(both.sum()) > 100
    assert bool(jnp.all((eff.tau_x < nash.tau_x)[both]))
    assert bool(jnp.all((eff.tau_y_star < nash.tau_y_star)[both]))


def test_nash_domain_errors_and_flags():
    with pytest.raises(DomainError, match="tau_x must be nonprohibitive"):
        nash_tariffs(TariffWeights.symmetric(1.0, 2.0))  # tau^N > 1/6 once gamma_M >= 1.75
    with pytest.raises(DomainError, match="strictly concave in tau_x"):
        nash_tariffs(TariffWeights(1.0, 9.0, 1.0, 1.0))
    flags = nash_batch(TariffWeights.symmetric(jnp.array([1.7, 1.8]), jnp.array([1.7, 1.8])))
    np.testing.assert_array_equal(np.asarray(flags.in_domain), [True, False])


def test_efficient_domain_errors_at_pole_and_prohibitive():
    with pytest.raises(DomainError, match="negative definite"):
        reciprocal_efficient_tariffs(TariffWeights.symmetric(3.0, 4.0))
    with pytest.raises(DomainError, match="nonprohibitive"):
        reciprocal_efficient_tariffs(TariffWeights.symmetric(1.0, 3.0))
    traced = efficient_batch(TariffWeights.symmetric(jnp.array([3.0, 1.0]), jnp.array([4.0, 3.0])))
    assert not bool(jnp.any(traced.in_domain))


# ---------------------------------------------------------------- Remark 1


def test_remark1_public_prefers_more_protection_than_government():
    gE_G, gM, delta = _grid(np.linspace(1.05, 2.5, 8), np.linspace(1.0, 2.2, 7), [0.05, 0.3, 0.8])
    gE_W = gE_G - delta
    gov = efficient_batch(TariffWeights.symmetric(gE_G, gM))
    pub = efficient_batch(TariffWeights.symmetric(gE_W, gM))
    np.testing.assert_allclose(
        public_preferred_tariffs(PAPER_PARAMETERS.public).tau_x,
        efficient_tariff_closed_form(1.0, 1.2),
        atol=1e-13,
    )
    both = gov.ok & pub.ok
    assert int(both.sum()) > 80
    assert bool(jnp.all((pub.tau_x > gov.tau_x)[both]))
    # and the public gains from a reciprocal tariff *increase* at the government's point
    from retrench.theory.tariffs_objectives import objective_gradients as grads

    gh, _ = jax.vmap(lambda t, w: grads(t, t, w, MARKET))(
        gov.tau_x, TariffWeights.symmetric(gE_W, gM)
    )
    assert bool(jnp.all((gh[:, 0] + gh[:, 1] > 0)[both]))


def test_remark1_with_asymmetric_weights_and_public_preferred_in_paper_example():
    gov = reciprocal_efficient_tariffs(PAPER_PARAMETERS.government)
    pub = public_preferred_tariffs(PAPER_PARAMETERS.public)
    assert float(pub.tau_x) > float(gov.tau_x) > 0  # "small positive tariffs" at gE=1.1, gM=1.2
    w = _asymmetric_weights(n=300, seed=5, low=1.1, high=1.6)
    w_pub = w._replace(gamma_E=w.gamma_E - 0.1, gamma_E_star=w.gamma_E_star - 0.1)
    g, p = efficient_batch(w), efficient_batch(w_pub)
    both = g.ok & p.ok
    assert bool(jnp.all((p.tau_x > g.tau_x)[both] & (p.tau_y_star > g.tau_y_star)[both]))


def test_exact_condition_replaces_papers_three_halves_rule():
    """tau^W > tau^G iff dM < dE (4 - gM^G)/(3 - gE^G); the paper's 3/2 is exact only at N = 0."""
    gE_G, gM_G, dE, dM = _grid(
        np.linspace(1.1, 2.0, 5), np.linspace(1.0, 2.0, 5), [0.1, 0.3], np.linspace(-0.2, 0.6, 9)
    )
    gov = efficient_batch(TariffWeights.symmetric(gE_G, gM_G))
    pub = efficient_batch(TariffWeights.symmetric(gE_G - dE, gM_G - dM))
    both = np.asarray(gov.ok & pub.ok)
    exact = np.asarray(dM < dE * (4 - gM_G) / (3 - gE_G))
    margin = np.abs(np.asarray(dM - dE * (4 - gM_G) / (3 - gE_G))) > 1e-9
    keep = both & margin
    np.testing.assert_array_equal(np.asarray(pub.tau_x > gov.tau_x)[keep], exact[keep])
    # counterexample to the 3/2 rule: gE^G=1.5, gM^G=2, dE=0.2, dM=0.28 < 0.3 but tau^W < tau^G
    tau_G = float(efficient_tariff_closed_form(1.5, 2.0))
    tau_W = float(efficient_tariff_closed_form(1.3, 1.72))
    assert 0.28 < 1.5 * 0.2 and tau_W < tau_G


# ---------------------------------------------------------------- section 4, Remark 2


def test_remark2_signs_of_power_shift_on_grids():
    gE, gM = _grid(np.linspace(1.0, 2.5, 8), np.linspace(1.0, 2.4, 8))
    sym = shift_batch(TariffWeights.symmetric(gE, gM))
    ok = sym.converged & sym.in_domain
    assert int(ok.sum()) > 30
    assert bool(jnp.all((sym.dtau_x > 0)[ok] & (sym.dtau_y_star < 0)[ok]))
    asym = shift_batch(_asymmetric_weights(n=300, seed=6, low=1.0, high=1.6))
    ok = asym.converged & asym.in_domain
    assert bool(jnp.all((asym.dtau_x > 0)[ok] & (asym.dtau_y_star < 0)[ok]))


def test_power_shift_equals_finite_difference_of_weighted_frontier():
    weights = [PAPER_PARAMETERS.government, TariffWeights(1.3, 1.4, 1.1, 1.2)]
    for w in weights:
        shift = power_shift(w)
        rules = reciprocal_efficient_tariffs(w)
        lam = float(shift.home_weight)
        at = pareto_efficient_tariffs(w, lam)
        np.testing.assert_allclose(
            [at.tau_x, at.tau_y_star], [rules.tau_x, rules.tau_y_star], atol=1e-11
        )
        h = 1e-5
        up, down = pareto_efficient_tariffs(w, lam + h), pareto_efficient_tariffs(w, lam - h)
        fd = [(up.tau_x - down.tau_x) / (2 * h), (up.tau_y_star - down.tau_y_star) / (2 * h)]
        np.testing.assert_allclose([shift.dtau_x, shift.dtau_y_star], fd, rtol=1e-6)


def test_papers_printed_formula_holds_only_with_unit_lambda():
    def paper_formula(w):
        rules = reciprocal_efficient_tariffs(w)
        tx, ty = float(rules.tau_x), float(rules.tau_y_star)
        gh, _ = objective_gradients(tx, ty, w, MARKET)
        # hand second derivatives (section 3.3 forms): importer part (8 gM - 68)/49,
        # exporter part 9 (1 + gE)/49
        gxx = (8 * w.gamma_M - 68) / 49 + 9 * (1 + w.gamma_E_star) / 49
        gyy = 9 * (1 + w.gamma_E) / 49 + (8 * w.gamma_M_star - 68) / 49
        return float(gh[0]) / -gxx, float(gh[1]) / -gyy

    sym = PAPER_PARAMETERS.government
    np.testing.assert_allclose(list(power_shift(sym)), paper_formula(sym), rtol=1e-10)
    asym = TariffWeights(1.3, 1.4, 1.1, 1.2)
    shift = power_shift(asym)
    assert abs(float(shift.home_weight) - 1) > 0.05
    assert abs(float(shift.dtau_x) - paper_formula(asym)[0]) > 1e-3


def test_remark2_rents_rise_and_public_gains():
    """Home's import- and export-sector rents and G rise with lambda; G* falls; W rises."""
    gE, gM = _grid(np.linspace(1.05, 2.0, 6), np.linspace(1.0, 1.8, 5))
    w = TariffWeights.symmetric(gE, gM)
    shift, rules = shift_batch(w), efficient_batch(w)
    ok = shift.converged & shift.in_domain
    # p_x rises with tau_x (4/7 per unit), p_y rises as tau_y* falls (-3/7 per unit)
    assert bool(jnp.all((4 / 7 * shift.dtau_x > 0)[ok] & (-3 / 7 * shift.dtau_y_star > 0)[ok]))
    w_pub = TariffWeights.symmetric(jnp.ones_like(gE), gM)

    def welfare_changes(tx, ty, ww, wp, dx, dy):
        gh, gf = objective_gradients(tx, ty, ww, MARKET)
        wh, _ = objective_gradients(tx, ty, wp, MARKET)
        d = jnp.stack([dx, dy])
        return gh @ d, gf @ d, wh @ d

    dG, dG_star, dW = jax.vmap(welfare_changes)(
        rules.tau_x, rules.tau_y_star, w, w_pub, shift.dtau_x, shift.dtau_y_star
    )
    assert bool(jnp.all((dG > 0)[ok] & (dG_star < 0)[ok]))
    assert bool(jnp.all((dW > 0)[ok]))  # section 4: the public still gains on net
