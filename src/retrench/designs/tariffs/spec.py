"""Spec schema of the tariff design (``models/tariffs.toml``): what each key may hold.

Model-specific sections beyond the common ones (DESIGN.md section 2):

* ``[tradewar]`` — whether and how the 2018-20 U.S.-China tariffs enter;
* ``[public_weights]`` — the publics' weights γ^W of the counterfactuals;
* ``[parameterisation]`` — centred or non-centred form of each hierarchical block and the
  sampler's mass matrix (see :class:`retrench.designs.tariffs.model.TariffModel`);
* ``[posterior]`` — which deterministic sites a fit stores (``"summary"``: scalars and the
  summary sites only; ``"all"``: every per-country / per-section site as well).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from retrench.bayes.spec import (
    SpecSchema,
    boolean,
    int_range,
    non_negative_number,
    number,
    one_of,
    positive_number,
    string,
)
from retrench.data.validation import BOOLEAN_TEXT
from retrench.data.validation import ColumnSpec as Column
from retrench.errors import SpecError
from retrench.theory.tariffs import TariffWeights

__all__ = ["SMALL_PANEL_OVERRIDES", "TARIFF_SCHEMA"]

#: Spec overrides for small (simulated) panels with a few countries per group: the group means
#: and the spread of the error scales are then weakly informed and sample better non-centred
#: (the default suits the WDI panel; centred error scales gave R-hat 1.06 on sigma_log_sd in the
#: 24-country demo).
SMALL_PANEL_OVERRIDES = {
    "parameterisation": {"group": "non_centred", "country_sigma": "non_centred"}
}


#: years a tariff panel can hold (WDI tariff series start in 1960)
YEAR_RANGE = (1960, 2100)


def _year(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{key}: expected an integer year (got {value!r})")
    if not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        raise SpecError(
            f"{key}: expected a year in [{YEAR_RANGE[0]}, {YEAR_RANGE[1]}] (got {value!r})"
        )
    return int(value)


TARIFF_SCHEMA = SpecSchema(
    model_name="tariffs",
    parameters=(
        "mu_tariff_logit",
        "group_sd",
        "country_sd",
        "gamma_E_logit",
        "trend",
        "sigma_log_mean",
        "sigma_log_sd",
        "bargaining_shift_mean",
        "bargaining_shift_sd",
    ),
    data_columns=("country", "year", "tariff", "group", "suspect", "aggregate"),
    optional_columns=("suspect", "aggregate"),
    column_checks={
        "country": Column("", "str", description="country code"),
        "year": Column("", "int", ge=1900, le=2100, unit="year"),
        "tariff": Column("", "float", nullable=True, ge=0, le=1000, unit="percent"),
        "group": Column("", "str", nullable=True, description="country group"),
        "suspect": Column("", "str", isin=BOOLEAN_TEXT),
        "aggregate": Column("", "str", isin=BOOLEAN_TEXT),
    },
    # no unique key: several rows of one country-year are one cell of the likelihood
    # (retrench.bayes.cell_statistics), e.g. tariffs of several sources or product groups
    data_options={"years": int_range, "reference_year": _year, "exclude_suspect": boolean},
    likelihood={
        "family": one_of("normal", "student_t"),
        "df": positive_number,
        "censor_below_pct": non_negative_number,
        "sigma_floor_pct": positive_number,
    },
    sections={
        "tradewar": {"use": boolean, "country": string, "date": string},
        "parameterisation": {
            "group": one_of("centred", "non_centred"),
            "country_sigma": one_of("centred", "non_centred"),
            "tradewar_shift": one_of("centred", "non_centred", "effect"),
            "dense_mass_globals": boolean,
            "trend_unit": positive_number,
        },
        "posterior": {"deterministics": one_of("summary", "all")},
        "public_weights": {
            "gamma_E": number,
            "gamma_M_same_as_government": boolean,
            "gamma_M": number,
        },
    },
)


def public_weights(spec: dict[str, Any], gamma_M_government: jax.Array) -> TariffWeights:
    """Publics' weights γ^W from ``[public_weights]`` (γ_M^W = γ_M^G unless a number is set)."""
    pw = spec["public_weights"]
    gamma_M = gamma_M_government if pw["gamma_M_same_as_government"] else pw["gamma_M"]
    gamma_E = jnp.full_like(jnp.asarray(gamma_M_government, float), pw["gamma_E"])
    return TariffWeights.symmetric(gamma_E, gamma_M * jnp.ones_like(gamma_E))


def public_policy(spec: dict[str, Any], n_countries: int) -> dict[str, np.ndarray]:
    """The intervention ``{gamma_E_policy: γ_E^W [, gamma_M_policy: γ_M^W]}`` per country."""
    pw = spec["public_weights"]
    policy = {"gamma_E_policy": np.full(n_countries, pw["gamma_E"])}
    if not pw["gamma_M_same_as_government"]:
        policy["gamma_M_policy"] = np.full(n_countries, pw["gamma_M"])
    return policy
