"""Power analysis by simulation: respondents needed to detect the memo's ordering of shock types.

The target is H1 of :data:`.attributes.HYPOTHESES`: AMCE(comparative advantage, systemic) >
AMCE(comparative advantage, sectoral) > AMCE(higher value-added, not comparative advantage). A
simulated survey *detects* it when each of the two adjacent differences is positive and
significant at one-sided level ``alpha`` by the OLS estimator (Wald test of the difference of
coefficients with the respondent-clustered covariance). Power is the share of ``simulations``
surveys drawn from :func:`.simulate.simulate_survey` with the shock-type part-worths scaled by
``effect_scale`` (1 = the default truth: 0.1, 0.5, 0.9 on the utility scale).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from retrench.designs.conjoint.attributes import SHOCK_TYPE_LEVELS, effect_names
from retrench.designs.conjoint.encoding import attribute_dummies, respondent_index
from retrench.designs.conjoint.ols import clustered_ols
from retrench.designs.conjoint.simulate import DEFAULT_TRUTH, ConjointTruth, simulate_survey


def scaled_truth(truth: ConjointTruth, effect_scale: float) -> ConjointTruth:
    """``truth`` with the shock-type part-worths multiplied by ``effect_scale``."""
    worths = {
        k: (v * effect_scale if k[0] == "shock_type" else v) for k, v in truth.part_worths.items()
    }
    return dataclasses.replace(truth, part_worths=worths)


def ordering_detected(survey: pd.DataFrame, alpha: float = 0.05) -> bool:
    """True when both adjacent shock-type differences are significantly positive (one-sided)."""
    x = np.column_stack([np.ones(len(survey)), attribute_dummies(survey)])
    fit = clustered_ols(survey["chosen"].to_numpy(float), x, respondent_index(survey)[0])
    params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    col = {e: i + 1 for i, e in enumerate(effect_names())}
    chain = [col[("shock_type", SHOCK_TYPE_LEVELS[k])] for k in (3, 2, 1)]
    z_crit = stats.norm.ppf(1 - alpha)
    for hi, lo in zip(chain[:-1], chain[1:], strict=True):
        c = np.zeros(len(params))
        c[hi], c[lo] = 1.0, -1.0
        if c @ params / np.sqrt(c @ cov @ c) <= z_crit:
            return False
    return True


def power_curve(
    respondents: Sequence[int],
    effect_scales: Sequence[float] = (1.0,),
    *,
    tasks: int = 5,
    simulations: int = 200,
    alpha: float = 0.05,
    seed: int = 0,
    truth: ConjointTruth = DEFAULT_TRUTH,
) -> pd.DataFrame:
    """Power to detect the ordering for each (respondents, effect_scale): columns
    ``respondents, effect_scale, power, mc_se`` (Monte Carlo standard error)."""
    rows = []
    for scale in effect_scales:
        scaled = scaled_truth(truth, scale)
        for n in respondents:
            hits = [
                ordering_detected(simulate_survey(n, tasks, seed + 7919 * s, scaled), alpha)
                for s in range(simulations)
            ]
            p = float(np.mean(hits))
            rows.append(
                {
                    "respondents": n,
                    "effect_scale": scale,
                    "power": p,
                    "mc_se": float(np.sqrt(p * (1 - p) / simulations)),
                }
            )
    return pd.DataFrame(rows)


def respondents_for_power(curve: pd.DataFrame, target: float = 0.8) -> pd.Series:
    """Smallest respondent count in ``curve`` reaching ``target`` power, per effect scale
    (NaN where none does)."""
    reached = curve[curve["power"] >= target]
    smallest = reached.groupby("effect_scale")["respondents"].min()
    return smallest.reindex(sorted(curve["effect_scale"].unique()))
