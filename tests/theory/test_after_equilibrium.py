"""After equilibrium (seed 000): the closed form against a brute-force economy, the memo's claims
as propositions, gradients against finite differences, domain errors, and the Table 1 typology."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import brentq, minimize

import retrench  # noqa: F401  (64-bit floats)
from retrench.errors import DomainError
from retrench.theory import after_equilibrium as ae
from retrench.theory import after_equilibrium_typology as ty

P = ae.DEFAULT_PARAMS
SYSTEMIC, SECTORAL = ae.systemic_scope(2), ae.sectoral_scope(2)


def brute_force_gain(shares, theta, x, kappa, productivity=(1.7, 0.6, 2.3)):
    """Welfare over autarky from the primitives, by numerical optimisation: autarky allocation
    and prices, then the revenue-maximising allocation at world prices p^A e^x with D's
    productivity cut by kappa, Cobb-Douglas demand, utility difference."""
    beta, a = np.asarray(shares, float), np.asarray(productivity, float)

    def alloc(z):
        w = np.exp(z - z.max())
        return w / w.sum()

    aut = minimize(
        lambda z: -np.sum(beta * np.log(a * alloc(z) ** theta)),
        np.zeros(3),
        method="BFGS",
        options={"gtol": 1e-12},
    ).x
    l_aut = alloc(aut)
    y_aut = a * l_aut**theta
    u_aut = np.sum(beta * np.log(y_aut))
    p_aut = beta / y_aut / np.sum(beta)  # Cobb-Douglas: p_j y_j = beta_j * income, income 1
    prices = p_aut * np.exp(np.asarray(x, float))
    a_after = a * np.array([1 - kappa, 1.0, 1.0])
    res = minimize(
        lambda z: -np.sum(prices * a_after * alloc(z) ** theta),
        np.zeros(3),
        method="BFGS",
        options={"gtol": 1e-12},
    )
    income = -res.fun
    u = np.sum(beta * np.log(beta * income / prices))
    return u - u_aut


@pytest.mark.parametrize(
    "x, kappa", [((0.0, 1.0, 1.0), 0.0), ((0.0, 1.0, 1.0), 0.5), ((-0.3, 0.2, 0.8), 0.3)]
)
def test_closed_form_matches_brute_force_economy(x, kappa):
    p = P._replace(capability_loss=kappa)
    expected = brute_force_gain(p.shares, 0.5, x, kappa)
    assert float(ae.welfare_gain(p, jnp.array(x), kappa)) == pytest.approx(expected, abs=1e-6)


def random_params(rng, n=200, symmetric=False):
    shares = rng.dirichlet(np.ones(3) * 3, size=n)
    theta = rng.uniform(0.1, 0.9, n)
    adv = rng.uniform(0.05, 2.0, (n, 2))
    if symmetric:
        adv[:, 1] = adv[:, 0]
    kappa = rng.uniform(0.01, 0.95, n)
    return ae.AfterEquilibriumParams(shares, theta, adv, kappa)


def vgain(params, erosion, scope, kappa=None):
    def one(p, e):
        k = p.capability_loss if kappa is None else kappa
        return ae.welfare_gain(p, ae.price_deviations(p, e, scope), k)

    return np.asarray(jax.vmap(one)(params, jnp.asarray(erosion)))


def test_proposition_1_gains_from_trade():
    params = random_params(np.random.default_rng(1))
    gains = np.asarray(jax.vmap(ae.trade_gain)(params))
    assert np.all(gains > 0)


@pytest.mark.parametrize("scope", [SYSTEMIC, SECTORAL])
def test_proposition_2_no_reentry_cost_never_below_autarky(scope):
    params = random_params(np.random.default_rng(2))
    for e in np.linspace(0, 1, 11):
        gains = vgain(params, np.full(200, e), scope, kappa=0.0)
        assert np.all(gains >= -1e-12), e
    at_full = vgain(params, np.ones(200), SYSTEMIC, kappa=0.0)
    np.testing.assert_allclose(at_full, 0.0, atol=1e-12)


def test_proposition_3_costly_reentry_full_systemic_erosion_below_autarky():
    params = random_params(np.random.default_rng(3))
    gains = vgain(params, np.ones(200), SYSTEMIC)
    assert np.all(gains < 0)
    beta0, theta, kappa = params.shares[:, 0], params.curvature, params.capability_loss
    sigma = 1 / (1 - theta)
    by_hand = (1 - theta) * np.log(1 - beta0 * (1 - (1 - kappa) ** sigma))
    np.testing.assert_allclose(gains, by_hand, rtol=1e-10)


def test_proposition_3_threshold_solves_autarky_welfare():
    threshold = ae.erosion_threshold(P)
    assert bool(threshold.exists) and 0 < float(threshold.value) < 1
    theta, kappa = 0.5, 0.5

    def brute(e):
        x = (0.0, 1.0 - e, 1.0 - e)
        return brute_force_gain(P.shares, theta, x, kappa)

    expected = brentq(brute, 0.0, 1.0, xtol=1e-10)
    assert float(threshold.value) == pytest.approx(expected, abs=1e-5)
    # above the threshold below autarky, below it above
    assert brute(float(threshold.value) + 0.05) < 0 < brute(float(threshold.value) - 0.05)


def test_threshold_zero_when_lost_capability_alone_is_below_autarky_and_nan_without_cost():
    small_gain = P._replace(advantage=(0.3, 0.3), capability_loss=0.9)
    assert float(ae.welfare_path(small_gain).capability_lost) < 0
    assert float(ae.erosion_threshold(small_gain).value) == 0.0
    none = ae.erosion_threshold(P._replace(capability_loss=0.0))
    assert not bool(none.exists) and np.isnan(float(none.value))


def test_proposition_4_systemic_costs_more_than_sectoral_with_equal_advantages():
    params = random_params(np.random.default_rng(4), symmetric=True)
    for e in np.linspace(0, 1, 11):
        sys_ = vgain(params, np.full(200, e), SYSTEMIC)
        sec = vgain(params, np.full(200, e), SECTORAL)
        assert np.all(sys_ <= sec + 1e-12), e


def test_proposition_5_reentry_never_beats_staying_open():
    params = random_params(np.random.default_rng(5))
    reentry = np.asarray(jax.vmap(ae.reentry_gain)(params))
    np.testing.assert_allclose(
        reentry, params.shares[:, 0] * np.log(1 - params.capability_loss), rtol=1e-12
    )
    for e in (0.0, 0.5, 1.0):
        for scope in (SYSTEMIC, SECTORAL):
            assert np.all(vgain(params, np.full(200, e), scope) >= reentry - 1e-12)


def test_proposition_6_eroded_sector_rents_fall_monotonically():
    es = np.linspace(0, 1, 21)
    rents = [float(ae.sector_rents(P, ae.price_deviations(P, e, SECTORAL), 0.5)[1]) for e in es]
    assert np.all(np.diff(rents) < 0)
    # by hand: rents relative to autarky = beta_1 c_1^sigma (sum beta c^sigma)^(-theta) / beta_1
    c = np.array([0.5, np.e ** (1 - 0.4), np.e])
    by_hand = np.log(c[1] ** 2 * np.sum(np.array(P.shares) * c**2) ** (-0.5))
    x = ae.price_deviations(P, 0.4, SECTORAL)
    assert float(ae.sector_rents(P, x, 0.5)[1]) == pytest.approx(by_hand, rel=1e-12)


def test_proposition_7_disadvantaged_sector_shock_raises_national_welfare():
    params = random_params(np.random.default_rng(7))
    change = np.asarray(
        jax.vmap(lambda p: ty.threat_welfare_change(p, "disadvantaged", "sectoral", 0.5))(params)
    )
    assert np.all(change > 0)


def test_welfare_path_figure_2_ordering_at_defaults():
    path = ae.welfare_path(P)
    assert float(path.trade) > float(path.capability_lost) > 0 > float(path.after_erosion)
    assert float(path.after_erosion) > float(path.reentry)
    assert float(path.no_reentry_cost) == pytest.approx(0.0, abs=1e-12)


def test_gradients_match_finite_differences():
    def g(v):
        p = ae.AfterEquilibriumParams(P.shares, v[0], (v[1], 1.0), v[2])
        return ae.post_erosion_gain(p, 0.7, SYSTEMIC)

    v0 = jnp.array([0.5, 1.0, 0.5])
    grad = np.asarray(jax.grad(g)(v0))
    h = 1e-6
    fd = [(float(g(v0.at[i].add(h))) - float(g(v0.at[i].add(-h)))) / (2 * h) for i in range(3)]
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)

    def thr(kappa):
        return ae.erosion_threshold(P._replace(capability_loss=kappa)).value

    d = float(jax.grad(thr)(0.5))
    fd_thr = (float(thr(0.5 + h)) - float(thr(0.5 - h))) / (2 * h)
    assert d == pytest.approx(fd_thr, rel=1e-5)
    assert d < 0  # a larger lost capability brings the backlash threshold forward


def test_jit_and_vmap_carry_domain_flags():
    bad = P._replace(curvature=jnp.array([0.5, 1.5]))
    flags = jax.vmap(lambda t: ae.in_domain(P._replace(curvature=t)))(bad.curvature)
    assert list(np.asarray(flags)) == [True, False]
    assert float(jax.jit(ae.trade_gain)(P)) == pytest.approx(float(ae.trade_gain(P)))


@pytest.mark.parametrize(
    "params, erosion, message",
    [
        (P._replace(curvature=1.2), 0.5, "curvature must lie in (0, 1)"),
        (P._replace(capability_loss=1.0), 0.5, "capability_loss must lie in [0, 1)"),
        (P._replace(shares=(0.5, 0.3, 0.3)), 0.5, "shares must sum to 1"),
        (P._replace(advantage=(1.0,)), 0.5, "advantage must have one entry"),
        (P, 1.5, "erosion must lie in [0, 1]"),
    ],
)
def test_domain_errors_name_the_parameter(params, erosion, message):
    with pytest.raises(
        DomainError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        ae.post_erosion_gain(params, erosion)


def test_table1_typology_and_model_agree():
    expected = {
        ("disadvantaged", "sectoral"): "managed transition (regional politics)",
        ("disadvantaged", "systemic"): "managed transition (regional politics)",
        ("advantaged", "sectoral"): "targeted protection (bipartisan)",
        ("advantaged", "systemic"): "broad-based protection (bipartisan)",
    }
    for (sector, scope), response in expected.items():
        cell = ty.table1_response(sector, scope)
        assert cell.response == response
        assert int(ty.predicted_response(P, sector, scope)) == cell.code
    with pytest.raises(ValueError, match="sector"):
        ty.table1_response("middle", "sectoral")
