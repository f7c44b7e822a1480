r"""The standard conjoint estimators: AMCEs by OLS, marginal means, subgroup differences.

* AMCE (Hainmueller, Hopkins & Yamamoto 2014, Political Analysis 22(1), eq. 5 and section 4):
  with fully randomised, independent attributes, the AMCE of each non-reference level is the
  coefficient of its indicator in the linear probability model y = α + X β + ε estimated by
  least squares on all profiles (``y`` = ``chosen``, or ``rating``), with standard errors
  clustered by respondent.
* Marginal means (Leeper, Hobolt & Tilley 2020, Political Analysis 28(2)): the mean outcome of
  the profiles showing a level, MM_l = E[y | attribute = l], with respondent-clustered SEs (one
  regression of y on the attribute's level indicators without intercept). For forced choice
  they average 0.5 within an attribute.
* Subgroup differences: MM_l(group g) − MM_l(reference group), and an omnibus test that the
  preferences do not differ at all: y regressed on X, the group indicators and their
  interactions with X, Wald χ² test that every interaction is 0 (cluster-robust covariance).
  Differences of *conditional AMCEs* depend on the reference level (LHT 2020): report MM
  differences.

Cluster-robust covariance (Liang–Zeger / Stata's CR1, the statsmodels default):
V = c (X'X)^{-1} (Σ_g X_g' e_g e_g' X_g) (X'X)^{-1}, c = G/(G−1) · (n−1)/(n−k). Intervals are
estimate ± z_{0.95} SE (90 %, normal quantile). Least squares via ``statsmodels``.
Valid only for attributes not involved in a design restriction (HHY 2014, section 4.2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from retrench.designs.conjoint.attributes import ATTRIBUTES, effect_names
from retrench.designs.conjoint.encoding import attribute_dummies, respondent_index
from retrench.errors import DataError

Z90 = float(stats.norm.ppf(0.95))
TABLE_COLUMNS = ["attribute", "level", "estimate", "std_error", "lower", "upper", "method"]


def _outcome(frame: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome not in frame.columns:
        raise DataError(f"outcome {outcome!r}: no such column in the survey")
    return frame[outcome].to_numpy(float)


def clustered_ols(y: np.ndarray, x: np.ndarray, clusters: np.ndarray):
    """statsmodels OLS of y on x (x includes any intercept), CR1 covariance by ``clusters``."""
    return sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": clusters})


def _table(rows: list[tuple[str, str]], est: np.ndarray, se: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "attribute": [a for a, _ in rows],
            "level": [lvl for _, lvl in rows],
            "estimate": est,
            "std_error": se,
            "lower": est - Z90 * se,
            "upper": est + Z90 * se,
            "method": "ols",
        }
    )[TABLE_COLUMNS]


def amce_ols(
    frame: pd.DataFrame,
    outcome: str = "chosen",
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
) -> pd.DataFrame:
    """AMCEs with respondent-clustered SEs: one row per non-reference level."""
    y = _outcome(frame, outcome)
    x = np.column_stack([np.ones(len(frame)), attribute_dummies(frame, attributes)])
    clusters, _ = respondent_index(frame)
    fit = clustered_ols(y, x, clusters)
    return _table(effect_names(attributes), np.asarray(fit.params)[1:], np.asarray(fit.bse)[1:])


def marginal_means_ols(
    frame: pd.DataFrame,
    outcome: str = "chosen",
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
) -> pd.DataFrame:
    """Marginal means of every level with respondent-clustered SEs."""
    y = _outcome(frame, outcome)
    clusters, _ = respondent_index(frame)
    rows, est, se = [], [], []
    for attribute, levels in attributes.items():
        x = np.column_stack([(frame[attribute].to_numpy() == lvl).astype(float) for lvl in levels])
        fit = clustered_ols(y, x, clusters)
        rows += [(attribute, lvl) for lvl in levels]
        est += list(np.asarray(fit.params))
        se += list(np.asarray(fit.bse))
    return _table(rows, np.array(est), np.array(se))


def subgroup_marginal_means(
    frame: pd.DataFrame,
    by: str,
    outcome: str = "chosen",
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
) -> pd.DataFrame:
    """Marginal means within each group of respondent column ``by`` and their differences from
    the first group (sorted); columns add ``group`` and ``difference`` rows (``group`` =
    "<g> - <reference>")."""
    if by not in frame.columns:
        raise DataError(f"subgroup column {by!r}: no such column in the survey")
    groups = sorted(frame[by].astype(str).unique())
    if len(groups) < 2:
        raise DataError(f"subgroup column {by!r}: needs at least two groups (got {groups})")
    y = _outcome(frame, outcome)
    clusters, _ = respondent_index(frame)
    member = frame[by].astype(str).to_numpy()
    tables = []
    for attribute, levels in attributes.items():
        level_ind = [(frame[attribute].to_numpy() == lvl).astype(float) for lvl in levels]
        # cell means: indicator(level) × indicator(group)
        cols = [li * (member == g) for g in groups for li in level_ind]
        fit = clustered_ols(y, np.column_stack(cols), clusters)
        params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
        n_l = len(levels)
        for gi, g in enumerate(groups):
            idx = slice(gi * n_l, (gi + 1) * n_l)
            tables.append(
                _table(
                    [(attribute, lvl) for lvl in levels], params[idx], np.sqrt(np.diag(cov)[idx])
                ).assign(group=g)
            )
            if gi == 0:
                continue
            contrast = np.zeros((n_l, len(params)))
            contrast[np.arange(n_l), np.arange(n_l)] = -1.0
            contrast[np.arange(n_l), gi * n_l + np.arange(n_l)] = 1.0
            diff = contrast @ params
            se = np.sqrt(np.diag(contrast @ cov @ contrast.T))
            tables.append(
                _table([(attribute, lvl) for lvl in levels], diff, se).assign(
                    group=f"{g} - {groups[0]}"
                )
            )
    return pd.concat(tables, ignore_index=True)


def omnibus_subgroup_test(
    frame: pd.DataFrame,
    by: str,
    outcome: str = "chosen",
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
) -> dict[str, float]:
    """Wald χ² test that preferences do not differ between the groups of ``by``: every
    interaction of the attribute indicators with the group indicators is 0.

    Returns ``{"statistic", "df", "p_value"}``.
    """
    if by not in frame.columns:
        raise DataError(f"subgroup column {by!r}: no such column in the survey")
    groups = sorted(frame[by].astype(str).unique())
    if len(groups) < 2:
        raise DataError(f"subgroup column {by!r}: needs at least two groups (got {groups})")
    y = _outcome(frame, outcome)
    clusters, _ = respondent_index(frame)
    x = attribute_dummies(frame, attributes)
    member = frame[by].astype(str).to_numpy()
    g_ind = np.column_stack([(member == g).astype(float) for g in groups[1:]])
    inter = np.column_stack([x * g_ind[:, [j]] for j in range(g_ind.shape[1])])
    design = np.column_stack([np.ones(len(frame)), x, g_ind, inter])
    fit = clustered_ols(y, design, clusters)
    q = inter.shape[1]
    params, cov = np.asarray(fit.params)[-q:], np.asarray(fit.cov_params())[-q:, -q:]
    statistic = float(params @ np.linalg.solve(cov, params))
    return {"statistic": statistic, "df": float(q), "p_value": float(stats.chi2.sf(statistic, q))}
