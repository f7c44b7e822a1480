"""Fit the GVC threshold models (eq. 16, 19, 20) with NUTS and recover the posterior of φ.

:class:`ThresholdSampler` is what the model class wraps: it runs NUTS on
:func:`retrench.designs.gvc.threshold.gvc_threshold_model` and returns a
:class:`ThresholdPosterior` with the draws of (α, η, β, δ, σ) and the exact posterior of φ:

* ``phi_pmf[j]`` (G,): p(φ_j = grid[g] | y) = mean over draws of the conditional weights
  p(φ_j = grid[g] | α, η, β, δ, σ, y) — a Rao-Blackwellised estimate, far less noisy than a
  histogram of sampled φ;
* ``phi_index_draws`` (S, K): one φ drawn per posterior draw from the same conditional
  weights, so that (parameters, φ) are joint posterior draws (for predictions and LOO).

A :class:`ThresholdSampler` keeps one compiled NUTS kernel per (design shape, K) so that a
coverage study over many panels of the same size compiles once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from numpyro.infer.hmc import hmc
from numpyro.infer.util import initialize_model

from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.designs.gvc.threshold import (
    DEFAULT_PRIORS,
    ThresholdArrays,
    fixed_effect_dummies,
    gvc_threshold_model,
    phi_log_weights,
    prior_distribution,
    threshold_arrays,
)

PARAMETER_NAMES = ("beta", "sigma", "delta")


@dataclass(frozen=True)
class PhiInterval:
    """Equal-tailed credible interval of a discrete φ posterior, as grid indices and values.

    ``upper_cell_end`` is the end of the last cell, so the interval as a set of φ values is
    ``[lower, upper_cell_end)`` (every φ in a cell gives the same likelihood).
    """

    lower_index: int
    upper_index: int
    lower: float
    upper: float
    upper_cell_end: float
    mode: float
    mean: float

    def covers(self, value: float) -> bool:
        return bool(self.lower <= value < self.upper_cell_end)


def phi_credible_interval(
    pmf: np.ndarray, grid: np.ndarray, cell_upper: np.ndarray, prob: float = 0.90
) -> PhiInterval:
    """Equal-tailed ``prob`` interval of a pmf on the grid (tails of (1 − prob)/2 each)."""
    pmf = np.asarray(pmf, dtype=float)
    cdf = np.cumsum(pmf / pmf.sum())
    tail = (1 - prob) / 2
    lo = int(np.searchsorted(cdf, tail, side="left"))
    hi = int(min(np.searchsorted(cdf, 1 - tail, side="left"), grid.size - 1))
    return PhiInterval(
        lower_index=lo,
        upper_index=hi,
        lower=float(grid[lo]),
        upper=float(grid[hi]),
        upper_cell_end=float(cell_upper[hi]),
        mode=float(grid[int(np.argmax(pmf))]),
        mean=float(np.sum(pmf * grid) / pmf.sum()),
    )


@dataclass
class ThresholdPosterior:
    """Posterior of one threshold model: draws, φ pmf(s) and joint φ draws (see module doc)."""

    design: ThresholdDesign
    arrays: ThresholdArrays
    n_thresholds: int
    samples: dict[str, np.ndarray]
    phi_pmf: tuple[np.ndarray, ...]
    phi_index_draws: np.ndarray
    chains: int = 1
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def phi_interval(self, j: int = 0, prob: float = 0.90) -> PhiInterval:
        grid, upper = self.design.grid, self.design.cell_upper
        return phi_credible_interval(self.phi_pmf[j], grid, upper, prob)

    def fixed_effects(self) -> tuple[np.ndarray, np.ndarray]:
        """Draws of (α (S, N), η (S, T)), drawn once from their exact conditional and cached."""
        if "country_effect" not in self.samples:
            alpha, eta = draw_fixed_effects(self.design, self.samples, self.phi_index_draws)
            self.samples["country_effect"], self.samples["year_effect"] = alpha, eta
        return self.samples["country_effect"], self.samples["year_effect"]

    def regime_slopes(self) -> np.ndarray:
        """(S, K + 1) draws of the slope on the threshold regressor in each regime, low to high."""
        k = self.design.covariate_names.index(self.design.threshold_regressor_name)
        base = self.samples["beta"][:, k]
        if self.n_thresholds == 0:
            return base[:, None]
        steps = np.cumsum(self.samples["delta"], axis=1)
        return np.column_stack([base, base[:, None] + steps])


def _draw_conditional(
    params: Mapping[str, jax.Array], data: ThresholdArrays, n_thresholds: int, key: jax.Array
) -> tuple[jax.Array, ...]:
    """Per draw: φ marginal probabilities (K × G) and one φ index draw (K,)."""
    log_w = phi_log_weights(params, data, n_thresholds)
    if n_thresholds == 1:
        prob = jax.nn.softmax(log_w)
        return prob[None, :], jax.random.categorical(key, log_w)[None]
    flat = jax.nn.softmax(log_w.ravel()).reshape(log_w.shape)
    marginals = jnp.stack([flat.sum(axis=1), flat.sum(axis=0)])
    pick = jax.random.categorical(key, log_w.ravel())
    return marginals, jnp.stack([pick // log_w.shape[1], pick % log_w.shape[1]])


def phi_posterior(
    samples: Mapping[str, np.ndarray], data: ThresholdArrays, n_thresholds: int, seed: int = 0
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Rao-Blackwellised pmf of each φ_j and one joint φ index draw per posterior draw."""
    n_draws = next(iter(samples.values())).shape[0]
    params = {k: jnp.asarray(v) for k, v in samples.items() if k in PARAMETER_NAMES}
    keys = jax.random.split(jax.random.PRNGKey(seed), n_draws)

    def one(args):
        p, key = args
        return _draw_conditional(p, data, n_thresholds, key)

    probs, picks = jax.lax.map(one, (params, keys), batch_size=64)
    pmf = np.asarray(probs.mean(axis=0))
    return tuple(pmf[j] for j in range(n_thresholds)), np.asarray(picks)


