"""``fit(pointwise=...)``: the per-observation groups are kept, left out on request, or left out
automatically when chains × draws × observations is too large; LOO then says why it cannot run."""

from __future__ import annotations

import numpy as np
import pytest
from tests.workflow.conftest import TOY_SPEC
from tests.workflow.toy_model import ToyModel, toy_panel

from retrench.bayes import base
from retrench.bayes import inference_data as idio
from retrench.errors import SpecError

PER_OBSERVATION = ("log_likelihood", "posterior_predictive")


def _fit(**kwargs):
    model = ToyModel(toy_panel(n=30), TOY_SPEC)
    model.fit(draws=60, chains=1, seed=4, warmup=60, prior_draws=20, **kwargs)
    return model


@pytest.fixture(scope="module")
def without():
    return _fit(pointwise=False)


def test_default_keeps_the_groups_and_says_so():
    model = _fit()
    for name in PER_OBSERVATION:
        assert idio.has_group(model.idata, name)
    assert idio.group(model.idata, "log_likelihood")["y_obs"].shape == (1, 60, 30)
    note = idio.attrs_of(model.idata)["retrench_pointwise"]
    assert note == "stored: 1,800 values per group <= the automatic limit"


def test_left_out_on_request_with_the_same_posterior(without):
    kept = _fit()
    for name in PER_OBSERVATION:
        assert not idio.has_group(without.idata, name)
    assert "y_obs" not in idio.group(without.idata, "prior")
    np.testing.assert_array_equal(
        idio.group(without.idata, "posterior")["slope"].values,
        idio.group(kept.idata, "posterior")["slope"].values,
    )
    assert idio.attrs_of(without.idata)["retrench_pointwise"] == "not stored: left out on request"


def test_loo_names_the_reason_and_checks_still_run_on_demand(without):
    with pytest.raises(SpecError, match="no pointwise log likelihood .*left out on request"):
        idio.loo(without.idata, "y_obs")
    replicated = without.posterior_predictive()
    assert replicated["y_obs"].shape == (1, 60, 30)


def test_automatic_limit_leaves_large_fits_without_them(monkeypatch):
    monkeypatch.setattr(base, "POINTWISE_AUTO_LIMIT", 1_000)
    model = _fit()
    assert not idio.has_group(model.idata, "log_likelihood")
    note = idio.attrs_of(model.idata)["retrench_pointwise"]
    assert note == "not stored: 1,800 values per group > the automatic limit"


def test_a_fit_without_them_saves_and_reloads_exactly(without, tmp_path):
    path = tmp_path / "fit.nc"
    without.save(path)
    again = ToyModel.load(path, toy_panel(n=30))
    assert not idio.has_group(again.idata, "log_likelihood")
    np.testing.assert_array_equal(
        idio.group(again.idata, "posterior")["sigma"].values,
        idio.group(without.idata, "posterior")["sigma"].values,
    )
