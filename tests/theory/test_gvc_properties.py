"""Qu & Yang (2023) GVC model: vmap vs loop, gradients vs finite differences, domain properties."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrench  # noqa: F401  (x64)
from retrench.errors import DomainError
from retrench.theory import gvc

N_POINTS = 10_000
N_LOOP = 200
SEED = 2023


def _scalar_points(rng, size):
    n = rng.integers(2, 51, size=size).astype(float)
    mu, up = rng.uniform(0.01, 0.99, size=(2, size))
    om = rng.uniform(0.01, 0.99, size=size)
    om = np.where(np.abs(n * om - 1) < 1e-3, om + 0.01, om)  # keep off the pole of f
    return n, mu, up, om


def _scalar_outputs(n, mu, up, om):
    th = gvc.thresholds(n, mu)
    return jnp.stack(
        [
            gvc.R(n, mu, up),
            gvc.T(n, mu, up),
            gvc.f(n, mu, up, om),
            th.proposition_2,
            th.proposition_4,
            gvc.gvc_participation_paper_reduced_form(n, mu, up, om, 2.0, 0.1, 0.05),
        ]
    )


def test_vmap_over_10000_scalar_points_equals_loop():
    rng = np.random.default_rng(SEED)
    n, mu, up, om = _scalar_points(rng, N_POINTS)
    batched = np.asarray(jax.jit(jax.vmap(_scalar_outputs))(n, mu, up, om))
    assert batched.shape == (N_POINTS, 6) and np.isfinite(batched).all()
    single = jax.jit(_scalar_outputs)  # one point at a time, in a Python loop
    for k in rng.choice(N_POINTS, size=N_LOOP, replace=False):
        point = int(n[k]), float(mu[k]), float(up[k]), float(om[k])
        np.testing.assert_allclose(batched[k], single(*point), rtol=1e-12, atol=1e-14)
    k = 17  # and one eager call (the DomainError-checking path)
    np.testing.assert_allclose(
        batched[k], _scalar_outputs(int(n[k]), mu[k], up[k], om[k]), rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize("closure", ["final_demand", "gross_output"])
def test_vmap_over_10000_closure_points_equals_loop(closure):
    rng = np.random.default_rng(SEED + 1)
    n = 4
    mu, up = rng.uniform(0.02, 0.98, size=(2, N_POINTS))
    if closure == "final_demand":
        fn = gvc.gvc_participation_given_final_demand
        om = rng.uniform(0.02, 0.98, size=N_POINTS)
        quantity = np.exp(rng.uniform(-2.0, 2.0, size=(N_POINTS, n)))
    else:
        fn = gvc.gvc_participation_given_gross_output
        om = rng.uniform(0.3, 0.98, size=N_POINTS)  # away from 1/N = 0.25
        d = n - n * mu + n * mu * up - up
        amp = 0.5 * (n * om - 1) * np.minimum(1.0, up / d)
        quantity = 1.0 + amp[:, None] * rng.uniform(-1.0, 1.0, size=(N_POINTS, n))
    out = jax.jit(jax.vmap(fn))(quantity, mu, up, om)
    assert bool(out.in_domain.all()) and np.isfinite(np.asarray(out.participation)).all()
    for k in rng.choice(N_POINTS, size=N_LOOP, replace=False):
        single = fn(quantity[k], float(mu[k]), float(up[k]), float(om[k]))
        for field in ("participation", "exports", "gross_output", "final_demand"):
            np.testing.assert_allclose(
                getattr(out, field)[k], getattr(single, field), rtol=1e-11, atol=1e-13
            )


def test_scalar_gradients_match_central_differences():
    rng = np.random.default_rng(SEED + 2)
    n, mu, up, om = _scalar_points(rng, 400)
    om = np.where(np.abs(n * om - 1) < 0.05, om + 0.06, om)
    om = np.clip(om, 0.01, 0.99)
    h = 1e-6
    for name, fn in (("R", gvc.R), ("T", gvc.T), ("f", gvc.f)):
        args = (mu, up) if name != "f" else (mu, up, om)
        grads = jax.jit(jax.vmap(jax.grad(fn, argnums=tuple(range(1, len(args) + 1)))))(n, *args)
        for j, g in enumerate(grads):
            plus = [a + h * (i == j) for i, a in enumerate(args)]
            minus = [a - h * (i == j) for i, a in enumerate(args)]
            fd = (np.asarray(fn(n, *plus)) - np.asarray(fn(n, *minus))) / (2 * h)
            np.testing.assert_allclose(g, fd, rtol=2e-6, atol=1e-7, err_msg=f"d{name}/d arg {j}")


def _participation_given_final_demand(g, mu, up, om):
    return gvc.gvc_participation_given_final_demand(g, mu, up, om).participation


_jac_leontief = jax.jit(jax.jacfwd(gvc.leontief_inverse, argnums=(1, 2)), static_argnums=0)
_jac_final_demand = jax.jit(jax.jacfwd(_participation_given_final_demand))
_participation_jit = jax.jit(_participation_given_final_demand)


def test_matrix_and_vector_gradients_match_central_differences():
    rng = np.random.default_rng(SEED + 3)
    h = 1e-6
    n = 5
    for _ in range(12):
        mu, up, om = rng.uniform(0.05, 0.95, size=3)
        jac = _jac_leontief(n, mu, up)
        shifts = (((mu + h, up), (mu - h, up)), ((mu, up + h), (mu, up - h)))
        for j, (hi, lo) in enumerate(shifts):
            fd = (gvc.leontief_inverse(n, *hi) - gvc.leontief_inverse(n, *lo)) / (2 * h)
            np.testing.assert_allclose(jac[j], fd, rtol=1e-5, atol=1e-7)
        # gradient of participation with respect to the final-demand vector
        g = np.exp(rng.uniform(-1, 1, size=n))
        jac_g = np.asarray(_jac_final_demand(g, mu, up, om))
        for k in range(n):
            e = np.zeros(n)
            e[k] = h
            fd = _participation_jit(g + e, mu, up, om) - _participation_jit(g - e, mu, up, om)
            np.testing.assert_allclose(jac_g[:, k], fd / (2 * h), rtol=1e-5, atol=1e-8)


unit = st.floats(min_value=1e-4, max_value=1 - 1e-4, allow_nan=False)
outside = st.one_of(
    st.floats(max_value=0.0, allow_nan=False, allow_infinity=False),
    st.floats(min_value=1.0, allow_nan=False, allow_infinity=False),
    st.just(float("nan")),
)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 200), mu=unit, up=unit, om=unit)
def test_in_domain_values_are_finite(n, mu, up, om):
    values = [gvc.R(n, mu, up), gvc.T(n, mu, up), *gvc.thresholds(n, mu)]
    if abs(n * om - 1) > 1e-9:
        values.append(gvc.f(n, mu, up, om))
    assert np.isfinite(np.asarray(values)).all()
    assert float(values[0]) > float(values[1]) > 0


@settings(max_examples=25, deadline=None)
@given(
    mu=unit,
    up=unit,
    om=unit,
    g=st.lists(st.floats(1e-3, 1e3), min_size=3, max_size=3),
)
def test_any_positive_final_demand_is_feasible(mu, up, om, g):
    out = gvc.gvc_participation_given_final_demand(np.array(g), mu, up, om)
    assert bool(out.in_domain)
    assert (np.asarray(out.exports) > 0).all()
    part = np.asarray(out.participation)
    assert np.isfinite(part).all() and (part > 0).all()
    # eq. (13) is bounded below by (N - 1)T > 0 and leontief inverse is finite
    assert (part >= 2 * float(gvc.T(3, mu, up)) - 1e-12).all()
    assert np.isfinite(np.asarray(gvc.leontief_inverse(3, mu, up))).all()


@settings(max_examples=40, deadline=None)
@given(bad=outside, which=st.sampled_from(["mu", "upsilon", "omega"]))
def test_out_of_domain_rejected_eagerly_and_flagged_when_traced(bad, which):
    params = {"mu": 0.4, "upsilon": 0.3, "omega": 0.7}
    params[which] = bad
    mu, up, om = params["mu"], params["upsilon"], params["omega"]
    with pytest.raises(DomainError, match=which):
        gvc.f(3, mu, up, om)
    with pytest.raises(DomainError, match=which):
        gvc.gvc_participation_given_final_demand(np.ones(3), mu, up, om)
    value, flag = _traced_f(mu, up, om)
    assert not bool(flag) and np.isfinite(float(value))
    out = _traced_closure(jnp.ones(3), mu, up, om)
    assert not bool(out.in_domain)
    assert all(np.isfinite(np.asarray(x)).all() for x in out[:4])


_traced_f = jax.jit(lambda mu, up, om: gvc.f(3, mu, up, om, with_flag=True))
_traced_closure = jax.jit(gvc.gvc_participation_given_final_demand)


_traced_T = jax.jit(lambda k: gvc.T(k, 0.5, 0.5, with_flag=True))


@settings(max_examples=25, deadline=None)
@given(
    n=st.one_of(
        st.integers(-3, 1),
        st.floats(2.1, 9.9).filter(lambda x: not float(x).is_integer()),  # 3.0 is a valid N
    )
)
def test_bad_n_rejected_eagerly_and_flagged_when_traced(n):
    with pytest.raises(DomainError, match="n "):
        gvc.T(n, 0.5, 0.5)
    value, flag = _traced_T(float(n))
    assert not bool(flag) and np.isfinite(float(value))
