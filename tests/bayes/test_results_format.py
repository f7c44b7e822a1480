"""Results files in the ArviZ 1 format (xarray DataTree): exact round trip, and files written
before the move (ArviZ 0.x InferenceData layout, no ``retrench_format`` attribute) read exactly."""

from __future__ import annotations

import numpy as np
import xarray as xr

from retrench.bayes import inference_data as idio


def _tree() -> xr.DataTree:
    rng = np.random.default_rng(7)
    return idio.from_arrays(
        {"mu": rng.normal(size=(2, 50)), "beta": rng.normal(size=(2, 50, 3))},
        log_likelihood={"y": rng.normal(size=(2, 50, 4))},
        observed_data={"y": rng.normal(size=4)},
        sample_stats={"diverging": np.zeros((2, 50), bool)},
        dims={"beta": ["k"], "y": ["obs"]},
        coords={"k": ["a", "b", "c"]},
    )


def test_new_files_round_trip_exactly_and_say_their_format(tmp_path):
    tree = _tree()
    idio.set_attrs(tree, {"retrench_model": "toy"})
    idio.write_netcdf(tree, str(tmp_path / "fit.nc"))
    back = idio.read_netcdf(str(tmp_path / "fit.nc"))
    assert idio.attrs_of(back)["retrench_format"] == idio.FORMAT == "datatree-1"
    assert idio.attrs_of(back)["retrench_model"] == "toy"
    assert sorted(idio.group_names(back)) == sorted(idio.group_names(tree))
    for name in idio.group_names(tree):
        xr.testing.assert_identical(idio.group(back, name), idio.group(tree, name))


def test_a_file_in_the_pre_move_layout_is_read_exactly(tmp_path):
    """ArviZ 0.x wrote one NetCDF group per InferenceData group and the attributes at the root;
    write that layout by hand with xarray alone and read it back."""
    path = tmp_path / "old.nc"
    rng = np.random.default_rng(3)
    posterior = xr.Dataset(
        {"mu": (("chain", "draw"), rng.normal(size=(1, 20)))},
        coords={"chain": [0], "draw": np.arange(20)},
    )
    xr.Dataset(attrs={"retrench_model": "toy"}).to_netcdf(path, mode="w")
    posterior.to_netcdf(path, mode="a", group="posterior")
    back = idio.read_netcdf(str(path))
    assert idio.attrs_of(back)["retrench_format"] == "inferencedata-0"
    assert idio.attrs_of(back)["retrench_model"] == "toy"
    np.testing.assert_array_equal(idio.group(back, "posterior")["mu"].values, posterior.mu.values)


def test_drop_variables_leaves_the_other_variables_untouched():
    tree = _tree()
    before = idio.group(tree, "posterior")["beta"].values.copy()
    idio.drop_variables(tree, "posterior", ["mu", "not_there"])
    assert list(idio.group(tree, "posterior").data_vars) == ["beta"]
    np.testing.assert_array_equal(idio.group(tree, "posterior")["beta"].values, before)
