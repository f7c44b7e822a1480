"""A toy linear regression built on the shared workflow, used to test the machinery."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from retrench.bayes.base import StructuralModel, policy_node, record_solver_failures
from retrench.bayes.priors import prior_distribution
from retrench.bayes.spec import SpecSchema, one_of
from retrench.errors import DataError


class ToyModel(StructuralModel):
    """y_i ~ Normal(intercept + slope * x_i, sigma); ``mean_shift`` is a policy node."""

    schema = SpecSchema(
        model_name="toy",
        parameters=("intercept", "slope", "sigma"),
        data_columns=("x", "y"),
        likelihood={"family": one_of("normal", "student_t")},
    )
    observed_sites = ("y_obs",)
    summary_sites = ("intercept", "slope", "sigma")

    def prepare_panel(self, data):
        panel = data[[self.spec["data"]["x"], self.spec["data"]["y"]]].copy()
        panel.columns = ["x", "y"]
        if panel.isna().any().any():
            raise DataError("toy: missing values")
        return panel.reset_index(drop=True)

    def model_inputs(self, panel):
        return {"x": jnp.asarray(panel["x"].to_numpy(float))}, {
            "y": jnp.asarray(panel["y"].to_numpy(float))
        }

    def coords_and_dims(self):
        n = len(self.panel)
        return {"obs": np.arange(n)}, {"y_obs": ["obs"], "mean": ["obs"]}

    def model(self, inputs, observed):
        priors = self.spec["priors"]
        intercept = numpyro.sample("intercept", prior_distribution(priors["intercept"]))
        slope = numpyro.sample("slope", prior_distribution(priors["slope"]))
        sigma = numpyro.sample("sigma", prior_distribution(priors["sigma"]))
        record_solver_failures(jnp.isfinite(intercept))
        shift = policy_node("mean_shift", jnp.zeros(()))
        mean = numpyro.deterministic("mean", intercept + shift + slope * inputs["x"])
        numpyro.sample(
            "y_obs",
            dist.Normal(mean, sigma),
            obs=None if observed is None else observed["y"],
        )


def toy_panel(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": 1.0 + 0.5 * x + 0.3 * rng.normal(size=n)})
