"""Qu & Yang (2023) eq. (11), R, T, f and thresholds against independent computations."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from benchmarks.baselines import gvc_numpy as ref

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory import gvc

NS = (2, 3, 7, 50)
MUS = (0.05, 0.3, 0.6, 0.876, 0.99)
UPSILONS = (0.02, 0.33, 0.5, 0.9)


def _paper_R(n, mu, up):  # typed from the text after eq. (11)
    return (1 - mu + mu * up + (n - 2) * up) / (n - n * mu + n * mu * up - up)


def _paper_T(n, mu, up):
    return (1 - up) * (1 - mu) / (n - n * mu + n * mu * up - up)


PAIRS = np.array(list(itertools.product(MUS, UPSILONS)))


@pytest.mark.parametrize("n", NS)
def test_eq11_closed_form_equals_numpy_inverse(n):
    closed = jax.vmap(lambda m, u: gvc.leontief_inverse(n, m, u))(PAIRS[:, 0], PAIRS[:, 1])
    coeffs = jax.vmap(lambda m, u: gvc.input_coefficients(n, m, u))(PAIRS[:, 0], PAIRS[:, 1])
    numeric = jax.vmap(gvc.leontief_inverse_numeric)(coeffs)
    for k, (mu, up) in enumerate(PAIRS):
        a = ref.cobb_douglas_input_coefficients(n, mu, up)
        expected = np.linalg.inv(np.eye(n) - a)
        np.testing.assert_allclose(closed[k], expected, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(coeffs[k], a, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(numeric[k], expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n", NS)
def test_R_T_match_text_and_claims_R_positive_T_positive_R_above_T(n):
    rs = np.asarray(gvc.R(n, PAIRS[:, 0], PAIRS[:, 1]))
    ts = np.asarray(gvc.T(n, PAIRS[:, 0], PAIRS[:, 1]))
    for r, t, (mu, up) in zip(rs, ts, PAIRS, strict=True):
        assert r == pytest.approx(_paper_R(n, mu, up), rel=1e-13)
        assert t == pytest.approx(_paper_T(n, mu, up), rel=1e-13)
        assert r > 0 and t > 0 and r > t  # "R > 0, T > 0, R > T" (after eq. 11)
        assert r + (n - 1) * t == pytest.approx(1.0, abs=1e-12)  # columns of F sum to Ex_j
        # L = R/υ on the diagonal, T/υ off it
        inverse = np.linalg.inv(np.eye(n) - ref.cobb_douglas_input_coefficients(n, mu, up))
        assert inverse[0, 0] * up == pytest.approx(r, rel=1e-10)
        assert inverse[0, 1] * up == pytest.approx(t, rel=1e-10)


def test_final_demand_allocation_matches_eq4_shares():
    for n, omega in itertools.product(NS, (0.1, 0.5, 0.95)):
        share = ref.cobb_douglas_final_shares(n, omega)
        np.testing.assert_allclose(gvc.final_demand_allocation(n, omega), share, atol=1e-15)
        np.testing.assert_allclose(share.sum(axis=0), 1.0)


OMEGAS = (0.01, 0.1, 0.3, 0.55, 0.8, 0.97)


_dT = jax.jit(jax.vmap(jax.grad(gvc.T, argnums=(1, 2)), in_axes=(None, 0, 0)), static_argnums=0)
_df = jax.jit(
    jax.vmap(jax.grad(gvc.f, argnums=(1, 2, 3)), in_axes=(None, 0, 0, 0)), static_argnums=0
)


@pytest.mark.parametrize("n", NS)
def test_paper_partial_derivatives_match_autodiff(n):
    mu, up = PAIRS[:, 0], PAIRS[:, 1]
    d = n - n * mu + n * mu * up - up
    dT_dmu, dT_dup = (np.asarray(x) for x in _dT(n, mu, up))
    np.testing.assert_allclose(dT_dmu, (n - 1) * (up - 1) * up / d**2, rtol=1e-10)  # Prop. 2
    np.testing.assert_allclose(dT_dup, (n - 1) * (mu - 1) / d**2, rtol=1e-10)  # Prop. 4 proof
    assert (dT_dmu < 0).all() and (dT_dup < 0).all()
    for omega in OMEGAS:
        if abs(n * omega - 1) < 1e-3:
            continue
        df_dmu, df_dup, df_dom = (np.asarray(x) for x in _df(n, mu, up, np.full_like(mu, omega)))
        np.testing.assert_allclose(df_dom, d / (n * omega - 1) ** 2, rtol=1e-9)  # Prop. 1
        np.testing.assert_allclose(df_dmu, (1 - up) / (n * omega - 1), rtol=1e-9)  # Prop. 2
        np.testing.assert_allclose(df_dup, (omega - mu) / (n * omega - 1), rtol=1e-9, atol=1e-14)
        assert (df_dom > 0).all()
        # Prop. 4: ∂f/∂υ > 0 iff ω > max(μ, 1/N) or ω < min(μ, 1/N) (the text's second
        # "ω > min" is a typo for "ω < min")
        above = omega > np.maximum(mu, 1 / n)
        below = omega < np.minimum(mu, 1 / n)
        away = np.abs(omega - mu) > 1e-9
        np.testing.assert_array_equal((df_dup > 0)[away], (above | below)[away])


@pytest.mark.parametrize("n", NS)
def test_f_negative_above_one_over_n_and_numerator_bound(n):
    mu, up = PAIRS[:, 0], PAIRS[:, 1]
    for omega in OMEGAS:
        numerator = mu - mu * up + up * omega - 1
        assert (numerator < (mu - 1) * (1 - up)).all()  # Prop. 3 proof
        assert ((mu - 1) * (1 - up) < 0).all()
        if abs(n * omega - 1) < 1e-6:
            continue
        values = np.asarray(gvc.f(n, mu, up, omega))
        assert ((values < 0) == (omega > 1 / n)).all()


def test_thresholds():
    th = gvc.thresholds(21, 0.941)
    assert float(th.proposition_2) == pytest.approx(1 / 21)
    assert float(th.proposition_3) == pytest.approx(1 / 21)
    assert float(th.proposition_4) == pytest.approx(0.941)
    th = gvc.thresholds(4, 0.1)
    assert float(th.proposition_4) == pytest.approx(0.25)
    ns = jnp.array([2.0, 5.0, 10.0])
    np.testing.assert_allclose(gvc.thresholds(ns, 0.15).proposition_4, [0.5, 0.2, 0.15])


def test_numeric_inverse_general_matrix_and_spectral_radius():
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.choice(NS[:3]))
        a = rng.normal(size=(n, n))
        rho = np.abs(np.linalg.eigvals(a)).max()
        a = a * rng.uniform(0.1, 0.95) / rho  # general sign pattern, spectral radius < 1
        assert float(gvc.spectral_radius(a)) == pytest.approx(np.abs(np.linalg.eigvals(a)).max())
        np.testing.assert_allclose(
            gvc.leontief_inverse_numeric(a), np.linalg.inv(np.eye(n) - a), rtol=1e-9, atol=1e-10
        )


def test_numeric_inverse_rejects_divergent_series():
    a = np.array([[0.5, 0.6], [0.6, 0.5]])  # nonnegative, column sums > 1, ρ = 1.1
    with pytest.raises(DomainError, match="spectral radius"):
        gvc.leontief_inverse_numeric(a)
    rotation = 1.2 * np.array([[0.0, -1.0], [1.0, 0.0]])  # I - A invertible, but ρ = 1.2
    with pytest.raises(DomainError, match="spectral radius"):
        gvc.leontief_inverse_numeric(rotation)
    with pytest.raises(DomainError, match="square"):
        gvc.leontief_inverse_numeric(np.zeros((2, 3)))
    with pytest.raises(DomainError, match="spectral radius"):
        gvc.leontief_inverse_numeric(np.array([[np.nan, 0.0], [0.0, 0.1]]))
    value, ok = jax.jit(lambda m: gvc.leontief_inverse_numeric(m, with_flag=True))(a)
    assert not bool(ok) and np.isfinite(np.asarray(value)).all()
    flags = jax.vmap(lambda m: gvc.leontief_inverse_numeric(m, with_flag=True)[1])(
        jnp.stack([a, 0.5 * a, rotation])
    )
    assert flags.tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: gvc.R(1, 0.5, 0.5), "n .* integer >= 2"),
        (lambda: gvc.T(2.5, 0.5, 0.5), "n .* integer >= 2"),
        (lambda: gvc.R(3, 0.0, 0.5), "mu"),
        (lambda: gvc.T(3, 0.5, 1.0), "upsilon"),
        (lambda: gvc.f(3, 0.5, 0.5, 1.2), "omega"),
        (lambda: gvc.f(4, 0.5, 0.5, 0.25), "1/n"),
        (lambda: gvc.leontief_inverse(3.0, 0.5, 0.5), "static Python integer"),
        (lambda: gvc.input_coefficients(1, 0.5, 0.5), "n .* integer >= 2"),
        (lambda: gvc.leontief_inverse(3, 0.5, np.nan), "upsilon"),
        (lambda: gvc.final_demand_allocation(3, -0.1), "omega"),
        (lambda: gvc.thresholds(3, 1.5), "mu"),
    ],
)
def test_eager_domain_errors_name_the_parameter(call, match):
    with pytest.raises(DomainError, match=match):
        call()