def _normal_equations(data: ThresholdArrays, columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Within cross-products of [Z, W_columns]: (XᵀX, Xᵀy)."""
    zz, zy = np.asarray(data.zz), np.asarray(data.zy)
    if not columns:
        return zz, zy
    wz, wy = np.asarray(data.wz)[columns], np.asarray(data.wy)[columns]
    ww = (
        np.asarray(data.gram)[np.ix_(columns, columns)]
        if len(columns) > 1
        else (np.asarray(data.w_norm2)[columns][:, None])
    )
    xtx = np.block([[zz, wz.T], [wz, ww]])
    return xtx, np.concatenate([zy, wy])


def _ssr(data: ThresholdArrays, columns: list[int]) -> tuple[float, np.ndarray]:
    xtx, xty = _normal_equations(data, columns)
    coef = np.linalg.solve(xtx, xty)
    return float(np.asarray(data.yy) - xty @ coef), coef


def least_squares_start(data: ThresholdArrays, n_thresholds: int) -> dict[str, jax.Array]:
    """Starting point of the chains: least squares at the best threshold(s) (unconstrained).

    K = 1: the grid point minimising the residual sum of squares; K = 2: Hansen's sequential
    search (second threshold given the first, then the first refined), restricted to the pairs
    with prior mass. Starting there keeps NUTS out of the spurious modes of the K = 2 posterior
    (e.g. one δ ≈ 0 with the other absorbing both jumps). σ starts at √(SSR/dof) (log scale).
    """
    if n_thresholds == 0:
        ssr, coef = _ssr(data, [])
        return {"beta": jnp.asarray(coef), "sigma": jnp.log(jnp.sqrt(ssr / data.dof))}
    grid_size = int(np.asarray(data.wy).shape[0])
    single = [(_ssr(data, [g])[0], g) for g in range(grid_size)]
    best = min(single)[1]
    columns = [best]
    if n_thresholds == 2:
        allowed = np.isfinite(np.asarray(data.log_prior_pair))

        def best_partner(fixed: int) -> int:
            options = [
                (_ssr(data, sorted([fixed, g]))[0], g)
                for g in range(grid_size)
                if allowed[min(fixed, g), max(fixed, g)] and g != fixed
            ]
            return min(options)[1]

        second = best_partner(best)
        first = best_partner(second)
        columns = sorted([first, second])
    ssr, coef = _ssr(data, columns)
    k = coef.size - n_thresholds
    return {
        "beta": jnp.asarray(coef[:k]),
        "delta": jnp.asarray(coef[k:]),
        "sigma": jnp.log(jnp.sqrt(ssr / data.dof)),
    }


#: Compiled samplers shared by every :class:`ThresholdSampler` with the same settings and data
#: shapes (tracing and compiling NUTS costs ~10-60 s here; a run costs ~1 s).
_COMPILED_SAMPLERS: dict[tuple, Any] = {}


class ThresholdSampler:
    """NUTS for one (design shape, K), compiled once and reused across panels of that shape.

    Built on NumPyro's functional ``hmc(potential_fn_gen=..., algo="NUTS")`` kernel: warm-up
    (step size and diagonal or dense mass adaptation) and sampling run in one ``lax.scan``
    per chain, chains are vectorised with ``vmap``, and the whole fit is one ``jax.jit`` whose
    argument is the panel's :class:`ThresholdArrays`. (``numpyro.infer.MCMC`` recompiles its
    sampling loop on every ``run``, ~10 s here, which would dominate a coverage study.)
    """

    def __init__(
        self,
        n_thresholds: int,
        draws: int = 1000,
        warmup: int = 500,
        chains: int = 2,
        priors: Mapping[str, Any] | None = None,
        target_accept: float = 0.85,
        dense_mass: bool = True,
    ) -> None:
        if n_thresholds not in (0, 1, 2):
            raise ValueError(f"n_thresholds must be 0, 1 or 2 (got {n_thresholds})")
        self.n_thresholds = n_thresholds
        self.draws, self.warmup, self.chains = draws, warmup, chains
        resolved = {**DEFAULT_PRIORS, **(priors or {})}
        self.priors = {name: prior_distribution(resolved, name) for name in resolved}
        self.model = partial(gvc_threshold_model, n_thresholds=n_thresholds, priors=self.priors)
        self.target_accept, self.dense_mass = target_accept, dense_mass

    def _settings_key(self) -> tuple:
        """Everything the compiled sampler depends on besides the data shapes."""
        priors = tuple(
            (
                name,
                type(d).__name__,
                tuple(tuple(np.ravel(leaf).tolist()) for leaf in jax.tree_util.tree_leaves(d)),
            )
            for name, d in sorted(self.priors.items())
        )
        return (
            self.n_thresholds,
            self.draws,
            self.warmup,
            self.chains,
            self.target_accept,
            self.dense_mass,
            priors,
        )

    def _build(self, data: ThresholdArrays):
        info = initialize_model(
            jax.random.PRNGKey(0), self.model, model_args=(data,), dynamic_args=True
        )
        init_kernel, sample_kernel = hmc(potential_fn_gen=info.potential_fn, algo="NUTS")
        postprocess_gen = info.postprocess_fn

        def one_chain(data: ThresholdArrays, key: jax.Array, start: dict):
            key_init, key_jitter = jax.random.split(key)
            jitter = jax.random.split(key_jitter, len(start))
            start = {
                name: value + 0.01 * jax.random.normal(k, jnp.shape(value))
                for (name, value), k in zip(sorted(start.items()), jitter, strict=True)
            }
            state = init_kernel(
                start,
                num_warmup=self.warmup,
                dense_mass=self.dense_mass,
                target_accept_prob=self.target_accept,
                model_args=(data,),
                rng_key=key_init,
            )
            state = jax.lax.fori_loop(
                0, self.warmup, lambda _, st: sample_kernel(st, model_args=(data,)), state
            )

            def step(st, _):
                st = sample_kernel(st, model_args=(data,))
                return st, (st.z, st.diverging, st.num_steps)

            _, (z, diverging, steps) = jax.lax.scan(step, state, None, length=self.draws)
            constrained = jax.vmap(postprocess_gen(data))(z)
            return constrained, diverging, steps

        def all_chains(data: ThresholdArrays, key: jax.Array, start: dict):
            keys = jax.random.split(key, self.chains)
            return jax.vmap(one_chain, in_axes=(None, 0, None))(data, keys, start)

        return jax.jit(all_chains)

    def run(
        self, design: ThresholdDesign, seed: int = 0, phi_prior: str = "uniform"
    ) -> ThresholdPosterior:
        data = threshold_arrays(design, phi_prior, two_thresholds=self.n_thresholds == 2)
        shape = tuple(np.shape(leaf) for leaf in jax.tree_util.tree_leaves(data))
        shape = shape + (data.n_units, data.n_times, data.dof)
        key = (self._settings_key(), shape)
        if key not in _COMPILED_SAMPLERS:
            _COMPILED_SAMPLERS[key] = self._build(data)
        start = least_squares_start(data, self.n_thresholds)
        draws, diverging, steps = _COMPILED_SAMPLERS[key](data, jax.random.PRNGKey(seed), start)
        by_chain = {k: np.asarray(v) for k, v in draws.items()}
        samples = {k: v.reshape((-1,) + v.shape[2:]) for k, v in by_chain.items()}
        if self.n_thresholds:
            pmf, picks = phi_posterior(samples, data, self.n_thresholds, seed + 1)
        else:
            pmf, picks = (), np.zeros((samples["beta"].shape[0], 0), dtype=int)
        return ThresholdPosterior(
            design=design,
            arrays=data,
            n_thresholds=self.n_thresholds,
            samples=samples,
            phi_pmf=pmf,
            phi_index_draws=picks,
            chains=self.chains,
            diagnostics={
                "divergences": int(np.sum(np.asarray(diverging))),
                "mean_leapfrog_steps": float(np.mean(np.asarray(steps))),
                "diverging": np.asarray(diverging),
            },
        )


def threshold_mean_shift(design: ThresholdDesign, samples, phi_index_draws) -> np.ndarray:
    """(S, n) draws of Σ_j δ_j x·1(q > φ_j) at the joint (δ, φ) draws (zeros for K = 0)."""
    n_draws = samples["beta"].shape[0]
    if phi_index_draws.shape[1] == 0:
        return np.zeros((n_draws, design.n_obs))
    phi = design.grid[phi_index_draws]  # (S, K)
    above = design.threshold_variable[None, :, None] > phi[:, None, :]  # (S, n, K)
    return np.einsum("snk,sk->sn", above, samples["delta"]) * design.threshold_regressor


def draw_fixed_effects(
    design: ThresholdDesign,
    samples: Mapping[str, np.ndarray],
    phi_index_draws: np.ndarray,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact conditional draws of (α_i, η_t) given (β, δ, σ, φ) under their flat prior.

    θ = (α, η_2..T) | rest ~ N((DᵀD)⁻¹Dᵀ(y − Zβ − shift), σ²(DᵀD)⁻¹); returns α (S, N) and
    η (S, T) with η_1 = 0 (reference year).
    """
    dummies = fixed_effect_dummies(design.unit, design.time, design.n_units, design.n_times)
    dtd_inv = np.linalg.inv(dummies.T @ dummies)
    chol = np.linalg.cholesky(dtd_inv)
    resid = design.y[None, :] - samples["beta"] @ design.covariates.T
    resid = resid - threshold_mean_shift(design, samples, phi_index_draws)
    mean = resid @ (dummies @ dtd_inv)  # (S, p)
    noise = np.random.default_rng(seed).standard_normal(mean.shape) @ chol.T
    theta = mean + samples["sigma"][:, None] * noise
    alpha = theta[:, : design.n_units]
    eta = np.concatenate([np.zeros((theta.shape[0], 1)), theta[:, design.n_units :]], axis=1)
    return alpha, eta


def posterior_mean_draws(posterior: ThresholdPosterior) -> np.ndarray:
    """(S, n) draws of E[y_it | parameters, φ] (standardised GVCP scale)."""
    design = posterior.design
    mean = posterior.samples["beta"] @ design.covariates.T
    mean = mean + threshold_mean_shift(design, posterior.samples, posterior.phi_index_draws)
    alpha, eta = posterior.fixed_effects()
    return mean + alpha[:, design.unit] + eta[:, design.time]


def pointwise_log_likelihood(posterior: ThresholdPosterior) -> np.ndarray:
    """(S, n) log p(y_it | α, η, β, δ, σ, φ) at joint posterior draws (for PSIS-LOO)."""
    sigma = posterior.samples["sigma"][:, None]
    z = (posterior.design.y[None, :] - posterior_mean_draws(posterior)) / sigma
    return -0.5 * z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
