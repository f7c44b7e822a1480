"""Convergence diagnostics of a fit and a pass / warn / fail verdict with reasons.

Checked per scalar element of every summary parameter: rank-normalised split R-hat, bulk and
tail ESS (ArviZ); per run: divergent transitions, tree-depth saturation (trajectories that hit
``max_tree_depth``), and root-find / domain failures inside the log density. A model records the
latter with :func:`retrench.bayes.base.record_solver_failures`: a failure makes the log
density ``-inf`` (NUTS treats it like a divergence and rejects the point, never an exception) and
is counted in the deterministic ``solver_failures``. Accepted posterior draws therefore show 0;
failures met inside trajectories are among the divergences, so the divergence count is an upper
bound on them, and :func:`diagnose` also reports the share of prior draws at which the solve fails.

Thresholds (Vehtari et al. 2021; Stan defaults): R-hat > 1.01 warns and > 1.05 fails; bulk or
tail ESS below ``min_ess`` (400, capped at half the draws for short runs) warns and below 100
fails; any divergence warns and more than 1 % of draws fails; tree-depth saturation above 1 %
warns; a solver failure in an accepted draw fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.bayes.base import SOLVER_FAILURE_SITE

PASS, WARN, FAIL = "pass", "warn", "fail"
_ORDER = {PASS: 0, WARN: 1, FAIL: 2}


@dataclass
class Diagnostics:
    """Result of :func:`diagnose`: a per-parameter table, run-level counts and a verdict."""

    table: pd.DataFrame
    counts: dict[str, float]
    verdict: str = PASS
    reasons: list[str] = field(default_factory=list)

    def raise_to(self, level: str, reason: str) -> None:
        """Record ``reason`` and raise the verdict to ``level`` if that is worse."""
        self.reasons.append(f"{level}: {reason}")
        if _ORDER[level] > _ORDER[self.verdict]:
            self.verdict = level


def _flatten(ds, name: str) -> tuple[list[str], np.ndarray]:
    arr = np.asarray(ds[name].values)
    if arr.ndim == 0:
        return [name], arr.reshape(1)
    labels = [f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(arr.shape)]
    return labels, arr.reshape(-1)


def parameter_table(idata, var_names: Sequence[str]) -> pd.DataFrame:
    """One row per scalar element: mean, sd, R-hat, ESS bulk, ESS tail."""
    post = idio.group(idata, "posterior")
    rhat = idio.rhat(idata, var_names)
    ess_bulk = idio.ess(idata, var_names, "bulk")
    ess_tail = idio.ess(idata, var_names, "tail")
    rows = []
    for name in var_names:
        labels, means = _flatten(post[name].mean(("chain", "draw")).to_dataset(name=name), name)
        _, sds = _flatten(post[name].std(("chain", "draw")).to_dataset(name=name), name)
        _, r = _flatten(rhat, name)
        _, eb = _flatten(ess_bulk, name)
        _, et = _flatten(ess_tail, name)
        for i, label in enumerate(labels):
            rows.append(
                {
                    "parameter": label,
                    "mean": means[i],
                    "sd": sds[i],
                    "r_hat": r[i],
                    "ess_bulk": eb[i],
                    "ess_tail": et[i],
                }
            )
    return pd.DataFrame(rows).set_index("parameter")


def run_counts(idata, max_tree_depth: int) -> dict[str, float]:
    """Divergences, tree-depth saturation and solver failures of the run."""
    diverging = idio.sample_stat(idata, "diverging")
    n_steps = idio.sample_stat(idata, "n_steps")
    n_draws = int(diverging.size) if diverging is not None else 0
    saturated = 0
    if n_steps is not None:
        saturated = int(np.sum(n_steps >= 2**max_tree_depth - 1))
    post = idio.group(idata, "posterior")
    failures = int(np.sum(post[SOLVER_FAILURE_SITE].values)) if SOLVER_FAILURE_SITE in post else 0
    prior_fail_share = float("nan")
    if idio.has_group(idata, "prior") and SOLVER_FAILURE_SITE in idio.group(idata, "prior"):
        prior_fail = idio.group(idata, "prior")[SOLVER_FAILURE_SITE].values
        prior_fail_share = float(np.mean(prior_fail > 0))
    return {
        "draws": n_draws,
        "chains": int(post.sizes["chain"]),
        "divergences": int(np.sum(diverging)) if diverging is not None else 0,
        "tree_depth_saturated": saturated,
        "solver_failures_in_posterior": failures,
        "prior_share_with_solver_failure": prior_fail_share,
    }


def diagnose(
    idata,
    var_names: Sequence[str],
    *,
    max_tree_depth: int,
    rhat_warn: float = 1.01,
    rhat_fail: float = 1.05,
    min_ess: float = 400.0,
    min_ess_fail: float = 100.0,
) -> Diagnostics:
    """Table, counts and verdict for the parameters ``var_names`` of a fit."""
    table = parameter_table(idata, var_names)
    counts = run_counts(idata, max_tree_depth)
    diag = Diagnostics(table=table, counts=counts)
    worst_rhat = float(table["r_hat"].max())
    worst_ess = float(table[["ess_bulk", "ess_tail"]].min().min())
    n_chains = int(idata.posterior.sizes.get("chain", 1))
    if n_chains < 2:
        diag.raise_to(WARN, "R-hat needs at least 2 chains (1 chain sampled): not checked")
    elif not np.isfinite(worst_rhat):
        diag.raise_to(FAIL, "R-hat is not finite for some parameter")
    elif worst_rhat > rhat_fail:
        diag.raise_to(FAIL, f"max R-hat {worst_rhat:.3f} > {rhat_fail} ({table['r_hat'].idxmax()})")
    elif worst_rhat > rhat_warn:
        diag.raise_to(WARN, f"max R-hat {worst_rhat:.3f} > {rhat_warn} ({table['r_hat'].idxmax()})")
    min_ess_now = min(min_ess, 0.5 * counts["draws"])
    if worst_ess < min_ess_fail:
        diag.raise_to(FAIL, f"min ESS {worst_ess:.0f} < {min_ess_fail:.0f}")
    elif worst_ess < min_ess_now:
        diag.raise_to(WARN, f"min ESS {worst_ess:.0f} < {min_ess_now:.0f}")
    n_div, n = counts["divergences"], max(counts["draws"], 1)
    if n_div > 0.01 * n:
        diag.raise_to(FAIL, f"{n_div} divergent transitions ({100 * n_div / n:.1f} % of draws)")
    elif n_div > 0:
        diag.raise_to(WARN, f"{n_div} divergent transition(s)")
    if counts["tree_depth_saturated"] > 0.01 * n:
        diag.raise_to(WARN, f"{counts['tree_depth_saturated']} draws hit max_tree_depth")
    if counts["solver_failures_in_posterior"] > 0:
        diag.raise_to(FAIL, f"{counts['solver_failures_in_posterior']} solver failures in draws")
    if not diag.reasons:
        diag.reasons.append(
            f"pass: R-hat <= {worst_rhat:.3f}, min ESS {worst_ess:.0f}, no divergences"
        )
    return diag
