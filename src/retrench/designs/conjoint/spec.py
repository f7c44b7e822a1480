"""Spec schema of the conjoint design (``models/conjoint.toml``): what each key may hold."""

from __future__ import annotations

from typing import Any

from retrench.bayes.spec import SpecSchema, one_of, positive_int
from retrench.errors import SpecError


def string_list(value: Any, key: str) -> list[str]:
    """A list of non-empty strings (possibly empty)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SpecError(f"{key}: expected a list of column names (got {value!r})")
    return list(value)


CONJOINT_SCHEMA = SpecSchema(
    model_name="conjoint",
    parameters=("part_worth_mean", "moderation", "heterogeneity_sd"),
    data_columns=("respondent", "task", "profile", "chosen"),
    data_options={"moderators": string_list},
    likelihood={"family": one_of("logit")},
    sections={
        "structure": {
            "heterogeneity": one_of("hierarchical", "pooled"),
            "quantity_draws": positive_int,
        }
    },
)
