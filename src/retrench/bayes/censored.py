"""Left-censored observation model: values at or below a threshold are reported as zero.

Observed tariffs are never negative, while the model may prescribe import subsidies
(t < 0 when 3γ_E > 2γ_M + 1). Rather than clipping the model's prediction, an observation
y ≤ c (the censoring point) is read as "the latent tariff y* was ≤ c":

    log p(y) = log F(c)      if y ≤ c      (F: CDF of the error distribution around the mean)
             = log f(y)      otherwise.

Sampling draws y* from the base distribution and reports 0 where y* ≤ c, which is how zeros enter
the data. One site carries both cases, so the pointwise log likelihood (LOO) and the predictive
checks need no special treatment.

Cost: log F (``log_ndtr``'s three-branch series, or the incomplete beta function for Student-t)
is the expensive half. When the observations and the threshold are known while the model is
traced (NumPyro's default: observed data are constants of the compiled log density), the rows
are split by the data and log F is evaluated on the censored rows only; with traced
observations every row evaluates both halves and a ``where`` picks one (same values).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as dist
from jax.scipy.special import betainc
from numpyro.distributions import constraints


def _student_t_cdf(x: jax.Array, df: jax.Array) -> jax.Array:
    """CDF of the standard Student-t (regularised incomplete beta), differentiable in x."""
    t2 = x * x
    tail = 0.5 * betainc(0.5 * df, 0.5, df / (df + t2))
    return jnp.where(x < 0, tail, 1.0 - tail)


def _known(x) -> np.ndarray | None:
    """``x`` as a NumPy array if its value is known at trace time (not a JAX tracer), else None."""
    if isinstance(x, jax.core.Tracer):
        return None
    try:
        return np.asarray(x)
    except (TypeError, ValueError, jax.errors.ConcretizationTypeError):
        return None


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
        self._threshold_given = threshold  # before broadcasting (which would trace it under jit)
        self.loc, self.scale, self.threshold = jnp.broadcast_arrays(
            jnp.asarray(loc), jnp.asarray(scale), jnp.asarray(threshold)
        )
        self.df = df
        super().__init__(batch_shape=jnp.shape(self.loc), validate_args=validate_args)

    def _base(self) -> dist.Distribution:
        if self.df is None:
            return dist.Normal(self.loc, self.scale)
        return dist.StudentT(self.df, self.loc, self.scale)

    def _log_cdf(self, threshold, loc, scale) -> jax.Array:
        z = (threshold - loc) / scale
        if self.df is None:
            return jax.scipy.special.log_ndtr(z)
        return jnp.log(jnp.clip(_student_t_cdf(z, jnp.asarray(self.df, float)), 1e-300, 1.0))

    def _log_cdf_at_threshold(self) -> jax.Array:
        return self._log_cdf(self.threshold, self.loc, self.scale)

    def sample(self, key, sample_shape=()):
        latent = self._base().sample(key, sample_shape)
        return jnp.where(latent <= self.threshold, 0.0, latent)

    def _censored_rows(self, value) -> np.ndarray | None:
        """Flat indices of the censored rows when value and threshold are known at trace time
        and ``value`` has the batch shape; None otherwise (then every row takes both paths)."""
        if not self.batch_shape:
            return None
        known_value, known_threshold = _known(value), _known(self._threshold_given)
        if known_value is None or known_threshold is None:
            return None
        if known_value.shape != self.batch_shape:
            return None
        censored = known_value <= np.broadcast_to(known_threshold, self.batch_shape)
        return np.flatnonzero(censored)

    def log_prob(self, value):
        censored = value <= self.threshold
        safe_value = jnp.where(censored, self.threshold + self.scale, value)
        log_density = self._base().log_prob(safe_value)
        rows = self._censored_rows(value)
        if rows is None:
            return jnp.where(censored, self._log_cdf_at_threshold(), log_density)
        # log F only where it is used: gather the censored rows, scatter their values back
        threshold = np.broadcast_to(np.asarray(self._threshold_given), self.batch_shape)
        log_cdf = self._log_cdf(
            jnp.asarray(threshold.reshape(-1)[rows]),
            self.loc.reshape(-1)[rows],
            self.scale.reshape(-1)[rows],
        )
        flat = jnp.zeros(log_density.size, log_density.dtype).at[rows].set(log_cdf)
        return jnp.where(censored, flat.reshape(self.batch_shape), log_density)
