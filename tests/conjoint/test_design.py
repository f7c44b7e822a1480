"""The randomised paired-profile design: layout, uniform levels, restrictions, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from retrench.designs.conjoint.attributes import ATTRIBUTES, DIMENSIONS, effect_names
from retrench.designs.conjoint.design import generate_design, restricted_attributes
from retrench.errors import SpecError


def test_table_2_has_five_dimensions_and_six_attribute_columns():
    assert len(set(d.split(" (")[0] for d in DIMENSIONS.values())) == 5
    assert list(ATTRIBUTES) == [
        "shock_type",
        "ally",
        "regime",
        "sociotropic",
        "differentiation",
        "firm_type",
    ]
    assert len(effect_names()) == 3 + 1 + 1 + 1 + 1 + 2


def test_layout_and_uniform_levels():
    design = generate_design(400, 5, seed=1)
    assert len(design) == 400 * 5 * 2
    assert list(design.columns[:3]) == ["respondent", "task", "profile"]
    per_task = design.groupby(["respondent", "task"])["profile"].apply(tuple)
    assert set(per_task) == {(1, 2)}
    for attribute, levels in ATTRIBUTES.items():
        share = design[attribute].value_counts(normalize=True)
        assert set(share.index) == set(levels)
        # 4000 draws: each share within 5 binomial sd of 1/len(levels)
        p = 1 / len(levels)
        assert np.all(np.abs(share - p) < 5 * np.sqrt(p * (1 - p) / len(design)))


def test_pairs_distinct_and_seed_reproducible():
    a, b = generate_design(50, 4, seed=3), generate_design(50, 4, seed=3)
    assert a.equals(b)
    attrs = list(ATTRIBUTES)
    first, second = a[a.profile == 1][attrs].to_numpy(), a[a.profile == 2][attrs].to_numpy()
    assert not (first == second).all(axis=1).any()
    assert not a.equals(generate_design(50, 4, seed=4))


def test_restrictions_never_violated():
    rule = {"ally": "Ally", "regime": "Autocracy"}
    design = generate_design(300, 4, seed=2, restrictions=[rule])
    assert not ((design.ally == "Ally") & (design.regime == "Autocracy")).any()
    assert ((design.ally == "Adversary") & (design.regime == "Autocracy")).any()
    assert restricted_attributes([rule]) == ["ally", "regime"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"respondents": 0}, "respondents: expected an integer >= 1"),
        ({"restrictions": [{"ally": "Friend", "regime": "Autocracy"}]}, "unknown level 'Friend'"),
        ({"restrictions": [{"colour": "red", "regime": "Autocracy"}]}, "unknown attribute"),
        ({"restrictions": [{"ally": "Ally"}]}, "at least two attributes"),
    ],
)
def test_bad_design_arguments(kwargs, message):
    args = {"respondents": 5, "tasks": 2, "seed": 0} | kwargs
    with pytest.raises(SpecError, match=message):
        generate_design(**args)
