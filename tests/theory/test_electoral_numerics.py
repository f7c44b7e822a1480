"""Electoral model numerics: gradients, vmap, SciPy baseline, domain and convergence flags."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from benchmarks.baselines.electoral_scipy import equilibrium_scipy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import retrench  # noqa: F401  (x64)
from retrench.errors import ConvergenceError, DomainError
from retrench.theory import electoral_primitives as prim
from retrench.theory._roots import RootResult, safeguarded_newton
from retrench.theory.electoral import (
    ElectoralParams,
    equilibrium,
    exit_probability,
    exit_threshold,
    proposal,
    solve_exit_threshold,
    solve_proposal,
)

FIELDS = ElectoralParams._fields
CONTINUOUS = ("theta_LR", "theta_LE", "theta_HR", "theta_HE", "phi_L", "phi_H")
CONTINUOUS += ("D_w", "D_l", "pi_L", "log_gamma_L", "log_gamma_H")

eq_jit = jax.jit(equilibrium)


def random_params(n: int, seed: int) -> ElectoralParams:
    """In-domain points with a margin of 1e-3 from every boundary (room for finite differences)."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.05, 0.95, n)
    alpha_R = rng.uniform(1 - lam + 2e-3, 0.998)
    alpha_E = rng.uniform(0.002, 0.998, n) * alpha_R
    return ElectoralParams(
        gamma=np.exp(rng.uniform(0.003, 0.4, n)),
        lam=lam,
        alpha_R=alpha_R,
        alpha_E=alpha_E,
        b=np.exp(rng.uniform(-2.0, 1.0, n)),
        psi=np.exp(rng.uniform(-1.0, 1.0, n)),
        x_H=np.exp(rng.uniform(-4, 0.5, n)),
    )


def stack_outputs(v: jax.Array) -> jax.Array:
    """Every continuous equilibrium output (thresholds included) at the 7-vector ``v``."""
    p = ElectoralParams(*v)
    eq = equilibrium(p)
    parts = [getattr(eq, name) for name in CONTINUOUS]
    return jnp.stack(parts)


def stack_thresholds(v: jax.Array) -> jax.Array:
    """gamma_L, gamma_H (public :func:`exit_threshold`) and the smooth exit probability of H."""
    p = ElectoralParams(*v)
    probability = exit_probability(p, "H", 0.05)
    return jnp.stack([exit_threshold(p, "L"), exit_threshold(p, "H"), probability])


def assert_gradients_match_central_differences(fn, v: np.ndarray, rtol: float, atol: float):
    outputs = jax.jit(jax.vmap(fn))
    jac = np.asarray(jax.jit(jax.vmap(jax.jacrev(fn)))(v))
    h = 1e-5
    for i in range(len(FIELDS)):
        step = np.zeros(len(FIELDS))
        step[i] = h
        fd = (np.asarray(outputs(v + step)) - np.asarray(outputs(v - step))) / (2 * h)
        np.testing.assert_allclose(jac[:, :, i], fd, rtol=rtol, atol=atol, err_msg=FIELDS[i])


# ---------------------------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------------------------


def test_gradients_of_every_equilibrium_output_match_central_differences():
    p = random_params(40, seed=21)
    eq = eq_jit(p)
    # keep points away from the exit switches, where D_w, D_l and pi_L jump
    away = (np.abs(np.asarray(eq.phi_L)) > 1e-3) & (np.abs(np.asarray(eq.phi_H)) > 1e-3)
    v = np.stack(p, axis=1)[away]
    assert v.shape[0] >= 25
    assert_gradients_match_central_differences(stack_outputs, v, rtol=2e-5, atol=2e-6)


def test_gradients_of_public_thresholds_match_central_differences():
    v = np.stack(random_params(30, seed=25), axis=1)
    assert_gradients_match_central_differences(stack_thresholds, v, rtol=2e-5, atol=2e-6)


def test_gradient_outside_domain_is_finite_under_tracing():
    def loss(lam):
        p = ElectoralParams(1.05, lam, 0.7, 0.4, 1.0, 1.0, 0.125)
        eq = equilibrium(p)
        return jnp.where(eq.in_domain, eq.D_w, -jnp.inf)

    grads = jax.jit(jax.vmap(jax.grad(loss)))(jnp.array([0.5, 1.5, -0.2, 0.2]))
    assert np.all(np.isfinite(grads))
    assert grads[0] != 0 and np.all(np.asarray(grads[1:3]) == 0)


# ---------------------------------------------------------------------------------------------
# vmap over 10,000 points and the SciPy baseline
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_10k() -> tuple[ElectoralParams, object]:
    p = random_params(10_000, seed=23)
    return p, jax.jit(jax.vmap(equilibrium))(p)


