"""The toy design's counterfactual policies: the same model under ``numpyro.handlers.do``."""

from __future__ import annotations

import pandas as pd

POLICIES = {"shift": "add AMOUNT (default 1) to every mean: the policy node mean_shift"}


def counterfactual_tables(model, policy: str, amount: float | None = None):
    amount = 1.0 if amount is None else float(amount)
    result = model.counterfactual(mean_shift=amount, return_sites=["mean"])
    frame = {name: result[name].values.reshape(-1, result[name].shape[-1]).mean(axis=0)
             for name in result.data_vars}  # fmt: skip
    return [(f"{policy} by {amount}", pd.DataFrame(frame))]
