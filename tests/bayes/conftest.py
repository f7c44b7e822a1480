"""Session fixture: a small simulated tariff panel fitted through the CLI (`retrench fit`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrench._cli_workflow import app
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.workflow.jax_cache import enable_compilation_cache

SMALL = {"n_countries": 8, "n_years": 6, "seed": 12, "first_year": 2006}


@pytest.fixture(scope="session")
def small_tariff_fit(tmp_path_factory) -> dict:
    """Fit 8 simulated countries x 6 years (2 chains x 150 draws) via the CLI; return paths,
    truth and the CLI result."""
    root = tmp_path_factory.mktemp("tariff_fit")
    panel, truth = simulate_tariff_panel(**SMALL)
    csv = root / "panel.csv"
    panel.to_csv(csv, index=False)
    out = root / "out"
    result = CliRunner().invoke(
        app,
        [
            "fit",
            "tariffs",
            "--data",
            str(csv),
            "--out",
            str(out),
            "--draws",
            "150",
            "--warmup",
            "150",
            "--chains",
            "2",
            "--seed",
            "3",
            "--set",  # a few countries per region: SMALL_PANEL_OVERRIDES
            "parameterisation.group=non_centred",
            "--set",
            "parameterisation.country_sigma=non_centred",
        ],
    )
    return {"out": Path(out), "csv": csv, "truth": truth, "panel": panel, "result": result}


@pytest.fixture(scope="session", autouse=True)
def _compilation_cache():
    """Reuse compiled NUTS kernels across fits and test runs (opt out: RETRENCH_JAX_CACHE=0)."""
    enable_compilation_cache()
