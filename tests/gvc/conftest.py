"""Shared simulated panels for the GVC threshold tests (session-scoped: simulate once)."""

from __future__ import annotations

import pytest

from retrench.bayes.gvc_design import design_from_panel
from retrench.bayes.gvc_model import GVCThresholdModel
from retrench.bayes.gvc_posterior import ThresholdSampler
from retrench.data.simulate_gvc import simulate_gvc_panel


@pytest.fixture(scope="session")
def strong_threshold_panel():
    """Paper-sized panel (21 × 16) with one clear threshold at ω = 0.87 on the μ slope."""
    return simulate_gvc_panel(seed=11, thresholds=(0.87,), increments=(-0.8,), sigma=0.25)


@pytest.fixture(scope="session")
def strong_threshold_design(strong_threshold_panel):
    return design_from_panel(strong_threshold_panel.panel)


@pytest.fixture(scope="session")
def no_threshold_panel():
    return simulate_gvc_panel(seed=12, thresholds=(), increments=())


@pytest.fixture(scope="session")
def sampler_one():
    """One compiled K = 1 sampler shared by every paper-sized panel (compiling dominates)."""
    return ThresholdSampler(1, draws=400, warmup=300, chains=2)


#: Spec overrides for simulated panels (years 2000-2015) and the fit settings of the model tests.
SIM_SPEC = {"data": {"years": [2000, 2015]}, "thresholds": {"hansen_replications": 50}}
SIM_FIT = {"draws": 400, "warmup": 300, "chains": 2, "seed": 3}


@pytest.fixture(scope="session")
def fitted_one(strong_threshold_panel):
    """GVCThresholdModel with one threshold fitted to the strong-threshold panel (shared)."""
    model = GVCThresholdModel(strong_threshold_panel.panel, SIM_SPEC)
    model.fit(**SIM_FIT)
    return model
