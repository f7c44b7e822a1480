"""Fixtures of the workflow tests: a toy regression fitted once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.workflow.toy_model import ToyModel, toy_panel

from retrench.workflow.jax_cache import enable_compilation_cache

TOY_SPEC = Path(__file__).with_name("toy.toml")


@pytest.fixture(scope="session")
def toy_spec_path() -> Path:
    return TOY_SPEC


@pytest.fixture(scope="session")
def fitted_toy() -> ToyModel:
    model = ToyModel(toy_panel(), TOY_SPEC)
    model.fit(draws=150, chains=2, seed=11, warmup=150, prior_draws=50)
    return model


@pytest.fixture(scope="session", autouse=True)
def _compilation_cache():
    """Reuse compiled NUTS kernels across fits and test runs (opt out: RETRENCH_JAX_CACHE=0)."""
    enable_compilation_cache()
