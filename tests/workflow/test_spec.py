"""Spec loading and validation: every error names the key at fault."""

from __future__ import annotations

import tomllib

import pytest

from retrench.bayes.priors import validate_prior
from retrench.bayes.spec import (
    check_columns,
    deep_merge,
    load_spec,
    spec_to_json,
    spec_to_toml,
    validate_spec,
)
from retrench.bayes.tariffs import TARIFF_SCHEMA, TariffModel
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.errors import SpecError


def test_default_tariff_spec_is_valid_and_complete():
    spec = load_spec(TARIFF_SCHEMA)
    assert set(spec["priors"]) == set(TARIFF_SCHEMA.parameters)
    assert spec["model"]["name"] == "tariffs"
    assert spec["likelihood"]["family"] in ("normal", "student_t")


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"priors": {"group_sd": {"family": "cauchyish", "scale": 1.0}}}, "priors.group_sd.family"),
        ({"priors": {"group_sd": {"scale": -1.0}}}, "priors.group_sd.scale"),
        ({"priors": {"group_sd": {"scale": 0.0}}}, "priors.group_sd.scale"),
        ({"priors": {"group_sd": {"scale": "big"}}}, "priors.group_sd.scale"),
        ({"priors": {"group_sd": {"loc": 1.0}}}, "priors.group_sd.loc"),
        (
            {"priors": {"not_a_parameter": {"family": "normal", "loc": 0, "scale": 1}}},
            "priors.not_a_parameter",
        ),
        (
            {"priors": {"trend": {"family": "uniform", "low": 1.0, "high": 0.0}}},
            "priors.trend.high",
        ),
        ({"likelihood": {"family": "cauchy"}}, "likelihood.family"),
        ({"likelihood": {"df": -2.0}}, "likelihood.df"),
        ({"likelihood": {"bogus": 1}}, "likelihood.bogus"),
        ({"sampler": {"chains": 0}}, "sampler.chains"),
        ({"sampler": {"target_accept": 1.5}}, "sampler.target_accept"),
        ({"sampler": {"chain_method": "magic"}}, "sampler.chain_method"),
        ({"data": {"years": [2018, 2000]}}, "data.years"),
        ({"model": {"name": "gvc"}}, "model.name"),
        ({"extra_section": {"a": 1}}, "extra_section"),
        ({"public_weights": {"gamma_E": float("nan")}}, "public_weights.gamma_E"),
    ],
)
def test_invalid_spec_is_rejected_naming_the_key(override, key):
    with pytest.raises(SpecError) as info:
        load_spec(TARIFF_SCHEMA, override)
    assert str(info.value).startswith(key + ":") or str(info.value).startswith(key + " "), str(
        info.value
    )


def test_missing_prior_is_named():
    raw = deep_merge(tomllib.loads(spec_text := spec_to_toml(load_spec(TARIFF_SCHEMA))), {})
    del raw["priors"]["trend"]
    with pytest.raises(SpecError, match=r"^priors\.trend: missing"):
        validate_spec(raw, TARIFF_SCHEMA)
    assert "[priors.trend]" in spec_text


def test_a_column_the_panel_lacks_is_named():
    panel, _ = simulate_tariff_panel(n_countries=3, n_years=2, seed=0)
    with pytest.raises(SpecError, match=r"^data\.tariff: column 'applied' is not in the panel"):
        TariffModel(panel, {"data": {"tariff": "applied"}})
    spec = load_spec(TARIFF_SCHEMA)
    # optional columns (suspect flag, aggregate flag) may be absent
    check_columns(spec, TARIFF_SCHEMA, ["country_code", "year", "tariff_applied_pct", "region"])


def test_user_dict_overrides_the_file_and_a_new_family_replaces_the_table():
    spec = load_spec(
        TARIFF_SCHEMA,
        {
            "priors": {
                "trend": {"family": "student_t", "df": 3, "loc": 0.0, "scale": 0.02},
                "group_sd": {"scale": 0.7},
            }
        },
    )
    assert spec["priors"]["trend"] == {"family": "student_t", "df": 3.0, "loc": 0.0, "scale": 0.02}
    assert spec["priors"]["group_sd"] == {"family": "half_normal", "scale": 0.7}


def test_spec_file_path_and_toml_writer_round_trip(tmp_path):
    spec = load_spec(TARIFF_SCHEMA, {"likelihood": {"family": "student_t"}})
    path = tmp_path / "spec.toml"
    path.write_text(spec_to_toml(spec))
    again = load_spec(TARIFF_SCHEMA, path)
    assert spec_to_json(again) == spec_to_json(spec)


def test_missing_or_broken_spec_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(TARIFF_SCHEMA, tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[model\nname=")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(TARIFF_SCHEMA, bad)


# Every prior family's density and mean against scipy.stats: tests/bayes/test_priors_scipy.py


def test_prior_hyperparameters_must_be_numbers_not_booleans():
    with pytest.raises(SpecError, match=r"^priors\.x\.scale"):
        validate_prior({"family": "half_normal", "scale": True}, "priors.x")
