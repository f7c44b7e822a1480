"""Simulation-based calibration of the electoral model over >= 50 simulated data sets (slow).

Each data set is drawn from the model's own prior predictive (parameters from the prior, roll
calls and district changes from the likelihood) on the design of the simulated panels, refitted,
and the rank of the true value among the posterior draws recorded (Talts et al. 2018), with the
coverage of the central 90 % intervals. Run by ``make test-all``; about 2–4 minutes per data set
on 2 cores.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from scipy import stats

from retrench.bayes.electoral import ElectoralModel
from retrench.data.simulate_electoral import ElectoralTruth, simulate_electoral
from retrench.bayes.base import run_predictive

N_DATASETS = 50
DRAWS = 200
SBC_SITES = ("x_H", "discipline", "qr_scale", "gamma", "lam", "m", "exposure_loading")
SBC_VECTOR_SITES = ("p_exit_H",)


def sbc_ranks(n_datasets: int = N_DATASETS, seed: int = 0):
    """(ranks by site, coverage by site) over ``n_datasets`` prior-predictive data sets."""
    rollcalls, districts = simulate_electoral(ElectoralTruth(), seed, n_districts=100)
    base = ElectoralModel(rollcalls, {"sampler": {"max_tree_depth": 6}}, districts)
    prior = run_predictive(
        base.model, jax.random.PRNGKey(seed), base.inputs, num_samples=n_datasets
    )
    ranks: dict[str, list] = {s: [] for s in SBC_SITES + SBC_VECTOR_SITES}
    covered: dict[str, list] = {s: [] for s in ranks}
    for k in range(n_datasets):
        model = ElectoralModel(rollcalls, {"sampler": {"max_tree_depth": 6}}, districts)
        model.observed = {"yea": prior["yea_obs"][k], "d_rep_share": prior["district_obs"][k]}
        idata = model.fit(draws=DRAWS, chains=1, warmup=DRAWS, seed=1000 + k, prior_draws=10)
        for site in ranks:
            draws = np.asarray(idata.posterior[site].values).reshape(DRAWS, -1)
            true = np.asarray(prior[site][k]).reshape(-1)
            ranks[site].append((draws < true).sum(0))
            lo, hi = np.quantile(draws, [0.05, 0.95], axis=0)
            covered[site].append((lo <= true) & (true <= hi))
    return {s: np.asarray(v) for s, v in ranks.items()}, {
        s: float(np.mean(v)) for s, v in covered.items()
    }


@pytest.mark.slow
def test_simulation_based_calibration():
    ranks, coverage = sbc_ranks()
    print("90 % interval coverage:", coverage)
    for site, r in ranks.items():
        r = r.reshape(-1)
        counts = np.histogram(r, bins=10, range=(0, DRAWS + 1))[0]
        p = stats.chisquare(counts).pvalue
        assert p > 1e-4, (site, counts)
        assert 0.75 <= coverage[site] <= 0.98, (site, coverage[site])