def test_vmap_over_10000_points_equals_python_loop(batch_10k):
    p, batched = batch_10k
    assert batched.theta_LR.shape == (10_000,)
    assert bool(jnp.all(batched.converged)) and bool(jnp.all(batched.in_domain))
    rng = np.random.default_rng(0)
    for k in rng.choice(10_000, size=200, replace=False):
        point = ElectoralParams(*(float(leaf[k]) for leaf in p))
        single = eq_jit(point)
        for name in batched._fields:
            np.testing.assert_allclose(
                getattr(single, name), getattr(batched, name)[k], rtol=1e-12, atol=1e-14
            )


def test_matches_independent_scipy_implementation_on_grid(batch_10k):
    p, eq = batch_10k
    for k in range(200):
        ref = equilibrium_scipy(*(float(leaf[k]) for leaf in p))
        for name in ("theta_LR", "theta_LE", "theta_HR", "theta_HE"):
            np.testing.assert_allclose(getattr(eq, name)[k], ref[name], rtol=1e-9, atol=1e-10)
        for d in ("L", "H"):
            np.testing.assert_allclose(getattr(eq, f"phi_{d}")[k], ref[f"phi_{d}"], atol=1e-9)
            np.testing.assert_allclose(
                np.exp(getattr(eq, f"log_gamma_{d}")[k]), ref[f"gamma_{d}"], rtol=1e-8
            )
            if abs(ref[f"phi_{d}"]) > 1e-8:
                assert bool(getattr(eq, f"exit_{d}")[k]) == ref[f"exit_{d}"]
        if min(abs(ref["phi_L"]), abs(ref["phi_H"])) > 1e-8:
            for name in ("D_w", "D_l", "pi_L"):
                np.testing.assert_allclose(getattr(eq, name)[k], ref[name], atol=1e-9)


# ---------------------------------------------------------------------------------------------
# Property tests over the domain
# ---------------------------------------------------------------------------------------------


