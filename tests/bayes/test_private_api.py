"""The one use of NumPyro's private API (``MCMC._args``) still means what retrench assumes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS

from retrench.bayes.base import set_run_arguments


def _model(x, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    numpyro.sample("y", dist.Normal(mu + 0.0 * x, 1.0), obs=y)


def test_numpyro_keeps_the_last_run_arguments_where_set_run_arguments_writes() -> None:
    mcmc = MCMC(NUTS(_model), num_warmup=5, num_samples=5, progress_bar=False)
    x, y = jnp.zeros(3), jnp.ones(3)
    mcmc.run(jax.random.PRNGKey(0), x, y)
    assert hasattr(mcmc, "_args"), "NumPyro no longer stores the run's arguments in MCMC._args"
    stored_x, stored_y = mcmc._args
    assert stored_x is x and stored_y is y
    other = (jnp.full(3, 2.0), jnp.full(3, 5.0))
    set_run_arguments(mcmc, *other)
    assert mcmc._args == other
