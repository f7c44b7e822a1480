"""Two-way fixed-effects OLS of eq. 16 (seed 003), the frequentist twin of the K = 0 model.

``GVCP_it = c1 ω_it + c2 μ_it + c3 υ_it + c4 gr_it + γ_i + η_t + ε_it`` on standardised
variables, estimated two ways:

* :func:`panel_ols_two_way`: the maintained reference, ``linearmodels.PanelOLS`` with entity
  and time effects (a dev dependency; imported lazily), with ``cov_type`` "unadjusted"
  (classical) or "clustered" (by country, linearmodels' debiased cluster sandwich);
* :func:`two_way_fixed_effects_ols`: least squares on explicit country and year dummies
  (``numpy.linalg.lstsq``), kept as an independent cross-check, with classical and CR1
  country-clustered standard errors (Liang-Zeger with the factor G/(G−1)·(n−1)/(n−p)).

:func:`linear_agreement_table` puts either beside the posterior of the K = 0 Bayesian model
(Model 1 of issue 6): under the flat fixed-effect prior and the wide N(0, 10²) slope prior the
marginal posterior of c is a multivariate t centred at the OLS estimate with scale
s²(X̃ᵀX̃)⁻¹, so posterior means should sit within Monte Carlo error of the OLS coefficients and
posterior sds within a few per cent of the classical standard errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.designs.gvc.threshold import fixed_effect_dummies
from retrench.errors import SpecError

#: Standard-error flavours of :func:`panel_ols_two_way` (linearmodels ``cov_type`` names).
PANEL_OLS_COVARIANCES = ("unadjusted", "clustered")


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


def _panel_frames(design: ThresholdDesign) -> tuple[pd.Series, pd.DataFrame]:
    """(y, X) indexed by (country, year), the layout ``linearmodels`` expects."""
    index = pd.MultiIndex.from_arrays(
        [
            np.asarray(design.unit_labels, dtype=object)[design.unit],
            np.asarray(design.time_labels)[design.time],
        ],
        names=["country", "year"],
    )
    exog = pd.DataFrame(design.covariates, columns=list(design.covariate_names), index=index)
    return pd.Series(design.y, index=index, name="gvc"), exog


def panel_ols_two_way(design: ThresholdDesign, cov_type: str = "unadjusted") -> pd.DataFrame:
    """Eq. 16 by ``linearmodels.PanelOLS(entity_effects=True, time_effects=True)``.

    Returns one row per regressor (c1..c4 ↔ ω, μ, υ, gr) with ``coef``, ``se`` (of the chosen
    ``cov_type``: "unadjusted" or "clustered" by country) and ``t``; the attrs hold ``nobs``,
    ``df_resid`` and ``sigma2`` (residual variance, SSR / df_resid).
    """
    if cov_type not in PANEL_OLS_COVARIANCES:
        raise SpecError(f"cov_type must be one of {PANEL_OLS_COVARIANCES} (got {cov_type!r})")
    try:
        from linearmodels import PanelOLS
    except ImportError as err:  # pragma: no cover - dev dependency absent
        raise ImportError(
            "panel_ols_two_way needs linearmodels (pip install 'retrench[dev]')"
        ) from err
    y, exog = _panel_frames(design)
    options = {"cluster_entity": True} if cov_type == "clustered" else {}
    model = PanelOLS(y, exog, entity_effects=True, time_effects=True)
    result = model.fit(cov_type=cov_type, **options)
    table = pd.DataFrame(
        {"coef": result.params, "se": result.std_errors, "t": result.tstats}
    ).rename_axis("regressor")
    table.attrs.update(
        nobs=int(result.nobs),
        df_resid=int(result.df_resid),
        sigma2=float(result.resid_ss / result.df_resid),
    )
    return table


def linear_agreement_table(
    design: ThresholdDesign, beta_draws: np.ndarray, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Posterior of c (``beta_draws``, (S, k)) beside a two-way FE OLS table (default
    :func:`panel_ols_two_way` with classical and clustered standard errors).

    Columns: ``ols_coef``, ``ols_se``, ``ols_cluster_se`` (when available), ``bayes_mean``,
    ``bayes_sd``, ``diff_in_sd`` = (posterior mean − OLS) / posterior sd and
    ``sd_over_se`` = posterior sd / classical OLS se.
    """
    names = list(design.covariate_names)
    beta_draws = np.asarray(beta_draws, dtype=float)
    if beta_draws.ndim != 2 or beta_draws.shape[1] != len(names):
        raise ValueError(
            f"beta_draws must have shape (draws, {len(names)}) for {names} (got {beta_draws.shape})"
        )
    if reference is None:
        reference = panel_ols_two_way(design).assign(
            cluster_se=panel_ols_two_way(design, "clustered")["se"]
        )
    table = pd.DataFrame(index=pd.Index(names, name="regressor"))
    table["ols_coef"] = reference["coef"].reindex(names)
    table["ols_se"] = reference["se"].reindex(names)
    if "cluster_se" in reference:
        table["ols_cluster_se"] = reference["cluster_se"].reindex(names)
    table["bayes_mean"] = beta_draws.mean(axis=0)
    table["bayes_sd"] = beta_draws.std(axis=0, ddof=1)
    table["diff_in_sd"] = (table.bayes_mean - table.ols_coef) / table.bayes_sd
    table["sd_over_se"] = table.bayes_sd / table.ols_se
    return table
