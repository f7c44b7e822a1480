"""The one use of JAX's private API (its backend cache) and the public replacement for assigning
``model.observed`` on a cached model."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from tests.workflow.toy_model import ToyModel, toy_panel

from retrench.errors import SpecError


def test_jax_backends_started_turns_true_once_jax_computes() -> None:
    code = (
        "from retrench.workflow.executor_backends import jax_backends_started as s\n"
        "import jax.numpy as jnp\n"
        "before = s()\n"
        "jnp.zeros(1).block_until_ready()\n"
        "print(before, s())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr


def test_with_observed_is_a_new_model_on_the_same_design(toy_spec_path) -> None:
    model = ToyModel(toy_panel(), toy_spec_path)
    new_y = np.linspace(-1.0, 1.0, len(model.panel))
    twin = model.with_observed({"y": new_y})
    assert twin is not model and twin.inputs is model.inputs
    np.testing.assert_array_equal(np.asarray(twin.observed["y"]), new_y)
    np.testing.assert_array_equal(
        np.asarray(model.observed["y"]), model.panel["y"].to_numpy(float)
    )  # the original keeps its data
    assert twin.data_hash != model.data_hash and twin.idata is None
    assert model.with_observed({"y": new_y}).data_hash == twin.data_hash
    with pytest.raises(SpecError, match=r"expected the observed arrays \['y'\]"):
        model.with_observed({"z": new_y})
    with pytest.raises(SpecError, match="y has shape"):
        model.with_observed({"y": new_y[:-1]})
