"""Simulation-based calibration of the tariff model (slow: `make test-all`).

Truths are drawn from the model's prior; data are simulated from them by the data layer's
independent simulator (`retrench.data.simulate_tariffs.simulate_from_weights`); the model is fitted
to each data set. If model, simulator and sampler agree, the rank of each truth among its posterior
draws is uniform and 90 % intervals cover the truth 90 % of the time (Talts et al. 2018).
"""

from __future__ import annotations

import os
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

from retrench.bayes.tariffs import TariffModel
from retrench.data.simulate_tariffs import simulate_from_weights, simulate_tariff_panel
from retrench.workflow.jax_cache import enable_compilation_cache
from retrench.workflow.plots import plot_rank_histograms

N_DATASETS = int(os.environ.get("RETRENCH_SBC_N", "50"))  # >= 50 for the real check
N_DRAWS = 200


@pytest.mark.slow
def test_sbc_ranks_uniform_and_90_percent_intervals_cover(tmp_path):
    enable_compilation_cache()
    structure, _ = simulate_tariff_panel(n_countries=6, n_years=6, seed=0, first_year=2006)
    model = TariffModel(structure)
    ref = model.spec["data"]["reference_year"]
    years = np.sort(structure["year"].unique())
    groups = structure.drop_duplicates("country_code")["region"].to_numpy()
    prior = model.prior_predictive(draws=N_DATASETS, seed=2024)
    names = ("tariff_rules", "trend", "sigma_log_mean", "gamma_E")
    ranks = {n: [] for n in names}
    covered = []
    for k in range(N_DATASETS):
        assert int(prior["solver_failures"][k]) == 0
        panel, truth = simulate_from_weights(
            prior["gamma_E"].values[k],
            prior["gamma_M"].values[k],
            prior["sigma_country"].values[k],
            years=years,
            trend=float(prior["trend"][k]),
            reference_year=ref,
            groups=groups,
            censor_below=model.spec["likelihood"]["censor_below_pct"] / 100,
            seed=k,
        )
        np.testing.assert_allclose(truth.tariff_rules, prior["tariff_rules"].values[k], atol=1e-9)
        model.observed = {"tariff": jnp.asarray(panel["tariff_applied_pct"].to_numpy() / 100)}
        idata = model.fit(draws=N_DRAWS, chains=1, seed=k, warmup=N_DRAWS, prior_draws=5)
        post = idata.posterior
        for name in names:
            draws = post[name].values.reshape(N_DRAWS, -1)
            true = np.atleast_1d(prior[name].values[k])
            ranks[name].append((draws < true).sum(0))
        draws = post["tariff_rules"].values.reshape(N_DRAWS, -1)
        lo, hi = np.quantile(draws, [0.05, 0.95], axis=0)
        covered.append((lo <= truth.tariff_rules) & (truth.tariff_rules <= hi))
    out = Path(os.environ.get("RETRENCH_SBC_OUT", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    plot_rank_histograms(
        {n: np.concatenate(r) for n, r in ranks.items()}, N_DRAWS, out / "sbc_tariffs_ranks.png"
    )
    coverage = float(np.mean(covered))
    assert (out / "sbc_tariffs_ranks.png").is_file()
    print(f"SBC over {N_DATASETS} data sets: 90 % interval coverage of t_c {coverage:.3f}")
    if N_DATASETS < 50:  # a smoke run (RETRENCH_SBC_N small) only checks the pipeline
        return
    assert 0.82 <= coverage <= 0.97, coverage
    for name in names:
        r = np.concatenate(ranks[name]) / N_DRAWS
        # uniform ranks: mean 1/2, and not piled at the ends
        assert abs(r.mean() - 0.5) < 0.1, (name, r.mean())
        assert np.mean((r < 0.05) | (r > 0.95)) < 0.2, name
