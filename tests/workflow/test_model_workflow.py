"""Shared workflow on a toy regression: groups, reproducibility, save/load, counterfactuals."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from tests.workflow.toy_model import ToyModel, toy_panel

from retrench.bayes import inference_data as idio
from retrench.errors import DataError, SpecError

GROUPS = (
    "posterior",
    "sample_stats",
    "log_likelihood",
    "observed_data",
    "prior",
    "prior_predictive",
    "posterior_predictive",
)


def test_fit_returns_every_group_and_only_the_likelihood_as_observed(fitted_toy):
    idata = fitted_toy.idata
    for name in GROUPS:
        assert idio.has_group(idata, name), name
    assert list(idata.observed_data.data_vars) == ["y_obs"]
    assert list(idata.log_likelihood.data_vars) == ["y_obs"]
    assert idata.posterior.sizes["chain"] == 2 and idata.posterior.sizes["draw"] == 150
    np.testing.assert_array_equal(idata.observed_data["y_obs"].values, toy_panel()["y"].values)


def test_posterior_recovers_the_least_squares_line(fitted_toy):
    panel = toy_panel()
    slope, intercept = np.polyfit(panel["x"], panel["y"], 1)
    post = fitted_toy.idata.posterior
    assert abs(float(post["slope"].mean()) - slope) < 0.05
    assert abs(float(post["intercept"].mean()) - intercept) < 0.05


def test_same_seed_gives_bit_identical_draws_and_another_seed_does_not(toy_spec_path):
    draws = []
    for seed in (5, 5, 6):
        model = ToyModel(toy_panel(), toy_spec_path)
        idata = model.fit(draws=30, chains=2, seed=seed, warmup=30, prior_draws=10)
        draws.append({k: idata.posterior[k].values.copy() for k in ("intercept", "slope", "sigma")})
    for k in draws[0]:
        assert np.array_equal(draws[0][k], draws[1][k])
        assert not np.array_equal(draws[0][k], draws[2][k])


def test_save_load_round_trip_is_exact(fitted_toy, tmp_path, toy_spec_path):
    path = tmp_path / "fit.nc"
    fitted_toy.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["fit.nc"]  # no temporary file left
    loaded = ToyModel.load(path, toy_panel())
    for k in ("intercept", "slope", "sigma", "mean"):
        assert np.array_equal(
            loaded.idata.posterior[k].values, fitted_toy.idata.posterior[k].values
        )
    assert loaded.seed == fitted_toy.seed
    a = fitted_toy.posterior_predictive()["y_obs"].values
    b = loaded.posterior_predictive()["y_obs"].values
    assert np.array_equal(a, b)
    cf_a = fitted_toy.counterfactual(mean_shift=0.5)["mean"].values
    cf_b = loaded.counterfactual(mean_shift=0.5)["mean"].values
    assert np.array_equal(cf_a, cf_b)
    attrs = idio.attrs_of(loaded.idata)
    versions = json.loads(attrs["retrench_versions"])
    assert {"jax", "numpyro", "arviz-base", "arviz-stats"} <= set(versions)
    assert attrs["retrench_jax_backend"] in ("cpu", "gpu", "cuda", "tpu")
    assert json.loads(attrs["retrench_spec"]) == fitted_toy.spec


def test_load_refuses_other_data_other_spec_and_other_model(fitted_toy, tmp_path):
    path = tmp_path / "fit.nc"
    fitted_toy.save(path)
    other = toy_panel()
    other.loc[3, "y"] += 1e-9
    with pytest.raises(DataError, match="not the data of the saved fit"):
        ToyModel.load(path, other)
    changed = json.loads(fitted_toy.spec_json)
    changed["priors"]["sigma"]["scale"] = 2.0
    with pytest.raises(SpecError, match=r"priors\.sigma\.scale"):
        ToyModel.load(path, toy_panel(), changed)
    from retrench.bayes.tariffs import TariffModel

    with pytest.raises(SpecError, match="holds a fit of model 'toy', not 'tariffs'"):
        TariffModel.load(path, toy_panel())
    with pytest.raises(DataError, match="does not exist"):
        ToyModel.load(tmp_path / "missing.nc", toy_panel())


def test_atomic_save_keeps_the_old_file_when_writing_fails(fitted_toy, tmp_path, monkeypatch):
    path = tmp_path / "fit.nc"
    fitted_toy.save(path)
    before = path.read_bytes()

    def broken(idata, target):
        with open(target, "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(idio, "write_netcdf", broken)
    with pytest.raises(OSError, match="disk full"):
        fitted_toy.save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["fit.nc"]


def test_counterfactual_is_the_same_model_under_do(fitted_toy):
    ds = fitted_toy.counterfactual(mean_shift=1.5, return_sites=["mean"])
    np.testing.assert_allclose(ds["mean_change"].values, 1.5, rtol=0, atol=1e-12)
    post = fitted_toy.idata.posterior
    x = toy_panel()["x"].to_numpy()
    direct = post["intercept"].values[..., None] + 1.5 + post["slope"].values[..., None] * x
    np.testing.assert_allclose(ds["mean"].values, direct, rtol=1e-12)
    with pytest.raises(SpecError, match=r"^policy\.slope: not a policy node"):
        fitted_toy.counterfactual(slope=1.0)


def test_prior_predictive_matches_the_prior(fitted_toy):
    ds = fitted_toy.prior_predictive(draws=4000, seed=3)
    assert abs(float(ds["intercept"].std()) - 2.0) < 0.1  # spec: Normal(0, 2)
    assert ds["y_obs"].shape == (4000, 40)


def test_fit_arguments_are_checked(toy_spec_path):
    model = ToyModel(toy_panel(), toy_spec_path)
    with pytest.raises(SpecError, match=r"^sampler\.draws"):
        model.fit(draws=0)
    with pytest.raises(RuntimeError, match="call fit"):
        model.posterior_predictive()
