"""Shared fixtures: one small fit on simulated data (module-scoped; compile dominates its cost)."""

from __future__ import annotations

import pytest

from retrench.bayes.electoral import ElectoralModel
from retrench.data.simulate_electoral import ElectoralTruth, simulate_electoral

FAST_SAMPLER = {"sampler": {"max_tree_depth": 6, "seed": 11}}


@pytest.fixture(scope="session")
def truth() -> ElectoralTruth:
    return ElectoralTruth()


@pytest.fixture(scope="session")
def fitted(truth) -> ElectoralModel:
    rollcalls, districts = simulate_electoral(truth, 5, n_districts=150)
    model = ElectoralModel(rollcalls, FAST_SAMPLER, districts)
    model.fit(draws=150, chains=1, warmup=150, prior_draws=150)
    return model
