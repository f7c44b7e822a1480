"""Spec schema of the tariff-accession design (``models/accession.toml``).

Sections beyond the common ones (DESIGN.md section 2):

* ``[weights]`` — the LKJ concentration η of the correlation between the two weights'
  coordinates (η = 1: uniform correlation; larger η shrinks it toward 0);
* ``[parameterisation]`` — ``weights``: sample the economies' weight coordinates centred
  (``weights_logit`` directly) or non-centred (``weights_raw``, standard normal);
* ``[regime]`` — whether the phase-in time of accession commitments is estimated (prior
  ``priors.phase_in_years``) or fixed at ``fixed_phase_in_years``.
"""

from __future__ import annotations

from typing import Any

from retrench.bayes.spec import (
    SpecSchema,
    boolean,
    int_range,
    non_negative_number,
    one_of,
    positive_number,
)
from retrench.errors import SpecError

__all__ = ["ACCESSION_SCHEMA"]


def _year(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{key}: expected an integer year (got {value!r})")
    return int(value)


ACCESSION_SCHEMA = SpecSchema(
    model_name="accession",
    parameters=(
        "mu_reciprocal_logit",
        "mu_gamma_M_logit",
        "sd_reciprocal_logit",
        "sd_gamma_M_logit",
        "phase_in_years",
        "trend",
        "sigma_log_mean",
        "sigma_log_sd",
    ),
    data_columns=("country", "year", "tariff", "years_in_regime", "suspect"),
    optional_columns=("suspect",),
    data_options={"years": int_range, "reference_year": _year, "exclude_suspect": boolean},
    likelihood={
        "family": one_of("normal", "student_t"),
        "df": positive_number,
        "censor_below_pct": non_negative_number,
        "sigma_floor_pct": positive_number,
    },
    sections={
        "weights": {"lkj_concentration": positive_number},
        "parameterisation": {"weights": one_of("centred", "non_centred")},
        "regime": {
            "phase_in": one_of("estimated", "fixed"),
            "fixed_phase_in_years": positive_number,
        },
    },
)
