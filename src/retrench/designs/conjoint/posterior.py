r"""AMCEs, marginal means and the memo's hypotheses as posterior quantities.

For each posterior draw d and respondent part-worths b_i^(d), the probability that a profile is
chosen when attribute a is set to level l, its other attributes and its opponent as shown in the
survey, averaged over every profile shown (both positions of every task):

    MM_l^(d) = mean over shown profiles j of logistic((x_j[a := l] − x_opp(j))' b_{i(j)}^(d))
    AMCE_l^(d) = MM_l^(d) − MM_ref^(d)

This averages over the design's empirical attribute distribution, so it is the quantity the OLS
AMCE estimates (HHY 2014, Definition 2), on the same probability scale. Intervals are the 5 %
and 95 % posterior quantiles; ``estimate`` is the posterior mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from retrench.designs.conjoint.attributes import ATTRIBUTES, HYPOTHESES, effect_names
from retrench.designs.conjoint.ols import TABLE_COLUMNS

__all__ = ["amce_bayes", "hypothesis_probabilities", "marginal_means_bayes", "level_draws"]


def _thin(samples: Mapping[str, Any], max_draws: int) -> dict[str, np.ndarray]:
    n = len(next(iter(samples.values())))
    keep = np.linspace(0, n - 1, min(n, max_draws)).round().astype(int)
    return {k: np.asarray(v)[keep] for k, v in samples.items()}


def _level_columns() -> list[tuple[str, str, list[int], int | None]]:
    """(attribute, level, columns of the attribute, column of the level or None for the
    reference) for every level."""
    effects = effect_names()
    out = []
    for attribute, levels in ATTRIBUTES.items():
        cols = [i for i, (a, _) in enumerate(effects) if a == attribute]
        for level in levels:
            own = None if level == levels[0] else effects.index((attribute, level))
            out.append((attribute, level, cols, own))
    return out


def level_draws(
    model: Any, samples: Mapping[str, Any], max_draws: int | None = None
) -> pd.DataFrame:
    """Posterior draws (rows) of the marginal mean of every level (columns (attribute, level)).

    Per draw, u(x[a := l]) = u(x) − Σ_{c ∈ a} x_c b_c + b_l, so every level costs one pass over
    the shown profiles (``jax.lax.map`` over draws, compiled).
    """
    max_draws = max_draws or model.spec["structure"]["quantity_draws"]
    b_all = model.respondent_part_worths(_thin(samples, max_draws))  # (D, N, K)
    x1, x2 = model.inputs["x_first"], model.inputs["x_second"]
    focal = jnp.concatenate([x1, x2])
    opponent = jnp.concatenate([x2, x1])
    resp = jnp.concatenate([model.inputs["respondent"], model.inputs["respondent"]])
    spec = _level_columns()
    masks = np.zeros((len(spec), focal.shape[1]))
    owns = np.zeros((len(spec), focal.shape[1]))
    for j, (_, _, cols, own) in enumerate(spec):
        masks[j, cols] = 1.0
        if own is not None:
            owns[j, own] = 1.0
    masks, owns = jnp.asarray(masks), jnp.asarray(owns)

    def one(b: jax.Array) -> jax.Array:
        rows = b[resp]  # (2T, K)
        u_focal = jnp.sum(focal * rows, axis=1)
        u_opp = jnp.sum(opponent * rows, axis=1)
        removed = (focal * rows) @ masks.T  # (2T, L): contribution of each level's attribute
        added = rows @ owns.T  # (2T, L): part-worth of the level
        u = u_focal[:, None] - removed + added
        return jnp.mean(jax.nn.sigmoid(u - u_opp[:, None]), axis=0)

    values = np.asarray(jax.jit(lambda bb: jax.lax.map(one, bb))(b_all))
    return pd.DataFrame(
        values, columns=pd.MultiIndex.from_tuples([(a, lv) for a, lv, _, _ in spec])
    )


def _summarise(draws: pd.DataFrame) -> pd.DataFrame:
    values = draws.to_numpy()
    return pd.DataFrame(
        {
            "attribute": [a for a, _ in draws.columns],
            "level": [lvl for _, lvl in draws.columns],
            "estimate": values.mean(axis=0),
            "std_error": values.std(axis=0, ddof=1),
            "lower": np.quantile(values, 0.05, axis=0),
            "upper": np.quantile(values, 0.95, axis=0),
            "method": "bayes",
        }
    )[TABLE_COLUMNS]


def amce_draws(levels: pd.DataFrame) -> pd.DataFrame:
    """AMCE draws (MM of the level − MM of the reference) from :func:`level_draws`."""
    return pd.DataFrame(
        {(a, lvl): levels[(a, lvl)] - levels[(a, ATTRIBUTES[a][0])] for a, lvl in effect_names()}
    )


def amce_bayes(model: Any, samples: Mapping[str, Any]) -> pd.DataFrame:
    """Posterior AMCE table (one row per non-reference level, ``method`` = "bayes")."""
    return _summarise(amce_draws(level_draws(model, samples)))


def marginal_means_bayes(model: Any, samples: Mapping[str, Any]) -> pd.DataFrame:
    """Posterior marginal-means table (one row per level, ``method`` = "bayes")."""
    return _summarise(level_draws(model, samples))


def hypothesis_probabilities(amces: pd.DataFrame) -> pd.Series:
    """Posterior probability of each of the memo's ordered hypotheses
    (:data:`.attributes.HYPOTHESES`): the share of draws in which every stated AMCE inequality
    holds. ``amces``: AMCE draws from :func:`amce_draws`."""
    out = {}
    for name, chain in HYPOTHESES.items():
        values = [
            np.zeros(len(amces)) if attribute == "" else amces[(attribute, level)].to_numpy()
            for attribute, level in chain
        ]
        holds = np.ones(len(amces), dtype=bool)
        for higher, lower in zip(values[:-1], values[1:], strict=True):
            holds &= higher > lower
        out[name] = float(holds.mean())
    return pd.Series(out, name="posterior_probability")
