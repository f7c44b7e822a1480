"""Spec schema of the tariff-accession design (``models/accession.toml``).

Sections beyond the common ones (DESIGN.md section 2):

* ``[weights]`` — the LKJ concentration η of the correlation between the two weights'
  coordinates (η = 1: uniform correlation; larger η shrinks it toward 0);
* ``[parameterisation]`` — ``weights``: sample the economies' weight coordinates centred
  (``weights_logit`` directly) or non-centred (``weights_raw``, standard normal);
  ``country_sigma``: the same choice for the economies' log error scales
  (``log_sigma_excess`` or ``log_sigma_excess_raw``);
* ``[regime]`` — ``tariff_path``: ``"nash_then_reciprocal"`` (the design) or ``"constant"``
  (every economy at its reciprocal tariff in every year: the tariff design's constant t_c, on
  the same rows, for ``retrench compare``); whether the phase-in time of accession commitments
  is estimated (prior ``priors.phase_in_years``) or fixed at ``fixed_phase_in_years``.
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
from retrench.data.validation import BOOLEAN_TEXT
from retrench.data.validation import ColumnSpec as Column
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
    column_checks={
        "country": Column("", "str", description="country code"),
        "year": Column("", "int", ge=1900, le=2100, unit="year"),
        "tariff": Column("", "float", nullable=True, ge=0, le=1000, unit="percent"),
        "years_in_regime": Column("", "float", nullable=True, unit="years since entry"),
        "suspect": Column("", "str", isin=BOOLEAN_TEXT),
    },
    key_columns=("country", "year"),
    # fits saved before these keys existed: non-centred error scales, the switching path
    legacy_defaults={
        "parameterisation.country_sigma": "non_centred",
        "regime.tariff_path": "nash_then_reciprocal",
    },
    data_options={"years": int_range, "reference_year": _year, "exclude_suspect": boolean},
    likelihood={
        "family": one_of("normal", "student_t"),
        "df": positive_number,
        "censor_below_pct": non_negative_number,
        "sigma_floor_pct": positive_number,
    },
    sections={
        "weights": {"lkj_concentration": positive_number},
        "parameterisation": {
            "weights": one_of("centred", "non_centred"),
            "country_sigma": one_of("centred", "non_centred"),
        },
        "regime": {
            "tariff_path": one_of("nash_then_reciprocal", "constant"),
            "phase_in": one_of("estimated", "fixed"),
            "fixed_phase_in_years": positive_number,
        },
    },
)