@st.composite
def in_domain_params(draw) -> ElectoralParams:
    lam = draw(st.floats(0.01, 0.99))
    alpha_R = draw(st.floats(1 - lam, 1.0, exclude_min=True))
    alpha_E = draw(st.floats(0.0, 1.0)) * alpha_R
    return ElectoralParams(
        gamma=draw(st.floats(1.0, 20.0, exclude_min=True)),
        lam=lam,
        alpha_R=alpha_R,
        alpha_E=alpha_E,
        b=draw(st.floats(1e-3, 1e3)),
        psi=draw(st.floats(1e-3, 1e3)),
        x_H=draw(st.floats(1e-6, 20.0)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(in_domain_params())
def test_in_domain_outputs_are_finite_converged_and_ordered(p):
    eq = eq_jit(p)
    assert bool(eq.in_domain) and bool(eq.converged)
    for name in CONTINUOUS:
        assert np.isfinite(float(getattr(eq, name))), name
    thetas = np.array([eq.theta_LR, eq.theta_LE, eq.theta_HR, eq.theta_HE])
    assert np.all((thetas > 0) & (thetas < 1))
    assert float(eq.log_gamma_L) <= float(eq.log_gamma_H)
    assert float(eq.theta_LR) <= float(eq.theta_HR)


BAD_VALUES = {
    "gamma": [1.0, 0.5, np.nan, np.inf],
    "lam": [0.0, 1.0, -0.1, np.nan],
    "alpha_R": [0.2, 1.01, np.nan],
    "alpha_E": [-0.01, 0.95, np.nan],
    "b": [0.0, -1.0, np.inf, np.nan],
    "psi": [0.0, -2.0, np.nan],
    "x_H": [0.0, -0.1, np.inf],
}
BASE = ElectoralParams(gamma=1.05, lam=0.5, alpha_R=0.7, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([(f, v) for f, vals in BAD_VALUES.items() for v in vals]))
def test_out_of_domain_raises_eagerly_and_flags_when_traced(field_and_value):
    field, value = field_and_value
    p = BASE._replace(**{field: value})
    with pytest.raises(DomainError, match=rf"^{field} must"):
        equilibrium(p)
    eq = eq_jit(p)
    assert not bool(eq.in_domain)
    assert np.isnan(float(eq.theta_LR)) and np.isnan(float(eq.D_w))
    assert not bool(eq.exit_L) and not bool(eq.exit_H)


def test_domain_error_messages_name_parameter_value_and_position():
    with pytest.raises(DomainError, match=r"alpha_R must satisfy 1 - lam < alpha_R .*alpha_R=0\.3"):
        equilibrium(BASE._replace(alpha_R=0.3))
    with pytest.raises(DomainError, match=r"lam must lie in \(0, 1\) at 1 of 3 points"):
        equilibrium(BASE._replace(lam=np.array([0.5, 1.2, 0.6])))
    with pytest.raises(DomainError, match=r"b must be finite and > 0"):
        proposal(0.5, 0.7, 0.0, -1.0, 1.0)
    with pytest.raises(DomainError, match=r"x must be finite and >= 0"):
        proposal(0.5, 0.7, -0.1, 1.0, 1.0)
    with pytest.raises(DomainError, match=r"x_H must be finite and > 0"):
        exit_threshold(BASE._replace(x_H=0.0), "H")
    with pytest.raises(DomainError, match=r"scale must be finite and > 0"):
        exit_probability(BASE, "H", 0.0)
    with pytest.raises(ValueError, match=r"leader must be 'L' or 'H'"):
        exit_threshold(BASE, "M")


def test_threshold_ignores_gamma_and_traced_proposal_flags():
    assert float(exit_threshold(BASE._replace(gamma=0.5), "L")) > 0  # gamma plays no role
    res = jax.jit(solve_proposal)(1.5, 0.7, 0.0, 1.0, 1.0)
    assert not bool(res.in_domain) and np.isnan(float(res.theta))
    thr = jax.jit(solve_exit_threshold, static_argnums=1)(BASE._replace(b=-1.0), "H")
    assert not bool(thr.in_domain) and np.isnan(float(thr.log_gamma))


def test_pi_flag_marks_lemma1_outside_unit_interval():
    eq = eq_jit(BASE._replace(b=50.0, psi=1e-3, gamma=3.0))
    assert not bool(eq.pi_is_probability) and float(eq.pi_L) > 1
    assert bool(eq_jit(BASE).pi_is_probability)


def test_exit_probability_tends_to_equilibrium_decision():
    gammas = np.array([1.01, 1.03, 1.05, 1.2])

    def both_leaders(g, scale):
        p = BASE._replace(gamma=g)
        return jnp.stack([exit_probability(p, "L", scale), exit_probability(p, "H", scale)])

    prob_fn = jax.jit(jax.vmap(both_leaders, (0, None)))
    sharp = np.asarray(prob_fn(gammas, 1e-6))
    smooth = np.asarray(prob_fn(gammas, 0.05))
    for k, g in enumerate(gammas):
        eq = eq_jit(BASE._replace(gamma=float(g)))
        np.testing.assert_array_equal(sharp[k] > 0.5, [bool(eq.exit_L), bool(eq.exit_H)])
    assert np.all(np.diff(smooth, axis=0) < 0), "exit becomes less likely as gamma grows"


def test_failed_root_find_raises_eagerly_and_flags_when_traced(monkeypatch):
    real = prim.solve_proposal_logit

    def failing(*args):
        res = real(*args)
        return RootResult(res.value, jnp.zeros_like(res.converged), res.residual)

    monkeypatch.setattr(prim, "solve_proposal_logit", failing)
    with pytest.raises(ConvergenceError, match="proposal: root find did not converge"):
        proposal(0.5, 0.7, 0.0, 1.0, 1.0)
    assert not bool(jax.jit(lambda q: equilibrium(q))(BASE).converged)


def test_eager_wrappers_raise_when_any_point_fails(monkeypatch):
    """equilibrium/exit_threshold raise ConvergenceError naming what failed (eager calls)."""
    from retrench.theory import electoral

    def unconverged_equilibrium(*leaves):
        values = [jnp.asarray(0.5)] * len(electoral.ElectoralEquilibrium._fields)
        return electoral.ElectoralEquilibrium(*values)._replace(converged=jnp.asarray(False))

    def unconverged_threshold(leader, *leaves):
        return electoral.ThresholdResult(*(jnp.asarray(1.0),) * 3, jnp.asarray(False))

    monkeypatch.setattr(electoral, "_equilibrium_point", unconverged_equilibrium)
    monkeypatch.setattr(electoral, "_threshold_point", unconverged_threshold)
    with pytest.raises(ConvergenceError, match="electoral equilibrium: root find did not converge"):
        equilibrium(BASE)
    with pytest.raises(ConvergenceError, match="exit threshold gamma_L"):
        exit_threshold(BASE, "L")


# ---------------------------------------------------------------------------------------------
# Solver internals: cubic starting point, Newton steps, one-exponential shares, chunked batches
# ---------------------------------------------------------------------------------------------


def wide_proposal_inputs(n: int, seed: int) -> np.ndarray:
    """(λ, α, x, b, Ψ) over the whole domain, bΨ from 1e-6 to 1e6."""
    rng = np.random.default_rng(seed)
    return np.stack(
        [
            rng.uniform(0.01, 0.99, n),
            rng.uniform(0.0, 1.0, n),
            np.where(rng.uniform(size=n) < 0.3, 0.0, np.exp(rng.uniform(-12, 3, n))),
            np.exp(rng.uniform(-7, 7, n)),
            np.exp(rng.uniform(-7, 7, n)),
        ]
    )


def test_starting_point_is_the_middle_root_of_the_cubic():
    inputs = wide_proposal_inputs(300, seed=31)
    guess = np.asarray(jax.jit(prim.proposal_logit_guess)(*inputs))
    for k in range(inputs.shape[1]):
        roots = np.roots(prim.proposal_cubic_coefficients(*inputs[:, k]))
        inside = [r.real for r in roots if abs(r.imag) < 1e-9 and 0 < r.real < 1]
        assert len(inside) == 1
        theta = 1.0 / (1.0 + np.exp(-guess[k]))
        assert abs(theta - inside[0]) <= 1e-9 * max(1.0, abs(inside[0])), k


def test_newton_from_the_cubic_needs_at_most_two_steps_anywhere():
    inputs = wide_proposal_inputs(20_000, seed=32)

    def steps(*args):
        it = safeguarded_newton(
            prim._scaled_foc_in_logit,
            prim.proposal_logit_guess(*args),
            *prim.PROPOSAL_LOGIT_BRACKET,
            args,
        )
        return it.steps, it.converged

    n_steps, converged = jax.jit(jax.vmap(steps))(*inputs)
    assert bool(jnp.all(converged))
    assert int(jnp.max(n_steps)) <= 2 and float(jnp.mean(n_steps == 1)) > 0.98


def test_threshold_root_find_takes_one_step_from_the_closed_form():
    """Φ_d/(bΨ) is affine in log γ, so Newton from −Q/(bΨ) − K stops after one step."""
    inputs = wide_proposal_inputs(2_000, seed=33)
    lam, alpha, x, b, psi = inputs
    alpha_e = 0.5 * alpha
    u_r = jax.vmap(prim.proposal_logit_guess)(lam, alpha, x, b, psi)
    u_e = jax.vmap(prim.proposal_logit_guess)(lam, alpha_e, x, b, psi)

    def steps(lam, a_r, a_e, x, b, psi, u_r, u_e):
        quad, logs = prim.exit_advantage_parts(lam, a_r, a_e, x, u_r, u_e)
        guess = -quad / (b * psi) - logs
        half = jnp.abs(quad) / (b * psi) + jnp.abs(logs) + 1.0
        it = safeguarded_newton(
            prim._scaled_advantage_in_log_gamma, guess, -half, half, (quad, logs, b * psi)
        )
        return it.steps, it.converged

    n_steps, converged = jax.jit(jax.vmap(steps))(lam, alpha, alpha_e, x, b, psi, u_r, u_e)
    assert bool(jnp.all(converged)) and int(jnp.max(n_steps)) == 1


@pytest.mark.parametrize("u", [-800.0, -40.0, -1.5, -1e-300, 0.0, 1e-12, 0.7, 37.0, 800.0])
def test_one_exponential_shares_equal_sigmoid_with_exact_derivatives(u):
    theta, one_minus = prim.shares(u)
    log_theta, log_one_minus = prim.log_shares(u)
    np.testing.assert_allclose([theta, one_minus], [jax.nn.sigmoid(u), jax.nn.sigmoid(-u)], 1e-15)
    np.testing.assert_allclose(
        [log_theta, log_one_minus], [jax.nn.log_sigmoid(u), jax.nn.log_sigmoid(-u)], 1e-15
    )
    d_theta = jax.grad(lambda v: prim.shares(v)[0])(u)
    d_log = jax.grad(lambda v: prim.log_shares(v)[1])(u)
    exact = np.exp(-abs(u)) / (1.0 + np.exp(-abs(u))) ** 2  # θ(1 − θ) without cancellation
    np.testing.assert_allclose(d_theta, exact, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(d_log, -expit(u), rtol=1e-14, atol=1e-300)


def test_batches_larger_than_a_chunk_equal_one_vmap(monkeypatch):
    from retrench.theory import electoral_domain

    p = random_params(45, seed=34)
    whole = jax.jit(jax.vmap(equilibrium))(p)
    monkeypatch.setattr(electoral_domain, "CHUNK_SIZE", 8)  # 5 chunks + a remainder of 5
    chunked = jax.jit(equilibrium)(ElectoralParams(*(np.reshape(v, (5, 9)) for v in p)))
    for name in whole._fields:
        np.testing.assert_allclose(
            np.reshape(getattr(chunked, name), -1), getattr(whole, name), rtol=1e-13, atol=1e-15
        )
    grads = jax.grad(lambda q: jnp.sum(equilibrium(q).D_w))(ElectoralParams(*map(jnp.asarray, p)))
    assert all(np.all(np.isfinite(g)) for g in grads)
