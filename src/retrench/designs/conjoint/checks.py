"""Prior and posterior predictive checks of the conjoint model: marginal means of replicated
choices against the observed ones.

For replicated choice vectors y^rep (one per prior or posterior draw, from the model itself via
:func:`retrench.bayes.base.run_predictive`), the marginal mean of every level is recomputed
exactly as for the data (share of the profiles showing the level that were chosen). The check
reports, per level, the observed marginal mean, the 5 %, 50 % and 95 % quantiles of the
replicated ones and the predictive p-value P(MM^rep ≥ MM^obs). Prior draws show what the priors
imply before seeing the data (should cover the plausible range); posterior draws show whether
the fitted model reproduces the data's marginal means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import numpy as np
import pandas as pd

from retrench.bayes.base import run_predictive
from retrench.designs.conjoint.attributes import ATTRIBUTES


def replicated_choices(
    model: Any, samples: Mapping[str, Any] | None = None, draws: int = 200, seed: int = 0
) -> np.ndarray:
    """(draws, tasks) replicated choices of profile 1: from ``samples`` (posterior) or, when
    ``samples`` is None, from the prior."""
    key = jax.random.PRNGKey(seed)
    if samples is None:
        out = run_predictive(
            model.model, key, model.inputs, num_samples=draws, return_sites=["choice"]
        )
    else:
        out = run_predictive(
            model.model, key, model.inputs, samples=dict(samples), return_sites=["choice"]
        )
    return np.asarray(out["choice"])


def _marginal_means(
    panel: pd.DataFrame, first_chosen: np.ndarray
) -> dict[tuple[str, str], np.ndarray]:
    """Marginal means for each row of ``first_chosen`` (draws × tasks, or tasks)."""
    y = np.atleast_2d(first_chosen)
    chosen = np.empty((y.shape[0], 2 * y.shape[1]))
    chosen[:, 0::2], chosen[:, 1::2] = y, 1.0 - y
    out = {}
    for attribute, levels in ATTRIBUTES.items():
        for level in levels:
            shown = panel[attribute].to_numpy() == level
            out[(attribute, level)] = chosen[:, shown].mean(axis=1)
    return out


def marginal_mean_check(model: Any, replicated: np.ndarray) -> pd.DataFrame:
    """Observed vs replicated marginal means per level (see the module docstring)."""
    observed = _marginal_means(model.panel, np.asarray(model.observed["choice"]))
    rep = _marginal_means(model.panel, replicated)
    rows = []
    for (attribute, level), values in rep.items():
        obs = float(observed[(attribute, level)][0])
        q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
        rows.append(
            {
                "attribute": attribute,
                "level": level,
                "observed": obs,
                "replicated_q05": q05,
                "replicated_median": q50,
                "replicated_q95": q95,
                "p_value": float(np.mean(values >= obs)),
            }
        )
    return pd.DataFrame(rows)
