"""The toy design's model class, spec schema, data source and calibration tasks.

y_i ~ Normal(intercept + shift + slope x_i, sigma): ``shift`` (a policy node, 0 in the data) is
what its counterfactual moves. Data: ``--synthetic`` (40 simulated rows) or ``--data FILE.csv``
with columns x, y.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.bayes.base import StructuralModel, policy_node
from retrench.bayes.priors import prior_distribution
from retrench.bayes.spec import SpecSchema, deep_merge, read_spec_file
from retrench.data.sources import csv_or_root, no_synthetic_with_data
from retrench.errors import DataError

SPEC_FILE = Path(__file__).with_name("toy.toml")
REQUIRED = {"model", "data", "priors", "likelihood", "sampler"}


class ToyDesign(StructuralModel):
    """Linear regression with a policy node ``mean_shift``."""

    schema = SpecSchema(
        model_name="toy", parameters=("intercept", "slope", "sigma"), data_columns=("x", "y")
    )
    observed_sites = ("y_obs",)
    summary_sites = ("intercept", "slope", "sigma")

    def __init__(self, data: pd.DataFrame, spec: Any = None) -> None:
        if spec is None or (isinstance(spec, Mapping) and not set(spec) >= REQUIRED):
            spec = deep_merge(read_spec_file(SPEC_FILE), dict(spec or {}))
        super().__init__(data, spec)

    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        panel = data[[self.spec["data"]["x"], self.spec["data"]["y"]]].copy()
        panel.columns = ["x", "y"]
        bad = panel.index[panel.isna().any(axis=1)].tolist()
        if bad:
            raise DataError(f"toy: missing x or y in rows {bad}")
        return panel.reset_index(drop=True)

    def model_inputs(self, panel: pd.DataFrame):
        return {"x": jnp.asarray(panel["x"].to_numpy(float))}, {
            "y": jnp.asarray(panel["y"].to_numpy(float))
        }

    def coords_and_dims(self):
        return {"obs": np.arange(len(self.panel))}, {"y_obs": ["obs"], "mean": ["obs"]}

    def model(self, inputs, observed):
        priors = self.spec["priors"]
        intercept = numpyro.sample("intercept", prior_distribution(priors["intercept"]))
        slope = numpyro.sample("slope", prior_distribution(priors["slope"]))
        sigma = numpyro.sample("sigma", prior_distribution(priors["sigma"]))
        shift = policy_node("mean_shift", jnp.zeros(()))
        mean = numpyro.deterministic("mean", intercept + shift + slope * inputs["x"])
        obs = None if observed is None else observed["y"]
        numpyro.sample("y_obs", dist.Normal(mean, sigma), obs=obs)


def toy_panel(n: int = 40, seed: int = 0, intercept: float = 1.0, slope: float = 0.5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": intercept + slope * x + 0.3 * rng.normal(size=n)})


def toy_source(data=None, synthetic: bool = False) -> dict[str, Any]:
    no_synthetic_with_data(data, synthetic)
    if synthetic or data is None:
        return {"kind": "synthetic"}
    source = csv_or_root(data, "toy")
    if source["kind"] != "csv":
        raise DataError(f"--data {data}: the toy design reads a CSV file with columns x, y")
    return source


def load_toy_data(source: dict[str, Any]) -> dict[str, Any]:
    if source["kind"] == "synthetic":
        return {"data": toy_panel()}
    return {"data": pd.read_csv(source["path"])}


# --- simulation-based calibration tasks -----------------------------------------------------
def simulate(seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    truth = {"intercept": rng.normal(0, 2.0), "slope": rng.normal(0, 2.0)}
    panel = toy_panel(n=30, seed=seed, **truth)
    return {k: np.asarray(v) for k, v in truth.items()}, {"panel": panel}


def fit(data: dict, seed: int, warmup: int = 60, draws: int = 60) -> dict:
    model = ToyDesign(data["panel"], {"sampler": {"chains": 1}})
    idata = model.fit(draws=draws, chains=1, seed=seed, warmup=warmup, prior_draws=2)
    return idio.posterior_draws(idata, ["intercept", "slope"])
