r"""Trade-war block of the tariff design (seed 002, section 4): the U.S. tariff on China in HS
section g moved from the rules-based point toward a power-based one,

    Δt_g = Δλ_g · k(γ^US) + e_g,   e_g ~ Normal(0, se_g),   Δλ_g ~ Normal(m, s),

with k = dt_x/dλ = (dt/dτ) · dτ_x/dλ the ad-valorem response of Home's tariff to its bargaining
weight (:func:`retrench.theory.tariffs.power_shift`, a Newton root find inside the log density)
and se_g the known standard error of the section mean.

Parameterisations of the shifts (``parameterisation.tradewar_shift``):

* ``"centred"`` / ``"non_centred"``: Δλ_g (or its standard-normal z_g) is sampled. The data pin
  the products Δλ_g · k to about 1 % while k moves by a factor of three along the U.S.
  iso-tariff curve of (γ_E, γ_M) that the prior allows, so the posterior is a thin curved ridge
  in (γ_E^US, m, s, Δλ_1..G): NUTS saturates its tree depth and mixes badly on the real data.
* ``"effect"`` (default): the tariff effects in percentage points φ_g = 100 k Δλ_g and their
  hierarchy (m_φ, s_φ) = 100 k (m, s) are sampled, φ_g ~ Normal(m_φ, s_φ) centred, and
  (m_φ, s_φ) from the spec's priors of (m, s) scaled by 100 k (an affine change of variables:
  each density carries the Jacobian 1/(100 k), so the model is the same as the other two
  forms). The data pin φ_g on a coordinate axis (posterior sd 0.1-1.5 pp, a scale the mass
  matrix adaptation handles), γ^US enters only through the smooth prior terms, and
  Δλ_g = φ_g / (100 k), m = m_φ / (100 k), s = s_φ / (100 k) are recorded as deterministics.

k is evaluated at the government's weights, so an intervention on the tariff-setting weights
(``do(gamma_E_policy=...)``) leaves the estimated Δλ_g unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

from retrench.bayes.priors import prior_distribution
from retrench.designs.tariffs.structure import scaled_prior

EFFECT_SITES = ("tradewar_effect_mean", "tradewar_effect_sd", "tradewar_effect")
EFFECT_UNIT = 100.0  # effects in percentage points: posterior scales of order 0.1-1


def bargaining_shifts(
    priors: Mapping[str, Any],
    parameterisation: str,
    n_section: int,
    response: jax.Array,
    hierarchical: Callable[[str, jax.Array, jax.Array, str], jax.Array],
) -> tuple[jax.Array, jax.Array]:
    """Sample the shifts Δλ_g (per HS section) in the chosen parameterisation.

    Args:
        priors: the spec's priors (``bargaining_shift_mean``, ``bargaining_shift_sd``).
        parameterisation: ``"centred"``, ``"non_centred"`` or ``"effect"``.
        n_section: number of HS sections.
        response: k = dt_x/dλ at the government's weights (scalar).
        hierarchical: the model's centred / non-centred Normal sampler.

    Returns:
        ``(shift, ok)``: Δλ_g and whether k was usable (finite, > 0; the effect form only).
    """
    if parameterisation != "effect":
        shift_mean = numpyro.sample(
            "bargaining_shift_mean", prior_distribution(priors["bargaining_shift_mean"])
        )
        shift_sd = numpyro.sample(
            "bargaining_shift_sd", prior_distribution(priors["bargaining_shift_sd"])
        )
        with numpyro.plate("sections", n_section):
            shift = hierarchical("bargaining_shift_latent", shift_mean, shift_sd, "tradewar_shift")
        return shift, jnp.asarray(True)
    ok = jnp.isfinite(response) & (response > 0)
    k = EFFECT_UNIT * jnp.where(ok, response, 1.0)
    effect_mean = numpyro.sample(
        "tradewar_effect_mean", scaled_prior(priors["bargaining_shift_mean"], k)
    )
    effect_sd = numpyro.sample("tradewar_effect_sd", scaled_prior(priors["bargaining_shift_sd"], k))
    with numpyro.plate("sections", n_section):
        effect = numpyro.sample("tradewar_effect", dist.Normal(effect_mean, effect_sd))
    numpyro.deterministic("bargaining_shift_mean", effect_mean / k)
    numpyro.deterministic("bargaining_shift_sd", effect_sd / k)
    return numpyro.deterministic("bargaining_shift_latent", effect / k), ok
