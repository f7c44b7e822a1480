"""Left-censored observation model: values at or below a threshold are reported as zero.

Observed tariffs are never negative, while the model may prescribe import subsidies
(t < 0 when 3γ_E > 2γ_M + 1). Rather than clipping the model's prediction, an observation
y ≤ c (the censoring point) is read as "the latent tariff y* was ≤ c":

    log p(y) = log F(c)      if y ≤ c      (F: CDF of the error distribution around the mean)
             = log f(y)      otherwise.

Sampling draws y* from the base distribution and reports 0 where y* ≤ c, which is how zeros enter
the data. One site carries both cases, so the pointwise log likelihood (LOO) and the predictive
checks need no special treatment.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro.distributions as dist
from jax.scipy.special import betainc
from numpyro.distributions import constraints


def _student_t_cdf(x: jax.Array, df: jax.Array) -> jax.Array:
    """CDF of the standard Student-t (regularised incomplete beta), differentiable in x."""
    t2 = x * x
    tail = 0.5 * betainc(0.5 * df, 0.5, df / (df + t2))
    return jnp.where(x < 0, tail, 1.0 - tail)


class LeftCensored(dist.Distribution):
    """A location-scale distribution (Normal or Student-t) left-censored at ``threshold``."""

    arg_constraints = {
        "loc": constraints.real,
        "scale": constraints.positive,
        "threshold": constraints.real,
    }
    support = constraints.real
    reparametrized_params = ["loc", "scale"]

    def __init__(self, loc, scale, threshold, df=None, *, validate_args=None):
        self.loc, self.scale, self.threshold = jnp.broadcast_arrays(
            jnp.asarray(loc), jnp.asarray(scale), jnp.asarray(threshold)
        )
        self.df = df
        super().__init__(batch_shape=jnp.shape(self.loc), validate_args=validate_args)

    def _base(self) -> dist.Distribution:
        if self.df is None:
            return dist.Normal(self.loc, self.scale)
        return dist.StudentT(self.df, self.loc, self.scale)

    def _log_cdf_at_threshold(self) -> jax.Array:
        z = (self.threshold - self.loc) / self.scale
        if self.df is None:
            return jax.scipy.special.log_ndtr(z)
        return jnp.log(jnp.clip(_student_t_cdf(z, jnp.asarray(self.df, float)), 1e-300, 1.0))

    def sample(self, key, sample_shape=()):
        latent = self._base().sample(key, sample_shape)
        return jnp.where(latent <= self.threshold, 0.0, latent)

    def log_prob(self, value):
        censored = value <= self.threshold
        safe_value = jnp.where(censored, self.threshold + self.scale, value)
        return jnp.where(censored, self._log_cdf_at_threshold(), self._base().log_prob(safe_value))
