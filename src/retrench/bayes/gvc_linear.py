"""Two-way fixed-effects OLS of eq. 16 (seed 003), the frequentist twin of the K = 0 model.

``GVCP_it = c1 ω_it + c2 μ_it + c3 υ_it + c4 gr_it + γ_i + η_t + ε_it`` on standardised
variables, estimated by least squares on explicit country and year dummies (``numpy.linalg.
lstsq``; neither ``linearmodels`` nor ``pyfixest`` is installed in this environment). Standard
errors: classical (σ̂² (XᵀX)⁻¹ on the slope block) and clustered by country (CR1, the
Liang-Zeger sandwich with the small-sample factor G/(G−1)·(n−1)/(n−p)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrench.bayes.gvc_design import ThresholdDesign
from retrench.bayes.gvc_threshold import fixed_effect_dummies


@dataclass(frozen=True)
class FixedEffectsOLS:
    """Slopes ``coef``, classical ``se`` and country-clustered ``cluster_se`` (by regressor
    name), ``r2`` (with the fixed effects), ``r2_within`` and the residual variance."""

    coef: dict[str, float]
    se: dict[str, float]
    cluster_se: dict[str, float]
    r2: float
    r2_within: float
    sigma2: float
    n_obs: int

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"coef": self.coef, "se": self.se, "cluster_se": self.cluster_se}
        ).rename_axis("regressor")


def two_way_fixed_effects_ols(
    design: ThresholdDesign, extra_regressors: dict[str, np.ndarray] | None = None
) -> FixedEffectsOLS:
    """Least squares of ``design.y`` on the covariates (+ ``extra_regressors``) and dummies."""
    names = list(design.covariate_names) + list(extra_regressors or {})
    slopes = np.column_stack([design.covariates, *(extra_regressors or {}).values()])
    dummies = fixed_effect_dummies(design.unit, design.time, design.n_units, design.n_times)
    X = np.column_stack([slopes, dummies])
    coef, *_ = np.linalg.lstsq(X, design.y, rcond=None)
    resid = design.y - X @ coef
    n, p = X.shape
    sigma2 = float(resid @ resid / (n - p))
    xtx_inv = np.linalg.inv(X.T @ X)
    k = slopes.shape[1]
    se = np.sqrt(np.diag(xtx_inv)[:k] * sigma2)
    meat = np.zeros((p, p))
    for g in range(design.n_units):
        score = X[design.unit == g].T @ resid[design.unit == g]
        meat += np.outer(score, score)
    groups = design.n_units
    factor = groups / (groups - 1) * (n - 1) / (n - p)
    cluster = np.sqrt(np.diag(factor * xtx_inv @ meat @ xtx_inv)[:k])
    within_y = design.y - dummies @ np.linalg.lstsq(dummies, design.y, rcond=None)[0]
    ss_total = float(np.sum((design.y - design.y.mean()) ** 2))
    return FixedEffectsOLS(
        coef=dict(zip(names, coef[:k].tolist(), strict=True)),
        se=dict(zip(names, se.tolist(), strict=True)),
        cluster_se=dict(zip(names, cluster.tolist(), strict=True)),
        r2=1 - float(resid @ resid) / ss_total,
        r2_within=1 - float(resid @ resid) / float(within_y @ within_y),
        sigma2=sigma2,
        n_obs=n,
    )
