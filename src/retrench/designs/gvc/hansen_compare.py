"""How many thresholds? Bayesian criteria beside Hansen's bootstrap tests (seed 003, eq. 19/20).

For K = 0, 1, 2 thresholds the table reports

* ``elpd_loo`` (± se), ``p_loo`` and the largest Pareto k̂ of PSIS-LOO (Vehtari, Gelman & Gabry
  2017) computed from the pointwise log likelihood at joint posterior draws of (β, δ, σ, α, η, φ);
* ``log_marginal``: the exact log p(y | K) of :mod:`retrench.designs.gvc.marginal` (one-dimensional
  quadrature over σ), and the posterior probability of K under equal prior odds;
* Hansen's sequence: the bootstrap p-value of H0: K − 1 thresholds against K, the estimates φ̂
  and their 90 % LR intervals.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.designs.gvc.hansen_bootstrap import HansenAnalysis
from retrench.designs.gvc.marginal import exact_threshold_posterior
from retrench.designs.gvc.matrices import ThresholdDesign
from retrench.designs.gvc.posterior import ThresholdPosterior, pointwise_log_likelihood
from retrench.designs.gvc.threshold import DEFAULT_PRIORS, threshold_arrays


def psis_loo(log_lik: np.ndarray) -> dict[str, float]:
    """PSIS-LOO from an (S, n) pointwise log likelihood: elpd, se, p_loo and max Pareto k
    (arviz-stats through :func:`retrench.bayes.inference_data.loo_from_log_lik`)."""
    result = idio.loo_from_log_lik(log_lik)
    return {
        "elpd_loo": result.elpd_loo,
        "elpd_loo_se": result.se,
        "p_loo": result.p_loo,
        "max_pareto_k": float(np.max(result.pareto_k)),
    }


def compare_threshold_counts(
    design: ThresholdDesign,
    posteriors: Mapping[int, ThresholdPosterior],
    hansen: HansenAnalysis | None = None,
    priors: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per K in ``posteriors``: LOO, exact log marginal likelihood, Hansen's tests."""
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    data = threshold_arrays(design, two_thresholds=2 in posteriors)
    rows = []
    for k, posterior in sorted(posteriors.items()):
        exact = exact_threshold_posterior(
            data,
            k,
            beta_scale=priors["beta"]["scale"],
            delta_scale=priors["delta"]["scale"],
            sigma_scale=priors["sigma"]["scale"],
            sigma_points=400 if k < 2 else 80,
        )
        row = {"thresholds": k, **psis_loo(pointwise_log_likelihood(posterior))}
        row["log_marginal"] = exact.log_marginal
        row["phi_mode"] = tuple(posterior.phi_interval(j).mode for j in range(k))
        row["phi_90"] = tuple(
            (posterior.phi_interval(j).lower, posterior.phi_interval(j).upper_cell_end)
            for j in range(k)
        )
        if hansen is not None and k >= 1:
            fit = hansen.one if k == 1 else hansen.two
            test = hansen.test_0v1 if k == 1 else hansen.test_1v2
            row["hansen_F"] = test.statistic
            row["hansen_p_value"] = test.p_value
            row["hansen_phi"] = fit.thresholds
            row["hansen_phi_90"] = fit.intervals
        rows.append(row)
    table = pd.DataFrame(rows).set_index("thresholds")
    log_m = table["log_marginal"].to_numpy()
    table["posterior_prob_K"] = np.exp(log_m - np.logaddexp.reduce(log_m))
    return table
