"""Simulate/fit pair for the executor benchmark: a small NumPyro regression, SBC-style.

y_i = a + b x_i + sigma e_i, i = 1..n, with a, b ~ Normal(0, 1), sigma ~ HalfNormal(1); one NUTS
chain per fit. The sampler is compiled once per worker process (``jit_model_args=True``) and
reused for every fit of the same size, as a calibration study would do.
"""

from __future__ import annotations

from functools import cache

import jax
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS


def regression(x, y=None):
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(a + b * x, sigma), obs=y)


def simulate_regression(seed: int, n: int = 50) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    truth = {"a": rng.normal(), "b": rng.normal(), "sigma": abs(rng.normal())}
    x = rng.normal(size=n)
    y = truth["a"] + truth["b"] * x + truth["sigma"] * rng.normal(size=n)
    return truth, {"x": x, "y": y}


@cache
def _sampler(warmup: int, draws: int) -> MCMC:
    return MCMC(
        NUTS(regression),
        num_warmup=warmup,
        num_samples=draws,
        num_chains=1,
        progress_bar=False,
        jit_model_args=True,
    )


def fit_regression(data: dict, seed: int, warmup: int = 300, draws: int = 300) -> dict:
    mcmc = _sampler(warmup, draws)
    mcmc.run(jax.random.PRNGKey(seed), data["x"], data["y"])
    return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}
