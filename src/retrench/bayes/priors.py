"""Prior families a model spec may name, with their hyperparameters and validity rules.

A prior in a spec file is a TOML table such as ``{family = "normal", loc = 0.0, scale = 1.0}``.
:data:`PRIOR_FAMILIES` lists, for each family, its required hyperparameters and which of them
must be strictly positive; :func:`validate_prior` checks a table and raises
:class:`~retrench.errors.SpecError` naming the key (``priors.sigma.scale``), and
:func:`prior_distribution` turns a valid table into a NumPyro distribution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.distributions.transforms import AffineTransform

from retrench.errors import SpecError


@dataclass(frozen=True)
class PriorFamily:
    """One distribution family: its hyperparameter names, the positive ones, and a builder."""

    params: tuple[str, ...]
    positive: tuple[str, ...]
    build: Callable[..., dist.Distribution]


def _truncated_normal(loc: float, scale: float, low: float, high: float) -> dist.Distribution:
    return dist.TruncatedNormal(loc, scale, low=low, high=high)


PRIOR_FAMILIES: dict[str, PriorFamily] = {
    "normal": PriorFamily(("loc", "scale"), ("scale",), dist.Normal),
    "half_normal": PriorFamily(("scale",), ("scale",), dist.HalfNormal),
    "lognormal": PriorFamily(("loc", "scale"), ("scale",), dist.LogNormal),
    "student_t": PriorFamily(
        ("df", "loc", "scale"),
        ("df", "scale"),
        lambda df, loc, scale: dist.StudentT(df, loc, scale),
    ),
    "half_student_t": PriorFamily(
        ("df", "scale"),
        ("df", "scale"),
        lambda df, scale: dist.FoldedDistribution(dist.StudentT(df, 0.0, scale)),
    ),
    "exponential": PriorFamily(("rate",), ("rate",), dist.Exponential),
    "gamma": PriorFamily(("concentration", "rate"), ("concentration", "rate"), dist.Gamma),
    "beta": PriorFamily(("a", "b"), ("a", "b"), lambda a, b: dist.Beta(a, b)),
    "uniform": PriorFamily(("low", "high"), (), dist.Uniform),
    "truncated_normal": PriorFamily(("loc", "scale", "low", "high"), ("scale",), _truncated_normal),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_prior(table: Any, key: str) -> dict[str, Any]:
    """Check one prior table; return it with hyperparameters as floats.

    Args:
        table: the TOML table, e.g. ``{"family": "normal", "loc": 0.0, "scale": 1.0}``.
        key: dotted key used in error messages, e.g. ``"priors.sigma"``.

    Raises:
        SpecError: unknown family, missing or unknown hyperparameter, non-numeric or
            non-finite value, non-positive scale-like value, or ``low >= high``.
    """
    if not isinstance(table, Mapping):
        raise SpecError(f"{key}: expected a table like {{family = 'normal', loc = 0, scale = 1}}")
    family_name = table.get("family")
    if family_name not in PRIOR_FAMILIES:
        known = ", ".join(sorted(PRIOR_FAMILIES))
        raise SpecError(f"{key}.family: unknown distribution {family_name!r} (known: {known})")
    family = PRIOR_FAMILIES[family_name]
    out: dict[str, Any] = {"family": family_name}
    for name in table:
        if name != "family" and name not in family.params:
            raise SpecError(
                f"{key}.{name}: unknown hyperparameter for {family_name} "
                f"(expected {', '.join(family.params)})"
            )
    for name in family.params:
        if name not in table:
            raise SpecError(f"{key}.{name}: missing hyperparameter of {family_name}")
        value = table[name]
        if not _is_number(value) or not math.isfinite(float(value)):
            raise SpecError(f"{key}.{name}: expected a finite number (got {value!r})")
        if name in family.positive and value <= 0:
            raise SpecError(f"{key}.{name}: must be > 0 (got {value!r})")
        out[name] = float(value)
    if "low" in out and "high" in out and not out["low"] < out["high"]:
        raise SpecError(f"{key}.high: must exceed low (got low={out['low']}, high={out['high']})")
    return out


def prior_distribution(table: Mapping[str, Any]) -> dist.Distribution:
    """Build the NumPyro distribution of a validated prior table."""
    family = PRIOR_FAMILIES[table["family"]]
    return family.build(**{name: table[name] for name in family.params})


def hierarchical_normal(name: str, mean: Any, sd: Any, parameterisation: str) -> jax.Array:
    """Normal(mean, sd) draws at site ``name``, ``"centred"`` or ``"non_centred"``.

    Centred suits blocks the data inform strongly (many observations per group, wide spread);
    non-centred suits weakly informed ones (a funnel otherwise): it samples the standard normal
    ``<name>_raw`` and records ``<name> = mean + sd · raw`` as a deterministic.
    """
    if parameterisation == "centred":
        return numpyro.sample(name, dist.Normal(mean, sd))
    raw = numpyro.sample(f"{name}_raw", dist.Normal(0.0, 1.0))
    return numpyro.deterministic(name, mean + sd * raw)


def scaled_prior(prior: Mapping[str, Any], scale: jax.Array) -> dist.Distribution:
    """The law of ``scale · x`` for x from ``prior`` (scale > 0): log density
    log p(y / scale) − log scale."""
    base = prior_distribution(prior)
    return dist.TransformedDistribution(base, AffineTransform(0.0, scale, domain=base.support))


def scaled_site(name: str, prior: Mapping[str, Any], unit: float) -> jax.Array:
    """Sample ``name`` (prior ``prior``) on the coordinate ``<name>_scaled`` = ``name`` / unit
    and record ``name`` as a deterministic; ``unit = 1`` samples ``name`` directly.

    The model is unchanged (``<name>_scaled`` has the prior of ``name`` scaled by 1/unit). Use
    it for a parameter the data pin far below the 1e-3 variance that NumPyro's (Stan's)
    regularised mass-matrix estimate adds, e.g. the common tariff trend (posterior sd ~3e-5).
    """
    if unit == 1.0:
        return numpyro.sample(name, prior_distribution(prior))
    scaled = numpyro.sample(f"{name}_scaled", scaled_prior(prior, jnp.asarray(1.0 / unit)))
    return numpyro.deterministic(name, unit * scaled)
